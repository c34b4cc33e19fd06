"""CSAT after resolution, NPS sends, tokens and answers, follow-ups, results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from channels.models import OutboundEmail
from crm import services as crm_services
from crm.models import Activity, Channel, Consent
from crm.tests.factories import ContactFactory
from surveys import selectors, services
from surveys.models import Invitation, SurveyResponse
from surveys.tests.factories import (
    consenting,
    csat_survey,
    nps_survey,
    resolved_ticket,
    sent_invitation,
)
from surveys.timeline import SURVEY_ANSWERED
from surveys.tokens import invitation_token
from tickets.models import Ticket
from tickets.tests.factories import desk

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(minutes=61)


@pytest.fixture
def floor():
    return desk()


def sweep(delta=LATER):
    return services.invitations_send_due(now=timezone.now() + delta)


def test_a_resolved_ticket_schedules_one_csat_invitation_after_the_delay(floor):
    csat_survey(floor)
    contact = consenting()
    ticket = resolved_ticket(floor, contact)
    invitation = Invitation.objects.get(ticket=ticket)
    assert invitation.status == Invitation.Status.SCHEDULED
    assert invitation.send_after > timezone.now() + dt.timedelta(minutes=59)
    assert services.invitations_send_due() == 0  # not yet
    assert sweep() == 1
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    outbound = OutboundEmail.objects.get(pk=invitation.outbound_email_id)
    assert outbound.purpose == "survey"
    assert outbound.to == [contact.emails.first().email]
    assert invitation_token(invitation) in outbound.body_text
    assert sweep() == 0  # idempotent: nothing left to claim


def test_reopened_and_resolved_again_keeps_one_invitation(floor):
    from tickets import services as ticket_services

    csat_survey(floor)
    ticket = resolved_ticket(floor, consenting())
    ticket = ticket_services.ticket_change_status(ticket=ticket, status="open", actor=floor.agent)
    ticket_services.ticket_change_status(ticket=ticket, status="resolved", actor=floor.agent)
    assert Invitation.objects.filter(ticket=ticket).count() == 1


def test_a_queue_without_survey_sends_nothing(floor):
    csat_survey(floor)
    from tickets import services as ticket_services
    from tickets.tests.factories import open_ticket

    ticket = open_ticket(floor, queue=floor.other_queue, contact=consenting())
    ticket_services.ticket_change_status(ticket=ticket, status="resolved", actor=floor.agent)
    assert not Invitation.objects.exists()


def test_the_email_is_in_the_contacts_language(floor):
    csat_survey(floor)
    english = consenting(preferred_language="en")
    french = consenting(preferred_language="fr")
    for contact in (english, french):
        resolved_ticket(floor, contact)
    sweep()
    by_contact = {i.contact_id: OutboundEmail.objects.get(pk=i.outbound_email_id)
                  for i in Invitation.objects.all()}  # fmt: skip
    assert "How satisfied" in by_contact[english.pk].body_text
    assert "satisfait" in by_contact[french.pk].body_text


def test_consent_erasure_address_and_frequency_cap_stop_the_send_with_a_reason(floor):
    csat_survey(floor, min_days_between=30)
    no_consent = ContactFactory()
    withdrawn = consenting()
    crm_services.consent_record(
        contact=withdrawn,
        channel=Channel.EMAIL,
        status=Consent.Status.WITHDRAWN,
        source="Mail",
        actor=None,
    )
    no_email = consenting(emails=[])
    erased = consenting()
    twice = consenting()
    tickets = {c.pk: resolved_ticket(floor, c) for c in (no_consent, withdrawn, no_email, erased)}
    first = resolved_ticket(floor, twice)
    second = resolved_ticket(floor, twice)
    crm_services.contact_erase(contact=erased, actor=None, confirmation=erased.full_name)
    sweep()
    reasons = {i.ticket_id: (i.status, i.skip_reason) for i in Invitation.objects.all()}
    assert reasons[tickets[no_consent.pk].pk] == ("skipped", "no_consent")
    assert reasons[tickets[withdrawn.pk].pk] == ("skipped", "no_consent")
    assert reasons[tickets[no_email.pk].pk] == ("skipped", "no_email")
    assert reasons[tickets[erased.pk].pk] == ("skipped", "erased")
    assert reasons[first.pk] == ("sent", "")
    assert reasons[second.pk] == ("skipped", "frequency")
    assert OutboundEmail.objects.count() == 1


def test_the_cap_lets_a_contact_be_surveyed_again_after_the_set_days(floor):
    csat_survey(floor, min_days_between=7)
    contact = consenting()
    resolved_ticket(floor, contact)
    sweep()
    resolved_ticket(floor, contact)
    sweep(dt.timedelta(days=8))
    assert Invitation.objects.filter(status="sent").count() == 2


def test_nps_send_is_idempotent_and_applies_the_same_rules(floor):
    survey = nps_survey(floor)
    ok, refused = consenting(), ContactFactory()
    result = services.nps_survey_send(survey=survey, contact_ids=[ok.pk, refused.pk, 999999])
    assert result.as_dict() == {"scheduled": 2, "already_invited": 0, "unknown": 1}
    again = services.nps_survey_send(survey=survey, contact_ids=[ok.pk])
    assert again.scheduled == 0
    assert again.already_invited == 1
    sweep(dt.timedelta(seconds=1))
    states = dict(Invitation.objects.values_list("contact_id", "skip_reason"))
    assert states == {ok.pk: "", refused.pk: "no_consent"}


@pytest.mark.parametrize("ids", [[], ["abc"], [True], [-1], [None]])
def test_nps_send_refuses_bad_contact_ids_and_writes_nothing(floor, ids):
    survey = nps_survey(floor)
    with pytest.raises(ValidationError):
        services.nps_survey_send(survey=survey, contact_ids=ids)
    assert not Invitation.objects.exists()


def test_a_csat_survey_cannot_be_sent_to_a_list(floor):
    with pytest.raises(ValidationError) as exc:
        services.nps_survey_send(survey=csat_survey(floor), contact_ids=[1])
    assert exc.value.message_dict["survey"] == [str(services.ERROR_NOT_NPS)]


def test_two_active_csat_surveys_cannot_share_a_queue(floor):
    csat_survey(floor)
    with pytest.raises(ValidationError) as exc:
        csat_survey(floor, name="Autre")
    assert "queues" in exc.value.message_dict


def test_a_low_csat_opens_a_follow_up_ticket_and_lands_on_the_timeline(floor):
    invitation = sent_invitation(floor)
    response = services.response_submit(
        invitation=invitation, score="2", comment="C'est inadmissible, je suis furieux !!!"
    )
    follow_up = response.follow_up_ticket
    assert follow_up is not None
    assert follow_up.queue == floor.other_queue
    assert follow_up.contact_id == invitation.contact_id
    assert response.comment_negative
    assert response.comment_score < 0
    assert response.queue_id == floor.queue.pk
    assert response.agent_id == floor.agent.pk
    activity = Activity.objects.get(kind=SURVEY_ANSWERED, contact=invitation.contact)
    with translation.override("en"):
        from crm.timeline import get_kind

        assert get_kind(SURVEY_ANSWERED).text(activity) == "CSAT answer: 2/5 (CSAT)"
    # The follow-up's first message went through the desk's triage hook too.
    from triage.models import MessageAssessment

    assert MessageAssessment.objects.filter(ticket=follow_up).exists()


def test_a_good_score_opens_no_follow_up_and_a_change_within_the_window_is_kept(floor):
    invitation = sent_invitation(floor)
    response = services.response_submit(invitation=invitation, score=5, comment="")
    assert response.follow_up_ticket is None
    changed = services.response_submit(invitation=invitation, score=1, comment="En fait non")
    assert changed.pk == response.pk
    assert changed.score == 1
    assert changed.follow_up_ticket
    assert SurveyResponse.objects.count() == 1
    # Changing it again does not open a second follow-up.
    services.response_submit(invitation=invitation, score=2)
    assert Ticket.objects.filter(queue=floor.other_queue).count() == 1


def test_after_the_window_the_token_is_spent(floor):
    invitation = sent_invitation(floor)
    services.response_submit(invitation=invitation, score=4)
    later = timezone.now() + dt.timedelta(hours=invitation.survey.change_window_hours + 1)
    with pytest.raises(ValidationError) as exc:
        services.response_submit(invitation=invitation, score=1, now=later)
    assert exc.value.messages == [str(services.ERROR_SPENT)]
    assert SurveyResponse.objects.get().score == 4


def test_an_nps_detractor_opens_a_follow_up_a_passive_does_not(floor):
    survey = nps_survey(floor)
    a, b = consenting(), consenting()
    services.nps_survey_send(survey=survey, contact_ids=[a.pk, b.pk])
    sweep(dt.timedelta(seconds=1))
    inv_a = Invitation.objects.get(contact=a)
    inv_b = Invitation.objects.get(contact=b)
    assert services.response_submit(invitation=inv_a, score=6).follow_up_ticket is not None
    assert services.response_submit(invitation=inv_b, score=7).follow_up_ticket is None


@pytest.mark.parametrize(
    ("score", "comment", "field"),
    [(None, "", "score"), ("", "", "score"), ("6", "", "score"), ("0", "", "score"),
     ("-1", "", "score"), ("1e3", "", "score"), ("<script>", "", "score"),
     ("3", "x" * 2001, "comment"), ("3", "a\x00b", "comment")],
)  # fmt: skip
def test_bad_answers_are_refused_and_nothing_is_written(floor, score, comment, field):
    invitation = sent_invitation(floor)
    with pytest.raises(ValidationError) as exc:
        services.response_submit(invitation=invitation, score=score, comment=comment)
    assert field in exc.value.message_dict
    assert not SurveyResponse.objects.exists()


def test_an_expired_or_erased_link_is_refused(floor):
    invitation = sent_invitation(floor)
    later = invitation.expires_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        services.response_submit(invitation=invitation, score=3, now=later)
    assert exc.value.messages == [str(services.ERROR_EXPIRED)]
    contact = invitation.contact
    crm_services.contact_erase(contact=contact, actor=None, confirmation=contact.full_name)
    invitation.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.response_submit(invitation=invitation, score=3)
    assert exc.value.messages == [str(services.ERROR_ERASED)]
    assert not SurveyResponse.objects.exists()


def test_erasure_scrubs_comments_and_emails_but_keeps_the_scores(floor):
    invitation = sent_invitation(floor)
    contact = invitation.contact
    address = contact.emails.first().email
    services.response_submit(invitation=invitation, score=4, comment=f"Merci {address}")
    crm_services.contact_erase(contact=contact, actor=None, confirmation=contact.full_name)
    response = SurveyResponse.objects.get()
    assert response.comment == ""
    assert response.score == 4
    outbound = OutboundEmail.objects.get(pk=invitation.outbound_email_id)
    assert address not in outbound.body_text
    assert outbound.to == []
    today = timezone.localdate()
    assert selectors.satisfaction_counts(today, today)["csat_responses"] == 1


def test_export_lists_the_answers(floor):
    invitation = sent_invitation(floor)
    services.response_submit(invitation=invitation, score=4, comment="Bien")
    data = services.contact_export_hook(invitation.contact)
    assert data["answers"][0]["score"] == 4
    assert data["answers"][0]["comment"] == "Bien"
    assert len(data["invitations"]) == 1


def test_one_email_goes_out_through_the_backend_after_commit(
    floor, django_capture_on_commit_callbacks
):
    csat_survey(floor)
    contact = consenting()
    resolved_ticket(floor, contact)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    survey_mails = [m for m in mail.outbox if contact.emails.first().email in m.to]
    assert len(survey_mails) == 1
