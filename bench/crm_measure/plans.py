"""EXPLAIN of the search, keyset and consent queries, and which code was measured."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from .config import TIMELINE_PAGE_SIZE, Subjects


def explain_sql(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def search_index_report(subjects: Subjects) -> dict[str, Any]:
    """The search SQL Django renders, the contact table's index definitions, and which of
    those indexes the plans of the name and typo searches use."""
    from django.db import connection

    from crm.selectors import contact_list

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'crm_contact' "
            "ORDER BY indexname"
        )
        indexes = dict(cursor.fetchall())
    report: dict[str, Any] = {"indexes": indexes}
    for key, query in (("name", subjects.surname), ("typo", subjects.typo)):
        matches = contact_list(search=query)
        queryset = matches[:20]
        sql = str(queryset.query)
        where = re.search(r"WHERE (.*?) ORDER BY", sql, re.S)
        plan = queryset.explain(analyze=True, buffers=True)
        ranked = list(matches.values_list("last_name", flat=True))
        report[key] = {
            "query": query,
            "where": where.group(1) if where else sql,
            "plan": plan,
            "indexes_used": sorted(name for name in indexes if name in plan),
            "matches": len(ranked),
            # Where the first contact actually named `subjects.surname` comes in the results.
            "first_rank_of_surname": next(
                (i + 1 for i, name in enumerate(ranked) if name == subjects.surname), None
            ),
            "top_20_last_names": ranked[:20],
        }
    return report


def code_version() -> dict[str, Any]:
    """Which code was measured: the commit, and a digest of the files that decide the
    figures (they may be uncommitted work in progress)."""
    import hashlib

    root = Path(__file__).resolve().parent.parent.parent
    files = [
        "crm/selectors.py", "crm/views/contacts.py", "crm/views/common.py", "crm/api.py",
        "crm/serializers.py", "crm/models/contacts.py", "crm/models/activity.py",
        "templates/crm/contact_detail.html",
        "templates/crm/components/timeline.html", "templates/crm/contact_list.html",
    ]  # fmt: skip
    digests = {
        name: hashlib.sha256((root / name).read_bytes()).hexdigest()[:12]
        for name in files
        if (root / name).exists()
    }
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True, text=True, check=False, cwd=root,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "crm", "templates/crm"],  # noqa: S607
            capture_output=True, text=True, check=False, cwd=root,
        ).stdout.strip()  # fmt: skip
    except OSError:
        commit, dirty = "", ""
    migrations = sorted(p.name for p in (root / "crm" / "migrations").glob("0*.py"))
    return {
        "commit": commit,
        "uncommitted_changes": bool(dirty),
        "files": digests,
        "crm_migrations": migrations,
    }


def keyset_report(subjects: Subjects) -> dict[str, Any]:
    """The deep-page timeline query with the keyset condition written as a bare OR, next to
    the same page with a redundant `occurred_at <= cursor` that PostgreSQL can use as an
    index condition (what crm.selectors.timeline_page does since commit 138f7c9)."""
    from django.db.models import Q

    from crm.models import Activity
    from crm.selectors import decode_cursor

    position = decode_cursor(subjects.cursor_deep)
    assert position is not None
    when, pk = position
    base = Activity.objects.select_related("actor").filter(contact_id=subjects.heavy_contact_id)
    or_only = base.filter(Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk))
    bounded = base.filter(
        Q(occurred_at__lte=when) & (Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk))
    )
    ordering = ("-occurred_at", "-id")
    or_only = or_only.order_by(*ordering)[: TIMELINE_PAGE_SIZE + 1]
    bounded = bounded.order_by(*ordering)[: TIMELINE_PAGE_SIZE + 1]
    same_rows = [a.pk for a in or_only] == [a.pk for a in bounded]
    return {
        "or_only_plan": or_only.explain(analyze=True, buffers=True),
        "bounded_plan": bounded.explain(analyze=True, buffers=True),
        "same_rows": same_rows,
    }


def consent_report(subjects: Subjects) -> dict[str, Any]:
    """Every consent row of the heavy contact (what consent_current read before commit
    e177a37) next to one indexed probe per channel (UNION ALL of LIMIT 1 subqueries,
    what it does since)."""
    from crm.models import Channel, Consent

    rows = Consent.objects.filter(contact_id=subjects.heavy_contact_id)
    current = rows.order_by("channel", "-recorded_at", "-id")
    probes = [
        rows.filter(channel=channel).order_by("-recorded_at", "-id")[:1]
        for channel in Channel.values
    ]
    latest = probes[0].union(*probes[1:], all=True)
    return {
        "consent_rows_of_heavy_contact": rows.count(),
        "all_rows_plan": current.explain(analyze=True, buffers=True),
        "per_channel_plan": latest.explain(analyze=True, buffers=True),
    }
