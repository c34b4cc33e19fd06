"""Every KPI on the hand-built week (quality/tests/dataset.py), answers worked by hand.

Business seconds (09:00-18:00, Mon-Fri, Wed 11 Nov closed):
- first response: T1 1800, T2 5400 (Fri 17-18 + Mon 9-9:30), T3 9000 (Tue 16-18, the
  holiday counts nothing, Thu 9-9:30), T4 900, T6 1200, T7 600. Sorted 600, 900, 1200,
  1800, 5400, 9000: median (1200+1800)/2 = 1500; p90 at 4.5 -> 5400 + 0.5*3600 = 7200.
- resolution, pauses excluded: T1 3600 + 9000 = 12600 (paused Mon 11:00 -> Tue 10:00),
  T2 10800, T3 10800, T4 3600 + 3600 = 7200 (resolved Mon 10:00, reopened Tue 9:30),
  T6 3600, T7 3600. Sorted 3600, 3600, 7200, 10800, 10800, 12600: median 9000; p90 11700.
- first-response SLA (60 min): met T1 T4 T6 T7; missed T2 (due Fri 18:00), T3 (due Tue
  17:00), T8 (never answered, due Mon 16 11:00): 4/7. Resolution (480 min): all resolved
  within; T8 due Mon 16 18:00 missed: 6/7.
- resolved in the week: T1 T2 T3 T4 T6 T7 = 6; reopened T4: 1/6; FCR: T4 reopened and T7
  followed by T8 (same customer and topic, 4 days later): 4/6.
- backlog at the end: T8 only. New tickets: 7 (T5, merged, is nobody's).
- calls: offered 6 (the 3 s abandon is left out; the outbound one is not offered),
  answered 4, abandoned 1, within 20 s 3 (10, 20, 5), AHT (250 + 150 + 100) / 3 handled
  (the one still talking is not handled), occupancy 500 / 14400 present seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quality import registry
from quality.kpis.engine import KpiFilters, kpis_compute
from quality.kpis.facts import facts_rebuild_day
from quality.models import KpiSettings, TicketFact

from .dataset import build_week

pytestmark = pytest.mark.django_db

WEEK = {"date_from": dt.date(2026, 11, 9), "date_to": dt.date(2026, 11, 16)}


@pytest.fixture
def week():
    return build_week()


def figures(**kwargs):
    result = kpis_compute(KpiFilters(**{**WEEK, **kwargs}))
    return {k: (f.value, f.numerator, f.denominator) for k, f in result.figures.items()}


def test_every_ticket_kpi_is_exact_on_the_known_week(week):
    got = figures(queue_ids=(week.queue.pk,))
    assert got["tickets_created"] == (7, 7, None)
    assert got["first_response_median"] == (1500, None, 6)
    assert got["first_response_p90"] == (7200, None, 6)
    assert got["resolution_median"] == (9000, None, 6)
    assert got["resolution_p90"] == (11700, None, 6)
    assert got["sla_first_response"] == (pytest.approx(4 / 7), 4, 7)
    assert got["sla_resolution"] == (pytest.approx(6 / 7), 6, 7)
    assert got["reopen_rate"] == (pytest.approx(1 / 6), 1, 6)
    assert got["fcr"] == (pytest.approx(4 / 6), 4, 6)
    assert got["backlog"] == (1, 1, None)


def test_every_phone_kpi_is_exact_on_the_known_week(week):
    got = figures(queue_ids=(week.queue.pk,))
    assert got["calls_offered"] == (6, 6, None)
    assert got["calls_answered"] == (4, 4, None)
    assert got["calls_abandoned"] == (1, 1, None)
    assert got["abandon_rate"] == (pytest.approx(1 / 6), 1, 6)
    assert got["service_level"] == (pytest.approx(0.5), 3, 6)
    assert got["aht"] == (pytest.approx(500 / 3), 500, 3)
    assert got["occupancy"] == (pytest.approx(500 / 14400), 500, 14400)


def test_the_short_abandon_threshold_and_the_fcr_window_are_settings(week):
    KpiSettings.objects.update_or_create(
        pk=1, defaults={"abandon_threshold_s": 15, "fcr_window_days": 3}
    )
    got = figures(queue_ids=(week.queue.pk,))
    assert got["calls_offered"] == (5, 5, None)
    assert got["calls_abandoned"] == (0, 0, None)
    assert got["service_level"] == (pytest.approx(3 / 5), 3, 5)
    assert got["fcr"] == (pytest.approx(5 / 6), 5, 6)


def test_a_ticket_that_moved_queue_counts_in_its_current_queue_only(week):
    got = figures(queue_ids=(week.other_queue.pk,))
    assert got["tickets_created"] == (0, 0, None)
    assert "resolution_median" not in got
    assert "fcr" not in got


def test_group_by_queue_and_day_split_the_same_figures(week):
    result = kpis_compute(KpiFilters(**WEEK, group_by="day", queue_ids=(week.queue.pk,)))
    per_day = {g["key"]: g["figures"] for g in result.groups}
    assert per_day["2026-11-09"]["tickets_created"].value == 3  # T1 T4 T6 (T5 merged)
    assert per_day["2026-11-10"]["resolution_median"].denominator == 2  # T1 T4
    assert per_day["2026-11-16"]["sla_first_response"].numerator == 0  # T8 missed
    assert sum(g["tickets_created"].value for g in per_day.values() if "tickets_created" in g) == 7
    by_agent = kpis_compute(KpiFilters(**WEEK, group_by="agent"))
    mine = next(g for g in by_agent.groups if g["key"] == week.agent.pk)["figures"]
    assert mine["occupancy"].numerator == 500
    assert mine["tickets_created"].value == 1  # T1 is the agent's


def test_each_figure_carries_its_formula(week):
    result = kpis_compute(KpiFilters(**WEEK))
    row = result.figures["service_level"].as_dict()
    assert row["formula_id"] == "service_level"
    assert row["numerator"] == 3
    assert row["denominator"] == 6
    assert row["formula"]


def test_rebuilding_every_day_gives_the_live_figures(week):
    before = figures()
    TicketFact.objects.all().delete()
    for offset in range(8):
        facts_rebuild_day(day=dt.date(2026, 11, 9) + dt.timedelta(days=offset))
    assert figures() == before


def test_csat_and_nps_appear_only_when_a_source_is_registered(week):
    assert "csat" not in figures()
    calls = []

    def source(date_from, date_to, *, queue_ids=None, team_ids=None, agent_ids=None, channel=None):
        calls.append((date_from, date_to, queue_ids))
        return {
            "csat_responses": 10,
            "csat_satisfied": 8,
            "nps_responses": 20,
            "promoters": 12,
            "detractors": 3,
        }

    registry.register_satisfaction_source(source)
    try:
        got = figures(queue_ids=(week.queue.pk,))
    finally:
        registry.unregister_satisfaction_source(source)
    assert got["csat"] == (pytest.approx(0.8), 8, 10)
    assert got["nps"] == (pytest.approx(45.0), 9, 20)
    assert calls[0] == (dt.date(2026, 11, 9), dt.date(2026, 11, 16), (week.queue.pk,))


def test_quality_uses_the_shared_percentile_rule():
    # One place per rule: the aggregate and the interpolation are relais.percentiles'.
    import relais.percentiles
    from quality.kpis import percentiles

    assert percentiles.PercentileCont is relais.percentiles.PercentileCont
    assert percentiles.percentile_cont is relais.percentiles.percentile_cont
    assert "class PercentileCont" not in Path(percentiles.__file__).read_text()


@pytest.mark.parametrize("group_by", ["day", "week"])
def test_backlog_and_occupancy_per_day_and_week_equal_each_period_on_its_own(week, group_by):
    filters = KpiFilters(
        date_from=dt.date(2026, 11, 5), date_to=dt.date(2026, 11, 16), group_by=group_by
    )
    result = kpis_compute(filters)
    groups = {g["key"]: g["figures"] for g in result.groups}
    if group_by == "week":  # the local Monday, on PostgreSQL too (not the UTC Sunday)
        assert {dt.date.fromisoformat(k).weekday() for k in groups} == {0}
    checked = 0
    for key, got in groups.items():
        start = max(dt.date.fromisoformat(key), filters.date_from)
        length = 0 if group_by == "day" else 6
        end = min(dt.date.fromisoformat(key) + dt.timedelta(days=length), filters.date_to)
        alone = kpis_compute(KpiFilters(date_from=start, date_to=end)).figures
        for kpi in ("backlog", "occupancy"):
            if kpi in alone or kpi in got:
                assert (got[kpi].numerator, got[kpi].denominator) == (
                    alone[kpi].numerator,
                    alone[kpi].denominator,
                ), (key, kpi)
                checked += 1
    assert checked >= (8 if group_by == "day" else 3)
    last = groups["2026-11-16"]  # a Monday: its day and its week
    assert last["backlog"].value == 1  # T8, still open


def test_backlog_and_occupancy_per_day_make_the_same_queries_over_a_year(week):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(date_from):
        filters = KpiFilters(date_from=date_from, date_to=dt.date(2026, 11, 16), group_by="day")
        with CaptureQueriesContext(connection) as ctx:
            result = kpis_compute(filters)
        return len(ctx.captured_queries), result

    count(dt.date(2026, 11, 1))  # the settings row
    month, _result = count(dt.date(2026, 11, 1))
    year, result = count(dt.date(2025, 12, 1))
    assert year == month <= 40
    assert len([g for g in result.groups if "backlog" in g["figures"]]) == 351
