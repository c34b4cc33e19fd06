from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import header_search_for, nav_items_for
from .roles import ROLE_ORDER, Role, user_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import notification_unread_count

    held = user_roles(user)
    return {
        "nav_items": nav_items_for(user),
        "header_search": header_search_for(user),
        "nav_workspaces": [Role(r) for r in ROLE_ORDER if r in held],
        "nav_unread_count": notification_unread_count(user=user),
    }
