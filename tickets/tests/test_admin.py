from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from crm.models import Activity
from crm.tests.factories import ContactFactory
from tickets import services, timeline
from tickets.admin import ERROR_STATUS_REFUSED
from tickets.models import (
    AgentPresence,
    Attachment,
    BusinessCalendar,
    Category,
    Holiday,
    Macro,
    Message,
    OpeningHours,
    Priority,
    Queue,
    SavedView,
    SlaPolicy,
    Ticket,
    TicketEvent,
)
from tickets.sla import cache as sla_cache
from tickets.tests.factories import (
    CategoryFactory,
    Desk,
    MacroFactory,
    TicketFactory,
    calendar,
    open_ticket,
)

pytestmark = pytest.mark.django_db

MODELS = [
    AgentPresence, Attachment, BusinessCalendar, Category, Holiday, Macro, Message,
    OpeningHours, Queue, SavedView, SlaPolicy, Ticket, TicketEvent,
]  # fmt: skip
# Written by the services only: no add page.
NO_ADD = {Attachment, Message, TicketEvent}


def admin_url(model: type[Any], view: str, *args: Any) -> str:
    return reverse(f"admin:tickets_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client() -> Client:
    user = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    client.user = user  # type: ignore[attr-defined]
    return client


@pytest.fixture
def one_of_each(helpdesk: Desk) -> dict[type[Any], Any]:
    ticket = open_ticket(helpdesk, tags=["box"])
    message = services.ticket_reply(ticket=ticket, author=helpdesk.agent, body="Réponse")
    attachment = Attachment.objects.create(
        message=message, file="tickets/x/notes.txt", filename="notes.txt",
        content_type="text/plain", size=7,
    )  # fmt: skip
    cal = helpdesk.queue.calendar
    holiday = Holiday.objects.create(calendar=cal, date="2030-07-14", name="Fête nationale")
    return {
        AgentPresence: services.presence_set(user=helpdesk.agent, status="available"),
        Attachment: attachment,
        BusinessCalendar: cal,
        Category: CategoryFactory(),
        Holiday: holiday,
        Macro: MacroFactory(team=helpdesk.team),
        Message: message,
        OpeningHours: cal.opening_hours.first(),
        Queue: helpdesk.queue,
        SavedView: services.saved_view_create(owner=helpdesk.agent, name="Urgent", query="?p=4"),
        SlaPolicy: helpdesk.queue.sla_policies.first(),
        Ticket: ticket,
        TicketEvent: ticket.events.first(),
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_admin_page_loads_for_a_superuser(superuser_client, one_of_each, model):
    obj = one_of_each[model]
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    assert superuser_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    response = superuser_client.get(admin_url(model, "add"))
    assert response.status_code == (403 if model in NO_ADD else 200)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_searches(superuser_client, one_of_each, model):
    response = superuser_client.get(admin_url(model, "changelist"), {"q": "x"})
    assert response.status_code == 200


def test_a_non_staff_user_is_sent_to_the_login_page(role_client):
    client = role_client(Role.AGENT)
    response = client.get(admin_url(Ticket, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("count", [5, 30])
def test_the_ticket_changelist_costs_the_same_queries_for_5_or_30_tickets(
    superuser_client, helpdesk, django_assert_max_num_queries, count
):
    for _ in range(count):
        assignee = UserFactory(roles=[Role.AGENT])
        TicketFactory(queue=helpdesk.queue, assignee=assignee, contact=ContactFactory())
    with django_assert_max_num_queries(12):
        response = superuser_client.get(admin_url(Ticket, "changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count


def test_the_ticket_changelist_finds_a_ticket_by_its_number(superuser_client, helpdesk):
    wanted, other = open_ticket(helpdesk), open_ticket(helpdesk)
    response = superuser_client.get(admin_url(Ticket, "changelist"), {"q": wanted.number})
    assert list(response.context["cl"].result_list) == [wanted]
    assert other not in response.context["cl"].result_list


def _action(client: Client, action: str, *tickets: Ticket) -> Any:
    return client.post(
        admin_url(Ticket, "changelist"),
        {"action": action, "_selected_action": [t.pk for t in tickets]},
        follow=True,
    )


def test_the_resolve_action_goes_through_the_service_and_reports_refusals(
    superuser_client, helpdesk
):
    ticket = open_ticket(helpdesk)
    closed = open_ticket(helpdesk)
    services.ticket_change_status(ticket=closed, status="resolved", actor=None)
    services.ticket_change_status(ticket=closed, status="closed", actor=None)
    response = _action(superuser_client, "resolve", ticket, closed)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.resolved_at is not None
    assert Activity.objects.filter(contact=ticket.contact, kind=timeline.TICKET_RESOLVED).exists()
    assert TicketEvent.objects.filter(
        ticket=ticket, kind=TicketEvent.Kind.STATUS, actor=superuser_client.user
    ).exists()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    expected = ERROR_STATUS_REFUSED % {"number": closed.number, "error": services.ERROR_CLOSED}
    assert str(expected) in messages
    assert any("1" in m and str(Ticket.Status.RESOLVED.label) in m for m in messages)


def test_the_close_action_refuses_tickets_not_resolved_yet(superuser_client, helpdesk):
    ticket = open_ticket(helpdesk)
    response = _action(superuser_client, "close", ticket)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1
    assert messages[0].startswith(ticket.number)
    services.ticket_change_status(ticket=ticket, status="resolved", actor=None)
    _action(superuser_client, "close", ticket)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED


def test_adding_a_ticket_in_the_admin_goes_through_the_service(superuser_client, helpdesk):
    contact = ContactFactory()
    response = superuser_client.post(
        admin_url(Ticket, "add"),
        {
            "queue": helpdesk.queue.pk,
            "contact": contact.pk,
            "subject": "Par l'admin",
            "body": "Bonjour",
            "channel": "phone",
            "priority": Priority.HIGH,
            "_save": "1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket = Ticket.objects.get()
    assert ticket.messages.count() == 1
    assert ticket.first_response_due_at is not None
    assert Activity.objects.filter(contact=contact, kind=timeline.TICKET_CREATED).exists()


def test_a_ticket_without_a_requester_is_refused_on_the_form(superuser_client, helpdesk):
    response = superuser_client.post(
        admin_url(Ticket, "add"),
        {"queue": helpdesk.queue.pk, "subject": "x", "body": "y", "channel": "phone",
         "priority": Priority.NORMAL},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["contact"] == [
        str(services.ERROR_REQUESTER_REQUIRED)
    ]
    assert not Ticket.objects.exists()


def _change_data(ticket: Ticket, **fields: Any) -> dict[str, Any]:
    data = {
        "subject": ticket.subject,
        "queue": ticket.queue_id,
        "priority": ticket.priority,
        "category": "",
        "assignee": ticket.assignee_id or "",
        "related": "",
        "_save": "1",
    }
    data.update(fields)
    return data


def test_changing_a_ticket_in_the_admin_goes_through_the_service(superuser_client, helpdesk):
    ticket = open_ticket(helpdesk)
    response = superuser_client.post(
        admin_url(Ticket, "change", ticket.pk),
        _change_data(ticket, priority=Priority.URGENT, assignee=helpdesk.agent.pk),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert ticket.assignee == helpdesk.agent
    assert ticket.version > 1
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.PRIORITY).exists()


def test_an_assignee_outside_the_team_is_refused_on_the_change_form(superuser_client, helpdesk):
    ticket = open_ticket(helpdesk)
    response = superuser_client.post(
        admin_url(Ticket, "change", ticket.pk), _change_data(ticket, assignee=helpdesk.outsider.pk)
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_closed_ticket_cannot_be_changed_in_the_admin(superuser_client, helpdesk):
    ticket = open_ticket(helpdesk)
    services.ticket_change_status(ticket=ticket, status="resolved", actor=None)
    services.ticket_change_status(ticket=ticket, status="closed", actor=None)
    response = superuser_client.post(
        admin_url(Ticket, "change", ticket.pk), _change_data(ticket, subject="Changé")
    )
    assert response.status_code == 200
    assert str(services.ERROR_CLOSED) in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.subject != "Changé"


def test_the_holidays_action_loads_public_holidays(superuser_client):
    cal = calendar(name="France", holiday_country="")
    BusinessCalendar.objects.filter(pk=cal.pk).update(holiday_country="FR")
    response = superuser_client.post(
        admin_url(BusinessCalendar, "changelist"),
        {"action": "load_public_holidays", "_selected_action": [cal.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Holiday.objects.filter(calendar=cal).count() > 10
    cal.refresh_from_db()
    assert cal.holidays_loaded_through is not None


def test_editing_opening_hours_drops_the_cached_schedule(superuser_client, helpdesk):
    cal = helpdesk.queue.calendar
    assert sla_cache.schedule_for(cal.pk).is_ever_open
    hours = cal.opening_hours.first()
    superuser_client.post(admin_url(OpeningHours, "delete", hours.pk), {"post": "yes"})
    assert not OpeningHours.objects.filter(pk=hours.pk).exists()
    assert 0 not in sla_cache.schedule_for(cal.pk).hours


def test_sla_targets_edited_in_the_list_apply_to_the_next_ticket(superuser_client, helpdesk):
    policy = SlaPolicy.objects.get(queue=helpdesk.queue, priority=Priority.NORMAL)
    open_ticket(helpdesk)  # caches the policy
    policies = list(SlaPolicy.objects.order_by("queue", "-priority"))
    data: dict[str, Any] = {
        "form-TOTAL_FORMS": len(policies),
        "form-INITIAL_FORMS": len(policies),
        "_save": "Save",
    }
    for n, row in enumerate(policies):
        data[f"form-{n}-id"] = row.pk
        data[f"form-{n}-first_response_minutes"] = 5 if row.pk == policy.pk else 60
        data[f"form-{n}-resolution_minutes"] = row.resolution_minutes
        data[f"form-{n}-warn_before_minutes"] = row.warn_before_minutes
    response = superuser_client.post(admin_url(SlaPolicy, "changelist"), data)
    assert response.status_code == 302
    ticket = open_ticket(helpdesk)
    minutes = (ticket.first_response_due_at - ticket.created_at).total_seconds() / 60
    assert round(minutes) == 5


def test_a_macro_with_an_unknown_placeholder_is_refused(superuser_client, helpdesk):
    response = superuser_client.post(
        admin_url(Macro, "add"),
        {"name": "Bonjour", "body": "Bonjour {{ contact.password }}", "kind": "public",
         "team": helpdesk.team.pk, "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert errors == [str(services.ERROR_MACRO_PLACEHOLDER % {"name": "contact.password"})]
    assert not Macro.objects.exists()


def test_a_valid_macro_is_saved(superuser_client, helpdesk):
    response = superuser_client.post(
        admin_url(Macro, "add"),
        {"name": "Bonjour", "body": "Bonjour {{ contact.first_name }}", "kind": "public",
         "team": helpdesk.team.pk, "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Macro.objects.get().name == "Bonjour"


def test_queues_cannot_be_deleted_in_the_admin(superuser_client, helpdesk):
    response = superuser_client.get(admin_url(Queue, "delete", helpdesk.queue.pk))
    assert response.status_code == 403


def test_messages_are_not_editable_in_their_body(superuser_client, helpdesk):
    ticket = open_ticket(helpdesk)
    message = ticket.messages.get()
    response = superuser_client.get(admin_url(Message, "change", message.pk))
    assert "body_html" not in response.context["adminform"].form.fields
