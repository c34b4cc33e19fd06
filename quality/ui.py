"""Supervision's places in the shared UI: the menu, the supervisor's landing page, and
the agent's own figures on their workspace."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavItem, register_nav_item
from accounts.roles import Role
from accounts.workspaces import Panel, register_home, register_panel


def _my_figures_panel(request: Any) -> dict[str, Any]:
    from . import selectors

    return selectors.my_figures(user=request.user)


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
    register_nav_item(
        NavItem(
            "quality.rota",
            _("Rota"),
            "quality:rota",
            icon="calendar-week",
            roles=frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN}),
            order=17,
        )
    )
    # Issue 9: a supervisor (often an agent too) lands on the live view, not the agent's.
    register_home(Role.SUPERVISOR, "quality:live", priority=10)
    # Issue 14: an agent's own figures, only on the agent's workspace (their own numbers).
    register_panel(
        Panel(
            key="quality_my_figures",
            title=_("My figures"),
            template="quality/panels/my_figures.html",
            context=_my_figures_panel,
            roles=frozenset({Role.AGENT}),
            order=5,
        )
    )
