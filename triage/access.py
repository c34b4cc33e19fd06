"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from tickets.permissions import TICKETS_WORK

WORK = {str(r) for r in TICKETS_WORK}
# The world's assessment scores the customer ticket: IT does not see that queue.
CUSTOMER_DESK = WORK - {"it"}


def _assessment(w: Any) -> dict[str, Any]:
    return {"pk": w.assessment.pk}


ROUTES: dict[str, dict[str, Any]] = {
    "triage:assessment_correct": {
        "roles": CUSTOMER_DESK,
        "kwargs": _assessment,
        "note": "POST only; whoever works the ticket.",
    },
    "api-triage-assessments": {
        "roles": CUSTOMER_DESK,
        "query": lambda w: {"ticket": w.ticket.pk},
        "note": "The desk's roles; the scores of a ticket one may see.",
    },
    "api-triage-correct": {"roles": CUSTOMER_DESK, "kwargs": _assessment, "note": "POST only."},
    "api-triage-analyse": {"roles": WORK, "note": "POST only: scores a text, stores nothing."},
}


def objects(w: Any) -> None:
    """The customer ticket's first message was scored when the ticket was opened."""
    w.assessment = w.ticket.assessments.get()
