"""accounts' rows for the erase-and-dump test (tests/test_erasure_dump.py): staff
notifications quoting the customer (no link to the contact: found by its identifiers)."""

from __future__ import annotations

from typing import Any

from accounts import services
from crm.tests.erasure_activity import identity


def create_activity(contact: Any, staff: dict[str, Any]) -> None:
    who = identity(contact)
    services.notification_send(
        recipient=staff["supervisor"],
        title=f"Rappel demandé par {who.full_name}",
        body=f"À rappeler : {who.sentence()}",
        url="/tickets/",
        urgent=True,
    )
