"""Small timing and statistics helpers shared by the benchmark commands."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager


class PhaseTimer:
    """Prints and keeps the duration of each named phase."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._started = time.perf_counter()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        print(f"  {name}...", flush=True)
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.phases[name] = self.phases.get(name, 0.0) + elapsed
            print(f"  {name}: {elapsed:.1f} s", flush=True)

    @property
    def total(self) -> float:
        return time.perf_counter() - self._started


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the
    sample at or below it (p95 of 200 runs is the 190th fastest)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]
