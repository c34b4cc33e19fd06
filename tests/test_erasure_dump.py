"""GDPR erase, tested the way the leak was found: a contact with activity in every app is
erased, the whole database is dumped (pg_dump on PostgreSQL, sqlite3's iterdump on
SQLite) with the files on disk, and none of the person's identifiers may remain.

How an app plugs in (docs/privacy.md):
- declare its fields in `apps.py ready()` with `crm.registry.register_personal_data(
  PersonalData(...))`;
- write `<app>/tests/erasure_activity.py` with `create_activity(contact, staff)` creating
  realistic rows that quote the contact's identifiers everywhere a user, a customer or a
  platform could write them (`crm.tests.erasure_activity.identity(contact)` gives them,
  `.sentence()` a line with all of them). This test finds the file by itself.
A field an app forgets to declare keeps the identifiers its file wrote: this test fails
and names the table. An app with models and no such file fails
`test_every_app_with_models_brings_its_activity` until it adds one (or, holding no
customer data at all, a line in NO_CUSTOMER_DATA saying why).
"""

from __future__ import annotations

import html
import importlib
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from accounts.roles import Role
from crm import services as crm_services
from crm.models import Activity, Call, Contact

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)
# Apps with models that hold no customer data, and why.
NO_CUSTOMER_DATA = {
    "telework": "staff agreements, equipment and allowances: employees, never customers",
}

# The identity: distinctive enough that nothing else in the database contains it.
FIRST, LAST = "Zéphyrine", "Quennehec"
EMAILS = ("zephyrine.quennehec@exemple-perso.fr", "zq.pro@quennehec-conseil.example")
PHONE = "+33671829304"
# Every written form of the phone, listed here rather than derived by crm.erasure, so a
# bug there cannot hide itself.
PHONE_FORMS = (
    "+33671829304",
    "+33 6 71 82 93 04",
    "0671829304",
    "06 71 82 93 04",
    "06.71.82.93.04",
    "06-71-82-93-04",
    "671829304",
    "0033671829304",
)


def _activity_modules() -> list[tuple[str, Any]]:
    found = []
    for config in apps.get_app_configs():
        if Path(config.path).parent != ROOT:
            continue  # Django's and third parties' apps
        if (Path(config.path) / "tests" / "erasure_activity.py").exists():
            found.append(
                (config.label, importlib.import_module(f"{config.name}.tests.erasure_activity"))
            )
    return found


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def _decode_blobs(dump: str) -> str:
    """bytea (\\x...) and SQLite blobs (X'...') decoded, so raw emails are searched too."""

    def decode(match: re.Match[str]) -> str:
        try:
            return bytes.fromhex(match.group(1)).decode("utf-8", "replace")
        except ValueError:
            return match.group(0)

    dump = re.sub(r"\\\\x([0-9a-fA-F]{2,})", decode, dump)
    return re.sub(r"X'([0-9a-fA-F]{2,})'", decode, dump)


def _readable(dump: str) -> str:
    dump = _decode_blobs(dump)
    # JSON escapes (SQLite stores "\u00e9"), HTML entities, URL encoding.
    dump = re.sub(r"\\+u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), dump)
    return _fold(unquote(html.unescape(dump)))


def _dump_database() -> str:
    if connection.vendor == "postgresql":
        pg_dump = shutil.which("pg_dump")
        assert pg_dump, "pg_dump is missing: install postgresql-client"
        db = connection.settings_dict
        command = [
            pg_dump,
            "--data-only",
            "--no-owner",
            "--dbname",
            db["NAME"],
            "--host",
            db["HOST"] or "127.0.0.1",
            "--port",
            str(db["PORT"] or 5432),
            "--username",
            db["USER"] or "postgres",
        ]
        env = {"PATH": "/usr/bin:/bin", "PGPASSWORD": str(db.get("PASSWORD") or "")}
        result = subprocess.run(command, capture_output=True, env=env, timeout=120, check=True)
        return result.stdout.decode("utf-8", "replace")
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump())


def _files(root: Path) -> str:
    parts = []
    for path in root.rglob("*"):
        if path.is_file():
            parts.append(str(path.relative_to(root)))
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def _identifiers() -> list[str]:
    forms = {FIRST, LAST, f"{FIRST} {LAST}", *EMAILS, *PHONE_FORMS}
    return sorted({_fold(f) for f in forms})


def _leaks(text: str) -> dict[str, list[str]]:
    """identifier -> up to three lines of the dump that contain it."""
    folded = _readable(text)
    leaks: dict[str, list[str]] = {}
    for identifier in _identifiers():
        if identifier in folded:
            lines = [line[:300] for line in folded.splitlines() if identifier in line]
            leaks[identifier] = lines[:3]
    return leaks


def _counts() -> dict[str, int]:
    counts = {
        "tickets": apps.get_model("tickets", "Ticket").objects.count(),
        "messages": apps.get_model("tickets", "Message").objects.count(),
        "crm calls": Call.objects.count(),
        "phone calls": apps.get_model("telephony", "PhoneCall").objects.count(),
        "opportunities": apps.get_model("sales", "Opportunity").objects.count(),
        "notifications": apps.get_model("accounts", "Notification").objects.count(),
        "inbound emails": apps.get_model("channels", "InboundEmail").objects.count(),
        "outbound emails": apps.get_model("channels", "OutboundEmail").objects.count(),
        "contacts": Contact.objects.count(),
    }
    counts["activities"] = Activity.objects.count()
    return counts


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    return {
        role: make_user(role, first_name="Agent", last_name=role.title()) for role in Role.values
    }


def test_every_app_with_models_brings_its_activity() -> None:
    with_activity = {label for label, _module in _activity_modules()}
    missing = []
    for config in apps.get_app_configs():
        if Path(config.path).parent != ROOT or not list(config.get_models()):
            continue
        if config.label not in with_activity and config.label not in NO_CUSTOMER_DATA:
            missing.append(config.label)
    assert not missing, (
        f"{missing}: add <app>/tests/erasure_activity.py (see this module's docstring)"
    )


def test_erase_leaves_no_identifier_in_the_database_or_on_disk(
    staff: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    contact = crm_services.contact_create(
        actor=staff["agent"],
        first_name=FIRST,
        last_name=LAST,
        emails=list(EMAILS),
        phones=[PHONE],
        address_line1="3 impasse des Lilas",
        postal_code="29200",
        city="Brest",
        job_title="Architecte",
    )
    modules = _activity_modules()
    assert {"crm", "accounts", "tickets", "channels", "telephony", "triage", "sales"} <= {
        label for label, _module in modules
    }
    for _label, module in modules:
        module.create_activity(contact, staff)
    before_dump = _dump_database() + _files(settings.MEDIA_ROOT)
    written = _leaks(before_dump)
    # The activity did write every identifier (else this test would prove nothing).
    assert set(written) == set(_identifiers()), sorted(set(_identifiers()) - set(written))
    before = _counts()

    crm_services.contact_erase(
        contact=contact, actor=staff["admin"], confirmation=f"{FIRST} {LAST}", reason="Demande RGPD"
    )

    after = _counts()
    assert after.pop("activities") == before.pop("activities") + 1  # the "erased" row
    assert after == before
    leaks = _leaks(_dump_database() + _files(settings.MEDIA_ROOT))
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)
    # The timeline stays, neutral.
    rows = list(Activity.objects.filter(contact=contact).values_list("kind", "summary"))
    assert "ticket_created" in {kind for kind, _summary in rows}
    assert all(summary for _kind, summary in rows)
