"""Journey (2) of the channels issue in Chromium: a call rings, the agent gets the screen
pop, opens the customer, creates a ticket from the call, and the call is on the
customer's timeline. The platform's events go over real HTTP, signed, to the live server."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from crm import services as crm_services
from telephony import signing
from telephony.models import AgentExtension, PhoneLine
from tickets.models import Ticket
from tickets.tests.factories import QueueFactory, calendar, policy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SECRET = "journey-secret"
POLL_WAIT = 15_000  # ms: the pop polls every 2 s


def _send(url: str, token: str, payload: dict[str, object]) -> int:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
    headers.update(signing.sign(body, SECRET))
    request = urllib.request.Request(f"{url}/api/v1/telephony/events/", body, headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return int(response.status)


def test_call_rings_agent_opens_customer_creates_ticket_and_call_is_on_the_timeline(
    live_server,
    page: Page,
    make_user,
    login,
    settings,
    screenshots,
):
    settings.TELEPHONY_WEBHOOK_SECRETS = [SECRET]
    agent = make_user(Role.AGENT, first_name="Camille", last_name="Martin")
    team = TeamFactory(name="Service client", members=[agent])
    queue = QueueFactory(name="Service client", team=team, calendar=calendar())
    policy(queue)
    PhoneLine.objects.create(number="+33180000001", label="Service client", queue=queue)
    AgentExtension.objects.create(user=agent, extension="201")
    platform = UserFactory(roles=[Role.INTEGRATION])
    token = Token.objects.create(user=platform).key
    customer = crm_services.contact_create(
        actor=None, first_name="Zoé", last_name="Lefèvre", phones=["06 12 34 56 78"]
    )
    start = timezone.now() - dt.timedelta(seconds=30)

    def event(kind: str, seconds: int, **fields: object) -> None:
        at = (start + dt.timedelta(seconds=seconds)).isoformat()
        payload = {"event": kind, "call_id": "journey-1", "occurred_at": at, **fields}
        assert _send(live_server.url, token, payload) == 201

    login(agent.email)
    event("queued", 0, caller="0612345678", dialled="01 80 00 00 01")
    event("ringing", 5, agent_extension="201")

    card = page.get_by_test_id("screen-pop-card")
    expect(card).to_be_visible(timeout=POLL_WAIT)
    expect(card.get_by_test_id("pop-caller")).to_contain_text("Zoé Lefèvre")
    expect(card.get_by_test_id("pop-status")).to_have_text("Sonnerie")

    card.get_by_test_id("pop-open-customer").click()
    expect(page.locator("#contact-name")).to_contain_text("Zoé Lefèvre")

    event("answered", 8, agent_extension="201")
    card = page.get_by_test_id("screen-pop-card")
    expect(card.get_by_test_id("pop-status")).to_have_text("En conversation", timeout=POLL_WAIT)
    card.get_by_test_id("pop-new-ticket").click()
    card.locator("input[name=subject]").fill("Double prélèvement en mars")
    card.locator("textarea[name=note]").fill("La cliente a été prélevée deux fois en mars.")
    card.get_by_role("button", name="Créer le ticket").click()

    ticket = None
    expect(page.locator("#ticket-heading")).to_contain_text("T-", timeout=POLL_WAIT)
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.contact_id) == (Ticket.Channel.PHONE, customer.pk)

    event("ended", 128, reason="caller_hangup")
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Appel entrant, 2 min 08 s")
    expect(timeline).to_contain_text(ticket.number)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("screen-pop-card")).to_be_visible(timeout=POLL_WAIT)
    page.screenshot(path="var/test/call-journey-mobile.png", full_page=False)
    screenshots(page, "agent-call")
