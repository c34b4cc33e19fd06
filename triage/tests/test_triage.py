"""Triage of customer messages through the tickets services: routing, display, correction."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.roles import Role
from crm.tests.factories import ContactFactory
from tickets import services as ticket_services
from tickets.models import Priority, Ticket
from tickets.tests.factories import QueueFactory, desk, open_ticket
from triage import services
from triage.models import AssessmentCorrection, MessageAssessment, TriagePolicy

pytestmark = pytest.mark.django_db

ANGRY = "C'est INADMISSIBLE, troisième coupure cette semaine. Je saisis le médiateur !!!"
NEGATIVE = "Je suis déçue, la commande est arrivée abîmée et incomplète."
CALM = "Bonjour, pourriez-vous m'envoyer ma facture de mars ? Merci."


@pytest.fixture
def the_desk():
    return desk()


def test_every_customer_message_is_scored_and_calm_ones_change_nothing(the_desk):
    ticket = open_ticket(the_desk, body=CALM)
    assessment = MessageAssessment.objects.get()
    assert assessment.ticket == ticket
    assert (assessment.negative, assessment.angry, assessment.language) == (False, False, "fr")
    assert ticket.priority == Priority.NORMAL


def test_angry_message_raises_priority_and_goes_to_the_chosen_queue(the_desk):
    escalations = QueueFactory(name="Escalades", team=the_desk.team)
    TriagePolicy.objects.create(angry_queue=escalations, angry_priority=Priority.URGENT)
    ticket = open_ticket(the_desk, body=ANGRY)
    assert (ticket.priority, ticket.queue) == (Priority.URGENT, escalations)
    assessment = MessageAssessment.objects.get()
    assert assessment.angry
    assert assessment.actions == {
        "priority": [Priority.NORMAL, Priority.URGENT],
        "queue": [the_desk.queue.name, "Escalades"],
    }
    texts = [t["text"] for t in assessment.triggers]
    assert "INADMISSIBLE" in texts
    assert any("médiateur" in t for t in texts)


def test_queue_policy_wins_over_the_default_and_priority_is_never_lowered(the_desk):
    TriagePolicy.objects.create(negative_priority=Priority.URGENT)
    TriagePolicy.objects.create(queue=the_desk.queue, negative_priority=Priority.HIGH)
    ticket = open_ticket(the_desk, body=NEGATIVE, priority=Priority.URGENT)
    assert ticket.priority == Priority.URGENT
    assert MessageAssessment.objects.get().actions == {}


def test_later_customer_messages_are_scored_too(the_desk):
    ticket = open_ticket(the_desk, body=CALM)
    ticket_services.ticket_customer_message(ticket=ticket, body=NEGATIVE)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH  # the built-in default policy
    assert MessageAssessment.objects.count() == 2


def test_staff_requests_and_agent_replies_are_not_scored(the_desk):
    ticket = ticket_services.ticket_create(
        queue=the_desk.it_queue,
        subject="VPN",
        body="C'est inadmissible, le VPN ne marche pas !!!",
        requester_user=the_desk.agent,
    )
    ticket_services.ticket_reply(ticket=ticket, author=the_desk.it_agent, body="Nous regardons.")
    assert MessageAssessment.objects.count() == 0


def test_a_triage_failure_never_loses_the_customer_message(the_desk, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("lexicon broken")

    monkeypatch.setattr(services, "analyse", explode)
    ticket = open_ticket(the_desk, body=ANGRY)
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert ticket.messages.count() == 1
    assert MessageAssessment.objects.count() == 0


def test_scoring_twice_is_a_no_op(the_desk):
    ticket = open_ticket(the_desk, body=ANGRY)
    message = ticket.messages.get()
    assert services.message_assess(message=message) == MessageAssessment.objects.get()


def test_ticket_page_shows_score_and_triggers_and_the_agent_corrects_it(
    the_desk, django_assert_max_num_queries
):
    ticket = open_ticket(the_desk, body=ANGRY)
    for _ in range(5):
        ticket_services.ticket_customer_message(ticket=ticket, body=NEGATIVE)
    client = Client()
    client.force_login(the_desk.agent)
    with django_assert_max_num_queries(45):
        html = client.get(ticket.get_absolute_url()).content.decode()
    assert 'data-testid="triage"' in html
    assert "INADMISSIBLE" in html
    assessment = MessageAssessment.objects.filter(angry=True).get()
    response = client.post(
        f"/triage/assessments/{assessment.pk}/correct/",
        {"negative": "on", "note": "Client énervé mais pas menaçant"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert (assessment.is_negative, assessment.is_angry) == (True, False)
    correction = AssessmentCorrection.objects.get()
    assert (correction.analyser_angry, correction.angry, correction.corrected_by) == (
        True, False, the_desk.agent,
    )  # fmt: skip


def test_correction_that_is_angry_but_not_negative_is_refused_by_the_service(the_desk):
    open_ticket(the_desk, body=ANGRY)
    assessment = MessageAssessment.objects.get()
    with pytest.raises(Exception, match=r"négatif|negative"):
        services.assessment_correct(
            assessment=assessment, actor=the_desk.agent, negative=False, angry=True
        )
    assert AssessmentCorrection.objects.count() == 0


def test_agents_outside_the_queue_cannot_see_or_correct(the_desk, role_client):
    open_ticket(the_desk, body=ANGRY)
    assessment = MessageAssessment.objects.get()
    outsider = Client()
    outsider.force_login(the_desk.outsider)
    assert outsider.post(f"/triage/assessments/{assessment.pk}/correct/", {}).status_code == 404
    hr = role_client(Role.HR)
    assert hr.post(f"/triage/assessments/{assessment.pk}/correct/", {}).status_code == 403
    assert AssessmentCorrection.objects.count() == 0


def test_api_lists_corrects_and_analyses(the_desk, role_api_client):
    from rest_framework.test import APIClient

    ticket = open_ticket(the_desk, body=ANGRY)
    client = APIClient()
    client.force_authenticate(the_desk.agent)
    data = client.get("/api/v1/triage/assessments/", {"ticket": ticket.pk}).json()
    assert data[0]["angry"] is True
    assert data[0]["triggers"][0]["label"]
    pk = data[0]["id"]
    response = client.post(
        f"/api/v1/triage/assessments/{pk}/correct/", {"negative": True, "angry": False}
    )
    assert response.status_code == 200
    assert response.json()["is_angry"] is False
    bad = client.post(
        f"/api/v1/triage/assessments/{pk}/correct/", {"negative": False, "angry": True}
    )
    assert bad.status_code == 400
    assert client.get("/api/v1/triage/assessments/", {"ticket": "x"}).status_code == 400
    assert client.get("/api/v1/triage/assessments/", {"ticket": 999999}).status_code == 404
    result = client.post(
        "/api/v1/triage/analyse/", {"text": "You are thieves, I'm calling my lawyer."}
    )
    assert result.json()["angry"] is True
    assert client.post("/api/v1/triage/analyse/", {"text": "x" * 100_001}).status_code == 400
    for role in (Role.HR, Role.SALES, Role.MARKETING, Role.INTEGRATION):
        other = role_api_client(role)
        assert other.post("/api/v1/triage/analyse/", {"text": "hi"}).status_code == 403
        assert other.get("/api/v1/triage/assessments/", {"ticket": ticket.pk}).status_code == 403


def test_a_call_note_is_a_customer_message_too(the_desk):
    contact = ContactFactory()
    ticket = ticket_services.ticket_create(
        queue=the_desk.queue,
        subject="Appel",
        body="Client furieux, menace de résilier et de porter plainte.",
        channel=Ticket.Channel.PHONE,
        contact=contact,
        actor=the_desk.agent,
    )
    assert MessageAssessment.objects.get(ticket=ticket).angry
