from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.roles import Role
from tickets import services
from tickets.models import Attachment, Message, Priority, Queue, Ticket
from tickets.services import ERROR_ATTACHMENT_TYPE, ERROR_NO_IT_QUEUE
from tickets.tests.factories import CategoryFactory, open_ticket

pytestmark = pytest.mark.django_db

CREATE = reverse("tickets:it_request")
EXE = b"MZ\x90\x00" + bytes(100)


def fr(text, **params) -> str:
    """A message as the (French-speaking) user reads it in the page, HTML-escaped."""
    with translation.override("fr"):
        return escape(str(text) % params if params else str(text))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def it_category(helpdesk):
    return CategoryFactory(name="Matériel", queue_kind=Queue.Kind.IT)


def request_data(**overrides):
    data = {
        "subject": "Mon casque ne marche plus",
        "priority": Priority.HIGH,
        "description": "Plus de son depuis ce matin.",
    }
    data.update(overrides)
    return data


def it_request(desk, requester, **kwargs) -> Ticket:
    return services.it_request_create(
        requester=requester,
        subject=kwargs.pop("subject", "Écran noir"),
        body=kwargs.pop("body", "Mon écran reste noir."),
        **kwargs,
    )


def page_url(name, ticket):
    return reverse(f"tickets:{name}", args=[ticket.pk])


# --- Raising a request --------------------------------------------------------------------
@pytest.mark.parametrize("roles", [[], [Role.HR], [Role.SALES], [Role.AGENT], [Role.ADMIN]])
def test_every_signed_in_staff_member_may_raise_an_it_request(role_client, helpdesk, roles):
    client = role_client(*roles)
    form = client.get(CREATE)
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.content.decode()
    response = client.post(CREATE, request_data())
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url("my_request", ticket)
    assert (ticket.queue, ticket.requester_user, ticket.channel) == (
        helpdesk.it_queue, client.user, Ticket.Channel.INTERNAL
    )  # fmt: skip
    assert ticket.priority == Priority.HIGH


def test_anonymous_visitor_cannot_raise_or_read_requests(client, helpdesk):
    ticket = it_request(helpdesk, helpdesk.agent)
    for url in (CREATE, reverse("tickets:my_requests"), page_url("my_request", ticket)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    client.post(page_url("my_request_reply", ticket), {"body": "Hello"})
    assert ticket.messages.count() == 1


def test_it_request_with_category_and_attachments(role_client, helpdesk, it_category):
    client = role_client(Role.HR)
    files = [
        SimpleUploadedFile("erreur.txt", b"Code 0x80070005", content_type="text/plain"),
        SimpleUploadedFile("liste.csv", b"poste;ecran\n1;2\n", content_type="text/csv"),
    ]
    client.post(CREATE, request_data(category=it_category.pk, attachments=files))
    ticket = Ticket.objects.get()
    assert ticket.category == it_category
    assert sorted(Attachment.objects.values_list("filename", flat=True)) == [
        "erreur.txt", "liste.csv"
    ]  # fmt: skip


def test_executable_attachment_is_refused_and_nothing_is_written(role_client, helpdesk):
    client = role_client(Role.HR)
    upload = SimpleUploadedFile("facture.pdf", EXE, content_type="application/pdf")
    response = client.post(CREATE, request_data(attachments=[upload]))
    assert response.status_code == 400
    html = response.content.decode()
    assert escape("«\u00a0facture.pdf\u00a0»") in html
    assert fr(ERROR_ATTACHMENT_TYPE, name="facture.pdf", type="application/x-msdownload") in html
    assert not Ticket.objects.exists()
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"subject": ""},
        {"description": ""},
        {"description": "   "},
        {"subject": "Nul\x00"},
        {"priority": "9"},
        {"subject": "x" * 201},
    ],
)
def test_bad_it_request_is_explained_and_nothing_is_written(role_client, helpdesk, overrides):
    response = role_client(Role.HR).post(CREATE, request_data(**overrides))
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_customer_service_category_is_not_offered_for_it(role_client, helpdesk, it_category):
    service_category = CategoryFactory(name="Facturation", queue_kind=Queue.Kind.SERVICE)
    client = role_client(Role.HR)
    form = client.get(CREATE).content.decode()
    assert "Matériel" in form
    assert "Facturation" not in form
    response = client.post(CREATE, request_data(category=service_category.pk))
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_without_an_open_it_queue_the_request_is_refused_clearly(role_client, helpdesk):
    Queue.objects.filter(kind=Queue.Kind.IT).update(is_active=False)
    response = role_client(Role.HR).post(CREATE, request_data())
    assert response.status_code == 400
    assert fr(ERROR_NO_IT_QUEUE) in response.content.decode()
    assert not Ticket.objects.exists()


def test_navbar_offers_the_it_request_button_to_everyone(role_client, helpdesk):
    html = role_client(Role.HR).get(reverse("tickets:my_requests")).content.decode()
    assert f'href="{CREATE}"' in html
    assert "bi-pc-display" in html


# --- Following one's requests --------------------------------------------------------------
def test_my_requests_lists_only_mine_with_bounded_queries(
    role_client, helpdesk, django_assert_max_num_queries
):
    client = role_client(Role.HR)
    for i in range(30):
        it_request(helpdesk, client.user, subject=f"Demande {i:02d}")
    it_request(helpdesk, helpdesk.agent, subject="Pas à moi")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("tickets:my_requests"))
    html = response.content.decode()
    assert "Demande 29" in html
    assert "Pas à moi" not in html
    assert len(response.context["page"].object_list) == 25
    second = client.get(reverse("tickets:my_requests"), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert client.get(reverse("tickets:my_requests"), {"page": "zz"}).status_code == 200


def test_request_page_shows_public_messages_and_hides_internal_notes(role_client, helpdesk):
    client = role_client(Role.HR)
    ticket = it_request(helpdesk, client.user, body="Mon écran reste noir.")
    services.ticket_reply(
        ticket=ticket, author=helpdesk.it_agent, body="Note interne : RMA chez Dell", kind="note"
    )
    services.ticket_reply(
        ticket=ticket,
        author=helpdesk.it_agent,
        body="Avez-vous essayé un autre câble ?",
        attachments=[SimpleUploadedFile("procedure.txt", b"Etape 1", content_type="text/plain")],
    )
    html = client.get(page_url("my_request", ticket)).content.decode()
    assert "Mon écran reste noir." in html
    assert "Avez-vous essayé un autre câble ?" in html
    assert "RMA chez Dell" not in html
    attachment = Attachment.objects.get()
    assert f'href="{reverse("tickets:attachment", args=[attachment.pk])}"' in html


def test_someone_elses_request_is_a_404_even_for_the_it_team(role_client, client, helpdesk):
    ticket = it_request(helpdesk, helpdesk.agent)
    other = role_client(Role.HR)
    assert other.get(page_url("my_request", ticket)).status_code == 404
    assert (
        other.post(page_url("my_request_reply", ticket), {"body": "Moi aussi"}).status_code == 404
    )
    client.force_login(helpdesk.it_agent)  # works the queue, but this page is the requester's
    assert client.get(page_url("my_request", ticket)).status_code == 404
    assert ticket.messages.count() == 1


def test_reply_reopens_a_request_waiting_on_the_requester(role_client, helpdesk):
    client = role_client(Role.HR)
    ticket = it_request(helpdesk, client.user)
    services.ticket_reply(
        ticket=ticket, author=helpdesk.it_agent, body="Quel modèle ?", status="pending_customer"
    )
    response = client.post(
        page_url("my_request_reply", ticket),
        {"body": "Un Dell P2419H", "attachments": [
            SimpleUploadedFile("photo.txt", b"photo", content_type="text/plain")]},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == page_url("my_request", ticket)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    last = ticket.messages.latest("created_at")
    assert (last.body_text.strip(), last.author, last.direction) == (
        "Un Dell P2419H", client.user, Message.Direction.INBOUND
    )  # fmt: skip
    assert last.attachments.count() == 1


def test_reply_to_a_closed_request_opens_a_follow_up(role_client, helpdesk):
    client = role_client(Role.HR)
    ticket = it_request(helpdesk, client.user)
    services.ticket_change_status(ticket=ticket, status="resolved", actor=helpdesk.it_agent)
    services.ticket_change_status(ticket=ticket, status="closed", actor=helpdesk.it_agent)
    response = client.post(page_url("my_request_reply", ticket), {"body": "Ça recommence."})
    follow_up = Ticket.objects.exclude(pk=ticket.pk).get()
    assert follow_up.follow_up_of == ticket
    assert follow_up.requester_user == client.user
    assert response["Location"] == page_url("my_request", follow_up)
    page = client.get(response["Location"]).content.decode()
    assert "Ça recommence." in page
    assert escape(follow_up.number) in page


@pytest.mark.parametrize(
    "data",
    [
        {"body": ""},
        {"body": "\x00"},
        {"body": "Voici", "attachments": [SimpleUploadedFile("virus.doc", EXE)]},
        {"body": "Vide", "attachments": [SimpleUploadedFile("vide.txt", b"")]},
    ],
)
def test_bad_reply_is_explained_and_nothing_is_written(role_client, helpdesk, data):
    client = role_client(Role.HR)
    ticket = it_request(helpdesk, client.user)
    response = client.post(page_url("my_request_reply", ticket), data)
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert ticket.messages.count() == 1
    assert not Attachment.objects.exists()


def test_my_requests_panel_on_the_workspace(role_client, helpdesk):
    client = role_client(Role.HR)
    ticket = it_request(helpdesk, client.user, subject="Badge perdu")
    html = client.get(reverse("accounts:workspace", args=["hr"])).content.decode()
    assert "Badge perdu" in html
    assert page_url("my_request", ticket) in html
    assert f'href="{CREATE}"' in html


def test_customer_page_lists_the_customers_tickets_with_a_new_ticket_link(client, helpdesk):
    ticket = open_ticket(helpdesk, subject="Facture en double")
    client.force_login(helpdesk.agent)
    html = client.get(reverse("crm:contact_detail", args=[ticket.contact_id])).content.decode()
    assert "Facture en double" in html
    assert reverse("tickets:detail", args=[ticket.pk]) in html
    assert f"{reverse('tickets:create')}?contact={ticket.contact_id}" in html
