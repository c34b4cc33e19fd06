"""Flag an opportunity: one dialog opened from a ticket, a call or a customer page (htmx),
or the same form as a page without JavaScript."""

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
from accounts.http import HtmxHttpRequest
from crm import selectors as crm_selectors
from crm.models import Call, Channel, Consent, Contact
from tickets import selectors as ticket_selectors
from tickets.models import Ticket

from .. import services
from ..forms import FlagForm
from ..permissions import SALES_FLAG
from .common import close_dialog, safe_next

TEMPLATE = "sales/flag.html"


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _sources(request: HtmxHttpRequest, params: Any) -> tuple[Contact, Ticket | None, Call | None]:
    """The contact and the ticket or call the flag comes from, each checked for access."""
    ticket = call = None
    ticket_id, call_id, contact_id = _int(params.get("ticket")), _int(params.get("call")), None
    if ticket_id is not None:
        ticket = ticket_selectors.ticket_get_for_user(user=request.user, pk=ticket_id)
        if ticket.contact_id is None:
            raise Http404
        contact_id = ticket.contact_id
    elif call_id is not None:
        call = Call.objects.filter(pk=call_id).first()
        if call is None:
            raise Http404
        contact_id = call.contact_id
    else:
        contact_id = _int(params.get("contact"))
    if contact_id is None:
        raise Http404
    contact = crm_selectors.contact_get_for_user(user=request.user, pk=contact_id)
    return contact, ticket, call


@require_http_methods(["GET", "POST"])
@role_required(*SALES_FLAG)
def flag(request: HtmxHttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    contact, ticket, call = _sources(request, params)
    default_next = ticket.get_absolute_url() if ticket else contact.get_absolute_url()
    back = safe_next(request, params.get("next"), default_next)
    form = FlagForm(
        request.POST or None,
        initial={
            "contact": contact.pk,
            "ticket": ticket.pk if ticket else None,
            "call": call.pk if call else None,
            "next": back,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                opportunity = services.opportunity_flag(
                    actor=request.user,
                    contact=contact,
                    source_ticket=ticket,
                    source_call=call,
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, rename={"contact": "need"})
            else:
                text = _("Opportunity %(reference)s flagged and handed to %(rep)s.") % {
                    "reference": opportunity.reference,
                    "rep": opportunity.owner or _("the sales leads"),
                }
                if request.htmx:
                    response = render(
                        request,
                        "sales/flag.html#flag-done",
                        {"opportunity": opportunity, "text": text},
                    )
                    return close_dialog(response, text)
                messages.success(request, text)
                return redirect(back)
        status = 422 if request.htmx else 400
    consent = crm_selectors.consent_current(contact=contact).get(Channel.PHONE)
    context = {
        "form": form,
        "contact": contact,
        "ticket": ticket,
        "call": call,
        "back": back,
        "has_call_consent": bool(consent and consent.status == Consent.Status.GIVEN),
        "dialog": bool(request.htmx),
    }
    template = f"{TEMPLATE}#flag-dialog" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)
