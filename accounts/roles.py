"""Roles are auth groups with a fixed name; each app declares what its roles may do.

A user may hold several roles. The group names are stable identifiers (the values of
`Role`); labels are translated. Apps add permissions for their own models with
`grant(role, "app_label.codename", ...)` in their AppConfig.ready(); the sets are applied
to the groups after every migrate, like contrib.auth creates permissions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import User


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    SALES = "sales", _("Sales rep")
    MARKETING = "marketing", _("Marketing")
    IT = "it", _("IT")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Administrator")
    # A system, not a person: the telephony platform, a mail gateway. It holds an API
    # token and reaches only the endpoints made for it; it has no workspace.
    INTEGRATION = "integration", _("Integration")


ROLE_DESCRIPTIONS: dict[str, Any] = {
    Role.AGENT: _(
        "Handles tickets on every channel, logs calls, sees the customer's whole history "
        "and flags sales opportunities."
    ),
    Role.SUPERVISOR: _(
        "Watches queues and KPIs live, reassigns, escalates, runs quality reviews and coaching."
    ),
    Role.SALES: _(
        "Takes handed-off opportunities, sees the customer's service situation before "
        "calling and reports the outcome back."
    ),
    Role.MARKETING: _(
        "Builds segments, campaigns, tracking numbers and surveys, briefs agents and reads "
        "results per channel."
    ),
    Role.IT: _("Works the internal helpdesk queue: equipment, access and tool incidents."),
    Role.HR: _(
        "Manages telework agreements, equipment, onboarding, allowance exports and the "
        "reserve pool."
    ),
    Role.ADMIN: _("Configures everything: users, teams, queues, SLA policies, grids, rates."),
    Role.INTEGRATION: _(
        "An outside system (telephony platform, mail gateway) calling the API with its token."
    ),
}

# Order in which a user's roles are offered; the first one held is their home.
ROLE_ORDER: list[str] = [r.value for r in Role]

_granted: dict[str, set[str]] = defaultdict(set)


def grant(role: str, *permissions: str) -> None:
    """Declare that `role` holds these permissions ("app_label.codename")."""
    _granted[str(role)].update(permissions)


def granted_permissions(role: str) -> frozenset[str]:
    return frozenset(_granted[str(role)])


def user_roles(user: User | Any) -> frozenset[str]:
    """The roles a user holds, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_relais_roles", None)
    if cached is None:
        valid = set(ROLE_ORDER)
        names = {name for name in user.groups.values_list("name", flat=True) if name in valid}
        if user.is_superuser:
            names.add(Role.ADMIN.value)
        cached = frozenset(names)
        user._relais_roles = cached  # type: ignore[union-attr]
    return cached


def has_role(user: User | Any, *roles: str) -> bool:
    """True when the user holds any of `roles`. Superusers hold every role."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    held = user_roles(user)
    return any(str(role) in held for role in roles)


def sync_role_permissions() -> None:
    """Make each role group hold exactly its declared permissions (admin holds all)."""
    from django.contrib.auth.models import Group, Permission

    all_permissions = Permission.objects.select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in all_permissions}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        if role == Role.ADMIN:
            wanted = list(by_name.values())
        else:
            wanted = [
                by_name[name] for name in sorted(granted_permissions(role)) if name in by_name
            ]
        group.permissions.set(wanted)


def sync_role_permissions_after_migrate(**kwargs: Any) -> None:
    """post_migrate fires once per app; act after the last one, when every app's
    permissions have been created (contrib.auth's receiver runs before this one)."""
    from django.apps import apps

    # Only apps with a models module get the signal.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if kwargs.get("app_config") is last:
        sync_role_permissions()
