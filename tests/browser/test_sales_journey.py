"""The sales handoff in Chromium, in French: the agent flags an opportunity from a ticket,
the rep sees the "fix service first" warning, acknowledges it, drags the card to "won",
and the agent sees "won" on their workspace."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Team
from accounts.roles import Role
from accounts.tests.factories import TeamFactory
from crm import services as crm_services
from sales.models import Opportunity, Product, ServiceWarningSettings, Stage
from tickets import services as ticket_services
from tickets.tests.factories import QueueFactory, calendar

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_agent_flags_rep_acknowledges_and_wins_agent_sees_won(
    live_server,
    page: Page,
    make_user,
    login,
    browser,
    password,
    screenshots,
):
    agent = make_user(Role.AGENT, first_name="Camille", last_name="Martin")
    rep = make_user(Role.SALES, first_name="Hugo", last_name="Lefèvre")
    service = TeamFactory(name="Service client", members=[agent])
    TeamFactory(name="Ventes", kind=Team.Kind.SALES, members=[rep], lead=rep)
    cal = calendar()
    queue = QueueFactory(name="Service client", team=service, calendar=cal)
    complaints = QueueFactory(name="Réclamations", team=service, calendar=cal)
    ServiceWarningSettings.objects.create().complaint_queues.add(complaints)
    Product.objects.create(name="Fibre Pro", product_line="Fibre")
    customer = crm_services.contact_create(
        actor=None, first_name="Zoé", last_name="Lefèvre", emails=["zoe@example.fr"]
    )
    ticket = ticket_services.ticket_create(
        queue=queue, subject="Débit trop faible", body="Ma connexion est lente.",
        contact=customer, assignee=agent,
    )  # fmt: skip
    ticket_services.ticket_create(
        queue=complaints, subject="Facturé deux fois", body="Deux prélèvements ce mois-ci.",
        contact=customer,
    )  # fmt: skip

    # The agent flags it from the ticket, in the dialog.
    login(agent.email)
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    page.get_by_role("link", name="Signaler une opportunité").click()
    dialog = page.locator("#dialog-host")
    expect(dialog.get_by_text("Signaler une opportunité pour Zoé Lefèvre")).to_be_visible()
    dialog.get_by_label("Besoin").fill("Veut passer à la fibre pour son cabinet")
    dialog.get_by_label("Produit ou offre qui l’intéresse").select_option(label="Fibre Pro")  # noqa: RUF001
    dialog.get_by_label("Valeur estimée (EUR)").fill("2400")
    dialog.get_by_label(re.compile("accepte d’être appelé")).check()  # noqa: RUF001
    dialog.get_by_label("lun.").check()
    dialog.get_by_role("button", name="Confier aux commerciaux").click()
    expect(dialog.get_by_test_id("flag-done")).to_contain_text("confiée à Hugo Lefèvre")
    opportunity = Opportunity.objects.get()
    assert opportunity.source_ticket_id == ticket.pk

    # The rep, in their own session: the warning, the acknowledgement, the board.
    context = browser.new_context(locale="fr-FR", viewport={"width": 1440, "height": 900})
    rep_page = context.new_page()
    rep_page.goto(f"{live_server.url}/accounts/login/")
    rep_page.get_by_label("Adresse e-mail").fill(rep.email)
    rep_page.get_by_label("Mot de passe").fill(password)
    rep_page.get_by_role("button", name="Se connecter").click()
    rep_page.get_by_test_id("to-accept").get_by_role("link", name=re.compile("Zoé Lefèvre")).click()
    warning = rep_page.get_by_test_id("service-warning")
    expect(warning).to_contain_text("Régler le service d’abord")  # noqa: RUF001
    expect(warning).to_contain_text("Facturé deux fois")
    rep_page.get_by_test_id("accept").click()
    expect(rep_page.get_by_text("Relais accepté")).to_be_visible()
    rep_page.get_by_label("Commentaire").fill("Je fais rembourser le double prélèvement d’abord")  # noqa: RUF001
    rep_page.get_by_role("button", name=re.compile("prendre en compte")).click()
    expect(rep_page.get_by_test_id("ack-done")).to_contain_text("Hugo Lefèvre")

    rep_page.get_by_role("link", name="Pipeline").first.click()
    card = rep_page.get_by_test_id(f"card-{opportunity.pk}")
    expect(rep_page.get_by_test_id("column-new")).to_contain_text("Zoé Lefèvre")
    # A real drag: press on the card, move in steps (SortableJS follows the mouse), drop.
    start = card.locator(".card-body > div").nth(1).bounding_box()
    target = rep_page.get_by_test_id("column-won").locator(".kanban-cards").bounding_box()
    assert start
    assert target
    rep_page.mouse.move(start["x"] + 5, start["y"] + start["height"] / 2)
    rep_page.mouse.down()
    rep_page.mouse.move(start["x"] + 30, start["y"] + 20, steps=5)
    rep_page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 20, steps=25)
    rep_page.mouse.up()
    expect(rep_page.get_by_test_id("column-won")).to_contain_text("Zoé Lefèvre", timeout=10_000)
    expect(rep_page.get_by_test_id("count-won")).to_have_text("1")
    screenshots(rep_page, "sales-pipeline")
    context.close()
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON

    # Back to the agent: "won" on the workspace, and the notification.
    page.goto(f"{live_server.url}/workspace/agent/")
    mine = page.get_by_test_id(f"my-flag-{opportunity.pk}")
    expect(mine).to_contain_text("Gagné")
    expect(page.get_by_test_id("unread-count")).to_be_visible()
