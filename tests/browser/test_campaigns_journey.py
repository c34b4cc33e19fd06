"""The campaigns journey in Chromium, in French: marketing builds a segment in the form and
sees its live count change (htmx), creates and starts an email campaign and watches the
progress bar fill without a page reload while a task sends to a real SMTP server on
loopback; an agent sees the campaign's brief on a targeted customer's ticket; that
customer answers the CSAT survey with 2 and a follow-up ticket appears on the desk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from campaigns.models import Campaign, Recipient
from campaigns.services import sending
from campaigns.tasks import campaign_send_task
from channels.tests.servers import smtp_server  # noqa: F401 (fixture)
from crm.tests.factories import ContactFactory
from surveys import services as survey_services
from surveys.models import SurveyResponse
from surveys.tests.factories import consenting, csat_survey, resolved_ticket
from surveys.tokens import invitation_token
from tickets import services as ticket_services
from tickets.tests.factories import desk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_segment_campaign_progress_brief_and_csat_follow_up(
    live_server,
    page: Page,
    browser,
    login,
    make_user,
    smtp_server,  # noqa: F811 (the fixture imported above)
    monkeypatch,
    screenshots,
    password,
):
    floor = desk()
    csat_survey(floor, follow_up_queue=floor.other_queue)
    marketer = make_user(Role.MARKETING, first_name="Maud", last_name="Marketing")
    clients = [
        consenting(first_name=f"Client{i}", last_name="Fidèle", tags=["client"]) for i in range(5)
    ]
    zoe = consenting(first_name="Zoé", last_name="Durand", tags=["client", "vip"])
    ContactFactory(first_name="Paul", last_name="Prospect", tags=["prospect"])
    # The send is queued on commit of the start; here it is held back and run below, while
    # the campaign page is open, so that the bar is seen moving from 0 to 100 %.
    queued: list[int] = []
    monkeypatch.setattr(sending, "queue_sending", queued.append)

    # 1. Marketing builds a segment: the count follows the rules while they are edited.
    login(marketer.email)
    screenshots(page, "campaigns-workspace")
    page.goto(f"{live_server.url}/campaigns/segments/new/")
    expect(page.get_by_test_id("segment-live")).to_contain_text("Modifiez une règle")
    page.locator("#id_name").fill("Clients fidèles")
    page.get_by_test_id("rule-field").first.select_option("tags")
    page.get_by_test_id("rule-op").first.select_option("any_of")
    type_value(page, "client")
    expect(page.get_by_test_id("segment-count")).to_have_text("6")
    expect(page.get_by_test_id("segment-live")).to_contain_text("Zoé Durand")
    type_value(page, "vip")
    expect(page.get_by_test_id("segment-count")).to_have_text("1")
    type_value(page, "client")
    expect(page.get_by_test_id("segment-count")).to_have_text("6")
    screenshots(page, "campaigns-segment-builder")
    page.get_by_test_id("segment-save").click()
    expect(page.get_by_role("link", name="Clients fidèles")).to_be_visible()

    # 2. An email campaign on it, with a brief for the agents.
    today = timezone.localdate()
    page.goto(f"{live_server.url}/campaigns/new/")
    page.locator("#id_name").fill("Offre fibre hiver")
    page.locator("#id_channel").select_option("email")
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_ends_on").fill((today + dt.timedelta(days=30)).isoformat())
    page.locator("#id_segment").select_option(label="Clients fidèles")
    page.locator("#id_subject_fr").fill("Bonjour {{ first_name }}, la fibre à -20 %")
    page.locator("#id_body_fr").fill("<p>Bonjour {{ first_name }}, profitez de l'offre.</p>")
    page.locator("#id_subject_en").fill("Hello {{ first_name }}, fibre at -20%")
    page.locator("#id_body_en").fill("<p>Hello {{ first_name }}, enjoy the offer.</p>")
    page.locator("#id_brief_offer").fill("Fibre à -20 % pendant un an")
    page.locator("#id_brief_talking_points").fill("Rappeler le débit garanti.")
    page.get_by_test_id("campaign-save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Offre fibre hiver")
    screenshots(page, "campaigns-detail-draft")
    page.get_by_test_id("action-start").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("En cours")
    campaign = Campaign.objects.get(name="Offre fibre hiver")
    assert queued == [campaign.pk]
    bar = page.get_by_test_id("campaign-progress").get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    page.evaluate("window.__notReloaded = true")

    # 3. While it waits to be sent, an agent sees the brief on a targeted customer's ticket.
    agent_context = browser.new_context(locale="fr-FR", viewport={"width": 1440, "height": 900})
    agent = agent_context.new_page()
    ticket = ticket_services.ticket_create(
        queue=floor.queue, subject="Question sur l'offre", body="Est-ce valable chez moi ?",
        contact=zoe, assignee=floor.agent,
    )  # fmt: skip
    sign_in(agent, live_server.url, floor.agent.email, password)
    agent.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    brief = agent.get_by_test_id(f"brief-{campaign.pk}")
    expect(brief).to_contain_text("Offre fibre hiver")
    expect(brief).to_contain_text("Fibre à -20 % pendant un an")
    screenshots(agent, "campaigns-brief-on-ticket")
    agent_context.close()

    # 4. The send runs (one task, as a worker would) and the bar fills by htmx polling.
    campaign_send_task.apply(args=[campaign.pk])
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=15_000)
    expect(page.get_by_test_id("campaign-progress")).to_contain_text("6 envoyés")
    assert page.evaluate("window.__notReloaded") is True
    screenshots(page, "campaigns-progress-done")
    assert Recipient.objects.filter(campaign=campaign, status="sent").count() == 6
    assert len(smtp_server.messages) == 6
    assert {c.pk for c in clients} | {zoe.pk} == set(
        Recipient.objects.filter(campaign=campaign).values_list("contact_id", flat=True)
    )

    # 5. Zoé's ticket is resolved; she answers the CSAT survey with 2 on her phone.
    resolved = resolved_ticket(floor, zoe)
    survey_services.invitations_send_due(now=timezone.now() + dt.timedelta(minutes=61))
    invitation = resolved.survey_invitations.get()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR",
                                is_mobile=True, has_touch=True)  # fmt: skip
    customer = phone.new_page()
    customer.goto(f"{live_server.url}/s/{invitation_token(invitation)}/")
    customer.locator("label[for=score-2]").tap()
    customer.get_by_role("button", name="Envoyer ma réponse").tap()
    expect(customer.get_by_test_id("survey-given")).to_contain_text("2/5")
    screenshots(customer, "campaigns-csat-answer")
    phone.close()
    follow_up = SurveyResponse.objects.get(contact=zoe).follow_up_ticket
    assert follow_up is not None
    assert follow_up.queue_id == floor.other_queue.pk
    desk_context = browser.new_context(locale="fr-FR", viewport={"width": 1440, "height": 900})
    complaints_agent = desk_context.new_page()
    sign_in(complaints_agent, live_server.url, floor.outsider.email, password)
    complaints_agent.goto(f"{live_server.url}{follow_up.get_absolute_url()}")
    expect(complaints_agent.get_by_role("heading", level=1)).to_contain_text("2/5")
    expect(complaints_agent.get_by_test_id("survey-answers")).to_contain_text("CSAT 2/5")
    screenshots(complaints_agent, "campaigns-csat-follow-up")
    desk_context.close()


def type_value(page: Page, text: str) -> None:
    """Typed key by key, as a person does (the live count listens to keyup)."""
    field = page.get_by_test_id("rule-value").first
    field.fill("")
    field.press_sequentially(text)


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
