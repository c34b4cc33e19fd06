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
    "quality:rota": {"roles": OWN_FIGURES, "note": "agents: their own shifts, read-only"},
    "quality:shift_new": {"roles": SUPERVISION, "note": "supervisors: their teams"},
    "quality:shift_edit": {
        "roles": SUPERVISION,
        "kwargs": lambda w: {"pk": w.shift.pk},
        "note": "another team's shift is a 404",
    },
    "quality:shift_delete": {
        "roles": SUPERVISION,
        "kwargs": lambda w: {"pk": w.shift.pk},
        "note": "POST only (405 on GET)",
    },
    "quality:rota_copy": {"roles": SUPERVISION, "note": "POST only (405 on GET)"},
    "api-shifts": {
        "roles": OWN_FIGURES,
        "note": "agents: their own shifts, read-only (POST 403); supervisors: their teams'",
    },
    "api-shift-detail": {
        "roles": SUPERVISION,
        "kwargs": lambda w: {"pk": w.shift.pk},
        "note": "a shift of the world's rota team; agents read only their own (404 here)",
    },
    "api-shifts-copy-week": {"roles": SUPERVISION, "note": "POST only (405 on GET)"},
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
    """A rota team the world's supervisor belongs to, with one agent of its own (not the
    world's agent, whose desk visibility other rows rely on) and one shift of theirs."""
    import datetime as dt

    from django.utils import timezone

    from accounts.roles import Role
    from accounts.tests.factories import TeamFactory, UserFactory
    from quality.models import Shift

    rota_agent = UserFactory(roles=[Role.AGENT])
    team = TeamFactory(name="Équipe planning", members=[w.users["supervisor"], rota_agent])
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    w.shift = Shift.objects.create(
        agent=rota_agent, team=team, starts_at=start, ends_at=start + dt.timedelta(hours=8)
    )
