"""Per-request server time, SQL count and SQL time, for the benchmark only.

`bench.settings` puts this middleware first (outermost), so its figures cover every other
middleware (session, authentication, CSRF, messages, history, htmx, axes), the view and
the template or serializer: the whole Django request, as the peer harness's
`benchmw.py` measures it. Statements are counted through `connection.execute_wrapper()`,
Django's public hook, so DEBUG stays off and nothing is kept per query.

The production settings (`relais.settings`) never load it: only `DJANGO_SETTINGS_MODULE=
bench.settings`, which the benchmark sets for the servers it starts, does.

Response headers:
  X-Bench-Server-Ms  wall time inside Django for this request
  X-Bench-Queries    SQL statements executed
  X-Bench-Db-Ms      wall time inside those statements (the database driver's execute,
                     which with psycopg's client-side cursors includes fetching the rows)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

SERVER_HEADER = "X-Bench-Server-Ms"
QUERIES_HEADER = "X-Bench-Queries"
DB_HEADER = "X-Bench-Db-Ms"


class _QueryTimer:
    __slots__ = ("count", "seconds")

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timer = _QueryTimer()
        started = time.perf_counter()
        with connections["default"].execute_wrapper(timer):
            response = self.get_response(request)
            # A lazy TemplateResponse is rendered by the handler before this point; force
            # it anyway so that rendering always counts.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        elapsed = time.perf_counter() - started
        response[SERVER_HEADER] = f"{elapsed * 1000:.3f}"
        response[QUERIES_HEADER] = str(timer.count)
        response[DB_HEADER] = f"{timer.seconds * 1000:.3f}"
        return response
