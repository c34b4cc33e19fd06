"""Saved views: an agent's named inbox filters."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import SavedView

ERROR_SAVED_VIEW_NAME = _("Give the view a name.")
ERROR_SAVED_VIEW_TAKEN = _("You already have a view with this name.")


def saved_view_create(*, owner: User, name: str, query: str) -> SavedView:
    name = " ".join((name or "").split())[:60]
    if not name:
        raise ValidationError({"name": ERROR_SAVED_VIEW_NAME})
    if SavedView.objects.filter(owner=owner, name=name).exists():
        raise ValidationError({"name": ERROR_SAVED_VIEW_TAKEN})
    return SavedView.objects.create(owner=owner, name=name, query=query.lstrip("?")[:500])


def saved_view_delete(*, view: SavedView) -> None:
    view.delete()
