"""The agent's ticket page and its writes: who may open it, what it shows, and that every
refused write says why and writes nothing."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from crm import services as crm_services
from crm.models import Activity
from crm.tests.factories import ContactFactory
from tickets import services
from tickets.forms.ticket import (
    ERROR_REQUESTER_MISSING,
    ERROR_TICKET_NUMBER,
    ERROR_UNKNOWN_CONTACT,
    ERROR_UNKNOWN_QUEUE,
)
from tickets.models import Attachment, Message, Priority, Ticket, TicketEvent
from tickets.selectors import MESSAGE_PAGE
from tickets.tests.factories import Desk, MacroFactory, MessageFactory, open_ticket
from tickets.views.ticket import ERROR_MERGE_TARGET

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
EXE = b"MZ\x90\x00" + bytes(100)
HTMX = {"HTTP_HX_REQUEST": "true"}
# The ticket page today costs 23 queries (session, user, roles, ticket, conversation,
# history, macros, properties choices, the customer panel, navigation); the point is that
# 500 messages cost the same as 3.
# Plugged-in apps add theirs (channels: inbound and outbound email of the page, the reply
# address hint: 5; triage: the assessments of the page: 1).
QUERY_BOUND = 30


# --- Helpers -----------------------------------------------------------------------------------
def url(name: str, *args: int) -> str:
    return reverse(f"tickets:{name}", args=args)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def reply_data(ticket: Ticket, **overrides) -> dict:
    data = {
        "body": "Bonjour, nous regardons votre box.",
        "kind": Message.Kind.PUBLIC,
        "status": "",
        "last_seen_message_id": "",
        "version": ticket.version,
        "macro": "",
    }
    data.update(overrides)
    return data


def properties_data(ticket: Ticket, **overrides) -> dict:
    ticket.refresh_from_db()
    data = {
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "queue": ticket.queue_id,
        "category": ticket.category_id or "",
        "assignee": ticket.assignee_id or "",
        "tags": ", ".join(ticket.tags.values_list("name", flat=True)),
        "version": ticket.version,
    }
    data.update(overrides)
    return data


def create_data(desk: Desk, **overrides) -> dict:
    data = {
        "queue": desk.queue.pk,
        "contact": "",
        "staff_requester": "",
        "subject": "Facture en double",
        "channel": Ticket.Channel.PHONE,
        "priority": "",
        "category": "",
        "body": "Le client a été prélevé deux fois ce mois-ci.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def media_root(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def ticket(helpdesk: Desk) -> Ticket:
    return open_ticket(helpdesk)


# --- Who may open the page ---------------------------------------------------------------------
@pytest.mark.parametrize("who", ["agent", "lead", "supervisor"])
def test_desk_staff_of_the_queue_open_the_ticket_page(helpdesk, ticket, who):
    response = login(getattr(helpdesk, who)).get(url("detail", ticket.pk))
    assert response.status_code == 200
    page = text(response)
    assert ticket.number in page
    assert "Ma box ne fonctionne plus" in page
    assert 'id="reply-form"' in page
    assert 'id="properties-form"' in page
    reply_status = page.split('name="status"')[1].split("</select>")[0]
    assert 'value="open"' in reply_status
    assert 'value="closed"' not in reply_status  # only what the ticket may reach


def test_admin_opens_any_ticket_page(helpdesk, ticket, make_user):
    assert login(make_user(Role.ADMIN)).get(url("detail", ticket.pk)).status_code == 200


def test_it_agent_opens_an_internal_request_of_the_it_queue(helpdesk, make_user):
    requester = make_user(Role.HR)
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=requester)
    response = login(helpdesk.it_agent).get(url("detail", request.pk))
    assert response.status_code == 200
    assert str(requester) in text(response)


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.HR])
def test_roles_outside_the_desk_are_refused_the_ticket_pages(role_client, helpdesk, ticket, role):
    client = role_client(role)
    for page in [url("detail", ticket.pk), url("next", ticket.pk), url("create"),
                 url("messages", ticket.pk) + "?before=1"]:  # fmt: skip
        assert client.get(page).status_code == 403, page
    assert client.post(url("reply", ticket.pk), reply_data(ticket)).status_code == 403
    assert client.post(url("take", ticket.pk)).status_code == 403
    assert client.post(url("properties", ticket.pk), properties_data(ticket)).status_code == 403
    ticket.refresh_from_db()
    assert ticket.message_count == 1
    assert ticket.assignee is None


def test_agent_of_another_team_gets_404_on_every_ticket_url(helpdesk, ticket):
    client = login(helpdesk.outsider)
    for page in [url("detail", ticket.pk), url("next", ticket.pk),
                 url("messages", ticket.pk) + "?before=1"]:  # fmt: skip
        assert client.get(page).status_code == 404, page
    assert client.post(url("reply", ticket.pk), reply_data(ticket)).status_code == 404
    assert client.post(url("take", ticket.pk)).status_code == 404
    assert client.post(url("properties", ticket.pk), properties_data(ticket)).status_code == 404
    ticket.refresh_from_db()
    assert ticket.message_count == 1
    assert ticket.assignee is None


def test_unknown_ticket_is_404(helpdesk):
    assert login(helpdesk.agent).get(url("detail", 999_999)).status_code == 404


def test_staff_requester_is_sent_to_their_request_page(helpdesk, make_user):
    requester = make_user(Role.HR)
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=requester)
    response = login(requester).get(url("detail", request.pk))
    assert response.status_code == 302
    assert response.url == url("my_request", request.pk)


def test_desk_agent_requesting_it_help_is_sent_to_their_request_page(helpdesk):
    # An agent of the service desk is desk staff, but not of the IT queue.
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=helpdesk.agent)
    response = login(helpdesk.agent).get(url("detail", request.pk))
    assert response.status_code == 302
    assert response.url == url("my_request", request.pk)


def test_staff_requester_cannot_post_desk_writes_on_their_request(helpdesk):
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=helpdesk.agent)
    client = login(helpdesk.agent)
    response = client.post(url("reply", request.pk), reply_data(request, kind="note"))
    assert response.status_code == 404
    assert not Message.objects.filter(ticket=request, kind=Message.Kind.NOTE).exists()


# --- What the page shows ------------------------------------------------------------------------
def test_page_shows_sla_deadlines_and_the_customer_360(helpdesk):
    contact = ContactFactory(first_name="Zoé", last_name="Lefèvre", emails=["zoe@example.fr"])
    for year in range(2010, 2015):
        crm_services.note_add(contact=contact, author=helpdesk.lead, body=f"Client depuis {year}")
    older = open_ticket(helpdesk, contact=contact, subject="Ancienne panne")
    current = open_ticket(helpdesk, contact=contact)
    page = text(login(helpdesk.agent).get(url("detail", current.pk)))
    assert current.first_response_due_at is not None
    assert gettext("due by %(when)s").split("%(")[0].strip() in page
    assert 'data-testid="sla-state"' in page
    assert "zoe@example.fr" in page
    assert reverse("crm:contact_detail", args=[contact.pk]) in page
    assert older.number in page  # the customer's other tickets
    assert "Ancienne panne" in page
    timeline = page.split('data-testid="customer-timeline"')[1].split("</ol>")[0]
    assert timeline.count("<li") == 5  # the latest five rows only
    assert Activity.objects.filter(contact=contact).count() > 5


def test_internal_notes_are_labelled_and_set_apart_from_public_replies(helpdesk, ticket):
    services.ticket_reply(ticket=ticket, author=helpdesk.agent, body="Réponse publique")
    services.ticket_reply(
        ticket=ticket, author=helpdesk.agent, body="Note pour l'équipe", kind=Message.Kind.NOTE
    )
    page = text(login(helpdesk.agent).get(url("detail", ticket.pk)))
    note = page.split('data-kind="note"')[1].split("</li>")[0]
    assert gettext("Internal note") in note
    assert "Note pour l'équipe" in note
    assert "bg-warning-subtle" in page.split('data-kind="note"')[0].rsplit("<li", 1)[1]
    assert "Réponse publique" in page.split('data-kind="note"')[0]


def test_closed_ticket_is_read_only(helpdesk, ticket):
    services.ticket_change_status(ticket=ticket, status="resolved", actor=helpdesk.agent)
    services.ticket_change_status(ticket=ticket, status="closed", actor=helpdesk.agent)
    page = text(login(helpdesk.agent).get(url("detail", ticket.pk)))
    assert 'data-testid="closed-note"' in page
    assert 'id="reply-form"' not in page
    assert 'id="properties-form"' not in page
    assert 'id="take-form"' not in page


def test_detail_page_query_count_does_not_grow_with_the_conversation(
    helpdesk, django_assert_max_num_queries
):
    short = open_ticket(helpdesk)
    long = open_ticket(helpdesk)
    MessageFactory.create_batch(2, ticket=short)
    Message.objects.bulk_create(
        [Message(ticket=long, body_html=f"<p>m{i}</p>", body_text=f"m{i}") for i in range(499)]
    )
    client = login(helpdesk.agent)
    client.get(url("detail", short.pk))  # warm the per-process caches (content types...)
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get(url("detail", short.pk)).status_code == 200
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(url("detail", long.pk))
    assert response.status_code == 200
    assert text(response).count('class="message-body') == MESSAGE_PAGE


def test_earlier_messages_load_above_the_conversation(helpdesk, ticket):
    base = ticket.messages.get().created_at
    Message.objects.bulk_create(
        [Message(ticket=ticket, body_html=f"<p>msg {i:03d}</p>", body_text=f"msg {i:03d}",
                 created_at=base + timedelta(seconds=i + 1)) for i in range(64)]
    )  # fmt: skip
    client = login(helpdesk.agent)
    page = text(client.get(url("detail", ticket.pk)))
    assert "msg 063" in page
    assert "msg 034" in page
    assert "msg 033" not in page
    before = re.search(r'href="[^"]*messages/\?before=(\d+)"', page).group(1)

    fragment = client.get(url("messages", ticket.pk), {"before": before}, **HTMX)
    assert fragment.status_code == 200
    body = text(fragment)
    assert "<html" not in body
    assert "msg 033" in body
    assert "msg 004" in body
    assert "msg 034" not in body
    assert 'data-testid="earlier-messages"' in body  # still more before these
    last = re.search(r"before=(\d+)", body).group(1)
    oldest = text(client.get(url("messages", ticket.pk), {"before": last}, **HTMX))
    assert "msg 003" in oldest
    assert "Bonjour, plus d" in oldest
    assert 'data-testid="earlier-messages"' not in oldest

    plain = client.get(url("messages", ticket.pk), {"before": before})
    assert plain.status_code == 200
    assert "<html" in plain.content.decode()
    assert "msg 033" in text(plain)
    assert gettext("Back to the latest messages") in text(plain)


def test_earlier_messages_refuse_a_garbled_position(helpdesk, ticket):
    response = login(helpdesk.agent).get(url("messages", ticket.pk), {"before": "x'--"})
    assert response.status_code == 400


# --- Replies -----------------------------------------------------------------------------------
def test_public_reply_is_sent_and_opens_the_ticket(helpdesk, ticket):
    client = login(helpdesk.agent)
    response = client.post(url("reply", ticket.pk), reply_data(ticket))
    assert response.status_code == 302
    assert response.url == url("detail", ticket.pk)
    reply = ticket.messages.order_by("-id").first()
    assert reply.kind == Message.Kind.PUBLIC
    assert reply.author == helpdesk.agent
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.first_response_at is not None


def test_internal_note_leaves_status_and_first_response_alone(helpdesk, ticket):
    data = reply_data(ticket, kind=Message.Kind.NOTE, body="Vérifier la ligne")
    assert login(helpdesk.agent).post(url("reply", ticket.pk), data).status_code == 302
    note = ticket.messages.order_by("-id").first()
    assert note.kind == Message.Kind.NOTE
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert ticket.first_response_at is None


def test_reply_can_set_the_status(helpdesk, ticket):
    data = reply_data(ticket, status=Ticket.Status.PENDING_CUSTOMER)
    assert login(helpdesk.agent).post(url("reply", ticket.pk), data).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING_CUSTOMER


def test_reply_with_a_status_the_ticket_cannot_reach_is_refused(helpdesk, ticket):
    data = reply_data(ticket, status=Ticket.Status.CLOSED)
    response = login(helpdesk.agent).post(url("reply", ticket.pk), data)
    assert response.status_code == 422
    expected = services.ERROR_TRANSITION % {"old": Ticket.Status.NEW.label,
                                            "new": Ticket.Status.CLOSED.label}  # fmt: skip
    assert expected in text(response)
    assert ticket.messages.count() == 1


def test_empty_reply_is_refused_and_nothing_written(helpdesk, ticket):
    response = login(helpdesk.agent).post(url("reply", ticket.pk), reply_data(ticket, body="  "))
    assert response.status_code == 422
    assert str(services.ERROR_BODY_REQUIRED) in text(response)
    assert ticket.messages.count() == 1


def test_htmx_reply_returns_the_page_fragment(helpdesk, ticket):
    client = login(helpdesk.agent)
    response = client.post(url("reply", ticket.pk), reply_data(ticket, body="Par htmx"), **HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert 'id="ticket-page"' in body
    assert "Par htmx" in body
    assert 'id="reply-form"' in body


def test_htmx_reply_error_comes_back_in_the_reply_box(helpdesk, ticket):
    client = login(helpdesk.agent)
    response = client.post(url("reply", ticket.pk), reply_data(ticket, body=""), **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#reply-box"
    assert text(response).lstrip().startswith('<section id="reply-box"')


def test_script_in_a_reply_is_never_rendered_as_markup(helpdesk, ticket):
    client = login(helpdesk.agent)
    body = 'Voici <script>alert("x")</script> et <img src=x onerror=alert(1)>'
    assert client.post(url("reply", ticket.pk), reply_data(ticket, body=body)).status_code == 302
    page = client.get(url("detail", ticket.pk)).content.decode()
    conversation = page.split('id="message-list"')[1].split("</ol>")[0]
    assert "Voici" in conversation
    assert "<script" not in conversation
    assert "<img" not in conversation
    stored = ticket.messages.order_by("-id").first().body_html
    assert "<script" not in stored
    assert "<img" not in stored


def test_script_in_a_note_sent_by_htmx_is_not_rendered_either(helpdesk, ticket):
    client = login(helpdesk.agent)
    data = reply_data(ticket, kind="note", body="<script>alert(document.cookie)</script>note")
    response = client.post(url("reply", ticket.pk), data, **HTMX)
    assert response.status_code == 200
    assert "<script" not in response.content.decode()


def test_reply_to_a_closed_ticket_is_refused(helpdesk, ticket):
    services.ticket_change_status(ticket=ticket, status="resolved", actor=helpdesk.agent)
    services.ticket_change_status(ticket=ticket, status="closed", actor=helpdesk.agent)
    response = login(helpdesk.agent).post(url("reply", ticket.pk), reply_data(ticket))
    assert response.status_code == 409
    assert str(services.ERROR_CLOSED) in text(response)
    assert ticket.messages.count() == 1


def test_second_agent_replying_on_a_stale_page_is_stopped_with_the_first_reply(helpdesk, ticket):
    first, second = login(helpdesk.other_agent), login(helpdesk.agent)
    page_first = text(first.get(url("detail", ticket.pk)))
    page_second = text(second.get(url("detail", ticket.pk)))
    seen_first = hidden_value(page_first, "last_seen_message_id")
    seen_second = hidden_value(page_second, "last_seen_message_id")
    assert seen_first == seen_second

    data = reply_data(ticket, body="Bruno répond : la panne est réparée.",
                      last_seen_message_id=seen_first)  # fmt: skip
    assert first.post(url("reply", ticket.pk), data).status_code == 302
    count = ticket.messages.count()

    draft = "Alice répond : redémarrez la box."
    response = second.post(
        url("reply", ticket.pk), reply_data(ticket, body=draft, last_seen_message_id=seen_second)
    )
    assert response.status_code == 409
    page = text(response)
    expected = services.ERROR_REPLIED_MEANWHILE % {"author": helpdesk.other_agent}
    assert expected in page
    assert "Bruno Agent" in expected
    assert "Bruno répond : la panne est réparée." in page.split('data-testid="reply-conflict"')[1]
    assert draft in page.split('id="reply-body"')[1].split("</textarea>")[0]
    assert ticket.messages.count() == count
    # The box now knows the other reply: sending again goes through.
    seen_now = hidden_value(page, "last_seen_message_id")
    resend = reply_data(ticket, body=draft, last_seen_message_id=seen_now)
    assert second.post(url("reply", ticket.pk), resend).status_code == 302
    assert ticket.messages.count() == count + 1


def test_reply_goes_through_after_merging_a_backdated_ticket(helpdesk, ticket):
    # The moved messages have higher ids but older dates than the target's latest reply.
    services.ticket_reply(ticket=ticket, author=helpdesk.agent, body="Première réponse")
    older = open_ticket(helpdesk, created_at=timezone.now() - timedelta(days=3))
    services.ticket_merge(source=older, target=ticket, actor=helpdesk.supervisor)
    client = login(helpdesk.agent)
    seen = hidden_value(text(client.get(url("detail", ticket.pk))), "last_seen_message_id")
    data = reply_data(ticket, body="Suite", last_seen_message_id=seen)
    assert client.post(url("reply", ticket.pk), data).status_code == 302
    assert ticket.messages.filter(body_text="Suite").exists()


def test_conflict_on_htmx_keeps_the_draft_in_the_reply_box(helpdesk, ticket):
    seen = ticket.messages.get().pk
    services.ticket_reply(ticket=ticket, author=helpdesk.other_agent, body="Déjà répondu")
    response = login(helpdesk.agent).post(
        url("reply", ticket.pk),
        reply_data(ticket, body="Mon brouillon", last_seen_message_id=seen),
        **HTMX,
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#reply-box"
    assert "Mon brouillon" in text(response)
    assert "Déjà répondu" in text(response)


# --- Macros -----------------------------------------------------------------------------------
@pytest.fixture
def macro(helpdesk):
    macro = MacroFactory(
        team=helpdesk.team,
        name="Attente client",
        set_status=Ticket.Status.PENDING_CUSTOMER,
        set_priority=Priority.HIGH,
    )
    macro.add_tags.set(crm_services.tags_resolve(names=["box", "relance"]))
    return macro


def test_macro_preview_fills_the_reply_box_with_placeholders_replaced(helpdesk, macro):
    contact = ContactFactory(first_name="Zoé")
    ticket = open_ticket(helpdesk, contact=contact)
    client = login(helpdesk.agent)
    response = client.get(url("macro_preview", ticket.pk, macro.pk), **HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert f"Bonjour Zoé, votre demande {ticket.number} est traitée." in body
    assert f'name="macro" value="{macro.pk}"' in body
    plain = client.get(url("macro_preview", ticket.pk, macro.pk))
    assert plain.status_code == 302
    page = text(client.get(plain.url))
    assert f"Bonjour Zoé, votre demande {ticket.number} est traitée." in page


def test_reply_with_a_macro_applies_its_status_priority_and_tags(helpdesk, macro):
    ticket = open_ticket(helpdesk, contact=ContactFactory(first_name="Zoé"))
    data = reply_data(ticket, body="Bonjour Zoé, texte modifié.", macro=macro.pk)
    assert login(helpdesk.agent).post(url("reply", ticket.pk), data).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING_CUSTOMER
    assert ticket.priority == Priority.HIGH
    assert set(ticket.tags.values_list("name", flat=True)) == {"box", "relance"}
    assert ticket.messages.order_by("-id").first().body_text == "Bonjour Zoé, texte modifié."


def test_macro_of_another_team_cannot_be_used(helpdesk, ticket):
    foreign = MacroFactory(owner=helpdesk.outsider, set_priority=Priority.URGENT)
    client = login(helpdesk.agent)
    assert client.get(url("macro_preview", ticket.pk, foreign.pk), **HTMX).status_code == 404
    response = client.post(url("reply", ticket.pk), reply_data(ticket, macro=foreign.pk))
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert ticket.messages.count() == 1


def test_a_macro_reply_carries_files_and_the_agents_own_status(helpdesk, ticket, macro, media_root):
    # Issue 9: a macro no longer hides the status selector or the attachments field.
    data = reply_data(ticket, macro=macro.pk, status=Ticket.Status.RESOLVED)
    data["attachments"] = SimpleUploadedFile("photo.png", PNG)
    response = login(helpdesk.agent).post(url("reply", ticket.pk), data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.priority == Priority.HIGH  # the macro's other actions still apply
    assert ticket.messages.order_by("-id").first().attachments.count() == 1


def test_choosing_a_macro_keeps_the_draft_status_and_attachments_fields(helpdesk, ticket, macro):
    client = login(helpdesk.agent)
    fragment = text(client.get(url("macro_preview", ticket.pk, macro.pk), **HTMX))
    # Only the macro's slot is swapped: the draft textarea is not in the answer.
    assert 'id="reply-body"' not in fragment
    assert "data-macro-text" in fragment
    page = text(client.get(url("detail", ticket.pk) + f"?macro={macro.pk}"))
    assert 'data-testid="selected-macro"' in page
    assert 'name="status"' in page.split('id="reply-form"')[1]
    assert 'name="attachments"' in page.split('id="reply-form"')[1]
    assert 'name="kind" value="note"' in page.split('id="reply-form"')[1]


# --- Properties --------------------------------------------------------------------------------
def test_properties_are_saved(helpdesk, ticket):
    data = properties_data(ticket, priority=Priority.URGENT, assignee=helpdesk.other_agent.pk,
                           tags="fibre, urgent", subject="Plus d'internet")  # fmt: skip
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert ticket.assignee == helpdesk.other_agent
    assert ticket.subject == "Plus d'internet"
    assert set(ticket.tags.values_list("name", flat=True)) == {"fibre", "urgent"}


def test_properties_with_a_stale_version_are_refused_and_nothing_changes(helpdesk, ticket):
    client = login(helpdesk.agent)
    stale = properties_data(ticket, priority=Priority.URGENT)
    services.ticket_update(ticket=ticket, actor=helpdesk.other_agent, subject="Changé par Bruno")
    response = client.post(url("properties", ticket.pk), stale)
    assert response.status_code == 409
    page = text(response)
    assert str(services.ERROR_STALE) in page
    assert 'data-testid="stale-warning"' in page
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert ticket.subject == "Changé par Bruno"


def test_htmx_properties_answer_with_the_page_or_the_stale_panel(helpdesk, ticket):
    client = login(helpdesk.agent)
    data = properties_data(ticket, priority=Priority.HIGH)
    response = client.post(url("properties", ticket.pk), data, **HTMX)
    assert response.status_code == 200
    assert 'id="ticket-page"' in text(response)
    stale = client.post(url("properties", ticket.pk), data | {"priority": Priority.LOW}, **HTMX)
    assert stale.status_code == 409
    assert stale["HX-Retarget"] == "#properties"
    assert 'data-testid="stale-warning"' in text(stale)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH


def test_assigning_someone_outside_the_queue_team_is_refused(helpdesk, ticket):
    data = properties_data(ticket, assignee=helpdesk.outsider.pk)
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 422
    expected = services.ERROR_ASSIGNEE_OUTSIDE_TEAM % {"user": helpdesk.outsider,
                                                       "queue": helpdesk.queue}  # fmt: skip
    assert expected in text(response)
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_invalid_transition_is_refused_with_the_reason(helpdesk, ticket):
    data = properties_data(ticket, status=Ticket.Status.CLOSED, priority=Priority.HIGH)
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 422
    expected = services.ERROR_TRANSITION % {"old": Ticket.Status.NEW.label,
                                            "new": Ticket.Status.CLOSED.label}  # fmt: skip
    assert expected in text(response)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert ticket.priority == Priority.NORMAL  # one transaction: nothing of the form kept


def test_properties_form_refuses_garbage(helpdesk, ticket):
    data = properties_data(ticket, queue="99999", subject="x" * 10_000, priority="9")
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 422
    assert str(ERROR_UNKNOWN_QUEUE) in text(response)
    ticket.refresh_from_db()
    assert ticket.subject == "Ma box ne fonctionne plus"


def test_moving_to_a_queue_the_agent_cannot_see_is_refused(helpdesk, ticket):
    data = properties_data(ticket, queue=helpdesk.other_queue.pk)
    response = login(helpdesk.agent).post(url("properties", ticket.pk), data)
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.queue == helpdesk.queue


def test_supervisor_moving_a_ticket_drops_an_assignee_outside_the_new_team(helpdesk, ticket):
    services.ticket_take(ticket=ticket, actor=helpdesk.agent)
    data = properties_data(ticket, queue=helpdesk.other_queue.pk)
    response = login(helpdesk.supervisor).post(url("properties", ticket.pk), data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.queue == helpdesk.other_queue
    assert ticket.assignee is None


# --- Take, merge, next ---------------------------------------------------------------------------
def test_take_assigns_the_ticket_to_me(helpdesk, ticket):
    client = login(helpdesk.agent)
    assert client.post(url("take", ticket.pk)).status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == helpdesk.agent
    assert 'id="take-form"' not in text(client.get(url("detail", ticket.pk)))
    assert 'id="take-form"' in text(login(helpdesk.other_agent).get(url("detail", ticket.pk)))


def test_take_requires_post(helpdesk, ticket):
    assert login(helpdesk.agent).get(url("take", ticket.pk)).status_code == 405


def test_supervisor_merges_a_ticket_into_another_by_number(helpdesk):
    contact = ContactFactory()
    source = open_ticket(helpdesk, contact=contact, subject="Doublon")
    target = open_ticket(helpdesk, contact=contact)
    response = login(helpdesk.supervisor).post(url("merge", source.pk), {"target": target.number})
    assert response.status_code == 302
    assert response.url == url("detail", target.pk)
    source.refresh_from_db()
    assert source.merged_into == target
    assert source.status == Ticket.Status.CLOSED
    assert target.messages.count() == 3  # both requests and the merge note


def test_merging_into_itself_is_refused(helpdesk, ticket):
    response = login(helpdesk.supervisor).post(url("merge", ticket.pk), {"target": ticket.pk})
    assert response.status_code == 422
    assert str(services.ERROR_MERGE_SELF) in text(response)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW


def test_merging_into_a_closed_ticket_is_refused(helpdesk, ticket):
    closed = open_ticket(helpdesk)
    services.ticket_change_status(ticket=closed, status="resolved", actor=None)
    services.ticket_change_status(ticket=closed, status="closed", actor=None)
    response = login(helpdesk.supervisor).post(url("merge", ticket.pk), {"target": closed.number})
    assert response.status_code == 422
    assert str(services.ERROR_MERGE_CLOSED) in text(response)
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_merge_target_must_be_an_existing_ticket_number(helpdesk, ticket):
    elsewhere = open_ticket(helpdesk, queue=helpdesk.other_queue)
    client = login(helpdesk.supervisor)
    response = client.post(url("merge", ticket.pk), {"target": "T-2026-999999"})
    assert response.status_code == 422
    assert str(ERROR_MERGE_TARGET) in text(response)
    response = client.post(url("merge", ticket.pk), {"target": "DROP TABLE"})
    assert response.status_code == 422
    assert str(ERROR_TICKET_NUMBER) in text(response)
    ticket.refresh_from_db()
    elsewhere.refresh_from_db()
    assert ticket.merged_into is None
    assert elsewhere.message_count == 1


def test_agents_cannot_merge(helpdesk, ticket):
    other = open_ticket(helpdesk)
    response = login(helpdesk.agent).post(url("merge", ticket.pk), {"target": other.number})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_next_goes_to_the_following_ticket_in_my_list_then_back_to_the_inbox(helpdesk):
    first, second = open_ticket(helpdesk), open_ticket(helpdesk)
    services.ticket_take(ticket=first, actor=helpdesk.agent)
    services.ticket_take(ticket=second, actor=helpdesk.agent)  # updated last: first in the list
    client = login(helpdesk.agent)
    response = client.get(url("next", second.pk))
    assert response.status_code == 302
    assert response.url == url("detail", first.pk)
    response = client.get(url("next", first.pk))
    assert response.url == url("inbox")


# --- Logging a ticket ---------------------------------------------------------------------------
def test_create_form_prefills_the_customer(helpdesk):
    contact = ContactFactory(last_name="Lefèvre")
    response = login(helpdesk.agent).get(url("create"), {"contact": contact.pk})
    assert response.status_code == 200
    page = text(response)
    assert 'data-testid="prefilled-contact"' in page
    assert "Lefèvre" in page
    assert f'name="contact" value="{contact.pk}"' in page


def test_agent_logs_a_phone_ticket_for_a_customer_found_by_email(helpdesk, media_root):
    contact = ContactFactory(emails=["zoe@example.fr"])
    data = create_data(helpdesk, contact="Zoe@Example.fr")
    data["attachments"] = [SimpleUploadedFile("facture.png", PNG)]
    response = login(helpdesk.agent).post(url("create"), data)
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Facture en double")
    assert response.url == url("detail", ticket.pk)
    assert ticket.contact == contact
    assert ticket.channel == Ticket.Channel.PHONE
    assert ticket.events.get(kind=TicketEvent.Kind.CREATED).actor == helpdesk.agent
    assert Attachment.objects.get(message__ticket=ticket).filename == "facture.png"


def test_it_agent_logs_a_request_for_a_staff_member(helpdesk, make_user):
    staff = make_user(Role.HR, email="rh@staff.example")
    data = create_data(helpdesk, queue=helpdesk.it_queue.pk, staff_requester="rh@staff.example")
    response = login(helpdesk.it_agent).post(url("create"), data)
    assert response.status_code == 302
    assert Ticket.objects.get().requester_user == staff


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"subject": "x" * 10_000}, None),
        ({"subject": "Bonjour\x00"}, None),
        ({"body": "Texte\x00caché"}, None),
        ({"body": ""}, services.ERROR_BODY_REQUIRED),
        ({"queue": "999999"}, ERROR_UNKNOWN_QUEUE),
        ({"queue": "'; DROP TABLE tickets_ticket; --"}, ERROR_UNKNOWN_QUEUE),
        ({"contact": "999999"}, ERROR_UNKNOWN_CONTACT),
        ({"contact": "nobody@nowhere.example"}, ERROR_UNKNOWN_CONTACT),
        ({"contact": ""}, ERROR_REQUESTER_MISSING),
        ({"channel": "pigeon"}, None),
        ({"priority": "99"}, None),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(helpdesk, overrides, error):
    contact = ContactFactory()
    data = create_data(helpdesk, **{"contact": str(contact.pk), **overrides})
    response = login(helpdesk.agent).post(url("create"), data)
    assert response.status_code == 422
    if error is not None:
        assert str(error) in text(response)
    assert 'class="invalid-feedback' in text(response) or "alert-danger" in text(response)
    assert not Ticket.objects.exists()
    assert not Message.objects.exists()


def test_create_refuses_a_queue_the_agent_cannot_see(helpdesk):
    data = create_data(helpdesk, queue=helpdesk.other_queue.pk, contact=str(ContactFactory().pk))
    response = login(helpdesk.agent).post(url("create"), data)
    assert response.status_code == 422
    assert str(ERROR_UNKNOWN_QUEUE) in text(response)
    assert not Ticket.objects.exists()


def test_create_refuses_an_oversized_attachment(helpdesk, media_root):
    data = create_data(helpdesk, contact=str(ContactFactory().pk))
    data["attachments"] = [SimpleUploadedFile("grosse.png", PNG + bytes(200))]
    with override_settings(TICKETS_ATTACHMENT_MAX_BYTES=100):
        response = login(helpdesk.agent).post(url("create"), data)
    assert response.status_code == 422
    too_big = str(services.ERROR_ATTACHMENT_TOO_BIG).split("%(size)s")[0]
    assert too_big % {"name": "grosse.png"} in text(response)
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(media_root.rglob("*.png"))


def test_create_refuses_an_executable_disguised_as_a_pdf(helpdesk, media_root):
    data = create_data(helpdesk, contact=str(ContactFactory().pk))
    data["attachments"] = [SimpleUploadedFile("devis.pdf", EXE, content_type="application/pdf")]
    response = login(helpdesk.agent).post(url("create"), data)
    assert response.status_code == 422
    refused = str(services.ERROR_ATTACHMENT_TYPE).split("%(type)s")[0]
    assert refused % {"name": "devis.pdf"} in text(response)
    assert not Ticket.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_reply_refuses_a_forbidden_attachment(helpdesk, ticket, media_root):
    data = reply_data(ticket)
    data["attachments"] = [SimpleUploadedFile("setup.exe", EXE)]
    response = login(helpdesk.agent).post(url("reply", ticket.pk), data)
    assert response.status_code == 422
    assert "setup.exe" in text(response)
    assert ticket.messages.count() == 1


# --- Attachments ---------------------------------------------------------------------------------
def _attach(ticket: Ticket, author, *, kind=Message.Kind.PUBLIC, name="photo.png") -> Attachment:
    services.ticket_reply(
        ticket=ticket, author=author, body="Voir la pièce jointe", kind=kind,
        attachments=[SimpleUploadedFile(name, PNG)],
    )  # fmt: skip
    return Attachment.objects.filter(message__ticket=ticket).latest("pk")


def test_desk_agent_downloads_an_attachment_safely(helpdesk, ticket, media_root):
    attachment = _attach(ticket, helpdesk.other_agent)
    page = text(login(helpdesk.agent).get(url("detail", ticket.pk)))
    assert url("attachment", attachment.pk) in page
    assert "/media/" not in page
    response = login(helpdesk.agent).get(url("attachment", attachment.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment;")
    assert "photo.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_requester_downloads_the_files_of_their_request(helpdesk, make_user, media_root):
    requester = make_user(Role.HR)
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=requester)
    attachment = _attach(request, helpdesk.it_agent)
    response = login(requester).get(url("attachment", attachment.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_internal_note_files_are_hidden_from_the_requester(helpdesk, make_user, media_root):
    requester = make_user(Role.HR)
    request = open_ticket(helpdesk, queue=helpdesk.it_queue, requester_user=requester)
    attachment = _attach(request, helpdesk.it_agent, kind=Message.Kind.NOTE)
    assert login(requester).get(url("attachment", attachment.pk)).status_code == 404
    assert login(helpdesk.it_agent).get(url("attachment", attachment.pk)).status_code == 200


def test_attachment_is_404_for_an_agent_of_another_team(helpdesk, ticket, media_root):
    attachment = _attach(ticket, helpdesk.agent)
    assert login(helpdesk.outsider).get(url("attachment", attachment.pk)).status_code == 404
    assert (
        login(UserFactory(roles=[Role.SALES])).get(url("attachment", attachment.pk)).status_code
        == 404
    )
    assert login(helpdesk.agent).get(url("attachment", 999_999)).status_code == 404


def test_attachment_download_requires_sign_in(helpdesk, ticket, media_root):
    attachment = _attach(ticket, helpdesk.agent)
    response = Client().get(url("attachment", attachment.pk))
    assert response.status_code == 302
    assert "login" in response.url
