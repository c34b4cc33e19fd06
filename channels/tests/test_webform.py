"""The public form at /support/ and the customer's private page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from channels.models import ContactOrigin, WebFormTopic
from channels.webform import links
from channels.webform import services as webform
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def topic(maildesk):
    return WebFormTopic.objects.create(
        name_fr="Facturation", name_en="Billing", queue=maildesk.other_queue
    )


def form_data(chosen, **overrides):
    data = {
        "name": "Zoé Lefèvre",
        "email": "zoe@exemple.fr",
        "phone": "06 12 34 56 78",
        "customer_number": "C-4242",
        "topic": chosen.pk,
        "subject": "Facture de mars",
        "message": "Ma facture de mars compte deux fois l'abonnement.",
        "language": "fr",
        "website": "",
    }
    data.update(overrides)
    return data


def test_form_page_is_public_and_phone_friendly(client, topic):
    response = client.get("/support/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport"' in html
    assert "Facturation" in html
    assert 'inputmode="email"' in html
    assert "csrfmiddlewaretoken" in html


def test_a_request_opens_a_ticket_in_the_topic_queue_and_emails_the_private_link(
    client, topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/support/",
            form_data(
                topic, attachments=[SimpleUploadedFile("facture.pdf", PDF, "application/pdf")]
            ),
        )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.queue == topic.queue
    assert ticket.channel == Ticket.Channel.WEB
    message = ticket.messages.get()
    assert message.channel == "web"
    assert "Ma facture de mars" in message.body_text
    assert "C-4242" in message.body_text
    assert message.attachments.get().filename == "facture.pdf"
    contact = ticket.contact
    assert contact.emails.get().email == "zoe@exemple.fr"
    assert contact.phones.get().number.as_e164 == "+33612345678"
    assert ContactOrigin.objects.get(contact=contact).channel == "web"
    thanks = client.get(response["Location"])
    assert ticket.number in thanks.content.decode()
    sent = mail.outbox[-1]
    assert sent.to == ["zoe@exemple.fr"]
    assert ticket.number in sent.subject
    assert links.portal_url(ticket) in sent.body


def test_the_customer_follows_and_answers_from_the_private_link(client, topic):
    client.post("/support/", form_data(topic))
    ticket = Ticket.objects.get()
    url = reverse("channels:portal", args=[links.portal_token(ticket)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Ma facture de mars" in page.content.decode()
    response = client.post(url, {"message": "J'ajoute la photo de la facture."})
    assert response.status_code == 302
    assert ticket.messages.count() == 2
    assert ticket.messages.last().channel == "web"


def test_a_forged_or_foreign_token_is_a_404(client, topic):
    client.post("/support/", form_data(topic))
    ticket = Ticket.objects.get()
    token = links.portal_token(ticket)
    assert client.get(reverse("channels:portal", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("channels:portal", args=["garbage"])).status_code == 404
    ticket.contact = None
    assert links.ticket_from_token(token) is not None  # still the same customer in the db


def test_the_honeypot_refuses_bots_and_writes_nothing(client, topic):
    response = client.post("/support/", form_data(topic, website="http://spam.example"))
    assert response.status_code == 400
    assert str(webform.ERROR_BOT) in response.content.decode()
    assert Ticket.objects.count() == 0


def test_floods_from_one_address_are_rate_limited(client, topic, settings):
    settings.CHANNELS_WEBFORM_RATE_PER_IP = "2/h"
    assert client.post("/support/", form_data(topic, email="a@exemple.fr")).status_code == 302
    assert client.post("/support/", form_data(topic, email="b@exemple.fr")).status_code == 302
    response = client.post("/support/", form_data(topic, email="c@exemple.fr"))
    assert response.status_code == 429
    assert str(webform.ERROR_RATE_IP) in response.content.decode()
    assert Ticket.objects.count() == 2


def test_floods_for_one_email_are_rate_limited(client, topic, settings):
    settings.CHANNELS_WEBFORM_RATE_PER_EMAIL = "1/h"
    assert client.post("/support/", form_data(topic)).status_code == 302
    response = client.post("/support/", form_data(topic))
    assert response.status_code == 429
    assert str(webform.ERROR_RATE_EMAIL) in response.content.decode()
    assert Ticket.objects.count() == 1


def test_csrf_is_enforced(topic):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/support/", form_data(topic))
    assert response.status_code == 403
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "pas-une-adresse"}, "email"),
        ({"message": "court"}, "message"),
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"topic": "999999"}, "topic"),
        ({"name": "\x00" * 10}, "name"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(client, topic, overrides, field):
    response = client.post("/support/", form_data(topic, **overrides))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_oversized_and_executable_files_are_refused(client, topic, settings):
    settings.TICKETS_ATTACHMENT_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", PDF + b" " * 2000, "application/pdf")
    response = client.post("/support/", form_data(topic, attachments=[big]))
    assert response.status_code == 422
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00" + bytes(200), "application/pdf")
    response = client.post("/support/", form_data(topic, attachments=[exe]))
    assert response.status_code == 422
    assert Ticket.objects.count() == 0
    assert Message.objects.count() == 0


def test_english_requests_get_english_text(client, topic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/support/", form_data(topic, language="en"))
    ticket = Ticket.objects.get()
    assert ticket.contact.preferred_language == "en"
    assert "Topic: Billing" in ticket.messages.get().body_text
    assert "We have received your request" in mail.outbox[-1].subject


def test_the_form_api_follows_the_same_rules(api_client, topic):
    response = api_client.post("/api/v1/support/requests/", form_data(topic), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == Ticket.objects.get().number
    bot = api_client.post("/api/v1/support/requests/", form_data(topic, website="x"), format="json")
    assert bot.status_code == 400
    bad = api_client.post(
        "/api/v1/support/requests/", form_data(topic, email="nope"), format="json"
    )
    assert bad.status_code == 400
    assert "email" in bad.json()
    assert Ticket.objects.count() == 1
    topics = api_client.get("/api/v1/support/topics/")
    assert topics.json()[0]["name_en"] == "Billing"
