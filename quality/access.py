"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

from typing import Any

SUPERVISION = {"supervisor", "admin"}
OWN_FIGURES = {"agent", "supervisor", "admin"}

ROUTES: dict[str, dict[str, Any]] = {
    "quality:live": {"roles": SUPERVISION, "note": "the supervisor's landing page"},
    "quality:drill": {"roles": SUPERVISION},
    "quality:reassign": {"roles": SUPERVISION, "note": "POST only (405 on GET)"},
    "quality:agent_away": {"roles": SUPERVISION, "note": "POST only (405 on GET)"},
    "quality:kpis": {"roles": OWN_FIGURES, "note": "agents see only their own figures"},
    "quality:staffing": {"roles": SUPERVISION},
    "quality:reports": {"roles": SUPERVISION},
    "api-kpis": {"roles": OWN_FIGURES, "note": "agents: their own figures only"},
    "api-live": {"roles": SUPERVISION},
    "api-staffing-erlang-c": {
        "roles": SUPERVISION,
        "query": lambda w: {
            "contacts": 100,
            "interval_s": 1800,
            "aht_s": 180,
            "target_sl": 0.8,
            "target_s": 20,
        },
    },
    "api-staffing-plan": {
        "roles": {"admin"},
        "query": lambda w: {"queue": w.queue.pk},
        "note": "Supervisors: the queues their teams own (404 for another queue, as here).",
    },
}


def objects(w: Any) -> None:
    """Supervision reads the desk's objects; it needs none of its own."""
