"""The forecast: open opportunities weighted by their probability, by month of expected
close and by rep, next to what is already won (SQL aggregates).

weighted = sum of amount * probability / 100 over open opportunities expected to close in the
month; won = Σ amount of the won ones expected (or closed) in it; forecast = won +
weighted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from accounts.models import User

from .models import OPEN_STAGES, Opportunity, Stage
from .selectors import _weighted_sum, money


@dataclass
class ForecastCell:
    weighted: Decimal = Decimal("0")
    pipeline: Decimal = Decimal("0")
    won: Decimal = Decimal("0")

    @property
    def forecast(self) -> Decimal:
        return self.won + self.weighted


@dataclass
class Forecast:
    months: list[dt.date]
    reps: list[tuple[int | None, str]]
    cells: dict[tuple[dt.date, int | None], ForecastCell] = field(default_factory=dict)

    def month_total(self, month: dt.date) -> ForecastCell:
        total = ForecastCell()
        for (m, _rep), cell in self.cells.items():
            if m == month:
                total.weighted += cell.weighted
                total.pipeline += cell.pipeline
                total.won += cell.won
        return total

    def rep_total(self, rep: int | None) -> ForecastCell:
        total = ForecastCell()
        for (_m, r), cell in self.cells.items():
            if r == rep:
                total.weighted += cell.weighted
                total.pipeline += cell.pipeline
                total.won += cell.won
        return total

    @property
    def total(self) -> ForecastCell:
        total = ForecastCell()
        for cell in self.cells.values():
            total.weighted += cell.weighted
            total.pipeline += cell.pipeline
            total.won += cell.won
        return total

    def chart_data(self) -> dict[str, Any]:
        return {
            "labels": [m.isoformat() for m in self.months],
            "won": [float(self.month_total(m).won) for m in self.months],
            "weighted": [float(self.month_total(m).weighted) for m in self.months],
        }


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def forecast(*, opportunities: QuerySet[Opportunity], start: dt.date, end: dt.date) -> Forecast:
    qs = (
        opportunities.filter(
            expected_close_date__gte=start,
            expected_close_date__lte=end,
            stage__in=[*OPEN_STAGES, Stage.WON],
        )
        .annotate(month=TruncMonth("expected_close_date"))
        .values("month", "owner_id")
        .annotate(
            weighted=_weighted_sum_open(),
            pipeline=Sum("amount", filter=Q(stage__in=OPEN_STAGES)),
            won=Sum("amount", filter=Q(stage=Stage.WON)),
        )
        .order_by("month", "owner_id")
    )
    cells: dict[tuple[dt.date, int | None], ForecastCell] = {}
    owners: set[int | None] = set()
    for row in qs:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        owners.add(row["owner_id"])
        cells[(month, row["owner_id"])] = ForecastCell(
            weighted=money(row["weighted"]),
            pipeline=money(row["pipeline"]),
            won=money(row["won"]),
        )
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[o for o in owners if o])}
    reps = sorted(((o, names.get(o, "—") if o else "—") for o in owners), key=lambda r: r[1])
    return Forecast(months=_months(start, end), reps=reps, cells=cells)


def _weighted_sum_open() -> Any:
    expression = _weighted_sum()
    expression.filter = Q(stage__in=OPEN_STAGES)
    return expression
