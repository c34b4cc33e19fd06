"""EXPLAIN (ANALYZE, BUFFERS) of each inbox view's queries."""

from __future__ import annotations

from typing import Any

from .config import INBOX_CASES


def inbox_plans(subjects: dict[str, Any]) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of each inbox page query and of its capped count, and the
    indexes each plan uses."""
    from django.db import connection

    from accounts.models import User
    from tickets import selectors

    user = User.objects.get(email=subjects["agent_email"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('tickets_ticket', "
            "'tickets_ticket_tags', 'tickets_message') ORDER BY 1"
        )
        names = [r[0] for r in cursor.fetchall()]
    report: dict[str, Any] = {}
    for key, _title, raw in INBOX_CASES:
        params = {k: (str(subjects["queue_id"]) if v == "QUEUE" else v) for k, v in raw.items()}
        filters = selectors.InboxFilters(
            view=params.get("view", "mine"),
            status=params.get("status", ""),
            priority=int(params["priority"]) if "priority" in params else None,
            queue=int(params["queue"]) if "queue" in params else None,
            search=params.get("q", ""),
        )
        qs = selectors.ticket_inbox(user=user, filters=filters)
        page_plan = qs[:50].explain(analyze=True, buffers=True)
        capped = qs.order_by().values("pk")[: selectors.COUNT_CAP + 1]
        count_plan = capped.explain(analyze=True, buffers=True)
        report[key] = {
            "sql": str(qs[:50].query),
            "plan": page_plan,
            "indexes": sorted(n for n in names if n in page_plan),
            "execution_ms": _execution_ms(page_plan),
            "count_plan": count_plan,
            "count_indexes": sorted(n for n in names if n in count_plan),
            "count_execution_ms": _execution_ms(count_plan),
        }
    return report


def _execution_ms(plan: str) -> float | None:
    for line in plan.splitlines():
        if line.strip().startswith("Execution Time:"):
            return float(line.split(":")[1].split()[0])
    return None
