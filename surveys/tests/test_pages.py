"""The answer page, marketing's pages, the results (exact figures), the API, roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from crm import services as crm_services
from surveys import selectors, services
from surveys.models import Invitation, Survey, SurveyResponse
from surveys.tests.factories import consenting, nps_survey, sent_invitation
from surveys.tokens import invitation_token
from tickets.tests.factories import desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    return desk()


def url(invitation):
    return reverse("surveys:answer", args=[invitation_token(invitation)])


def test_the_customer_answers_without_login_and_a_second_visit_shows_the_answer(client, floor):
    invitation = sent_invitation(floor)
    page = client.get(url(invitation) + "?score=2")
    assert page.status_code == 200
    assert b'value="2" checked' in page.content
    answer = client.post(url(invitation), {"score": "2", "comment": "Trop long"})
    assert answer.status_code == 302
    response = SurveyResponse.objects.get()
    assert response.score == 2
    assert response.follow_up_ticket is not None
    again = client.get(answer["Location"])
    assert b'data-testid="survey-given"' in again.content
    assert b"Trop long" in again.content
    assert b"Modifier ma r" in again.content


def test_the_page_is_in_the_contacts_language(client, floor):
    invitation = sent_invitation(floor, consenting(preferred_language="en"))
    page = client.get(url(invitation), HTTP_ACCEPT_LANGUAGE="fr")
    assert b"How satisfied" in page.content
    assert page["Content-Language"] == "en"


@pytest.mark.parametrize("token", ["forged", "a" * 400, "eyJpIjoxfQ:1x:bad", "%3Cscript%3E"])
def test_a_forged_token_gets_a_clear_page_and_writes_nothing(client, floor, token):
    sent_invitation(floor)
    page = client.post(f"/s/{token}/", {"score": "1"})
    assert page.status_code == 404
    assert "Ce lien d’enquête n’est pas valable." in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_token_naming_another_nonce_is_refused(client, floor):
    invitation = sent_invitation(floor)
    token = invitation_token(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(nonce="other")
    assert client.get(f"/s/{token}/").status_code == 404


def test_expired_spent_and_erased_tokens_are_refused(client, floor):
    expired = sent_invitation(floor)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    page = client.post(url(expired), {"score": "4"})
    assert page.status_code == 410
    assert "a expiré" in page.content.decode()
    spent = sent_invitation(floor)
    services.response_submit(invitation=spent, score=4)
    SurveyResponse.objects.filter(invitation=spent).update(
        answered_at=timezone.now() - dt.timedelta(days=5)
    )
    page = client.post(url(spent), {"score": "1"})
    assert page.status_code == 409
    assert "déjà répondu" in page.content.decode()
    assert SurveyResponse.objects.get(invitation=spent).score == 4
    assert client.get(url(spent)).status_code == 200  # still shows the answer given
    erased = sent_invitation(floor)
    contact = erased.contact
    crm_services.contact_erase(contact=contact, actor=None, confirmation=contact.full_name)
    assert client.get(url(erased)).status_code == 410
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("score", ["", "9", "abc", "<b>"])
def test_a_bad_score_is_shown_on_the_page_and_nothing_is_written(client, floor, score):
    invitation = sent_invitation(floor)
    page = client.post(url(invitation), {"score": score, "comment": "x" * 10})
    assert page.status_code == 422
    assert b'data-testid="score-error"' in page.content
    assert not SurveyResponse.objects.exists()


def test_the_answer_page_costs_a_bounded_number_of_queries(
    client, floor, django_assert_max_num_queries
):
    invitation = sent_invitation(floor)
    with django_assert_max_num_queries(6):
        assert client.get(url(invitation)).status_code == 200


def _answers(floor):
    """A known set: CSAT 5,4,2 on the service queue (agent Alice), NPS 10,9,7,3."""
    csat = [sent_invitation(floor) for _ in range(3)]
    for invitation, score in zip(csat, [5, 4, 2], strict=True):
        services.response_submit(invitation=invitation, score=score)
    survey = nps_survey(floor)
    contacts = [consenting() for _ in range(4)]
    services.nps_survey_send(survey=survey, contact_ids=[c.pk for c in contacts])
    services.invitations_send_due(now=timezone.now() + dt.timedelta(seconds=1))
    for contact, score in zip(contacts, [10, 9, 7, 3], strict=True):
        services.response_submit(invitation=Invitation.objects.get(contact=contact), score=score)


def test_satisfaction_counts_are_exact_on_a_known_set(floor):
    _answers(floor)
    today = timezone.localdate()
    counts = selectors.satisfaction_counts(today, today)
    assert counts == {"csat_responses": 3, "csat_satisfied": 2, "nps_responses": 4,
                      "promoters": 2, "detractors": 1}  # fmt: skip
    assert selectors.csat_rate(counts) == 66.7
    assert selectors.nps_value(counts) == 25.0
    queue = selectors.satisfaction_counts(today, today, queue_ids=[floor.queue.pk])
    assert queue["csat_responses"] == 3
    assert queue["nps_responses"] == 0
    assert selectors.satisfaction_counts(today, today, agent_ids=[floor.other_agent.pk]) == {
        "csat_responses": 0, "csat_satisfied": 0, "nps_responses": 0, "promoters": 0,
        "detractors": 0}  # fmt: skip
    assert selectors.satisfaction_counts(today, today, team_ids=[floor.team.pk])[
        "csat_satisfied"] == 2  # fmt: skip
    assert selectors.satisfaction_counts(today, today, channel="email")["nps_responses"] == 4
    yesterday = today - dt.timedelta(days=1)
    assert selectors.satisfaction_counts(yesterday, yesterday)["csat_responses"] == 0


def test_the_results_page_shows_the_figures_and_exports_csv(
    role_client, floor, django_assert_max_num_queries
):
    _answers(floor)
    client = role_client(Role.SUPERVISOR)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:results"), {"group_by": "agent"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "66.7" in text
    assert "25.0" in text
    assert "Alice Agent" in text
    csv = client.get(reverse("surveys:results"), {"format": "csv"}).content.decode()
    assert "66.7" in csv
    assert "Service client" in csv


def test_a_bad_period_is_a_clear_400(role_client):
    page = role_client(Role.SUPERVISOR).get(
        reverse("surveys:results"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert page.status_code == 400
    assert "avant la date de début" in page.content.decode()


@pytest.mark.parametrize("role", [Role.AGENT, Role.SALES, Role.HR, Role.IT, Role.INTEGRATION])
def test_results_are_refused_to_other_roles(role_client, role):
    assert role_client(role).get(reverse("surveys:results")).status_code == 403


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.HR, Role.IT])
def test_managing_surveys_is_refused_to_other_roles(role_client, floor, role):
    survey = nps_survey(floor)
    client = role_client(role)
    for name, kwargs in [
        ("surveys:list", {}),
        ("surveys:create", {}),
        ("surveys:detail", {"pk": survey.pk}),
        ("surveys:edit", {"pk": survey.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    assert client.post(reverse("surveys:send", args=[survey.pk]),
                       {"contact_ids": "1"}).status_code == 403  # fmt: skip
    assert not Invitation.objects.exists()


def test_marketing_creates_a_survey_and_sends_it(role_client, floor, django_assert_max_num_queries):
    client = role_client(Role.MARKETING)
    page = client.post(reverse("surveys:create"), {
        "name": "NPS printemps", "kind": "nps", "is_active": "on", "delay_minutes": 0,
        "min_days_between": 30, "follow_up_queue": floor.other_queue.pk,
        "change_window_hours": 48, "valid_days": 30})  # fmt: skip
    survey = Survey.objects.get(name="NPS printemps")
    assert page.status_code == 302
    contact = consenting()
    sent = client.post(reverse("surveys:send", args=[survey.pk]), {"contact_ids": f"{contact.pk}"})
    assert sent.status_code == 302
    assert Invitation.objects.filter(survey=survey).count() == 1
    with django_assert_max_num_queries(12):
        assert client.get(reverse("surveys:list")).status_code == 200
    assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code == 200


@pytest.mark.parametrize("data", [{"name": "", "kind": "nps"}, {"name": "x" * 500, "kind": "nps"},
                                  {"name": "A", "kind": "zzz"}, {"name": "A", "kind": "nps",
                                                                 "valid_days": 0}])  # fmt: skip
def test_a_bad_survey_form_is_refused_and_nothing_is_written(role_client, data):
    base = {"delay_minutes": 0, "min_days_between": 1, "change_window_hours": 1, "valid_days": 1}
    page = role_client(Role.MARKETING).post(reverse("surveys:create"), {**base, **data})
    assert page.status_code == 400
    assert not Survey.objects.exists()


def test_agents_see_answers_on_the_ticket_page(role_client, floor):
    invitation = sent_invitation(floor)
    response = services.response_submit(invitation=invitation, score=1, comment="Nul")
    client = role_client(Role.AGENT)
    client.force_login(floor.agent)
    page = client.get(reverse("tickets:detail", args=[invitation.ticket_id]))
    assert b'data-testid="survey-answers"' in page.content
    follow = client.get(reverse("tickets:detail", args=[response.follow_up_ticket_id]))
    assert follow.status_code in (200, 404)


# --- API ------------------------------------------------------------------------------
def test_api_lists_and_filters_answers_with_pagination(
    role_api_client, floor, django_assert_max_num_queries
):
    _answers(floor)
    client = role_api_client(Role.SUPERVISOR)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/survey-responses/", {"kind": "nps", "page_size": 2}).json()
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"]
    low = client.get("/api/v1/survey-responses/", {"low": "true"}).json()
    assert sorted(r["score"] for r in low["results"]) == [2, 3]
    assert client.get("/api/v1/survey-responses/", {"date_from": "nope"}).status_code == 400


@pytest.mark.parametrize("role", [Role.AGENT, Role.SALES, Role.HR, Role.IT, Role.INTEGRATION])
def test_api_answers_are_refused_to_other_roles(role_api_client, role):
    assert role_api_client(role).get("/api/v1/survey-responses/").status_code == 403


def test_api_marketing_creates_updates_and_sends(role_api_client, floor):
    client = role_api_client(Role.MARKETING)
    created = client.post("/api/v1/surveys/", {"name": "NPS", "kind": "nps"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.patch(f"/api/v1/surveys/{pk}/", {"valid_days": 10},
                        format="json").json()["valid_days"] == 10  # fmt: skip
    contact = consenting()
    sent = client.post(f"/api/v1/surveys/{pk}/send/", {"contact_ids": [contact.pk]}, format="json")
    assert sent.status_code == 202
    assert sent.json()["scheduled"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "A", "kind": "x"},
        {"name": "x" * 500, "kind": "nps"},
        {"name": "A", "kind": "nps", "queues": [999999]},
        {"name": "<script>", "kind": "nps", "valid_days": 0},
    ],
)
def test_api_bad_survey_input_is_a_400_and_writes_nothing(role_api_client, body):
    response = role_api_client(Role.MARKETING).post("/api/v1/surveys/", body, format="json")
    assert response.status_code == 400
    assert not Survey.objects.exists()


@pytest.mark.parametrize("body", [{}, {"contact_ids": []}, {"contact_ids": ["x"]},
                                  {"contact_ids": "1"}])  # fmt: skip
def test_api_bad_send_input_is_a_400(role_api_client, floor, body):
    survey = nps_survey(floor)
    response = role_api_client(Role.MARKETING).post(f"/api/v1/surveys/{survey.pk}/send/", body,
                                                    format="json")  # fmt: skip
    assert response.status_code == 400
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.HR])
def test_api_surveys_are_refused_to_other_roles(role_api_client, role):
    client = role_api_client(role)
    assert client.get("/api/v1/surveys/").status_code == 403
    assert client.post("/api/v1/surveys/", {"name": "A", "kind": "nps"}).status_code == 403
    assert not Survey.objects.exists()


def test_the_supervisors_kpis_count_these_answers_through_quality_registry(floor):
    from quality import registry

    _answers(floor)
    today = timezone.localdate()
    assert registry.has_satisfaction_source()
    assert registry.satisfaction(today, today) == selectors.satisfaction_counts(today, today)
    assert registry.satisfaction(today, today, queue_ids=(floor.queue.pk,))["csat_responses"] == 3
