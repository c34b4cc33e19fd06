"""What the ticket's views share: the messages, the desk ticket lookup, the reply box and the
page's context."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import reswap, retarget

from accounts.http import AuthenticatedHtmxRequest
from accounts.models import User
from accounts.roles import has_role
from crm import selectors as crm_selectors
from crm import timeline as crm_timeline
from crm.permissions import CRM_READ

from ... import choices, registry, selectors, services
from ...forms.ticket import MergeForm, PropertiesForm, ReplyForm
from ...models import Macro, Message, Priority, Ticket, TicketEvent
from ...permissions import TICKETS_SUPERVISE

TEMPLATE = "tickets/detail.html"
CUSTOMER_TIMELINE_ROWS = 5

ERROR_MERGE_TARGET = gettext_lazy("No ticket you can work has this number.")
ERROR_MACRO_GONE = gettext_lazy("This macro is no longer available; choose another one.")
ERROR_BAD_POSITION = gettext_lazy(
    "This position in the conversation is not valid; reload the page."
)


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
