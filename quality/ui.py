"""Supervision's places in the shared UI: the menu, and the supervisor's landing page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavItem, register_nav_item
from accounts.roles import Role
from accounts.workspaces import register_home


def register() -> None:
    roles = frozenset({Role.SUPERVISOR, Role.ADMIN})
    register_nav_item(
        NavItem(
            "quality.live",
            _("Live view"),
            "quality:live",
            icon="speedometer2",
            roles=roles,
            order=15,
        )
    )
    register_nav_item(
        NavItem("quality.kpis", _("KPIs"), "quality:kpis", icon="graph-up", roles=roles, order=16)
    )
    # Issue 9: a supervisor (often an agent too) lands on the live view, not the agent's.
    register_home(Role.SUPERVISOR, "quality:live", priority=10)
