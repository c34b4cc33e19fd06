"""Channels' pages: the public support form and the customer's private page (no login),
the quarantine (supervisors), "show original" and "retry" on ticket messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh
from django_htmx.middleware import HtmxDetails

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.roles import Role, has_role
from tickets.permissions import TICKETS_WORK
from tickets.selectors import user_can_see_ticket, user_can_work_ticket

from . import selectors
from .inbound.services import inbound_reingest
from .models import InboundEmail, OutboundEmail
from .outbound.services import outbound_retry
from .webform import links
from .webform import services as webform_services
from .webform.forms import PortalReplyForm, SupportForm

INBOUND_ROLES = (Role.SUPERVISOR, Role.ADMIN)
RAW_SHOWN_BYTES = 2 * 1024 * 1024


def _client_ip(request) -> str:  # type: ignore[no-untyped-def]
    # REMOTE_ADDR only: behind a proxy, the operator sets it from X-Forwarded-For at the
    # proxy (gunicorn --forwarded-allow-ips); trusting the header here would let anyone
    # pick a fresh address per request.
    return str(request.META.get("REMOTE_ADDR", ""))


@require_http_methods(["GET", "POST"])
def support_form(request):  # type: ignore[no-untyped-def]
    if request.method == "GET":
        return render(request, "channels/support_form.html", {"form": SupportForm()})
    form = SupportForm(request.POST, request.FILES)
    try:
        webform_services.check_ip(_client_ip(request))
    except ValidationError as exc:
        form.is_valid()
        form.errors.clear()
        apply_service_errors(form, exc)
        return render(request, "channels/support_form.html", {"form": form}, status=429)
    if form.is_bot:
        return render(
            request,
            "channels/support_form.html",
            {
                "form": SupportForm(),
                "refused": _(
                    "Your request could not be accepted. Please write to us by email instead."
                ),
            },
            status=400,
        )
    if not form.is_valid():
        return render(request, "channels/support_form.html", {"form": form}, status=422)
    data = form.cleaned_data
    try:
        webform_services.check_email(data["email"])
        ticket = webform_services.webform_submit(
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            message=data["message"],
            topic=data["topic"],
            language=data["language"],
            phone=data["phone"],
            customer_number=data["customer_number"],
            attachments=data["attachments"],
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        status = 429 if isinstance(exc, webform_services.RateLimited) else 422
        return render(request, "channels/support_form.html", {"form": form}, status=status)
    return redirect("channels:support_thanks", token=links.portal_token(ticket))


@require_GET
def support_thanks(request, token: str):  # type: ignore[no-untyped-def]
    ticket = links.ticket_from_token(token)
    if ticket is None:
        raise Http404
    return render(
        request,
        "channels/support_thanks.html",
        {"ticket": ticket, "portal_url": links.portal_url(ticket), "token": token},
    )


@require_http_methods(["GET", "POST"])
def portal(request, token: str):  # type: ignore[no-untyped-def]
    ticket = links.ticket_from_token(token)
    if ticket is None:
        raise Http404
    form = PortalReplyForm()
    status = 200
    if request.method == "POST":
        form = PortalReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                message = webform_services.portal_reply(
                    ticket=ticket,
                    message=form.cleaned_data["message"],
                    attachments=form.cleaned_data["attachments"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 422
            else:
                return redirect("channels:portal", token=links.portal_token(message.ticket))
        else:
            status = 422
    messages = list(
        ticket.messages.filter(kind="public")
        .select_related("author", "author_contact")
        .prefetch_related("attachments")
        .order_by("created_at", "id")[:200]
    )
    return render(
        request,
        "channels/portal.html",
        {"ticket": ticket, "messages": messages, "form": form},
        status=status,
    )


@role_required(*INBOUND_ROLES)
@require_GET
def quarantine(request):  # type: ignore[no-untyped-def]
    page = Paginator(selectors.quarantine_list(), 25).get_page(request.GET.get("page"))
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    template = "channels/quarantine.html#rows" if htmx else "channels/quarantine.html"
    return render(request, template, {"page": page})


@role_required(*INBOUND_ROLES)
@require_POST
def reingest(request, pk: int):  # type: ignore[no-untyped-def]
    row = get_object_or_404(InboundEmail.objects.defer("raw"), pk=pk)
    from django.contrib import messages

    try:
        inbound_reingest(inbound=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message was queued for processing again."))
    if getattr(request, "htmx", None):
        return HttpResponseClientRefresh()
    return redirect("channels:quarantine")


def _may_read_inbound(user, row: InboundEmail) -> bool:  # type: ignore[no-untyped-def]
    if has_role(user, *INBOUND_ROLES):
        return True
    return (
        row.ticket is not None
        and has_role(user, *TICKETS_WORK)
        and user_can_see_ticket(user=user, ticket=row.ticket)
    )


@role_required(*TICKETS_WORK, Role.ADMIN)
@require_GET
def inbound_original(request, pk: int):  # type: ignore[no-untyped-def]
    row = get_object_or_404(InboundEmail.objects.select_related("ticket"), pk=pk)
    if not _may_read_inbound(request.user, row):
        raise Http404
    raw = bytes(row.raw)
    if request.GET.get("download"):
        response = HttpResponse(raw, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="message-{row.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
    source = raw[:RAW_SHOWN_BYTES].decode("utf-8", errors="replace")
    return render(
        request,
        "channels/original.html",
        {"row": row, "source": source, "cut": len(raw) > RAW_SHOWN_BYTES},
    )


@role_required(*TICKETS_WORK, Role.ADMIN)
@require_GET
def outbound_detail(request, pk: int):  # type: ignore[no-untyped-def]
    row = get_object_or_404(OutboundEmail.objects.select_related("ticket_message__ticket"), pk=pk)
    ticket = row.ticket_message.ticket if row.ticket_message else None
    if not has_role(request.user, *INBOUND_ROLES) and (
        ticket is None or not user_can_see_ticket(user=request.user, ticket=ticket)
    ):
        raise Http404
    return render(request, "channels/outbound.html", {"row": row, "ticket": ticket})


@role_required(*TICKETS_WORK, Role.ADMIN)
@require_POST
def outbound_retry_view(request, pk: int):  # type: ignore[no-untyped-def]
    row = get_object_or_404(OutboundEmail.objects.select_related("ticket_message__ticket"), pk=pk)
    ticket = row.ticket_message.ticket if row.ticket_message else None
    may_work = ticket is not None and user_can_work_ticket(user=request.user, ticket=ticket)
    if not may_work and not has_role(request.user, *INBOUND_ROLES):
        raise Http404
    from django.contrib import messages

    try:
        outbound_retry(outbound=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The email will be sent again."))
    if getattr(request, "htmx", None):
        return HttpResponseClientRefresh()
    if ticket is not None:
        return redirect(ticket.get_absolute_url())
    return redirect("channels:outbound", pk=row.pk)
