"""Replies, notes and the macro preview."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from ... import selectors, services
from ...forms.ticket import ReplyForm
from ...models import Message
from ...permissions import TICKETS_WORK
from .common import ERROR_MACRO_GONE, TEMPLATE, _desk_ticket, _render_page, _written


@require_POST
@role_required(*TICKETS_WORK)
def ticket_reply(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    ticket = _desk_ticket(request, pk)
    user = request.user
    form = ReplyForm(request.POST, request.FILES, ticket=ticket)
    if ticket.is_closed:
        return _render_page(request, ticket, status=409, errors=[str(services.ERROR_CLOSED)])
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["macro"]:
                macro = selectors.macro_list_for_user(user=user).filter(pk=data["macro"]).first()
                if macro is None:
                    raise ValidationError({"body": ERROR_MACRO_GONE})
                services.macro_apply(
                    macro=macro,
                    ticket=ticket,
                    actor=user,
                    body=data["body"],
                    last_seen_message_id=data["last_seen_message_id"],
                    attachments=data["attachments"],
                    kind=data["kind"],
                    status=data["status"] or None,
                )
            else:
                services.ticket_reply(
                    ticket=ticket,
                    author=user,
                    body=data["body"],
                    kind=data["kind"],
                    attachments=data["attachments"],
                    status=data["status"] or None,
                    last_seen_message_id=data["last_seen_message_id"],
                )
        except services.ConcurrentReplyError as exc:
            # Keep the draft; the next send is checked against the reply just shown.
            fresh = _desk_ticket(request, pk)
            draft = request.POST.copy()
            last_seen = selectors.ticket_last_public_message_id(ticket=fresh)
            draft["last_seen_message_id"] = str(last_seen or 0)
            draft["version"] = str(fresh.version)
            return _render_page(
                request, fresh, status=409, fragment="reply-box", target="#reply-box",
                reply_form=ReplyForm(draft, ticket=fresh), conflict=exc.newer_message,
                files_lost=bool(request.FILES),
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            sent = data["kind"] == Message.Kind.NOTE and not data["macro"]
            return _written(request, pk, _("Note added.") if sent else _("Reply sent."))
    return _render_page(
        request, ticket, status=422, fragment="reply-box", target="#reply-box",
        reply_form=form, files_lost=bool(request.FILES),
    )  # fmt: skip


@require_GET
@role_required(*TICKETS_WORK)
def macro_preview(request: AuthenticatedHtmxRequest, pk: int, macro_pk: int) -> HttpResponse:
    """The macro's note and text for the reply box (htmx), or the page with the reply box
    filled with it (plain link). Macro 0 is "no macro": the note goes away."""
    ticket = _desk_ticket(request, pk)
    macro = None
    if macro_pk:
        macro = selectors.macro_get_for_user(user=request.user, pk=macro_pk)
    if not request.htmx:
        url = reverse("tickets:detail", args=[pk])
        return redirect(f"{url}?macro={macro_pk}#reply-box" if macro else f"{url}#reply-box")
    if ticket.is_closed:
        raise Http404
    # Only the macro's slot: the draft, the chosen status and the files stay as they are,
    # and relais.js inserts the text at the cursor.
    context = {
        "ticket": ticket,
        "selected_macro": macro,
        "macro_tags": list(macro.add_tags.all()) if macro is not None else [],
        "macro_text": services.macro_render(macro=macro, ticket=ticket, agent=request.user)
        if macro is not None
        else None,
    }
    return render(request, f"{TEMPLATE}#macro-slot", context)
