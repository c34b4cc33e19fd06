"""Logging a ticket (phone, counter, post)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest
from accounts.roles import has_role
from crm import selectors as crm_selectors
from crm.permissions import CRM_READ

from ... import selectors, services
from ...forms.ticket import TicketCreateForm
from ...permissions import TICKETS_WORK


@require_http_methods(["GET", "POST"])
@role_required(*TICKETS_WORK)
def ticket_create(request: AuthenticatedHtmxRequest) -> HttpResponse:
    user = request.user
    initial: dict[str, Any] = {}
    prefilled = None
    contact_param = request.GET.get("contact", "")
    if contact_param.isdigit() and has_role(user, *CRM_READ):
        try:
            prefilled = crm_selectors.contact_get_for_user(user=user, pk=int(contact_param))
        except Http404:
            prefilled = None
        else:
            initial["contact"] = str(prefilled.pk)
    queues = list(selectors.queue_list_for_user(user=user).filter(is_active=True))
    team_ids = set(selectors.user_team_ids(user=user))
    own = [q for q in queues if q.team_id in team_ids and q.kind != "it"] or [
        q for q in queues if q.team_id in team_ids
    ]
    if len(queues) == 1:
        initial["queue"] = queues[0].pk
    elif own:
        initial["queue"] = own[0].pk  # the agent's team's queue
    posted = request.method == "POST"
    form = TicketCreateForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        user=user,
        initial=initial,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                queue=data["queue"],
                subject=data["subject"],
                body=data["body"],
                channel=data["channel"],
                contact=data["contact"],
                requester_user=None if data["contact"] else data["staff_requester"],
                actor=user,
                priority=data["priority"],
                category=data["category"],
                attachments=data["attachments"],
                assignee=data["assignee"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Ticket %(number)s created.") % {"number": ticket.number})
            return redirect(ticket)
    return render(
        request,
        "tickets/create.html",
        {
            "form": form,
            "prefilled_contact": prefilled,
            "files_lost": posted and bool(request.FILES),
            "can_read_customers": has_role(user, *CRM_READ),
        },
        status=422 if posted else 200,
    )
