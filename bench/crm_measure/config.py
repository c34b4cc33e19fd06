"""The scenarios' shape, the command-line options and the subjects (names, phones, typos)
taken from the data."""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"
BENCH_USER_EMAIL = "bench@relais.example"
PREFERRED_SURNAME = "Lefèvre"
TIMELINE_PAGE_SIZE = 25
DEEP_ROW = 25_000  # the cursor of this row opens page 1,001

# From the issue: the contact page whatever the history size, and search.
TARGETS = {
    "contact_page": {"p95_ms": 50.0, "max_queries": 12},
    "search": {"p95_ms": 100.0},
}


@dataclass
class Scenario:
    key: str
    title: str
    layer: str  # "http" or "selector"
    call: Callable[[], Any]
    target: str | None = None  # a key of TARGETS
    expect_text: str | None = None  # must appear in an HTTP response


@dataclass
class Measurement:
    key: str
    title: str
    layer: str
    status: str  # "ok" or why it could not be measured
    runs: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    min_ms: float | None = None
    max_ms: float | None = None
    queries_min: int | None = None
    queries_max: int | None = None
    http_status: int | None = None
    response_bytes: int | None = None
    target: dict[str, float] | None = None
    meets_target: bool | None = None
    slowest_queries: list[dict[str, Any]] = field(default_factory=list)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..tickets_measure import add_server_arguments

    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--only", default="", help="comma-separated scenario keys (default: all of them)"
    )
    parser.add_argument("--no-explain", action="store_true", help="skip the EXPLAIN section")
    parser.add_argument(
        "--selectors",
        action="store_true",
        help="also time the selectors alone, in process (the reads without HTTP, session "
        "or rendering), with gc.freeze() as relais/wsgi.py does",
    )
    add_server_arguments(parser)


@dataclass
class Subjects:
    heavy_contact_id: int
    heavy_activities: int
    typical_contact_id: int
    typical_activities: int
    surname: str
    surname_contacts: int
    typo: str
    phone_e164: str
    phone_national: str
    full_name: str
    cursor_page_2: str
    cursor_deep: str
    cursor_last: str


def find_subjects() -> Subjects:
    import phonenumbers
    from django.db import connection

    from crm.models import Activity, Contact, ContactPhone
    from crm.selectors import encode_cursor, timeline_page

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_id, count(*) FROM crm_activity WHERE contact_id IS NOT NULL "
            "GROUP BY contact_id ORDER BY count(*) DESC, contact_id LIMIT 1"
        )
        heavy_id, heavy_count = cursor.fetchone()
        # A contact with the median history size stands for "everyone else".
        cursor.execute(
            "WITH counts AS (SELECT contact_id, count(*) AS n FROM crm_activity "
            "WHERE contact_id IS NOT NULL GROUP BY contact_id) "
            "SELECT contact_id, n FROM counts WHERE n = (SELECT percentile_disc(0.5) "
            "WITHIN GROUP (ORDER BY n) FROM counts) ORDER BY contact_id LIMIT 1"
        )
        typical_id, typical_count = cursor.fetchone()
        cursor.execute(
            "SELECT last_name, count(*) FROM crm_contact WHERE last_name <> "
            "translate(last_name, 'àâäéèêëîïôöùûüçÀÂÉÈÊÎÔÙÛÇ', 'aaaeeeeiioouuucAAEEEIOUUC') "
            "GROUP BY last_name ORDER BY (last_name = %s) DESC, count(*) DESC, last_name "
            "LIMIT 1",
            [PREFERRED_SURNAME],
        )
        surname, surname_count = cursor.fetchone()
    heavy = Contact.objects.get(pk=heavy_id)
    phone = ContactPhone.objects.filter(contact=heavy, is_primary=True).get().number.as_e164
    national = phonenumbers.format_number(
        phonenumbers.parse(phone, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    rows = Activity.objects.filter(contact=heavy).order_by("-occurred_at", "-id")
    deep_row = min(DEEP_ROW, heavy_count - TIMELINE_PAGE_SIZE)
    last_row = heavy_count - TIMELINE_PAGE_SIZE - 1
    return Subjects(
        heavy_contact_id=heavy_id,
        heavy_activities=heavy_count,
        typical_contact_id=typical_id,
        typical_activities=typical_count,
        surname=surname,
        surname_contacts=surname_count,
        typo=misspell(surname),
        phone_e164=phone,
        phone_national=national,
        full_name=heavy.full_name,
        cursor_page_2=timeline_page(contact=heavy, page_size=TIMELINE_PAGE_SIZE).next_cursor or "",
        cursor_deep=encode_cursor(rows[deep_row - 1]),
        cursor_last=encode_cursor(rows[last_row]),
    )


def misspell(name: str) -> str:
    """One wrong letter, accents dropped, as typed in a hurry: "Lefèvre" -> "Lefebre".

    The first consonant after the first accented letter becomes a "b" (a "v" if it was
    one), so the query matches no word exactly and only the typo-tolerant search can match.
    """
    accented = next((i for i, ch in enumerate(name) if not ch.isascii()), len(name) // 2)
    bare = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    letters = list(bare)
    for position in range(accented + 1, len(letters)):
        if letters[position].lower() not in "aeiouy -'":
            letters[position] = "v" if letters[position].lower() == "b" else "b"
            break
    return "".join(letters)
