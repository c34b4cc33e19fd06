"""The staffing plan against the agents scheduled: exact counts on a hand-built rota."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quality.models import Shift
from quality.staffing.plan import scheduled_agents, staffing_plan
from telephony.models import PhoneCall

from .rota_world import MONDAY, at, build_rota

pytestmark = pytest.mark.django_db


def _shift(agent, team, start, end, queue=None, brk=0):
    return Shift.objects.create(
        agent=agent, team=team, queue=queue, starts_at=start, ends_at=end, break_minutes=brk
    )


@pytest.fixture
def rota():
    r = build_rota()
    # Team-wide, Monday 09:00-13:00: one agent in each half hour.
    _shift(r.agent, r.team, at(16, 9), at(16, 13))
    # On the queue, 10:15-18:15 with a 48-minute break: 0.9 of an agent, half of 10:00.
    _shift(r.agent2, r.team, at(16, 10, 15), at(16, 18, 15), queue=r.queue, brk=48)
    # Across the week's start (Sunday 22:00 -> Monday 02:00): Monday 00:00-02:00 only.
    _shift(r.agent, r.team, at(15, 22), at(16, 2))
    # Not serving the queue: the team's other queue, another team.
    _shift(r.agent, r.team, at(17, 9), at(17, 17), queue=r.queue2)
    _shift(r.other_agent, r.other_team, at(16, 9), at(16, 17))
    return r


def test_scheduled_agents_per_interval_are_exact(rota):
    counts = scheduled_agents(queue_id=rota.queue.pk, week_start=MONDAY)
    assert counts[(0, 0)] == counts[(0, 90)] == 1
    assert (0, 120) not in counts
    assert counts[(0, 9 * 60)] == counts[(0, 9 * 60 + 30)] == 1
    assert counts[(0, 10 * 60)] == pytest.approx(1.45)  # 1 + 0.5 x 0.9
    assert counts[(0, 10 * 60 + 30)] == pytest.approx(1.9)
    assert counts[(0, 13 * 60)] == pytest.approx(0.9)
    assert counts[(0, 18 * 60)] == pytest.approx(0.45)
    assert not [k for k in counts if k[0] == 1]  # Tuesday's shift is on the other queue
    # Half hours: 2 h + 4 h at one agent, 8 h at 0.9.
    assert sum(counts.values()) == pytest.approx(2 * 2 + 4 * 2 + 8 * 2 * 0.9)
    quarter = scheduled_agents(queue_id=rota.queue.pk, week_start=MONDAY, interval_s=900)
    assert quarter[(0, 10 * 60)] == 1
    assert quarter[(0, 10 * 60 + 15)] == pytest.approx(1.9)
    other = scheduled_agents(queue_id=rota.queue2.pk, week_start=MONDAY)
    assert other[(1, 9 * 60)] == 1
    assert (0, 10 * 60 + 30) in other


def test_the_plan_shows_needed_scheduled_and_the_gap(rota):
    last_monday = MONDAY - dt.timedelta(weeks=1)
    for i in range(100):
        PhoneCall.objects.create(
            external_id=f"plan-{i}",
            dialled_number="+33100000000",
            queue=rota.queue,
            offered_at=dt.datetime.combine(last_monday, dt.time(10, 5), tzinfo=at(1, 0).tzinfo),
            answered_at=dt.datetime.combine(last_monday, dt.time(10, 5), tzinfo=at(1, 0).tzinfo),
            status=PhoneCall.Status.ENDED,
            outcome=PhoneCall.Outcome.ANSWERED,
            talk_seconds=180,
        )
    plan = staffing_plan(queue_id=rota.queue.pk, week_start=MONDAY, weeks=1)
    rows = {(r.day, r.start): r for r in plan.rows}
    busy = rows[(MONDAY, dt.time(10, 0))]
    assert (busy.needed, busy.scheduled, busy.gap, busy.level) == (14, 1.45, -12.55, "danger")
    quiet = rows[(MONDAY, dt.time(9, 0))]  # scheduled, no contacts expected: a surplus
    assert (quiet.contacts, quiet.needed, quiet.scheduled, quiet.gap) == (0, 0, 1, 1)
    assert quiet.level == "success"
    assert len(plan.rows) == len(scheduled_agents(queue_id=rota.queue.pk, week_start=MONDAY))


def test_the_plan_makes_the_same_queries_whatever_the_number_of_shifts(rota):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            staffing_plan(queue_id=rota.queue.pk, week_start=MONDAY)
        return len(ctx.captured_queries)

    count()  # creates the settings row
    few = count()
    for day in range(17, 22):
        for agent in (rota.agent, rota.agent2):
            _shift(agent, rota.team, at(day, 8), at(day, 20), brk=30)
    assert count() == few <= 6


def test_the_plan_page_and_api_show_scheduled_against_needed(
    client, rota, django_assert_max_num_queries
):
    client.force_login(rota.supervisor)
    with django_assert_max_num_queries(25):
        page = client.get(
            reverse("quality:staffing"), {"queue": rota.queue.pk, "week": "2026-11-18"}
        )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-slot="2026-11-16T10:30"' in html
    assert 'data-level="success"' in html
    assert page.context["week"] == MONDAY
    api = client.get(reverse("api-staffing-plan"), {"queue": rota.queue.pk, "week": "2026-11-16"})
    assert api.status_code == 200
    row = next(
        r for r in api.json()["rows"] if r["start"] == "10:30:00" and r["day"] == "2026-11-16"
    )
    assert (row["needed"], row["scheduled"], row["gap"], row["level"]) == (0, 1.9, 1.9, "success")
    client.force_login(rota.other_supervisor)
    assert client.get(reverse("api-staffing-plan"), {"queue": rota.queue.pk}).status_code == 404
