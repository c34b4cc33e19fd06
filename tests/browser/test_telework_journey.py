"""The telework journey in Chromium, in French: an agent requests two days a week, the
manager approves, HR validates, both sign, IT closes the provisioning ticket, and the
agent sees the agreement active with its PDF to download."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from telework.tests.factories import world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

FIRST_WEEK_ONLY = [
    {
        "code": "first_week",
        "title_fr": "Point de la première semaine",
        "title_en": "First-week check-in",
        "owner": "manager",
        "mandatory": False,
        "due_offset_days": 7,
    }
]


def open_as(browser: Browser, live_server, user: User, password: str) -> Page:
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    return page


def test_agent_requests_manager_approves_hr_validates_both_sign_it_delivers(
    live_server,
    browser: Browser,
    password: str,
    settings,
    tmp_path,
    screenshots,
):
    settings.MEDIA_ROOT = tmp_path
    w = world(steps=FIRST_WEEK_ONLY)

    agent = open_as(browser, live_server, w.agent, password)
    agent.get_by_role("link", name="Mon télétravail").first.click()
    agent.get_by_role("link", name="Demander le télétravail").click()
    form = agent.get_by_test_id("request-form")
    form.get_by_label("Date de début").fill(timezone.localdate().isoformat())
    form.get_by_label("Mardi").check()
    form.get_by_label("Jeudi").check()
    form.get_by_label("Lieu du télétravail").fill("12 rue des Lilas, 69003 Lyon")
    form.get_by_role("button", name="Envoyer la demande").click()
    expect(agent.get_by_test_id("agreement-status")).to_have_text("En attente du manager")
    agreement_url = agent.url

    manager = open_as(browser, live_server, w.manager, password)
    manager.goto(agreement_url)
    manager.get_by_role("button", name="Approuver").click()
    expect(manager.get_by_test_id("agreement-status")).to_have_text("En attente de validation RH")

    hr = open_as(browser, live_server, w.hr, password)
    hr.goto(agreement_url)
    hr.get_by_role("button", name="Valider").click()
    expect(hr.get_by_test_id("agreement-status")).to_have_text("En attente des signatures")

    for page in (agent, hr):
        page.goto(agreement_url)
        expect(page.get_by_test_id("version-text")).to_contain_text("Mardi, Jeudi")
        page.get_by_label("J\u2019ai lu ce texte et je l\u2019accepte.").check()
        page.get_by_role("button", name="Signer").click()
        expect(page.locator("body")).to_contain_text("Votre signature est enregistrée.")
    expect(hr.get_by_test_id("agreement-status")).to_have_text("Actif")

    it = open_as(browser, live_server, w.it, password)
    it.goto(f"{live_server.url}/tickets/?view=all")
    it.get_by_test_id("inbox-results").get_by_role(
        "link", name=re.compile("Équipement de télétravail pour Camille Martin")
    ).click()
    expect(it.locator("#message-list")).to_contain_text("LAP-0")
    expect(it.locator("#message-list")).not_to_contain_text("Lilas")
    it.locator("#reply-form textarea[name=body]").fill("Ordinateur et casque remis ce matin.")
    it.locator("#reply-form select[name=status]").select_option("resolved")
    it.locator("#reply-form button[type=submit]").click()
    expect(it.get_by_test_id("ticket-status")).to_have_text("Résolu")

    agent.goto(f"{live_server.url}/telework/")
    current = agent.get_by_test_id("current-agreement")
    expect(current.get_by_test_id("agreement-status")).to_have_text("Actif")
    expect(agent.get_by_test_id("my-equipment")).to_contain_text("Livré")
    with agent.expect_download() as download:
        agent.get_by_test_id("my-documents").get_by_role("link", name="PDF").first.click()
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    agent.screenshot(path=str(tmp_path / "my-telework.png"), full_page=True)
    screenshots(agent, "agent-telework")
    screenshots(hr, "hr-telework")
    screenshots(it, "it-equipment")
