"""Properties, take, merge and next."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from ... import choices, selectors, services
from ...forms.ticket import MergeForm, PropertiesForm
from ...permissions import TICKETS_SUPERVISE, TICKETS_WORK
from .common import ERROR_MERGE_TARGET, _desk_ticket, _render_page, _written


@require_POST
@role_required(*TICKETS_WORK)
def ticket_properties(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    ticket = _desk_ticket(request, pk)
    user = request.user
    assignable = choices.assignable_choices(queue_id=ticket.queue_id)
    form = PropertiesForm(request.POST, ticket=ticket, user=user, assignable=assignable)
    if ticket.is_closed:
        return _render_page(request, ticket, status=409, errors=[str(services.ERROR_CLOSED)])
    if form.is_valid():
        data = form.cleaned_data
        queue, category, assignee = data["queue"], data["category"], data["assignee"]
        moved = queue.pk != ticket.queue_id
        if moved and category is not None and category.queue_kind != queue.kind:
            category = None  # the old queue's category has no meaning in the new one
        keep_assignee: Any = assignee
        if moved and (assignee.pk if assignee else None) == ticket.assignee_id:
            # Unchanged on a move: let the service drop an assignee outside the new team.
            keep_assignee = ...
        try:
            services.ticket_update(
                ticket=ticket,
                actor=user,
                expected_version=data["version"],
                subject=data["subject"],
                priority=data["priority"],
                queue=queue,
                category=category,
                tags=data["tags"],
                status=data["status"] if data["status"] != ticket.status else None,
                assignee=keep_assignee,
            )
        except services.StaleTicketError:
            fresh = _desk_ticket(request, pk)
            return _render_page(
                request, fresh, status=409, fragment="properties", target="#properties",
                stale=True,
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _written(request, pk, _("Ticket updated."))
    return _render_page(
        request, ticket, status=422, fragment="properties", target="#properties",
        properties_form=form,
    )  # fmt: skip


@require_POST
@role_required(*TICKETS_WORK)
def ticket_take(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    ticket = _desk_ticket(request, pk)
    try:
        services.ticket_take(ticket=ticket, actor=request.user)
    except ValidationError as exc:
        return _render_page(request, ticket, status=409, errors=exc.messages)
    return _written(request, pk, _("The ticket is yours."))


@require_POST
@role_required(*TICKETS_SUPERVISE)
def ticket_merge(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    ticket = _desk_ticket(request, pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        target = None
        try:
            target = _desk_ticket(request, form.cleaned_data["target"])
        except Http404:
            form.add_error("target", ERROR_MERGE_TARGET)
        if target is not None:
            try:
                services.ticket_merge(source=ticket, target=target, actor=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(source)s was merged into this ticket.") % {"source": ticket.number},
                )
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target.get_absolute_url()
                    return response
                return redirect(target)
    return _render_page(
        request, ticket, status=422, fragment="merge", target="#merge", merge_form=form
    )


@require_GET
@role_required(*TICKETS_WORK)
def ticket_next(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    """The ticket after this one in the agent's own list (same order as the inbox)."""
    current = selectors.ticket_get_for_user(user=request.user, pk=pk)
    mine = selectors.ticket_inbox(
        user=request.user,
        filters=selectors.InboxFilters(view="mine"),
    )
    after = Q(updated_at__lt=current.updated_at) | Q(
        updated_at=current.updated_at, pk__lt=current.pk
    )
    following = mine.filter(after).exclude(pk=pk).values_list("pk", flat=True).first()
    if following is None:
        messages.info(request, _("No more tickets after this one in your list."))
        return redirect("tickets:inbox")
    return redirect("tickets:detail", pk=following)
