"""Telework's places in the shared UI: navigation, workspace panels and demo data.
Registered from TeleworkConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.demo import register_seeder
from accounts.navigation import NavItem, register_nav_item
from accounts.roles import Role
from accounts.workspaces import Panel, register_panel


def _my_panel(request: HttpRequest) -> dict[str, Any]:
    from .models import Agreement

    agreement = (
        Agreement.objects.filter(employee=request.user, status__in=Agreement.LIVE_STATUSES)  # type: ignore[misc]
        .select_related("current_version")
        .order_by("-start_date")
        .first()
    )
    return {"agreement": agreement}


def _hr_panel(request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    data = selectors.hr_dashboard(limit=5)
    return {"data": data}


def _it_panel(request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    return {"items": selectors.it_onboarding_items(limit=5)}


def register() -> None:
    from .demo import seed_telework

    register_nav_item(
        NavItem(
            key="telework",
            label=_("My telework"),
            url_name="telework:my",
            icon="house-door",
            order=80,
        )
    )
    register_nav_item(
        NavItem(
            key="telework_team",
            label=_("Team calendar"),
            url_name="telework:team",
            icon="calendar-week",
            # HR reaches it from its dashboard: the header stays on one line.
            roles=frozenset({Role.SUPERVISOR}),
            order=81,
        )
    )
    register_nav_item(
        NavItem(
            key="telework_hr",
            label=_("Telework (HR)"),
            url_name="telework:hr",
            icon="clipboard-data",
            roles=frozenset({Role.HR}),
            order=82,
        )
    )
    register_nav_item(
        NavItem(
            key="telework_equipment",
            label=_("Equipment"),
            url_name="telework:equipment",
            icon="laptop",
            roles=frozenset({Role.IT}),
            order=83,
        )
    )
    register_nav_item(
        NavItem(
            key="telework_reserve",
            label=_("Reserve pool"),
            url_name="telework:reserve",
            icon="people",
            roles=frozenset({Role.SUPERVISOR}),
            order=84,
        )
    )
    register_panel(
        Panel(
            key="telework_mine",
            title=_("My telework"),
            template="telework/panels/mine.html",
            context=_my_panel,
            order=70,
        )
    )
    register_panel(
        Panel(
            key="telework_hr",
            title=_("Telework"),
            template="telework/panels/hr.html",
            context=_hr_panel,
            roles=frozenset({Role.HR}),
            order=2,
        )
    )
    register_panel(
        Panel(
            key="telework_it",
            title=_("Telework: IT access to set up"),
            template="telework/panels/it.html",
            context=_it_panel,
            roles=frozenset({Role.IT}),
            order=3,
        )
    )
    register_seeder("telework", seed_telework, order=40)
