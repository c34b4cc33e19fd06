"""The agent's screen pop (polled by htmx on every page) and the call pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import HtmxHttpRequest
from accounts.roles import Role
from crm.models import Contact
from tickets.selectors import ticket_get_for_user

from . import selectors, services
from .forms import PickForm, PopContactForm, PopTicketForm
from .models import PhoneCall

POP_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
LIST_PAGE_SIZE = 50


def _pop_response(
    request: HtmxHttpRequest,
    call: PhoneCall | None,
    *,
    ticket_form: PopTicketForm | None = None,
    contact_form: PopContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"call": call, "state": selectors.pop_state(call)}
    if call is not None:
        context["pop"] = selectors.pop_context(call=call)
        context["ticket_form"] = ticket_form or PopTicketForm(
            user=request.user,  # type: ignore[arg-type]
            initial={"queue": call.queue_id},
        )
        context["contact_form"] = contact_form or PopContactForm()
    return render(request, "telephony/pop.html#body", context, status=status)


@require_GET
@role_required(*POP_ROLES)
def pop(request: HtmxHttpRequest) -> HttpResponse:
    """The pop's content, or 204 No Content while it has not changed (the poll is one
    indexed query then)."""
    call = selectors.pop_for_agent(user=request.user)  # type: ignore[arg-type]
    if request.GET.get("state") == selectors.pop_state(call):
        return HttpResponse(status=204)
    return _pop_response(request, call)


def _call_for_action(request: HtmxHttpRequest, pk: int) -> PhoneCall:
    return selectors.call_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]


def _done(request: HtmxHttpRequest, call: PhoneCall, url: str | None = None) -> HttpResponse:
    if url and request.htmx:
        return HttpResponseClientRedirect(url)
    if request.htmx:
        return _pop_response(request, selectors.pop_for_agent(user=request.user))  # type: ignore[arg-type]
    return redirect(url or call.get_absolute_url())


@require_POST
@role_required(*POP_ROLES)
def call_ticket(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    call = _call_for_action(request, pk)
    form = PopTicketForm(request.POST, user=request.user)  # type: ignore[arg-type]
    if form.is_valid():
        try:
            ticket = services.call_create_ticket(
                call=call,
                actor=request.user,  # type: ignore[arg-type]
                subject=form.cleaned_data["subject"],
                note=form.cleaned_data["note"],
                queue=form.cleaned_data["queue"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Ticket %(number)s created from the call.") % {"number": ticket.number}
            )
            return _done(request, call, ticket.get_absolute_url())
    if not request.htmx:
        return render(
            request, "telephony/call_detail.html", _detail_context(request, call, form), status=422
        )
    return _pop_response(request, call, ticket_form=form, status=422)


@require_POST
@role_required(*POP_ROLES)
def call_contact(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    call = _call_for_action(request, pk)
    form = PopContactForm(request.POST)
    if form.is_valid():
        try:
            services.call_create_contact(
                call=call,
                actor=request.user,  # type: ignore[arg-type]
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, call)
    if not request.htmx:
        messages.error(request, _("The customer could not be created: check the name."))
        return redirect(call.get_absolute_url())
    return _pop_response(request, call, contact_form=form, status=422)


def _pick(request: HtmxHttpRequest) -> int:
    form = PickForm(request.POST)
    if not form.is_valid():
        # A missing or malformed id is bad input (the 400 page), not an unknown record.
        raise BadRequest("no valid id in the form")
    return int(form.cleaned_data["id"])


@require_POST
@role_required(*POP_ROLES)
def call_attach(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    call = _call_for_action(request, pk)
    contact = Contact.objects.filter(pk=_pick(request)).first()
    if contact is None:
        raise Http404
    try:
        services.call_attach_contact(call=call, contact=contact, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _done(request, call)


@require_POST
@role_required(*POP_ROLES)
def call_link(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    call = _call_for_action(request, pk)
    ticket = ticket_get_for_user(user=request.user, pk=_pick(request))  # type: ignore[arg-type]
    try:
        services.call_link_ticket(call=call, ticket=ticket, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _done(request, call)
    return _done(request, call, ticket.get_absolute_url())


@require_POST
@role_required(*POP_ROLES)
def call_close(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    call = _call_for_action(request, pk)
    services.call_close_pop(call=call, actor=request.user)  # type: ignore[arg-type]
    return _done(request, call)


def _detail_context(
    request: HtmxHttpRequest, call: PhoneCall, ticket_form: PopTicketForm | None = None
) -> dict[str, Any]:
    return {
        "call": call,
        "pop": selectors.pop_context(call=call),
        "events": list(call.events.order_by("occurred_at", "id")[:200]),
        "ticket_form": ticket_form
        or PopTicketForm(user=request.user, initial={"queue": call.queue_id}),  # type: ignore[arg-type]
        "contact_form": PopContactForm(),
    }


@require_GET
@role_required(*POP_ROLES)
def call_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    call = _call_for_action(request, pk)
    return render(request, "telephony/call_detail.html", _detail_context(request, call))


@require_GET
@role_required(*POP_ROLES)
def call_list(request: HtmxHttpRequest) -> HttpResponse:
    calls = selectors.call_list(user=request.user)  # type: ignore[arg-type]
    page = Paginator(calls, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "telephony/call_list.html",
        {"page": page, "calls": page.object_list, "list_url": reverse("telephony:call_list")},
    )
