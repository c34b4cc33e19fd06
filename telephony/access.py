"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from .api import CALL_ROLES, LOOKUP_ROLES
from .views import POP_ROLES

POP = {str(r) for r in POP_ROLES}
CALLS = {str(r) for r in CALL_ROLES}
LOOKUP = {str(r) for r in LOOKUP_ROLES}
PLATFORM = {"integration", "admin"}


def _call(w: Any) -> dict[str, Any]:
    return {"pk": w.phone_call.pk}


ROUTES: dict[str, dict[str, Any]] = {
    "telephony:pop": {"roles": POP, "note": "The screen pop, polled from every page."},
    "telephony:call_list": {"roles": POP},
    "telephony:call_detail": {"roles": POP, "kwargs": _call},
    "telephony:call_ticket": {"roles": POP, "kwargs": _call, "note": "POST only."},
    "telephony:call_contact": {"roles": POP, "kwargs": _call, "note": "POST only."},
    "telephony:call_attach": {"roles": POP, "kwargs": _call, "note": "POST only."},
    "telephony:call_link": {"roles": POP, "kwargs": _call, "note": "POST only."},
    "telephony:call_close": {"roles": POP, "kwargs": _call, "note": "POST only."},
    "api-telephony-events": {"roles": PLATFORM, "note": "POST only: the platform's events."},
    "api-telephony-lookup": {"roles": LOOKUP},
    "api-telephony-calls": {"roles": CALLS},
    "api-telephony-call": {"roles": CALLS, "kwargs": _call},
}


def objects(w: Any) -> None:
    """A call on the customer queue, answered by the agent."""
    from django.utils import timezone

    from telephony.models import PhoneCall

    w.phone_call = PhoneCall.objects.create(
        external_id="matrix-1",
        dialled_number="+33180000001",
        caller_number="+33612345678",
        queue=w.queue,
        agent=w.users["agent"],
        offered_at=timezone.now(),
    )
