"""What the crm pages share: the page size, the user's permissions as template flags,
and a page of a contact's or an organisation's timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from accounts.http import AuthenticatedHtmxRequest
from accounts.roles import has_role

from .. import selectors, timeline
from ..models import Contact, Organisation
from ..permissions import CRM_EXPORT, CRM_IMPORT, CRM_MERGE, CRM_PRIVACY, CRM_WRITE
from ..registry import activity_actions

LIST_PAGE_SIZE = 50
ERROR_BAD_CURSOR = gettext_lazy("This timeline position is not valid; reload the page.")


def permissions_context(user: Any) -> dict[str, bool]:
    return {
        "can_write": has_role(user, *CRM_WRITE),
        "can_merge": has_role(user, *CRM_MERGE),
        "can_export": has_role(user, *CRM_EXPORT),
        "can_import": has_role(user, *CRM_IMPORT),
        "can_privacy": has_role(user, *CRM_PRIVACY),
    }


def timeline_page_context(
    request: AuthenticatedHtmxRequest,
    *,
    contact: Contact | None = None,
    organisation: Organisation | None = None,
) -> dict[str, Any]:
    kinds = [k for k in request.GET.getlist("kind") if timeline.is_registered(k)]
    try:
        page = selectors.timeline_page(
            contact=contact,
            organisation=organisation,
            cursor=request.GET.get("cursor"),
            kinds=kinds,
        )
    except ValueError as exc:
        raise BadCursor from exc
    rows = timeline.timeline_rows(page.rows)
    _attach_row_actions(request, rows)
    base = request.path
    query = request.GET.copy()
    query.pop("cursor", None)
    next_url = None
    if page.next_cursor:
        query["cursor"] = page.next_cursor
        next_url = f"{base}?{query.urlencode()}"
    return {
        "timeline_rows": rows,
        "timeline_next_url": next_url,
        "timeline_kinds": selectors.timeline_kinds(),
        "selected_kinds": kinds,
    }


def _attach_row_actions(request: AuthenticatedHtmxRequest, rows: list[Any]) -> None:
    """Other apps' buttons on a timeline line (crm.registry.ActivityAction), by role."""
    by_kind: dict[str, list[Any]] = {}
    for action in activity_actions():
        if not action.roles or has_role(request.user, *action.roles):
            by_kind.setdefault(action.kind, []).append(action)
    for row in rows:
        source_id = row["activity"].source_id
        row["actions"] = (
            [
                {"action": a, "url": a.url_for(source_id)}
                for a in by_kind.get(row["activity"].kind, ())
            ]
            if source_id is not None
            else []
        )


class BadCursor(Exception):
    pass
