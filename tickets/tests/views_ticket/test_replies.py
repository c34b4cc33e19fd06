"""Replies and macros on the ticket page: every refused write says why and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm import services as crm_services
from crm.tests.factories import ContactFactory
from tickets import services
from tickets.models import Message, Priority, Ticket
from tickets.tests.factories import MacroFactory, open_ticket

from .support import HTMX, PNG, hidden_value, login, reply_data, text, url

pytestmark = pytest.mark.django_db


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
