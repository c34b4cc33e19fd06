"""Presence on a ticket page (tickets/presence.py): the page polls this every 10 s with
its state (viewing, or typing once the reply box changes) and shows the colleagues on it."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_required
from accounts.http import AuthenticatedHtmxRequest

from .. import presence
from ..permissions import TICKETS_WORK


@require_http_methods(["GET", "POST"])
@role_required(*TICKETS_WORK)
def ticket_presence(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    """GET: who is on the ticket; POST (state=viewing|typing): I am, then who else is."""
    ticket = presence.presence_ticket_for_user(user=request.user, pk=pk)
    if ticket is None:
        raise Http404
    status = 200
    if request.method == "POST":
        state = request.POST.get("state", presence.State.VIEWING)
        if state in presence.State.values:
            presence.presence_touch(ticket_id=ticket.pk, user=request.user, state=state)
        else:
            status = 400
    people = presence.presence_for_ticket(ticket_id=ticket.pk, exclude_user_id=request.user.pk)
    return render(
        request,
        "tickets/components/ticket_presence.html",
        {"people": people, "bad_state": status == 400},
        status=status,
    )
