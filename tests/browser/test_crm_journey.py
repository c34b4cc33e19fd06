"""The agent's customer-record journey in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from crm import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_agent_finds_a_customer_by_phone_adds_a_note_and_sees_it_on_top(
    live_server,
    page: Page,
    make_user,
    login,
    screenshots,
):
    agent = make_user(Role.AGENT)
    customer = services.contact_create(
        actor=None, first_name="Zoé", last_name="Lefèvre", emails=["zoe@example.fr"],
        phones=["+33612345678"],
    )  # fmt: skip
    services.note_add(contact=customer, author=None, body="Première note")
    services.contact_create(
        actor=None, first_name="Paul", last_name="Martin", phones=["07 81 23 45 67"]
    )

    login(agent.email)
    page.get_by_role("searchbox", name="Rechercher des clients").fill("06 12 34 56 78")
    page.get_by_role("searchbox", name="Rechercher des clients").press("Enter")
    results = page.locator("#results")
    expect(results.get_by_role("link", name=re.compile("Zoé Lefèvre"))).to_be_visible()
    expect(results.get_by_text("Paul Martin")).to_have_count(0)

    results.get_by_role("link", name=re.compile("Zoé Lefèvre")).click()
    expect(page.get_by_role("heading", name=re.compile("Zoé Lefèvre"))).to_be_visible()

    page.get_by_role("textbox", name="Note").fill("Rappeler jeudi matin pour le devis")
    page.get_by_role("button", name="Ajouter la note").click()

    first_entry = page.locator("#timeline-list > li").first
    expect(first_entry).to_contain_text("Rappeler jeudi matin pour le devis")
    expect(first_entry).to_contain_text("Note")
    # The form is ready for the next note and nothing reloaded the page.
    expect(page.get_by_role("textbox", name="Note")).to_have_value("")
    expect(page.locator("#timeline-list > li").nth(1)).to_contain_text("Première note")

    page.reload()
    expect(page.locator("#timeline-list > li").first).to_contain_text("Rappeler jeudi matin")
    screenshots(page, "agent-customer")
