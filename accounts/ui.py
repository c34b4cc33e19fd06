"""The accounts app's places in the shared UI: notifications and administration in the
navigation, and the workspace panels every role sees (notifications, teams) or admins see.
Registered from AccountsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .http import AuthenticatedHttpRequest
from .navigation import NavItem, register_nav_item
from .roles import Role
from .selectors import notification_list_unread, staff_counts_by_role, team_list_for_user
from .workspaces import Panel, register_panel


def _notifications_panel_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"notifications": notification_list_unread(user=request.user)[:5]}


def _teams_panel_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"teams": team_list_for_user(user=request.user)}


def _admin_panel_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"role_counts": staff_counts_by_role()}


def register() -> None:
    register_nav_item(
        NavItem(
            key="notifications",
            label=_("Notifications"),
            url_name="accounts:notifications",
            icon="bell",
            order=90,
        )
    )
    register_nav_item(
        NavItem(
            key="admin",
            label=_("Administration"),
            url_name="admin:index",
            icon="gear",
            roles=frozenset({Role.ADMIN}),
            order=100,
        )
    )
    register_panel(
        Panel(
            key="notifications",
            title=_("Unread notifications"),
            template="accounts/panels/notifications.html",
            context=_notifications_panel_context,
            order=10,
        )
    )
    register_panel(
        Panel(
            key="teams",
            title=_("My teams"),
            template="accounts/panels/teams.html",
            context=_teams_panel_context,
            order=20,
        )
    )
    register_panel(
        Panel(
            key="administration",
            title=_("Administration"),
            template="accounts/panels/administration.html",
            roles=frozenset({Role.ADMIN}),
            context=_admin_panel_context,
            order=5,
        )
    )
