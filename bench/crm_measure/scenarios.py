"""The pages, searches and selector calls measured, and how each is run."""

from __future__ import annotations

import gc
import time
import traceback
from collections.abc import Callable
from typing import Any

from ..harness import Page
from ..timing import percentile
from .config import (
    BENCH_USER_EMAIL,
    DEEP_ROW,
    TARGETS,
    TIMELINE_PAGE_SIZE,
    Measurement,
    Scenario,
    Subjects,
)


def measure(scenario: Scenario, *, runs: int, warmup: int, gc_freeze: bool = False) -> Measurement:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Measurement(scenario.key, scenario.title, scenario.layer, status="ok")
    if scenario.target:
        result.target = TARGETS[scenario.target]
    try:
        for _ in range(warmup):
            _check(scenario, scenario.call(), result)
    except Exception as exc:
        result.status = f"not measurable: {type(exc).__name__}: {exc}"[:500]
        print(f"    {scenario.key}: {result.status}")
        traceback.print_exc(limit=3)
        return result
    timings: list[float] = []
    query_counts: list[int] = []
    slowest: list[dict[str, Any]] = []
    gc.collect()
    if gc_freeze:
        gc.freeze()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = scenario.call()
            elapsed = time.perf_counter() - started
        _check(scenario, response, result)
        timings.append(elapsed * 1000)
        query_counts.append(len(captured.captured_queries))
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    result.runs = runs
    result.p50_ms = round(percentile(timings, 0.50), 2)
    result.p95_ms = round(percentile(timings, 0.95), 2)
    result.min_ms = round(min(timings), 2)
    result.max_ms = round(max(timings), 2)
    result.queries_min, result.queries_max = min(query_counts), max(query_counts)
    result.slowest_queries = [
        {"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"]} for q in slowest
    ]
    if result.target:
        meets = result.p95_ms < result.target["p95_ms"]
        if "max_queries" in result.target:
            meets = meets and result.queries_max <= result.target["max_queries"]
        result.meets_target = meets
    return result


def _check(scenario: Scenario, response: Any, result: Measurement) -> None:
    if scenario.layer != "http":
        return
    if response.status_code != 200:
        raise AssertionError(f"HTTP {response.status_code} for {scenario.title}")
    result.http_status = response.status_code
    content = response.content
    result.response_bytes = len(content)
    if scenario.expect_text and scenario.expect_text.encode() not in content:
        raise AssertionError(f"{scenario.expect_text!r} not in the response")


def http_pages(subjects: Subjects) -> list[Page]:
    """The customer pages, searches and API lists, as requests to the server."""
    from urllib.parse import urlencode

    heavy = f"/customers/{subjects.heavy_contact_id}/"
    typical = f"/customers/{subjects.typical_contact_id}/"
    htmx = {"HX-Request": "true"}
    agent = BENCH_USER_EMAIL

    def q(**params: str) -> str:
        return urlencode(params)

    def page(key: str, title: str, path: str, group: str, headers: dict[str, str] | None = None,
             target: str | None = None) -> Page:  # fmt: skip
        return Page(key, title, path, agent, headers=headers or {}, group=group,
                    target_p95_ms=TARGETS[target]["p95_ms"] if target else None)  # fmt: skip

    def api(key: str, title: str, path: str) -> Page:
        return Page(key, title, path, agent, auth="token", group="api", budget=False,
                    headers={"Accept": "application/json"})  # fmt: skip

    return [
        page("contact_page_heavy", f"Contact page, {subjects.heavy_activities:,} timeline rows",
             heavy, "customer", target="contact_page"),
        page("contact_page_typical",
             f"Contact page, {subjects.typical_activities} timeline rows (median contact)",
             typical, "customer", target="contact_page"),
        page("timeline_page_2", "Timeline next page (htmx, cursor of row 25)",
             f"{heavy}?{q(cursor=subjects.cursor_page_2)}", "customer", htmx),
        page("timeline_page_deep", f"Timeline page 1,001 (htmx, cursor of row {DEEP_ROW:,})",
             f"{heavy}?{q(cursor=subjects.cursor_deep)}", "customer", htmx),
        page("timeline_page_last", "Timeline last page (htmx)",
             f"{heavy}?{q(cursor=subjects.cursor_last)}", "customer", htmx),
        page("search_name", f"Search by last name “{subjects.surname}”",
             f"/customers/?{q(q=subjects.surname)}", "search", target="search"),
        page("search_full_name", f"Search by first and last name “{subjects.full_name}”",
             f"/customers/?{q(q=subjects.full_name)}", "search", target="search"),
        page("search_phone", f"Search by phone “{subjects.phone_national}”",
             f"/customers/?{q(q=subjects.phone_national)}", "search", target="search"),
        page("search_typo", f"Search with a typo “{subjects.typo}” (for {subjects.surname})",
             f"/customers/?{q(q=subjects.typo)}", "search", target="search"),
        api("api_contacts", "API contacts list, page 1", "/api/v1/contacts/"),
        api("api_contacts_search", f"API contacts list, search={subjects.surname}",
            f"/api/v1/contacts/?{q(search=subjects.surname)}"),
    ]  # fmt: skip


def selector_scenarios(user: Any, subjects: Subjects) -> list[Scenario]:
    from crm import selectors
    from crm.models import Contact

    heavy = Contact.objects.get(pk=subjects.heavy_contact_id)

    def timeline(cursor: str | None) -> Callable[[], Any]:
        return lambda: selectors.timeline_page(
            contact=heavy, cursor=cursor, page_size=TIMELINE_PAGE_SIZE
        )

    def search(query: str) -> Callable[[], Any]:
        return lambda: selectors.contact_search(query=query)

    scenarios = [
        Scenario("sel_timeline_page_1", "timeline_page, first page", "selector", timeline(None)),
        Scenario("sel_timeline_page_2", "timeline_page, page 2", "selector",
                 timeline(subjects.cursor_page_2)),
        Scenario("sel_timeline_page_deep", "timeline_page, page 1,001", "selector",
                 timeline(subjects.cursor_deep)),
        Scenario("sel_timeline_page_last", "timeline_page, last page", "selector",
                 timeline(subjects.cursor_last)),
        Scenario("sel_search_name", f"contact_search “{subjects.surname}” (20 rows)", "selector",
                 search(subjects.surname), "search"),
        Scenario("sel_search_phone", f"contact_search “{subjects.phone_national}”", "selector",
                 search(subjects.phone_national), "search"),
        Scenario("sel_search_typo", f"contact_search “{subjects.typo}”", "selector",
                 search(subjects.typo), "search"),
    ]  # fmt: skip
    get_for_page = getattr(selectors, "contact_get_for_page", None)
    if get_for_page is not None:
        scenarios.insert(
            0,
            Scenario(
                "sel_contact_get_for_page",
                "contact_get_for_page (heavy contact, with key figures)",
                "selector",
                lambda: get_for_page(user=user, pk=subjects.heavy_contact_id),
            ),
        )
    return scenarios


def bench_user() -> Any:
    from accounts.models import User
    from accounts.services import user_create

    user = User.objects.filter(email=BENCH_USER_EMAIL).first()
    if user is None:
        user = user_create(
            email=BENCH_USER_EMAIL,
            password=None,
            first_name="Bench",
            last_name="Agent",
            roles=["agent"],
        )
    return user
