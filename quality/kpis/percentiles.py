"""Median and p90 with linear interpolation (PostgreSQL's percentile_cont), in SQL on
PostgreSQL and with the same formula in Python on SQLite (development databases).

The aggregate and the interpolation are the shared ones in `relais.percentiles` (one place
per rule); this module only groups the values the way the KPI engine asks for them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet

from relais.percentiles import PercentileCont, percentile_cont


def grouped_percentiles(
    queryset: QuerySet[Any], key: Any, field: str, fractions: Sequence[float]
) -> dict[Any, tuple[int, list[float | None]]]:
    """{group: (n, [percentile per fraction])} over the non-null values of `field`."""
    queryset = queryset.filter(**{f"{field}__isnull": False}).order_by()
    if connection.vendor == "postgresql":
        aggregates: dict[str, Any] = {
            f"p{i}": PercentileCont(field, fraction) for i, fraction in enumerate(fractions)
        }
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
