"""The ticket page and its message list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.http import AuthenticatedHtmxRequest
from accounts.roles import has_role
from relais.db_hints import fixed_join_order

from ... import selectors
from ...permissions import TICKETS_WORK
from .common import ERROR_BAD_POSITION, TEMPLATE, _desk_ticket, _render_page


@require_GET
@login_required
def ticket_detail(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    user = request.user
    if not has_role(user, *TICKETS_WORK):
        # A staff member following a link to their own IT request gets its requester page.
        if selectors.my_requests(user=user).filter(pk=pk).exists():
            return redirect("tickets:my_request", pk=pk)
        raise PermissionDenied
    try:
        with fixed_join_order():  # ten joins: planning was 5x the query (relais.db_hints)
            ticket = selectors.ticket_get_for_user(user=user, pk=pk, work=True)
    except selectors.TicketNotWorkable:
        return redirect("tickets:my_request", pk=pk)
    macro = None
    macro_pk = request.GET.get("macro", "")
    if macro_pk.isdigit() and not ticket.is_closed:
        try:
            macro = selectors.macro_get_for_user(user=user, pk=int(macro_pk))
        except Http404:
            macro = None  # gone or not theirs: the plain reply box
    return _render_page(request, ticket, macro=macro)


@require_GET
@role_required(*TICKETS_WORK)
def ticket_messages(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    """Earlier messages: a fragment put above the conversation (htmx), or the page
    showing that stretch of the conversation (plain link)."""
    ticket = _desk_ticket(request, pk)
    before_text = request.GET.get("before", "")
    if not before_text.isdigit():
        return HttpResponseBadRequest(ERROR_BAD_POSITION)
    before = int(before_text)
    if request.htmx:
        page, earlier_id = selectors.ticket_messages_page(ticket=ticket, before=before)
        selectors.message_extras_attach(page, ticket, request)
        return render(
            request,
            f"{TEMPLATE}#messages-page",
            {"ticket": ticket, "conversation": page, "earlier_id": earlier_id},
        )
    return _render_page(request, ticket, before=before)
