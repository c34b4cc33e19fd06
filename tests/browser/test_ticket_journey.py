"""The service-desk journeys in Chromium: the agent answers a ticket with a macro, and a
staff member raises an IT request that IT answers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accounts.tests.factories import TeamFactory
from crm import services as crm_services
from tickets import services
from tickets.tests.factories import QueueFactory, calendar, policy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_agent_answers_a_ticket_with_a_macro_resolves_it_and_sees_it_on_the_timeline(
    live_server,
    page: Page,
    make_user,
    login,
    screenshots,
):
    agent = make_user(Role.AGENT)
    agent.first_name = "Camille"
    agent.save()
    team = TeamFactory(name="Service client", members=[agent])
    queue = QueueFactory(name="Service client", team=team, calendar=calendar())
    policy(queue)
    customer = crm_services.contact_create(
        actor=None, first_name="Zoé", last_name="Lefèvre", emails=["zoe@example.fr"]
    )
    ticket = services.ticket_create(
        queue=queue,
        subject="Facture de mars incorrecte",
        body="Bonjour, ma facture compte deux fois l'abonnement.",
        contact=customer,
        assignee=agent,
    )
    services.macro_save(
        name="Résolution confirmée",
        body="Bonjour {{ contact.first_name }}, votre demande {{ ticket.number }} est résolue.",
        team=team,
        set_status="resolved",
    )

    login(agent.email)
    page.get_by_role("link", name="Tickets").first.click()
    tabs = page.get_by_test_id("inbox-tabs")
    tabs.locator("[data-view=mine]").click()
    results = page.get_by_test_id("inbox-results")
    results.get_by_role("link", name=re.compile("Facture de mars incorrecte")).click()
    expect(page.locator("#ticket-heading")).to_contain_text(ticket.number)

    page.locator(".macro-picker summary").click()
    page.get_by_test_id("macro-list").get_by_role("link", name="Résolution confirmée").click()
    body = page.locator("#reply-form textarea[name=body]")
    expect(body).to_have_value(f"Bonjour Zoé, votre demande {ticket.number} est résolue.")
    page.locator("#reply-form button[type=submit]").click()

    expect(page.get_by_test_id("ticket-status")).to_have_text("Résolu")
    expect(page.locator("#message-list")).to_contain_text(
        f"Bonjour Zoé, votre demande {ticket.number} est résolue."
    )

    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    timeline = page.locator("#timeline-list")
    expect(timeline).to_contain_text(f"Ticket {ticket.number} résolu")
    expect(timeline).to_contain_text(f"Réponse sur {ticket.number}")
    expect(page.locator("body")).not_to_contain_text("<script")
    screenshots(page, "agent-ticket")


def test_staff_member_raises_an_it_request_that_it_answers(
    live_server,
    page: Page,
    make_user,
    login,
    browser,
    password,
    screenshots,
):
    hr = make_user(Role.HR)
    it_agent = make_user(Role.IT)
    it_team = TeamFactory(name="Support IT", kind="it", members=[it_agent])
    QueueFactory(name="Support IT", kind="it", team=it_team, calendar=calendar())

    login(hr.email)
    page.locator("a[href='/it/new/']").first.click()
    form = page.get_by_test_id("it-request-form")
    form.locator("input[name=subject]").fill("Écran qui scintille")
    form.locator("textarea").first.fill("Mon second écran scintille depuis ce matin.")
    screenshots(page, "it-request-form")
    form.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("body")).to_contain_text("Écran qui scintille")
    request_url = page.url

    # IT answers from its queue, in its own browser session.
    context = browser.new_context(locale="fr-FR")
    it_page = context.new_page()
    it_page.goto(f"{live_server.url}/accounts/login/")
    it_page.get_by_label("Adresse e-mail").fill(it_agent.email)
    it_page.get_by_label("Mot de passe").fill(password)
    it_page.get_by_role("button", name="Se connecter").click()
    it_page.goto(f"{live_server.url}/tickets/?view=all")
    screenshots(it_page, "it-helpdesk-inbox")
    it_page.get_by_test_id("inbox-results").get_by_role(
        "link", name=re.compile("Écran qui scintille")
    ).click()
    it_page.locator("#reply-form textarea[name=body]").fill("Nous passons à 14 h.")
    it_page.locator("#reply-form button[type=submit]").click()
    expect(it_page.locator("#message-list")).to_contain_text("Nous passons à 14 h.")
    it_page.locator("#reply-form textarea[name=body]").fill("Câble HDMI à changer")
    it_page.locator("#reply-form input[name=kind][value=note]").check()
    it_page.locator("#reply-form button[type=submit]").click()
    expect(it_page.locator("#message-list")).to_contain_text("Câble HDMI à changer")
    screenshots(it_page, "it-helpdesk-ticket")
    context.close()

    page.goto(request_url)
    expect(page.locator("body")).to_contain_text("Nous passons à 14 h.")
    expect(page.locator("body")).not_to_contain_text("Câble HDMI à changer")
    screenshots(page, "it-request")
