"""Erlang C, in log space so that large traffic (thousands of calls per interval) does
not overflow: A^N / N! is never formed, only its logarithm (lgamma), and the sum of the
terms is a log-sum-exp. Pure: imports only the standard library.

Traffic A = calls x AHT / interval; with N agents (N > A)
P(wait) = (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! * N/(N-A));
SL(t) = 1 - P(wait) * exp(-(N-A) t / AHT); ASA = P(wait) * AHT / (N - A).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

MAX_AGENTS = 100_000


@dataclass(frozen=True)
class ErlangResult:
    traffic: float  # Erlangs
    agents: int  # required on the phones
    staff: int  # grossed up for shrinkage
    shrinkage: float
    probability_wait: float
    service_level: float
    average_wait_s: float
    occupancy: float


def _log_sum_exp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def probability_wait(traffic: float, agents: int) -> float:
    """Erlang C: the probability that a call waits (1 when N <= A: the queue grows)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    log_a = math.log(traffic)
    terms = [k * log_a - math.lgamma(k + 1) for k in range(agents)]
    last = agents * log_a - math.lgamma(agents + 1) + math.log(agents / (agents - traffic))
    return math.exp(last - _log_sum_exp([*terms, last]))


def service_level(traffic: float, agents: int, target_s: float, aht_s: float) -> float:
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    wait = probability_wait(traffic, agents)
    return 1.0 - wait * math.exp(-(agents - traffic) * target_s / aht_s)


def average_wait(traffic: float, agents: int, aht_s: float) -> float:
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return probability_wait(traffic, agents) * aht_s / (agents - traffic)


def compound_shrinkage(factors: Iterable[float]) -> float:
    """1 - prod(1 - s_i): 30 % absence and 10 % training leave 63 % on the phones."""
    remaining = 1.0
    for factor in factors:
        if not 0 <= factor < 1:
            raise ValueError("a shrinkage factor is a fraction in [0, 1)")
        remaining *= 1 - factor
    return 1 - remaining


def erlang_c(
    *,
    contacts: float,
    interval_s: int,
    aht_s: float,
    target_sl: float,
    target_s: float,
    shrinkage: float = 0.0,
) -> ErlangResult:
    """The fewest agents meeting `target_sl` of calls answered within `target_s`."""
    if contacts < 0 or interval_s <= 0 or aht_s <= 0 or target_s < 0:
        raise ValueError("contacts >= 0, interval > 0, AHT > 0 and target time >= 0")
    if not 0 < target_sl < 1 or not 0 <= shrinkage < 1:
        raise ValueError("target service level in (0, 1), shrinkage in [0, 1)")
    traffic = contacts * aht_s / interval_s
    if traffic == 0:
        return ErlangResult(0.0, 0, 0, shrinkage, 0.0, 1.0, 0.0, 0.0)
    agents = max(1, math.floor(traffic) + 1)
    while service_level(traffic, agents, target_s, aht_s) < target_sl:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError("more agents than this calculator plans for")
    staff = math.ceil(agents / (1 - shrinkage) - 1e-9)
    return ErlangResult(
        traffic=traffic,
        agents=agents,
        staff=staff,
        shrinkage=shrinkage,
        probability_wait=probability_wait(traffic, agents),
        service_level=service_level(traffic, agents, target_s, aht_s),
        average_wait_s=average_wait(traffic, agents, aht_s),
        occupancy=traffic / agents,
    )
