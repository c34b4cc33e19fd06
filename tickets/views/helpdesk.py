"""The internal IT helpdesk as the requester sees it: any signed-in staff member raises a
request, follows it and answers the IT team. No desk role needed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from .. import selectors, services
from ..forms.helpdesk import ITRequestForm, RequesterReplyForm
from ..models import Ticket

REQUESTS_PAGE_SIZE = 25
# The service's argument names where the form's differ.
FIELD_FOR = {"body": "description"}


@require_http_methods(["GET", "POST"])
@login_required
def it_request_create(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = ITRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.it_request_create(
                requester=request.user,
                subject=data["subject"],
                body=data["description"],
                category=data["category"],
                priority=data["priority"],
                attachments=data["attachments"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, FIELD_FOR)
        else:
            messages.success(
                request,
                _("Your request %(number)s was sent to the IT team.") % {"number": ticket.number},
            )
            return redirect("tickets:my_request", pk=ticket.pk)
    return render(
        request,
        "tickets/it_request.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def my_requests(request: AuthenticatedHtmxRequest) -> HttpResponse:
    page = Paginator(
        selectors.my_requests(user=request.user),
        REQUESTS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "tickets/my_requests.html", {"page": page, "query": ""})


def _detail_context(
    request: AuthenticatedHtmxRequest, ticket: Ticket, form: RequesterReplyForm
) -> dict[str, Any]:
    before = request.GET.get("before", "")
    thread, earlier = selectors.ticket_messages_page(
        ticket=ticket,
        include_notes=False,
        before=int(before) if before.isdigit() and len(before) < 13 else None,
    )
    return {"ticket": ticket, "thread": thread, "earlier": earlier, "form": form}


@require_GET
@login_required
def my_request_detail(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    ticket = selectors.my_request_get(user=request.user, pk=pk)
    return render(
        request,
        "tickets/my_request_detail.html",
        _detail_context(request, ticket, RequesterReplyForm()),
    )


@require_POST
@login_required
def my_request_reply(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    ticket = selectors.my_request_get(user=request.user, pk=pk)
    form = RequesterReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message = services.ticket_customer_message(
                ticket=ticket,
                author_user=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if message.ticket_id != ticket.pk:
                messages.info(
                    request,
                    _(
                        "This request was closed, so your message opened a new request, "
                        "%(number)s, linked to it."
                    )
                    % {"number": message.ticket.number},
                )
            else:
                messages.success(request, _("Your reply was sent to the IT team."))
            return redirect("tickets:my_request", pk=message.ticket_id)
    return render(
        request,
        "tickets/my_request_detail.html",
        _detail_context(request, ticket, form),
        status=400,
    )
