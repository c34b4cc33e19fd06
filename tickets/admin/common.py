"""What every ticket admin shares: the messages, the read-only admin, the acting user."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User

MESSAGE_HOLIDAYS_LOADED = _("%(calendar)s: %(count)d public holidays loaded through %(year)d.")
MESSAGE_STATUS_CHANGED = _("%(count)d tickets moved to “%(status)s”.")
ERROR_STATUS_REFUSED = _("%(number)s: %(error)s")
# The changelist counts at most ADMIN_COUNT_CAP rows (relais.admin_helpers): "page 1 of
# 200" is as useful as "page 1 of 20,000" and costs a bounded index scan, not a full count.


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services: viewable, never added or changed here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _actor(request: HttpRequest) -> User:
    # The admin site only lets active staff users in.
    return cast(User, request.user)


def _copy_saved(target: Any, saved: Any) -> None:
    """Turn the admin's unsaved instance into the row a service saved, so the admin (log
    entry, redirect) carries on with it."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db
