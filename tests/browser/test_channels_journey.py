"""Journey: a customer sends the web form, the agent sees the ticket and replies, the
reply reaches the SMTP server with the right headers, and the customer's answer by email
threads onto the same ticket."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
from django.test import TestCase
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accounts.tests.factories import TeamFactory
from channels.inbound.services import inbound_receive
from channels.models import InboundAddress, InboundEmail, OutboundEmail, WebFormTopic
from channels.tests.factories import simple_email
from channels.tests.servers import smtp_server  # noqa: F401 - fixture
from tickets.models import Ticket
from tickets.tests.factories import QueueFactory, calendar
from tickets.tests.factories import policy as sla_policy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_web_form_to_agent_reply_by_email_and_the_answer_threads_back(
    live_server,
    page: Page,
    make_user,
    login,
    browser,
    smtp_server,  # noqa: F811,
    screenshots,
):
    agent = make_user(Role.AGENT, first_name="Camille")
    team = TeamFactory(name="Service client", members=[agent])
    queue = QueueFactory(
        name="Service client",
        team=team,
        calendar=calendar(),
        email_address="support@relais.example",
    )
    sla_policy(queue)
    InboundAddress.objects.create(address="contact@relais.example", queue=queue, is_default=True)
    WebFormTopic.objects.create(name_fr="Facturation", name_en="Billing", queue=queue)

    # The customer, on a phone, without an account.
    customer = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    phone = customer.new_page()
    phone.goto(f"{live_server.url}/support/")
    phone.get_by_label("Votre nom").fill("Zoé Lefèvre")
    phone.get_by_label("Votre adresse e-mail").fill("zoe@exemple.fr")
    phone.get_by_label("Objet").fill("Facture de mars en double")
    phone.get_by_label("Votre message").fill("Bonjour, ma facture de mars compte deux fois.")
    phone.get_by_role("button", name="Envoyer ma demande").click()
    number = phone.get_by_test_id("ticket-number")
    expect(number).to_have_text(re.compile(r"T-\d{4}-\d{6}"))
    ticket = Ticket.objects.get()
    assert number.inner_text() == ticket.number
    screenshots(phone, "customer-web-form")
    customer.close()
    # The confirmation email with the private link reached the SMTP server.
    confirmation = email.message_from_bytes(smtp_server.wait_for(1)[0].data, policy=policy.default)
    assert ticket.number in confirmation["Subject"]

    login(agent.email)
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    expect(page.locator("#ticket-heading")).to_contain_text(ticket.number)
    expect(page.get_by_test_id("message-channel").first).to_contain_text("Formulaire web")
    expect(page.get_by_test_id("reply-hint")).to_contain_text("support@relais.example")
    page.locator("#reply-form textarea[name=body]").fill("Bonjour Zoé, l'avoir est émis.")
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("#message-list")).to_contain_text("l'avoir est émis")

    sent = smtp_server.wait_for(2)[1]
    assert sent.rcpt_tos == ["zoe@exemple.fr"]
    reply = email.message_from_bytes(sent.data, policy=policy.default)
    outbound = OutboundEmail.objects.get(purpose="ticket_reply")
    assert reply["From"] == "Service client <support@relais.example>"
    assert reply["Subject"] == f"Re: [{ticket.number}] Facture de mars en double"
    assert reply["Message-ID"] == f"<{outbound.message_id}>"
    ack = OutboundEmail.objects.get(purpose="ticket_ack")
    assert reply["In-Reply-To"] == f"<{ack.message_id}>"
    assert f"<{ack.message_id}>" in reply["References"]
    page.reload()
    expect(page.get_by_test_id("email-delivery").last).to_contain_text("Envoyé")

    # The customer answers from their mail client: it threads onto the same ticket.
    answer = simple_email(
        sender="Zoé Lefèvre <zoe@exemple.fr>",
        subject=f"Re: [{ticket.number}] Facture",
        message_id="answer-1@exemple.fr",
        headers=f"In-Reply-To: <{outbound.message_id}>\r\nReferences: <{outbound.message_id}>",
        body="Merci beaucoup !\r\n\r\nLe 3 mars, Service client a écrit :\r\n> Bonjour Zoé",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        inbound_receive(raw=answer, source=InboundEmail.Source.API)
    assert Ticket.objects.count() == 1
    page.reload()
    expect(page.locator("#message-list")).to_contain_text("Merci beaucoup !")
    answer_message = Ticket.objects.get().messages.order_by("created_at", "id").last()
    assert answer_message.body_text == "Merci beaucoup !"  # the quoted history is not stored
    expect(page.get_by_test_id("email-meta").last).to_contain_text("zoe@exemple.fr")
    screenshots(page, "agent-email-reply")
