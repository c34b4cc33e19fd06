"""Median and p90 with linear interpolation (PostgreSQL's percentile_cont), in SQL on
PostgreSQL and with the same formula in Python on SQLite (development databases)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Aggregate, FloatField, QuerySet


class PercentileCont(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile_cont(sorted_values: Sequence[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low = math.floor(position)
    high = math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def grouped_percentiles(
    queryset: QuerySet[Any], key: Any, field: str, fractions: Sequence[float]
) -> dict[Any, tuple[int, list[float | None]]]:
    """{group: (n, [percentile per fraction])} over the non-null values of `field`."""
    queryset = queryset.filter(**{f"{field}__isnull": False}).order_by()
    if connection.vendor == "postgresql":
        aggregates: dict[str, Any] = {
            f"p{i}": PercentileCont(field, fraction) for i, fraction in enumerate(fractions)
        }
        from django.db.models import Count

        aggregates["n"] = Count("pk")
        rows = (
            [{"g": None, **queryset.aggregate(**aggregates)}]
            if key is None
            else list(queryset.annotate(g=key).values("g").annotate(**aggregates))
        )
        return {
            r["g"]: (r["n"], [r[f"p{i}"] for i in range(len(fractions))]) for r in rows if r["n"]
        }
    values: dict[Any, list[float]] = {}
    pairs = (
        ((None, v) for v in queryset.values_list(field, flat=True))
        if key is None
        else queryset.annotate(g=key).values_list("g", field)
    )
    for group, value in pairs:
        values.setdefault(group, []).append(float(value))
    out: dict[Any, tuple[int, list[float | None]]] = {}
    for group, vals in values.items():
        vals.sort()
        out[group] = (len(vals), [percentile_cont(vals, f) for f in fractions])
    return out
