"""One ticket, as the agent works it: the page, its conversation, the reply box, the
properties panel, take / merge / next, macros, attachments, and logging a new ticket.

Each write is form -> service -> redirect (or, for htmx, the page's fragment again). The
services decide every rule; their ValidationErrors come back on the forms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest
from accounts.models import User
from accounts.roles import has_role
from crm import selectors as crm_selectors
from crm import timeline as crm_timeline
from crm.permissions import CRM_READ
from relais.db_hints import fixed_join_order

from .. import choices, registry, selectors, services
from ..downloads import attachment_response
from ..forms.ticket import MergeForm, PropertiesForm, ReplyForm, TicketCreateForm
from ..models import Macro, Message, Priority, Ticket, TicketEvent
from ..permissions import TICKETS_SUPERVISE, TICKETS_WORK

TEMPLATE = "tickets/detail.html"
CUSTOMER_TIMELINE_ROWS = 5

ERROR_MERGE_TARGET = gettext_lazy("No ticket you can work has this number.")
ERROR_MACRO_GONE = gettext_lazy("This macro is no longer available; choose another one.")
ERROR_BAD_POSITION = gettext_lazy(
    "This position in the conversation is not valid; reload the page."
)


# --- Helpers ---------------------------------------------------------------------------------
def _desk_ticket(request: AuthenticatedHtmxRequest, pk: int) -> Ticket:
    """The ticket if the user works its queue; 404 otherwise (no existence leak: a ticket
    they only raised has its requester page)."""
    try:
        return selectors.ticket_get_for_user(user=request.user, pk=pk, work=True)
    except selectors.TicketNotWorkable:
        raise Http404 from None


def _concurrent_reply_text(reply: Message) -> str:
    author = str(reply.author or reply.author_contact or _("Someone"))
    return str(services.ERROR_REPLIED_MEANWHILE % {"author": author})


def _event_text(event: TicketEvent) -> str:
    """One line of history in the reader's language, from the event's stored codes."""
    data = event.data or {}
    kind = event.kind
    try:
        if kind == TicketEvent.Kind.STATUS:
            text = f"{Ticket.Status(data['old']).label} → {Ticket.Status(data['new']).label}"
            return text + (f" ({_('automatically')})" if data.get("auto") else "")
        if kind == TicketEvent.Kind.PRIORITY:
            return f"{Priority(data['old']).label} → {Priority(data['new']).label}"
        if kind == TicketEvent.Kind.CREATED:
            return str(Ticket.Channel(data["channel"]).label)
        if kind == TicketEvent.Kind.ASSIGNED:
            new = data.get("new") or _("nobody")
            if data.get("auto"):
                return _("%(user)s (automatically)") % {"user": new}
            return f"{data.get('old') or _('nobody')} → {new}"
        if kind == TicketEvent.Kind.QUEUE:
            return f"{data['old']} → {data['new']}"
        if kind == TicketEvent.Kind.MERGED:
            if "source" in data:
                return _("%(number)s merged into this ticket") % {"number": data["source"]}
            return _("merged into %(number)s") % {"number": data["target"]}
        if kind == TicketEvent.Kind.FOLLOW_UP:
            return _("follow-up: %(number)s") % {"number": data["new"]}
        if kind == TicketEvent.Kind.FIELDS:
            parts = []
            if "subject" in data:
                parts.append(_("subject: %(subject)s") % {"subject": data["subject"][-1]})
            if "category" in data:
                parts.append(_("category: %(category)s") % {"category": data["category"] or "—"})
            if "tags" in data:
                parts.append(_("tags: %(tags)s") % {"tags": ", ".join(data["tags"]) or "—"})
            return "; ".join(parts)
    except (KeyError, ValueError, TypeError, IndexError):
        pass  # an older data format: the kind's label alone still reads fine
    return ""


def _reply_form(
    ticket: Ticket, *, macro: Macro | None = None, user: User | None = None
) -> ReplyForm:
    last_seen = selectors.ticket_last_public_message_id(ticket=ticket)
    initial: dict[str, Any] = {
        # 0, not empty, when nothing public was written yet: any public reply is then news.
        "last_seen_message_id": last_seen or 0,
        "version": ticket.version,
        "kind": Message.Kind.PUBLIC,
    }
    if macro is not None and user is not None:
        initial.update(
            body=services.macro_render(macro=macro, ticket=ticket, agent=user),
            kind=macro.kind,
            status=macro.set_status,
            macro=macro.pk,
        )
    return ReplyForm(ticket=ticket, initial=initial)


def _reply_box_context(
    request: AuthenticatedHtmxRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    macro: Macro | None = None,
    conflict: Message | None = None,
    files_lost: bool = False,
) -> dict[str, Any]:
    user = request.user
    if macro is None and reply_form is not None and reply_form.is_bound:
        macro_pk = reply_form.data.get("macro")
        if macro_pk and str(macro_pk).isdigit():
            macro = selectors.macro_list_for_user(user=user).filter(pk=macro_pk).first()
    return {
        "reply_form": reply_form or _reply_form(ticket, macro=macro, user=user),
        "macros": list(selectors.macro_list_for_user(user=user)),
        "selected_macro": macro,
        "macro_tags": list(macro.add_tags.all()) if macro is not None else [],
        "conflict": conflict,
        "conflict_text": _concurrent_reply_text(conflict) if conflict is not None else "",
        "files_lost": files_lost,
        "reply_hints": registry.reply_hints(ticket),
    }


def _page_context(
    request: AuthenticatedHtmxRequest,
    ticket: Ticket,
    *,
    before: int | None = None,
    reply_form: ReplyForm | None = None,
    properties_form: PropertiesForm | None = None,
    merge_form: MergeForm | None = None,
    macro: Macro | None = None,
    conflict: Message | None = None,
    files_lost: bool = False,
    stale: bool = False,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    """Everything the ticket page shows, in a number of queries that does not grow with
    the conversation, the history or the customer's record."""
    user = request.user
    if ticket.contact is not None:
        # Once for the reply box's hint (channels) and the customer panel.
        prefetch_related_objects([ticket.contact], "emails", "phones", "organisation")
    page, earlier_id = selectors.ticket_messages_page(ticket=ticket, before=before)
    selectors.message_extras_attach(page, ticket, request)
    context: dict[str, Any] = {
        "ticket": ticket,
        "conversation": page,
        "earlier_id": earlier_id,
        "before": before,
        "events": [
            {"event": event, "text": _event_text(event)}
            for event in selectors.ticket_events(ticket=ticket)
        ],
        **selectors.ticket_links(ticket=ticket, user=user),
        "can_take": not ticket.is_closed and ticket.assignee_id != user.pk,
        "can_merge": not ticket.is_closed and has_role(user, *TICKETS_SUPERVISE),
        "can_read_customers": has_role(user, *CRM_READ),
        "stale": stale,
        "stale_text": services.ERROR_STALE,
        "page_errors": errors or [],
    }
    if not ticket.is_closed:
        context.update(_reply_box_context(
            request, ticket, reply_form=reply_form, macro=macro, conflict=conflict,
            files_lost=files_lost,
        ))  # fmt: skip
        context["properties_form"] = properties_form or PropertiesForm(
            ticket=ticket,
            user=user,
            assignable=choices.assignable_choices(queue_id=ticket.queue_id),
        )
        context["merge_form"] = merge_form or MergeForm()
    context.update(_requester_context(request, ticket))
    context.update(_registry_context(request, ticket))
    return context


def _registry_context(request: AuthenticatedHtmxRequest, ticket: Ticket) -> dict[str, Any]:
    """Other apps' buttons and side panels (tickets.registry), for customer tickets."""
    user = request.user
    if ticket.contact_id is None:
        return {"ticket_actions": [], "ticket_panels": []}
    actions = [
        {"action": a, "url": a.url_for(ticket.pk)}
        for a in registry.ticket_actions()
        if not ticket.is_closed and (not a.roles or has_role(user, *a.roles))
    ]
    panels = []
    for panel in registry.ticket_panels():
        if panel.roles and not has_role(user, *panel.roles):
            continue
        panel_context = panel.context(ticket, request)
        if panel_context:
            panels.append({"panel": panel, "context": panel_context})
    return {"ticket_actions": actions, "ticket_panels": panels}


def _requester_context(request: AuthenticatedHtmxRequest, ticket: Ticket) -> dict[str, Any]:
    """The customer's 360 side panel: who they are, their other tickets, the latest of
    their timeline, so nobody asks again what is already known."""
    contact = ticket.contact
    if contact is None:
        requester = ticket.requester_user
        other = []
        if requester is not None:
            other = list(selectors.my_requests(user=requester).exclude(pk=ticket.pk)[:10])
        return {"contact": None, "requester": requester, "other_tickets": other}
    prefetch_related_objects([contact], "emails", "phones", "organisation")
    page = crm_selectors.timeline_page(contact=contact, page_size=CUSTOMER_TIMELINE_ROWS)
    rows = crm_timeline.timeline_rows(page.rows)
    return {
        "contact": contact,
        "requester": None,
        "other_tickets": selectors.contact_tickets(contact=contact, exclude=ticket.pk),
        "customer_timeline": rows,
    }


def _render_page(
    request: AuthenticatedHtmxRequest,
    ticket: Ticket,
    *,
    status: int = 200,
    fragment: str | None = None,
    target: str | None = None,
    **overrides: Any,
) -> HttpResponse:
    """The whole page, or for htmx one fragment of it (by default the page body)."""
    context = _page_context(request, ticket, **overrides)
    if request.htmx:
        response = render(
            request, f"{TEMPLATE}#{fragment or 'ticket-page'}", context, status=status
        )
        if target:
            response = reswap(retarget(response, target), "outerHTML")
        return response
    return render(request, TEMPLATE, context, status=status)


def _written(request: AuthenticatedHtmxRequest, pk: int, text: str) -> HttpResponse:
    """After a successful write: the page again (htmx) or a redirect to it."""
    messages.success(request, text)
    if request.htmx:
        fresh = _desk_ticket(request, pk)
        return _render_page(request, fresh)
    return redirect("tickets:detail", pk=pk)


# --- The page --------------------------------------------------------------------------------
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


# --- Replies and macros ------------------------------------------------------------------------
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


# --- Properties, take, merge, next ---------------------------------------------------------------
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


# --- Logging a ticket ----------------------------------------------------------------------------
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


# --- Attachments ----------------------------------------------------------------------------------
@require_GET
@login_required
def attachment_download(request: AuthenticatedHtmxRequest, pk: int) -> FileResponse:
    """Always a download through this check, never a link into MEDIA_URL."""
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    return attachment_response(attachment)
