"""Issue 9, "the desk as users found it": each defect a user met, as a test."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from accounts.models import Notification
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from tickets import services
from tickets.models import Message
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


# --- The requester hears of a public reply ------------------------------------------------


def test_an_it_requester_is_notified_in_the_app_and_by_email_when_it_answers(helpdesk):
    requester = UserFactory(roles=[Role.SALES], first_name="Rémi", language="fr")
    ticket = services.it_request_create(requester=requester, subject="Écran noir", body="Noir.")
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.ticket_reply(ticket=ticket, author=helpdesk.it_agent, body="Redémarrez-le.")

    notification = Notification.objects.get(recipient=requester)
    assert ticket.number in notification.title
    assert "Ines" in notification.title
    assert "Redémarrez-le." in notification.body
    assert notification.url == reverse("tickets:my_request", args=[ticket.pk])
    assert [m.to for m in mail.outbox] == [[requester.email]]


def test_no_notification_for_an_internal_note_or_the_requesters_own_message(helpdesk):
    requester = UserFactory(roles=[Role.SALES])
    ticket = services.it_request_create(requester=requester, subject="Écran noir", body="Noir.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.ticket_reply(
            ticket=ticket, author=helpdesk.it_agent, body="Vu.", kind=Message.Kind.NOTE
        )
    assert not Notification.objects.filter(recipient=requester).exists()


def test_a_customer_requester_gets_no_staff_notification(helpdesk):
    ticket = open_ticket(helpdesk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.ticket_reply(ticket=ticket, author=helpdesk.agent, body="Bonjour.")
    assert (
        not Notification.objects.exclude(recipient=helpdesk.agent)
        .filter(title__contains=ticket.number, url__contains="/it/")
        .exists()
    )


# --- SLA: resolved tickets, late resolutions, breached apart from breaching --------------


def _login(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_a_resolved_ticket_shows_no_paused_clock_and_a_late_resolution_is_badged(helpdesk):
    import datetime as dt

    from django.utils import timezone

    from tickets.models import Ticket

    ticket = open_ticket(helpdesk, assignee=helpdesk.agent)
    services.ticket_reply(ticket=ticket, author=helpdesk.agent, body="Fait.", status="resolved")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    late = ticket.resolved_at - dt.timedelta(hours=1)
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due_at=late, sla_paused_at=timezone.now())
    page = _login(helpdesk.agent).get(ticket.get_absolute_url()).content.decode()
    assert 'data-sla="paused"' not in page
    assert "Horloge SLA en pause" not in page
    assert "pause depuis" not in page
    assert 'data-testid="late-badge"' in page.split("Résolution")[1]


def test_breaching_within_the_hour_is_apart_from_breached(helpdesk):
    import datetime as dt

    from django.utils import timezone

    from tickets import selectors
    from tickets.models import Ticket

    now = timezone.now()
    soon = open_ticket(helpdesk, assignee=helpdesk.agent, subject="Bientôt")
    passed = open_ticket(helpdesk, assignee=helpdesk.agent, subject="Dépassé")
    flagged = open_ticket(helpdesk, assignee=helpdesk.agent, subject="Signalé")
    later = open_ticket(helpdesk, assignee=helpdesk.agent, subject="Plus tard")
    Ticket.objects.filter(pk=soon.pk).update(sla_next_due_at=now + dt.timedelta(minutes=40))
    Ticket.objects.filter(pk=passed.pk).update(sla_next_due_at=now - dt.timedelta(hours=3))
    Ticket.objects.filter(pk=flagged.pk).update(
        sla_next_due_at=now + dt.timedelta(minutes=10), sla_breached_at=now
    )
    Ticket.objects.filter(pk=later.pk).update(sla_next_due_at=now + dt.timedelta(minutes=90))

    def view(name):
        filters = selectors.InboxFilters(view=name)
        return {t.subject for t in selectors.ticket_inbox(user=helpdesk.agent, filters=filters)}

    assert view("breaching") == {"Bientôt"}
    assert view("breached") == {"Dépassé", "Signalé"}
    counts = selectors.inbox_counts(user=helpdesk.agent)
    assert counts["breaching"] == (1, False)
    assert counts["breached"] == (2, False)
    client = _login(helpdesk.agent)
    inbox = client.get(reverse("tickets:inbox") + "?view=breached").content.decode()
    assert 'data-view="breached"' in inbox
    assert "Dépassé" in inbox
    assert "Bientôt" not in inbox
    api = client.get("/api/v1/tickets/", {"breached": "true"}).json()
    assert {row["subject"] for row in api["results"]} == {"Dépassé", "Signalé"}


# --- Searches -------------------------------------------------------------------------------


def test_the_header_search_finds_tickets_by_number_and_subject(helpdesk):
    ticket = open_ticket(helpdesk, subject="Décodeur en panne")
    client = _login(helpdesk.agent)
    by_subject = client.get(reverse("crm:search"), {"q": "Décodeur"}).content.decode()
    assert 'data-testid="search-section-tickets"' in by_subject
    assert ticket.number in by_subject
    by_number = client.get(reverse("crm:search"), {"q": ticket.number}).content.decode()
    assert "Décodeur en panne" in by_number


def test_the_header_search_shows_no_tickets_to_a_role_outside_the_desk(helpdesk, make_user):
    open_ticket(helpdesk, subject="Décodeur en panne")
    sales = make_user(Role.SALES)
    page = _login(sales).get(reverse("crm:search"), {"q": "Décodeur"}).content.decode()
    assert "search-section-tickets" not in page
    assert "Décodeur en panne" not in page


def test_the_inbox_search_finds_tickets_by_customer_name_and_phone(helpdesk):
    from crm.tests.factories import ContactFactory

    contact = ContactFactory(first_name="Gaëlle", last_name="Tournesol", phones=["+33612345678"])
    open_ticket(helpdesk, contact=contact, subject="Box muette")
    open_ticket(helpdesk, subject="Autre chose")
    client = _login(helpdesk.agent)
    for query in ("Tournesol", "06 12 34 56 78", "+33612345678"):
        page = client.get(reverse("tickets:inbox"), {"view": "all", "q": query}).content.decode()
        assert "Box muette" in page, query
        assert "Autre chose" not in page, query


# --- Logging a ticket -------------------------------------------------------------------------


def test_log_a_ticket_defaults_to_me_and_my_teams_queue_and_i_may_change_it(helpdesk):
    from crm.tests.factories import ContactFactory
    from tickets.models import Ticket

    client = _login(helpdesk.agent)
    page = client.get(reverse("tickets:create"))
    form = page.context["form"]
    assert form["assignee"].value() == helpdesk.agent.pk
    assert form["queue"].value() == helpdesk.queue.pk
    contact = ContactFactory()
    data = {"queue": helpdesk.queue.pk, "contact": str(contact.pk), "subject": "Appel",
            "channel": "phone", "body": "Il a appelé."}  # fmt: skip
    assert (
        client.post(reverse("tickets:create"), {**data, "assignee": helpdesk.agent.pk}).status_code
        == 302
    )
    assert Ticket.objects.get(subject="Appel").assignee == helpdesk.agent
    data["subject"] = "Appel 2"
    assert client.post(reverse("tickets:create"), {**data, "assignee": ""}).status_code == 302
    assert Ticket.objects.get(subject="Appel 2").assignee is None
    data["subject"] = "Appel 3"
    refused = client.post(reverse("tickets:create"), {**data, "assignee": helpdesk.outsider.pk})
    assert refused.status_code == 422
    assert not Ticket.objects.filter(subject="Appel 3").exists()


def test_the_customer_typeahead_finds_by_name_and_phone(helpdesk):
    from crm.tests.factories import ContactFactory

    contact = ContactFactory(first_name="Gaëlle", last_name="Tournesol", phones=["+33612345678"])
    client = _login(helpdesk.agent)
    for query in ("Tourn", "06 12 34 56 78"):
        answer = client.get(
            reverse("tickets:customer_suggest"), {"contact": query}
        ).content.decode()
        assert f'data-pick-contact="{contact.pk}"' in answer, query
    assert "<html" not in answer


def test_a_new_customer_is_created_inline_and_chosen(helpdesk):
    from crm.models import Contact

    client = _login(helpdesk.agent)
    url = reverse("tickets:customer_create")
    answer = client.post(url, {"new_contact-first_name": "Noé", "new_contact-last_name": "Vidal",
                               "new_contact-email": "noe.vidal@exemple.fr"})  # fmt: skip
    contact = Contact.objects.get(last_name="Vidal")
    assert f'data-pick-contact="{contact.pk}"' in answer.content.decode()
    missing = client.post(url, {"new_contact-last_name": "Sans"})
    assert missing.status_code == 422
    hostile = client.post(url, {"new_contact-last_name": "<script>x</script>" * 50,
                                "new_contact-email": "pas-un-email"})  # fmt: skip
    assert hostile.status_code == 422
    assert "<script>x" not in hostile.content.decode()
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("role", [Role.SALES, Role.HR, Role.MARKETING])
def test_roles_outside_the_desk_are_refused_the_customer_picker(make_user, role):
    client = _login(make_user(role))
    assert client.get(reverse("tickets:customer_suggest"), {"contact": "ab"}).status_code == 403
    post = client.post(reverse("tickets:customer_create"), {"new_contact-last_name": "X"})
    assert post.status_code == 403
