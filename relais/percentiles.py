"""Percentiles with linear interpolation between ranks (PostgreSQL's percentile_cont).

One implementation for every app: SQL aggregates on PostgreSQL, the same formula in Python
for SQLite (development databases).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.db.models import Aggregate, FloatField


class PercentileCont(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


class PercentilesCont(Aggregate):
    """Several fractions in one sort: percentile_cont(ARRAY[...]) WITHIN GROUP (ORDER BY ...)."""

    function = "percentile_cont"
    template = (
        "%(function)s(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"
    )

    def __init__(self, expression: Any, fractions: Sequence[float], **extra: Any) -> None:
        from django.contrib.postgres.fields import ArrayField

        super().__init__(
            expression,
            fractions=", ".join(repr(float(f)) for f in fractions),
            output_field=ArrayField(FloatField()),
            **extra,
        )


def percentile_cont(sorted_values: Sequence[float], fraction: float) -> float | None:
    """The same interpolation over values already sorted ascending."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """percentile_cont over values in any order."""
    return percentile_cont(sorted(values), fraction)
