"""`HttpRunner` (keep-alive HTTP) and `InProcessRunner` (`django.test.Client`),
`measure_pages`."""

from __future__ import annotations

import contextlib
import http.client
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..middleware import DB_HEADER, QUERIES_HEADER, SERVER_HEADER
from .environment import SLOW_PAGE_MS, TIMEOUT, ServerConfig
from .measured import Page, PageResult, Sample, summarise
from .server import Credentials, GunicornServer


class HttpRunner:
    """One keep-alive connection to the server; one request at a time."""

    def __init__(self, host: str, port: int, credentials: Credentials | None = None) -> None:
        self.host, self.port = host, port
        self.credentials = credentials or Credentials()
        self._connection: http.client.HTTPConnection | None = None

    def _conn(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, page: Page) -> Sample:
        headers = {"Accept-Language": "fr", "Host": f"{self.host}:{self.port}",
                   **self.credentials.headers(page), **page.headers}  # fmt: skip
        if page.body is not None:
            headers.setdefault("Content-Type", "application/json")
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                conn = self._conn()
                conn.request(page.method, page.path, body=page.body, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                # gunicorn closes a keep-alive connection now and then: reconnect once.
                self.close()
                if attempt == 2:
                    raise
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return _sample(response.status, response.getheader, body, elapsed)
        raise AssertionError("unreachable")


class InProcessRunner:
    """The same requests through django.test.Client, in this process (for profiles)."""

    def __init__(self, credentials: Credentials | None = None) -> None:
        from django.test import Client

        self.client = Client()
        self.credentials = credentials or Credentials()

    def request(self, page: Page) -> Sample:
        headers = {"Accept-Language": "fr", **self.credentials.headers(page), **page.headers}
        cookie = headers.pop("Cookie", None)
        self.client.cookies.clear()
        if cookie:
            name, _, value = cookie.partition("=")
            self.client.cookies[name] = value
        started = time.perf_counter()
        response = self.client.generic(
            page.method,
            page.path,
            data=page.body or b"",
            content_type="application/json" if page.body is not None else None,
            headers=headers,
        )
        elapsed = (time.perf_counter() - started) * 1000
        body = response.content if hasattr(response, "content") else b""
        return _sample(response.status_code, response.headers.get, body, elapsed)


def _sample(status: int, header: Callable[..., Any], body: bytes, client_ms: float) -> Sample:
    def number(name: str) -> float:
        value = header(name)
        return float(value) if value else 0.0

    if header(SERVER_HEADER) is None:
        raise RuntimeError(
            f"no {SERVER_HEADER} header (HTTP {status}): is the server running bench.settings?"
        )
    return Sample(
        status=status,
        server_ms=number(SERVER_HEADER),
        db_ms=number(DB_HEADER),
        queries=int(number(QUERIES_HEADER)),
        client_ms=client_ms,
        bytes=len(body),
        body_head=body[:300],
    )


def _check(page: Page, sample: Sample) -> None:
    if sample.status != page.expect_status:
        raise AssertionError(
            f"{page.key}: HTTP {sample.status} for {page.method} {page.path} (expected "
            f"{page.expect_status}): {sample.body_head!r}"
        )


def measure_page(
    runner: HttpRunner | InProcessRunner,
    page: Page,
    *,
    runs: int,
    warmup: int,
    budget_seconds: float = 0.0,
    min_runs: int = 3,
) -> PageResult:
    """`warmup` unmeasured requests, then up to `runs` measured ones (stopping after
    `budget_seconds` if set, with at least `min_runs`), one at a time."""
    try:
        for _ in range(warmup):
            sample = runner.request(page)
            _check(page, sample)
            if sample.server_ms > SLOW_PAGE_MS:
                break  # as the peer harness does: one warm-up is enough for a slow page
        samples: list[Sample] = []
        started = time.perf_counter()
        while len(samples) < runs:
            if (
                budget_seconds
                and len(samples) >= min_runs
                and time.perf_counter() - started > budget_seconds
            ):
                break
            sample = runner.request(page)
            _check(page, sample)
            samples.append(sample)
    except Exception as exc:  # a page that fails is reported, the run goes on
        return PageResult(
            page.key, page.title, page.path, page.group,
            f"not measurable: {type(exc).__name__}: {exc}"[:500], budget=page.budget,
        )  # fmt: skip
    return summarise(page, samples)


def measure_pages(
    runner: HttpRunner | InProcessRunner,
    pages: Sequence[Page],
    *,
    runs: int,
    warmup: int,
    budget_seconds: float = 0.0,
    echo: bool = True,
) -> list[PageResult]:
    results = []
    for page in pages:
        if echo:
            print(f"  {page.key}: {page.method} {page.path}", flush=True)
        result = measure_page(runner, page, runs=runs, warmup=warmup, budget_seconds=budget_seconds)
        if echo:
            print(f"    {describe(result)}", flush=True)
        results.append(result)
    return results


def describe(result: PageResult) -> str:
    if result.status != "ok":
        return result.status
    return (
        f"n={result.runs} server p50 {result.server_p50_ms:.1f} / p95 {result.server_p95_ms:.1f} "
        f"ms, SQL p50 {result.db_p50_ms:.1f} ms, ratio {result.ratio_p50}, "
        f"{result.queries_min}-{result.queries_max} queries, {result.bytes:,} bytes"
    )


@contextlib.contextmanager
def http_runner(config: ServerConfig, *, log_name: str = "gunicorn") -> Iterator[HttpRunner]:
    """A started server and a runner talking to it; both stopped on exit."""
    with GunicornServer(config, log_name=log_name) as server:
        runner = HttpRunner(server.host, server.port)
        try:
            yield runner
        finally:
            runner.close()
