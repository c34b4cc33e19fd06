from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import header_search_for, layout_includes_for, nav_items_for
from .roles import ROLE_ORDER, Role, user_roles

NAV_INLINE = 5


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import notification_unread_count

    held = user_roles(user)
    items = nav_items_for(user)
    # The header stays on one line at 1440 px in French whatever the roles: the first
    # entries of one's roles are links, the rest go in a "More" menu, and the entries every
    # member of staff has (telework, IT requests, notifications) are icons at the right.
    role_items = [item for item in items if item.roles]
    return {
        "nav_items": items,
        "nav_primary": role_items[:NAV_INLINE],
        "nav_more": role_items[NAV_INLINE:],
        "nav_personal": [item for item in items if not item.roles],
        "header_search": header_search_for(user),
        "nav_workspaces": [Role(r) for r in ROLE_ORDER if r in held],
        "nav_unread_count": notification_unread_count(user=user),
        "layout_includes": layout_includes_for(user),
    }
