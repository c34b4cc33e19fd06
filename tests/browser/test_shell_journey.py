"""Browser journeys through the UI shell (Playwright on Debian's Chromium)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_agent_logs_in_in_french_switches_to_english_and_logs_out(
    live_server, page: Page, make_user, password
):
    agent = make_user(Role.AGENT, first_name="Camille", last_name="Martin")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Se connecter à Relais")).to_be_visible()
    page.get_by_label("Adresse e-mail").fill(agent.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(re.compile(r"/workspace/agent/$"))
    expect(page.get_by_role("heading", name="Espace Agent")).to_be_visible()
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)

    page.get_by_label("Langue").select_option("en")
    expect(page.get_by_role("heading", name="Agent workspace")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Relais")).to_be_visible()
    page.goto(f"{live_server.url}/workspace/agent/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_hr_is_shown_a_friendly_refusal_on_the_agent_workspace(
    live_server, page: Page, make_user, password
):
    hr = make_user(Role.HR)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(hr.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/workspace/hr/$"))
    response = page.goto(f"{live_server.url}/workspace/agent/")
    assert response is not None
    assert response.status == 403
    expect(
        page.get_by_role("heading", name="Cette page ne fait pas partie de votre rôle")
    ).to_be_visible()
