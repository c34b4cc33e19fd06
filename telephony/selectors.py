"""Reads for telephony: who is calling, the agent's screen pop, calls for supervisors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, has_role
from crm.models import Activity, Contact, ContactPhone
from crm.timeline import get_kind
from tickets.models import Ticket

from .models import PhoneCall

MATCH_LIMIT = 10
POP_OPEN_TICKETS = 5
POP_LAST_CONTACTS = 5
# A pop left open is not shown again after this long (the agent went home).
POP_MAX_AGE = dt.timedelta(hours=12)
SUPERVISE = (Role.SUPERVISOR, Role.ADMIN)


def _open_tickets_count() -> Coalesce:
    open_count = (
        Ticket.objects.filter(contact=OuterRef("pk"), status__in=Ticket.ACTIVE_STATUSES)
        .order_by()
        .values("contact")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(open_count), 0)


def caller_lookup(*, e164: str, limit: int = MATCH_LIMIT) -> list[Contact]:
    """Active customers with this number (E.164), each with its open tickets counted: one
    query on crm's phone index."""
    if not e164:
        return []
    # A subquery on the phone index rather than a join: no DISTINCT over whole rows, and
    # only the columns the pop and the API show.
    with_number = ContactPhone.objects.filter(number=e164).values("contact_id")
    return list(
        Contact.objects.active()
        .filter(pk__in=with_number)
        .select_related("organisation")
        .only("id", "first_name", "last_name", "is_vip", "organisation__id", "organisation__name")
        .annotate(open_ticket_count=_open_tickets_count())
        .order_by("last_name", "first_name", "id")[:limit]
    )


def pop_for_agent(*, user: User, now: dt.datetime | None = None) -> PhoneCall | None:
    """The call the agent's screen pop shows: their latest call not yet closed."""
    now = now or timezone.now()
    return (
        PhoneCall.objects.filter(
            agent=user, pop_closed_at__isnull=True, offered_at__gte=now - POP_MAX_AGE
        )
        .select_related("contact__organisation", "ticket", "line", "queue")
        .order_by("-offered_at", "-id")
        .first()
    )


def pop_state(call: PhoneCall | None) -> str:
    """A token that changes whenever what the pop shows changes (the browser sends it back
    while polling, and gets 204 No Content while it is the same)."""
    if call is None:
        return "none"
    return f"{call.pk}-{call.updated_at.timestamp():.6f}"


@dataclass
class PopContext:
    call: PhoneCall
    matches: list[Contact] = field(default_factory=list)
    open_tickets: list[Ticket] = field(default_factory=list)
    last_contacts: list[dict[str, Any]] = field(default_factory=list)


def pop_context(*, call: PhoneCall) -> PopContext:
    """What the pop shows about the caller: at most four queries whatever their history."""
    context = PopContext(call=call)
    if call.contact_id is None:
        if call.caller_number:
            context.matches = caller_lookup(e164=call.caller_number)
        return context
    context.open_tickets = list(
        Ticket.objects.filter(contact_id=call.contact_id, status__in=Ticket.ACTIVE_STATUSES)
        .select_related("queue", "assignee")
        .order_by("-last_message_at", "-id")[:POP_OPEN_TICKETS]
    )
    activities = (
        Activity.objects.filter(contact_id=call.contact_id)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:POP_LAST_CONTACTS]
    )
    for activity in activities:
        kind = get_kind(activity.kind)
        context.last_contacts.append(
            {
                "activity": activity,
                "kind": kind,
                "text": kind.text(activity),
                "url": kind.url_for(activity.source_id),
            }
        )
    return context


def call_get_for_user(*, user: User, pk: int, for_update: bool = False) -> PhoneCall:
    """The call if it is the user's own or the user supervises (404 otherwise)."""
    call = (
        PhoneCall.objects.select_related(
            "contact__organisation", "ticket", "line", "queue", "agent", "logged_call"
        )
        .filter(pk=pk)
        .first()
    )
    if call is None or not user_can_see_call(user=user, call=call):
        raise Http404
    return call


def user_can_see_call(*, user: User, call: PhoneCall) -> bool:
    return call.agent_id == user.pk or has_role(user, *SUPERVISE)


def call_list(
    *,
    user: User,
    queue_id: int | None = None,
    agent_id: int | None = None,
    status: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[PhoneCall]:
    """Calls, newest first: every call for supervisors, their own for agents."""
    calls = PhoneCall.objects.select_related("contact", "agent", "queue", "line", "ticket")
    if not has_role(user, *SUPERVISE):
        calls = calls.filter(agent=user)
    filters = Q()
    if queue_id is not None:
        filters &= Q(queue_id=queue_id)
    if agent_id is not None:
        filters &= Q(agent_id=agent_id)
    if status:
        filters &= Q(status=status)
    if since is not None:
        filters &= Q(offered_at__gte=since)
    if until is not None:
        filters &= Q(offered_at__lt=until)
    return calls.filter(filters).order_by("-offered_at", "-id")
