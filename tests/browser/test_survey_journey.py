"""The customer answers a CSAT survey with 2 on a phone (390x844), without logging in;
a follow-up ticket appears for the agent of the follow-up queue, with the answer on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from surveys import services
from surveys.models import SurveyResponse
from surveys.tests.factories import consenting, csat_survey, resolved_ticket
from surveys.tokens import invitation_token
from tickets.tests.factories import desk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_customer_answers_2_on_a_phone_and_the_agent_gets_a_follow_up(
    live_server, page: Page, browser, login, screenshots
):
    floor = desk()
    csat_survey(floor, follow_up_queue=floor.queue)
    customer = consenting(first_name="Zoé", last_name="Durand")
    ticket = resolved_ticket(floor, customer)
    services.invitations_send_due(now=timezone.now() + dt.timedelta(minutes=61))
    invitation = ticket.survey_invitations.get()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR",
                                is_mobile=True, has_touch=True)  # fmt: skip
    customer_page = phone.new_page()
    customer_page.goto(f"{live_server.url}/s/{invitation_token(invitation)}/")
    expect(customer_page.get_by_role("heading", level=1)).to_contain_text("satisfait")
    customer_page.locator("label[for=score-2]").tap()
    customer_page.get_by_label("Commentaire (facultatif)").fill("Trop d'attente, c'est décevant.")
    customer_page.get_by_role("button", name="Envoyer ma réponse").tap()
    expect(customer_page.get_by_test_id("survey-thanks")).to_be_visible()
    expect(customer_page.get_by_test_id("survey-given")).to_contain_text("2/5")
    # Into the test artefacts at 1440x900 and 390x844; nothing overflows the phone's width.
    screenshots(customer_page, "survey-answer")
    phone.close()

    follow_up = SurveyResponse.objects.get().follow_up_ticket
    assert follow_up is not None
    agent = login(floor.agent.email)
    agent.goto(f"{live_server.url}/tickets/{follow_up.pk}/")
    expect(agent.get_by_role("heading", level=1)).to_contain_text("2/5")
    expect(agent.get_by_test_id("survey-answers")).to_contain_text("CSAT 2/5")
    screenshots(agent, "survey-follow-up")
