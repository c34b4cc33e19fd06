"""The agent inbox: views of the desk's tickets, bulk changes, saved views, presence."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.http import AuthenticatedHtmxRequest
from accounts.models import User
from accounts.roles import has_role
from relais.db_hints import fixed_join_order

from .. import selectors, services
from ..badges import attach_badges
from ..forms.inbox import (
    VIEW_CHOICES,
    BulkActionForm,
    InboxFilterForm,
    PresenceForm,
    SavedViewForm,
)
from ..inbox_rows import attach_row_html
from ..models import AgentPresence, Priority, Ticket
from ..permissions import TICKETS_SUPERVISE, TICKETS_WORK

PAGE_SIZE = 50
# The keys of the inbox's query string; anything else is dropped from saved views and
# from the address the bulk form returns to.
FILTER_KEYS = ("view", "status", "priority", "queue", "channel", "tag", "assignee", "q", "sort")
# A supervisor's assignee list covers the whole desk; past this it is a search, not a list.
ASSIGNEE_CHOICES_LIMIT = 300
# Beyond this many per-ticket errors, one line sums up the rest.
REPORTED_ERRORS = 10

ERROR_BULK_INVISIBLE = gettext_lazy(
    "Some selected tickets do not exist or are outside your queues: nothing was changed."
)
ERROR_BULK_MERGE_ROLE = gettext_lazy("Only supervisors and administrators merge tickets.")
ERROR_BULK_ASSIGNEE_UNKNOWN = gettext_lazy(
    "This person cannot take tickets (unknown or inactive account): nothing was changed."
)
ERROR_PAGE_EMPTY = gettext_lazy("There is no ticket on this page.")


# --- Helpers ------------------------------------------------------------------------------
def _querystring(values: dict[str, Any], **overrides: Any) -> str:
    """The inbox address for these filter values (defaults left out)."""
    merged = {**values, **overrides}
    pairs = []
    for key in (*FILTER_KEYS, "page"):
        value = merged.get(key)
        if value in (None, "") or (key == "sort" and value == "updated"):
            continue
        if key == "page" and value == 1:
            continue
        pairs.append((key, value))
    return urlencode(pairs)


def _safe_query(raw: str, *, keep_page: bool = True) -> str:
    """Keep only the inbox's own parameters from a posted query string."""
    params = QueryDict(raw.lstrip("?")[:2000])
    keys = (*FILTER_KEYS, "page") if keep_page else FILTER_KEYS
    return urlencode([(key, value) for key in keys for value in params.getlist(key)[:1]])


def _inbox_url(query: str) -> str:
    url = reverse("tickets:inbox")
    return f"{url}?{query}" if query else url


def _count_label(count: int, capped: bool) -> str:
    return f"{count}+" if capped else str(count)


def _sort_links(values: dict[str, Any], effective: str) -> dict[str, dict[str, Any]]:
    """Column headers: each sets its sort; a second click on a two-way column reverses it."""
    columns = {
        "number": ("created", "-created"),
        "priority": ("priority", None),
        "sla": ("due", None),
        "updated": ("updated", "-updated"),
    }
    links = {}
    for column, (forward, backward) in columns.items():
        active = effective in (forward, backward)
        target = backward if backward and effective == forward else forward
        links[column] = {
            "url": "?" + _querystring(values, sort=target, page=None),
            "active": active,
            "reversed": active and effective == backward,
        }
    return links


def _inbox_context(request: AuthenticatedHtmxRequest, params: QueryDict) -> dict[str, Any]:
    user = request.user
    queues = list(selectors.queue_list_for_user(user=user))
    assignees = selectors.inbox_assignees(user=user, limit=ASSIGNEE_CHOICES_LIMIT)
    form = InboxFilterForm(params, queues=queues, assignees=assignees)
    values = form.values()
    filters = form.to_filters(values)
    tickets = selectors.ticket_inbox(user=user, filters=filters)
    page = values["page"]
    offset = (page - 1) * PAGE_SIZE
    with fixed_join_order():  # planning was 5x the query (relais.db_hints)
        rows = list(tickets[offset : offset + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    attach_badges(rows)  # each badge rendered once per distinct value, not per row
    attach_row_html(rows)  # each row built in Python (tickets.inbox_rows), the same HTML
    if page == 1 and not has_next:
        total, capped = len(rows), False  # the page holds them all: no count needed
    else:
        total, capped = selectors.capped_count(tickets)
    num_pages = None if capped else max(1, math.ceil(total / PAGE_SIZE))

    counts = selectors.inbox_counts(user=user)
    tabs = [
        {
            "key": key,
            "label": label,
            "url": "?" + _querystring(values, view=key, page=None),
            "count": _count_label(*counts[key]) if key in counts else None,
            "active": key == values["view"],
        }
        for key, label in VIEW_CHOICES
    ]
    effective_sort = values["sort"]
    if values["view"] in ("breaching", "breached") and effective_sort == "updated":
        effective_sort = "due"  # what the selector does for this view
    saved = [
        {"view": view, "url": _inbox_url(view.query)} for view in selectors.saved_views(user=user)
    ]
    ignored = form.ignored()
    if not rows and page > 1:
        ignored.append(str(ERROR_PAGE_EMPTY))
    return {
        "form": form,
        "values": values,
        "rows": rows,
        "tabs": tabs,
        "total": total,
        "total_capped": capped,
        "count_cap": selectors.COUNT_CAP,
        "page_number": page,
        "num_pages": num_pages,
        "previous_url": "?" + _querystring(values, page=page - 1) if page > 1 else None,
        "next_url": "?" + _querystring(values, page=page + 1) if has_next else None,
        "first_url": "?" + _querystring(values, page=None),
        "query": _querystring(values),
        "query_without_page": _querystring(values, page=None),
        "sort_links": _sort_links(values, effective_sort),
        "ignored": ignored,
        "saved_views": saved,
        "saved_view_form": SavedViewForm(),
        "presence_status": selectors.presence_of(user=user),
        "presence_choices": AgentPresence.Status.choices,
        "assignees": assignees,
        "statuses": Ticket.Status.choices,
        "priorities": Priority.choices,
        "can_merge": has_role(user, *TICKETS_SUPERVISE),
    }


def _render_results(
    request: AuthenticatedHtmxRequest, params: QueryDict, *, status: int = 200
) -> HttpResponse:
    context = _inbox_context(request, params)
    context["is_partial"] = True
    return render(request, "tickets/inbox.html#results", context, status=status)


# --- The inbox ------------------------------------------------------------------------------
@require_GET
@role_required(*TICKETS_WORK)
def inbox(request: AuthenticatedHtmxRequest) -> HttpResponse:
    if request.htmx and not request.htmx.boosted:
        # Polling, a tab, a filter or a page: only the results are swapped.
        response = _render_results(request, request.GET)
    else:
        response = render(request, "tickets/inbox.html", _inbox_context(request, request.GET))
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Bulk changes ---------------------------------------------------------------------------
def _report(request: AuthenticatedHtmxRequest, result: services.BulkResult, success: str) -> None:
    if result.updated:
        messages.success(request, success)
    errors = list(result.errors.items())
    for number, texts in errors[:REPORTED_ERRORS]:
        messages.error(
            request,
            _("%(number)s was not changed: %(reason)s")
            % {"number": number, "reason": " ".join(texts)},
        )
    rest = len(errors) - REPORTED_ERRORS
    if rest > 0:
        messages.error(
            request,
            ngettext(
                "%(count)d more ticket was not changed.",
                "%(count)d more tickets were not changed.",
                rest,
            )
            % {"count": rest},
        )


def _merge(
    request: AuthenticatedHtmxRequest, tickets: list[Ticket], target_id: int
) -> services.BulkResult:
    user = request.user
    target = next(t for t in tickets if t.pk == target_id)
    result = services.BulkResult()
    for source in tickets:
        if source.pk == target.pk:
            continue
        try:
            services.ticket_merge(source=source, target=target, actor=user)
        except ValidationError as exc:
            result.errors[source.number] = exc.messages
        else:
            result.updated += 1
    _report(
        request,
        result,
        ngettext(
            "%(count)d ticket merged into %(number)s.",
            "%(count)d tickets merged into %(number)s.",
            result.updated,
        )
        % {"count": result.updated, "number": target.number},
    )
    return result


def _apply_bulk(request: AuthenticatedHtmxRequest, data: dict[str, Any]) -> bool:
    """Run the action; False (and an error message) when nothing could be attempted."""
    user = request.user
    ids: list[int] = data["ids"]
    tickets = selectors.tickets_get_for_user(user=user, ids=ids)
    if len(tickets) != len(ids):
        messages.error(request, ERROR_BULK_INVISIBLE)
        return False
    action = data["action"]
    if action == "merge":
        if not has_role(user, *TICKETS_SUPERVISE):
            messages.error(request, ERROR_BULK_MERGE_ROLE)
            return False
        _merge(request, tickets, data["target"])
        return True
    changes: dict[str, Any] = {}
    if action == "assign":
        choice = data["assignee"]
        if choice == "me":
            changes["assignee"] = user
        elif choice == "none":
            changes["assignee"] = None
        else:
            assignee = User.objects.filter(pk=int(choice), is_active=True).first()
            if assignee is None:
                messages.error(request, ERROR_BULK_ASSIGNEE_UNKNOWN)
                return False
            changes["assignee"] = assignee
    elif action == "status":
        changes["status"] = data["status"]
    elif action == "priority":
        changes["priority"] = data["priority"]
    elif action == "tag":
        changes["add_tag"] = data["tag"]
    result = services.tickets_bulk_update(tickets=tickets, actor=user, **changes)
    _report(
        request,
        result,
        ngettext("%(count)d ticket updated.", "%(count)d tickets updated.", result.updated)
        % {"count": result.updated},
    )
    return True


@require_POST
@role_required(*TICKETS_WORK)
def bulk_action(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = BulkActionForm(request.POST)
    query = _safe_query(request.POST.get("query", ""))
    applied = False
    if form.is_valid():
        applied = _apply_bulk(request, form.cleaned_data)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if request.htmx:
        return _render_results(request, QueryDict(query), status=200 if applied else 422)
    return redirect(_inbox_url(query))


# --- Saved views ----------------------------------------------------------------------------
@require_POST
@role_required(*TICKETS_WORK)
def saved_view_create(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    query = ""
    if form.is_valid():
        query = _safe_query(form.cleaned_data["query"], keep_page=False)
        try:
            view = services.saved_view_create(
                owner=request.user,
                name=form.cleaned_data["name"],
                query=query,
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(_inbox_url(query))


@require_POST
@role_required(*TICKETS_WORK)
def saved_view_delete(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    view = selectors.saved_views(user=request.user).filter(pk=pk).first()
    if view is None:
        raise Http404
    name = view.name
    services.saved_view_delete(view=view)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": name})
    return redirect(_inbox_url(_safe_query(request.POST.get("query", ""))))


# --- Presence -------------------------------------------------------------------------------
@require_POST
@role_required(*TICKETS_WORK)
def presence_update(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = PresenceForm(request.POST)
    saved = False
    if form.is_valid():
        presence = services.presence_set(user=request.user, status=form.cleaned_data["status"])
        saved = True
        status = presence.status
    else:
        status = selectors.presence_of(user=request.user)
    if request.htmx:
        return render(
            request,
            "tickets/inbox.html#presence",
            {
                "presence_status": status,
                "presence_choices": AgentPresence.Status.choices,
                "presence_saved": saved,
                "presence_errors": [e for errors in form.errors.values() for e in errors],
            },
            status=200 if saved else 422,
        )
    if saved:
        messages.success(
            request,
            _("Your availability is now: %(status)s.")
            % {"status": AgentPresence.Status(status).label},
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(_inbox_url(_safe_query(request.POST.get("query", ""))))
