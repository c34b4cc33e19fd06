"""Logging a ticket, and attachment downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from crm.tests.factories import ContactFactory
from tickets import services
from tickets.forms.ticket import (
    ERROR_REQUESTER_MISSING,
    ERROR_UNKNOWN_CONTACT,
    ERROR_UNKNOWN_QUEUE,
)
from tickets.models import Attachment, Message, Ticket, TicketEvent
from tickets.tests.factories import open_ticket

from .support import EXE, PNG, create_data, login, reply_data, text, url

pytestmark = pytest.mark.django_db


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
