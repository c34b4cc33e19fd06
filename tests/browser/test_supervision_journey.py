"""Supervision journey in Chromium: the supervisor logs in and lands on the live view,
sees the breached figure turn red as deadlines pass (the page refreshes itself), drills
into the breached tickets, reassigns two of them from a second tab, and the first tab's
figures change without a reload; then opens the staffing plan and sees the agents
scheduled against the agents needed, and the rota behind them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accounts.tests.factories import TeamFactory
from quality.models import Shift
from tickets.models import Ticket
from tickets.tests.factories import QueueFactory, TicketFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
REFRESH_WAIT = 20_000  # ms: the live view refreshes every 5 s


def test_supervisor_sees_a_breach_turn_red_drills_in_and_reassigns(
    live_server,
    page: Page,
    make_user,
    login,
    screenshots,
):
    supervisor = make_user(Role.SUPERVISOR, Role.AGENT, first_name="Nadia", last_name="Benali")
    agent = make_user(Role.AGENT, first_name="Camille", last_name="Martin")
    team = TeamFactory(name="Service client", members=[supervisor, agent])
    queue = QueueFactory(name="Service client", team=team)
    due = timezone.now() + dt.timedelta(seconds=6)
    tickets = [
        TicketFactory(queue=queue, subject=f"Colis perdu {i}", sla_next_due_at=due)
        for i in range(3)
    ]
    page.set_viewport_size({"width": 1440, "height": 900})
    login(supervisor.email)
    expect(page).to_have_url(f"{live_server.url}/supervision/")
    row = page.locator(f'[data-testid="live-queues"] tr[data-queue="{queue.pk}"]')
    breached = row.locator('[data-metric="breached"]')
    unassigned = row.locator('[data-metric="unassigned"]')
    expect(unassigned).to_contain_text("3")
    # The deadlines pass while the page is open: the figure turns red by itself.
    expect(breached).to_have_attribute("data-level", "danger", timeout=REFRESH_WAIT)
    expect(breached).to_contain_text("3")
    page.screenshot(path="var/test/supervision-live.png")

    drill = page.context.new_page()
    drill.goto(f"{live_server.url}/supervision/tickets/?queue={queue.pk}&metric=breached")
    expect(drill.get_by_test_id("drill-count")).to_have_text("3")
    for ticket in tickets[:2]:
        drill.locator(f'tr[data-ticket="{ticket.pk}"] input[type=checkbox]').check()
    drill.get_by_label("Attribuer les tickets sélectionnés à").select_option(str(agent.pk))
    drill.get_by_test_id("reassign").click()
    expect(drill.get_by_text("2 tickets réattribués.")).to_be_visible()
    drill.screenshot(path="var/test/supervision-drill.png")
    assert Ticket.objects.filter(assignee=agent).count() == 2

    # Back on the first tab, never reloaded: the unassigned figure follows.
    expect(unassigned).to_contain_text("1", timeout=REFRESH_WAIT)
    agent_row = page.locator(f'[data-testid="live-agents"] tr[data-agent="{agent.pk}"]')
    expect(agent_row).to_contain_text("2")
    page.screenshot(path="var/test/supervision-live-after.png")
    screenshots(page, "supervisor")

    # The staffing plan against the rota: Camille on the queue tomorrow 09:00-17:00 with
    # a 48-minute break shows as 0.9 of an agent scheduled, and no call need: a surplus.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(9), tzinfo=timezone.get_current_timezone())
    shift = Shift.objects.create(
        agent=agent,
        team=team,
        queue=queue,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
        break_minutes=48,
    )
    page.goto(f"{live_server.url}/supervision/staffing/?queue={queue.pk}&week={tomorrow}")
    slot = page.locator(f'[data-testid="plan-rows"] tr[data-slot="{tomorrow}T10:00"]')
    expect(slot.locator("[data-scheduled]")).to_have_text("0,90")
    expect(slot.locator("[data-needed]")).to_have_text("0")
    expect(slot.locator("[data-gap]")).to_have_attribute("data-level", "success")
    page.get_by_test_id("plan-rota-link").click()
    expect(page.locator(f'[data-shift="{shift.pk}"]')).to_be_visible()
    page.screenshot(path="var/test/supervision-plan-rota.png")
