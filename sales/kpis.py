"""Handoff KPIs, aggregated in SQL over the flags of a period (DOMAIN.md, Sales handoff).

The cohort is the opportunities *flagged* between `start` and `end` (local dates,
inclusive); each figure is computed over it:

- flags = opportunities flagged in the period
- acceptance delay = accepted - flagged, in business hours of the accepting team's
  calendar (stored at acceptance); median and p90 over the accepted ones, linear
  interpolation between ranks (PostgreSQL's percentile_cont)
- conversion rate = flags now won / flags
- won revenue = sum of the amounts of the flags now won
- average deal size = won revenue / flags now won

Grouped by the flagging agent, the flagging team, the rep, or the month of the flag.
PostgreSQL computes the percentiles in the query; other databases (SQLite, for `make
run`) read the delays of each group and interpolate the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from crm.exports import neutralise
from relais.percentiles import PercentilesCont
from relais.percentiles import percentile as _percentile

from .models import Opportunity, Stage

GROUPS = ("agent", "team", "rep", "month")
GROUP_FIELDS = {
    "agent": "flagged_by_id",
    "team": "flagged_team_id",
    "rep": "owner_id",
    "month": "month",
}

FORMULAS: dict[str, Any] = {
    "flags": _("opportunities flagged in the period"),
    "accepted": _("flags accepted by a rep"),
    "acceptance_median": _("median of (accepted − flagged), business hours"),  # noqa: RUF001
    "acceptance_p90": _("90th percentile of (accepted − flagged), business hours"),  # noqa: RUF001
    "conversion": _("flags won ÷ flags"),
    "won_revenue": _("sum of the amounts of the flags won"),
    "average_deal": _("won revenue ÷ flags won"),
}


def percentile(values: list[float], fraction: float) -> float | None:
    """percentile_cont: linear interpolation between the closest ranks."""
    return _percentile(values, fraction)


@dataclass
class KpiRow:
    key: Any
    label: str
    flags: int
    accepted: int
    won: int
    won_revenue: Decimal
    acceptance_median_hours: float | None
    acceptance_p90_hours: float | None

    @property
    def conversion(self) -> float | None:
        return self.won / self.flags if self.flags else None

    @property
    def average_deal(self) -> Decimal | None:
        return (self.won_revenue / self.won).quantize(Decimal("0.01")) if self.won else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key.isoformat() if isinstance(self.key, dt.date) else self.key,
            "label": self.label,
            "flags": self.flags,
            "accepted": self.accepted,
            "won": self.won,
            "conversion_rate": None if self.conversion is None else round(self.conversion, 4),
            "won_revenue": str(self.won_revenue),
            "average_deal_size": None if self.average_deal is None else str(self.average_deal),
            "acceptance_median_hours": _round(self.acceptance_median_hours),
            "acceptance_p90_hours": _round(self.acceptance_p90_hours),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def handoff_kpis(
    *,
    opportunities: QuerySet[Opportunity],
    start: dt.date,
    end: dt.date,
    group_by: str | None = None,
) -> tuple[KpiRow, list[KpiRow]]:
    """The totals over the period and, with `group_by`, one row per group.

    On PostgreSQL a grouped call is one scan: GROUPING SETS ((group), ()) gives the groups
    and the total together, and both percentiles come from one sort.
    """
    since, until = period_bounds(start, end)
    cohort = opportunities.filter(created_at__gte=since, created_at__lt=until).order_by()
    if connection.vendor == "postgresql":
        if group_by:
            return _grouping_sets(cohort, group_by)
        row = cohort.aggregate(**_AGGREGATES, percentiles=PercentilesCont(*_PERCENTILES))
        return (_row(None, str(_("All")), row) if row["flags"] else _empty()), []
    total = _aggregate_in_python(cohort, None)[0] if cohort.exists() else _empty()
    rows = _aggregate_in_python(cohort, group_by) if group_by else []
    return total, rows


_AGGREGATES: dict[str, Any] = {
    "flags": Count("id"),
    "accepted": Count("id", filter=Q(accepted_at__isnull=False)),
    "won": Count("id", filter=Q(stage=Stage.WON)),
    "revenue": Sum("amount", filter=Q(stage=Stage.WON)),
}
_PERCENTILES = (F("acceptance_seconds"), (0.5, 0.9))


def _empty() -> KpiRow:
    return KpiRow(None, str(_("All")), 0, 0, 0, Decimal("0"), None, None)


def _row(key: Any, label: str, row: dict[str, Any]) -> KpiRow:
    median, p90 = row.get("percentiles") or (row.get("median"), row.get("p90"))
    if isinstance(key, dt.datetime):
        key = timezone.localtime(key).date() if timezone.is_aware(key) else key.date()
    return KpiRow(
        key=key,
        label=label,
        flags=row["flags"],
        accepted=row["accepted"],
        won=row["won"],
        won_revenue=Decimal(str(row["revenue"] or 0)).quantize(Decimal("0.01")),
        acceptance_median_hours=_hours(median),
        acceptance_p90_hours=_hours(p90),
    )


def _group_key(cohort: QuerySet[Opportunity], group_by: str) -> QuerySet[Opportunity]:
    if group_by == "month":
        tz = timezone.get_current_timezone()
        return cohort.annotate(g=TruncMonth("created_at", tzinfo=tz))
    return cohort.annotate(g=F(GROUP_FIELDS[group_by]))


def _grouping_sets(cohort: QuerySet[Opportunity], group_by: str) -> tuple[KpiRow, list[KpiRow]]:
    inner = _group_key(cohort, group_by).values(
        "g", "accepted_at", "stage", "amount", "acceptance_seconds"
    )
    inner_sql, params = inner.query.sql_with_params()
    sql = f"""
        SELECT g, GROUPING(g) AS is_total, COUNT(*),
               COUNT(*) FILTER (WHERE accepted_at IS NOT NULL),
               COUNT(*) FILTER (WHERE stage = %s), SUM(amount) FILTER (WHERE stage = %s),
               percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY acceptance_seconds)
        FROM ({inner_sql}) AS cohort
        GROUP BY GROUPING SETS ((g), ())
        ORDER BY g
    """  # noqa: S608 - the inner query is Django's, with its parameters
    with transaction.atomic(), connection.cursor() as cursor:
        # The sort of a year of flags fits in memory instead of spilling to disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, [Stage.WON, Stage.WON, *params])
        fetched = cursor.fetchall()
    total, groups = _empty(), []
    for g, is_total, flags, accepted, won, revenue, percentiles in fetched:
        row = {"flags": flags, "accepted": accepted, "won": won, "revenue": revenue,
               "percentiles": percentiles}  # fmt: skip
        if is_total:
            total = _row(None, str(_("All")), row) if flags else _empty()
        else:
            groups.append((g, row))
    labels = _labels(group_by, [g for g, _row_ in groups])
    return total, [_row(g, labels.get(g, str(_("All"))), row) for g, row in groups]


def _aggregate_in_python(cohort: QuerySet[Opportunity], group_by: str | None) -> list[KpiRow]:
    """SQLite: counts in SQL, percentiles from the delays read per group."""
    qs = _group_key(cohort, group_by) if group_by else cohort
    keys = ["g"] if group_by else []
    if group_by:
        data = list(qs.values(*keys).annotate(**_AGGREGATES).order_by(*keys))
    else:
        data = [qs.aggregate(**_AGGREGATES)]
    delays: dict[Any, list[float]] = {}
    for row in qs.filter(acceptance_seconds__isnull=False).values_list(*keys, "acceptance_seconds"):
        delays.setdefault(row[0] if keys else None, []).append(float(row[-1]))
    for row in data:
        values = delays.get(row["g"] if keys else None, [])
        row["median"], row["p90"] = percentile(values, 0.5), percentile(values, 0.9)
    labels = _labels(group_by, [row["g"] for row in data] if keys else [])
    return [
        _row(row["g"] if keys else None, labels.get(row["g"] if keys else None, str(_("All"))), row)
        for row in data
    ]


def _labels(group_by: str | None, keys: list[Any]) -> dict[Any, str]:
    if group_by in ("agent", "rep"):
        users = {u.pk: str(u) for u in User.objects.filter(pk__in=[k for k in keys if k])}
        return {k: users.get(k, str(_("Nobody"))) for k in keys}
    if group_by == "team":
        teams = dict(Team.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
        return {k: teams.get(k, str(_("No team"))) for k in keys}
    if group_by == "month":
        from django.utils.formats import date_format

        def month_label(key: Any) -> str:
            if isinstance(key, dt.datetime):
                key = timezone.localtime(key) if timezone.is_aware(key) else key
            return date_format(key, "YEAR_MONTH_FORMAT")

        return {k: month_label(k) for k in keys}
    return {}


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current quarter."""
    today = today or timezone.localdate()
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = today.replace(month=first_month, day=1)
    end_month = first_month + 2
    next_start = (
        start.replace(year=start.year + 1, month=1)
        if end_month == 12
        else start.replace(month=end_month + 1)
    )
    return start, next_start - dt.timedelta(days=1)


KPI_CSV_HEADER = [
    "group", "flags", "accepted", "won", "conversion_rate", "won_revenue_eur",
    "average_deal_size_eur", "acceptance_median_business_hours",
    "acceptance_p90_business_hours",
]  # fmt: skip


def kpi_csv_rows(rows: list[KpiRow]) -> list[list[Any]]:
    out = []
    for row in rows:
        data = row.as_dict()
        out.append(
            [
                neutralise(row.label), data["flags"], data["accepted"], data["won"],
                data["conversion_rate"], data["won_revenue"], data["average_deal_size"],
                data["acceptance_median_hours"], data["acceptance_p90_hours"],
            ]
        )  # fmt: skip
    return out
