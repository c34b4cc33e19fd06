"""`Page`, `Sample` and `PageResult`: what is requested and what is recorded; `summarise`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..timing import percentile
from .environment import BUDGET_RATIO


@dataclass
class Page:
    key: str
    title: str
    path: str
    user: str = ""  # e-mail of the user whose session (or token) the request carries
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: bytes | None = None
    auth: str = "session"  # "session" or "token"
    group: str = ""  # what it is, for the tables: inbox, ticket, customer, home, admin, api
    budget: bool = True  # an agent-facing page under the 2x-SQL budget
    target_p95_ms: float | None = None
    expect_status: int = 200


@dataclass
class Sample:
    status: int
    server_ms: float
    db_ms: float
    queries: int
    client_ms: float
    bytes: int
    body_head: bytes = b""


@dataclass
class PageResult:
    key: str
    title: str
    path: str
    group: str
    status: str  # "ok", or why it could not be measured
    runs: int = 0
    server_p50_ms: float | None = None
    server_p95_ms: float | None = None
    server_max_ms: float | None = None
    db_p50_ms: float | None = None
    db_p95_ms: float | None = None
    client_p50_ms: float | None = None
    client_p95_ms: float | None = None
    queries_min: int | None = None
    queries_max: int | None = None
    queries_p50: int | None = None
    bytes: int | None = None
    # server p50 / SQL p50 (the budget: <= 2), and the median of the per-request ratios
    ratio_p50: float | None = None
    ratio_median: float | None = None
    budget: bool = True
    within_budget: bool | None = None
    target_p95_ms: float | None = None
    meets_target: bool | None = None
    samples_server_ms: list[float] = field(default_factory=list)


def summarise(page: Page, samples: Sequence[Sample]) -> PageResult:
    result = PageResult(page.key, page.title, page.path, page.group, "ok", budget=page.budget)
    server = [s.server_ms for s in samples]
    db = [s.db_ms for s in samples]
    queries = [s.queries for s in samples]
    result.runs = len(samples)
    result.server_p50_ms = round(percentile(server, 0.5), 2)
    result.server_p95_ms = round(percentile(server, 0.95), 2)
    result.server_max_ms = round(max(server), 2)
    result.db_p50_ms = round(percentile(db, 0.5), 2)
    result.db_p95_ms = round(percentile(db, 0.95), 2)
    result.client_p50_ms = round(percentile([s.client_ms for s in samples], 0.5), 2)
    result.client_p95_ms = round(percentile([s.client_ms for s in samples], 0.95), 2)
    result.queries_min, result.queries_max = min(queries), max(queries)
    result.queries_p50 = int(percentile(queries, 0.5))
    result.bytes = samples[-1].bytes
    if result.db_p50_ms:
        result.ratio_p50 = round(result.server_p50_ms / result.db_p50_ms, 2)
    ratios = [s.server_ms / s.db_ms for s in samples if s.db_ms > 0]
    if ratios:
        result.ratio_median = round(percentile(ratios, 0.5), 2)
    if page.budget and result.ratio_p50 is not None:
        result.within_budget = result.ratio_p50 <= BUDGET_RATIO
    if page.target_p95_ms is not None:
        result.target_p95_ms = page.target_p95_ms
        result.meets_target = result.server_p95_ms < page.target_p95_ms
    result.samples_server_ms = [round(x, 1) for x in server]
    return result
