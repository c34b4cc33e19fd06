"""Issue 9 in Chromium: the desk as new users found it (macros at the cursor, the
confirmation in view after Send, the inbox on a desktop and a phone, presence)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accounts.tests.factories import TeamFactory
from crm import services as crm_services
from tickets import services
from tickets.tests.factories import QueueFactory, calendar, policy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _desk(make_user):
    agent = make_user(Role.AGENT, first_name="Camille", last_name="Agent")
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
    return agent, team, queue, customer, ticket


def test_a_macro_goes_in_at_the_cursor_and_the_confirmation_is_in_view(
    live_server, page: Page, make_user, login, screenshots
):
    agent, team, _queue, _customer, ticket = _desk(make_user)
    for n in range(12):  # a long conversation: the reply box is far down the page
        services.ticket_reply(ticket=ticket, author=agent, body=f"Note {n}\n\n" + "texte " * 80,
                              kind="note")  # fmt: skip
    services.macro_save(
        name="Avoir émis",
        body="un avoir pour {{ ticket.number }} est émis.",
        team=team,
        set_status="pending_customer",
    )
    login(agent.email)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    body = page.locator("#reply-form textarea[name=body]")
    body.fill("Bonjour Zoé,\n\n\nCordialement")
    body.evaluate("el => el.setSelectionRange(14, 14)")  # the empty line
    page.locator(".macro-picker summary").click()
    page.get_by_test_id("macro-list").get_by_role("link", name="Avoir émis").click()
    expect(page.get_by_test_id("selected-macro")).to_be_visible()
    expect(body).to_have_value(
        f"Bonjour Zoé,\n\nun avoir pour {ticket.number} est émis.\nCordialement"
    )
    # Nothing else in the form moved: the status (pre-selected) and files are still there.
    expect(page.locator("#reply-form select[name=status]")).to_have_value("pending_customer")
    expect(page.locator("#reply-form input[name=attachments]")).to_be_visible()
    screenshots(page, "ticket-macro")

    page.locator("#reply-form button[type=submit]").click()
    confirmation = page.locator("#ticket-page .messages")
    expect(confirmation).to_contain_text("Réponse envoyée")
    expect(confirmation).to_be_in_viewport()
    expect(confirmation).to_be_focused()
    expect(page.get_by_test_id("ticket-status")).to_have_text("En attente du client")


def test_a_colleague_sees_who_is_viewing_then_typing(
    live_server, browser, make_user, password, screenshots
):
    agent, team, _queue, _customer, ticket = _desk(make_user)
    colleague = make_user(Role.AGENT, first_name="Dominique", last_name="Collègue")
    team.members.add(colleague)

    def open_as(user):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Adresse e-mail").fill(user.email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        return page

    a = open_as(agent)
    b = open_as(colleague)
    presence = b.get_by_test_id("ticket-presence")
    # The page polls every 10 s: B sees A within one period.
    expect(presence).to_contain_text("Camille Agent consulte ce ticket", timeout=15_000)
    a.locator("#reply-form textarea[name=body]").type("Bonjour")
    expect(presence).to_contain_text(
        "Camille Agent est en train d’écrire une réponse…",  # noqa: RUF001
        timeout=15_000,
    )
    screenshots(b, "ticket-presence")
    expect(a.get_by_test_id("ticket-presence")).to_contain_text("Dominique Collègue consulte")
