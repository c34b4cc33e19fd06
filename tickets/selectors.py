"""Reads for the service desk, permission-aware: a user sees the tickets of the queues
their teams work or are shared with (supervisors and admins see every queue), and the
internal requests they raised themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, has_role
from crm.models import Contact, ContactEmail

from .models import (
    AgentPresence,
    Attachment,
    Category,
    Macro,
    Message,
    Priority,
    Queue,
    SavedView,
    Ticket,
    TicketEvent,
)
from .permissions import TICKETS_WORK

# "Breaching soon": deadlines within this window, and those already passed.
BREACHING_WINDOW = dt.timedelta(hours=2)
# Counting a million rows for "page 1 of N" costs more than the page; above this the
# inbox shows "1000+" (the count stops there, by an index scan).
COUNT_CAP = 1000
MESSAGE_PAGE = 30

VIEWS = ("mine", "team", "unassigned", "breaching", "all")
SORTS = {
    "updated": ("-updated_at", "-id"),
    "-updated": ("updated_at", "id"),
    "created": ("-created_at", "-id"),
    "-created": ("created_at", "id"),
    "priority": ("-priority", "-updated_at", "-id"),
    "due": ("sla_next_due_at", "id"),
}


def visible_queue_ids(*, user: User) -> list[int]:
    """Queues whose tickets the user may see and work (one query, cached on the user)."""
    cached = getattr(user, "_relais_queue_ids", None)
    if cached is not None:
        return list(cached)
    if not user.is_authenticated or not has_role(user, *TICKETS_WORK):
        ids: list[int] = []
    elif has_role(user, Role.SUPERVISOR, Role.ADMIN):
        ids = list(Queue.objects.values_list("pk", flat=True))
    else:
        ids = list(
            Queue.objects.filter(Q(team__members=user) | Q(visible_to__members=user))
            .values_list("pk", flat=True)
            .distinct()
        )
    user._relais_queue_ids = tuple(ids)  # type: ignore[attr-defined]
    return ids


def user_team_ids(*, user: User) -> list[int]:
    cached = getattr(user, "_relais_team_ids", None)
    if cached is None:
        cached = tuple(user.teams.values_list("pk", flat=True))
        user._relais_team_ids = cached  # type: ignore[attr-defined]
    return list(cached)


def queue_list_for_user(*, user: User) -> QuerySet[Queue]:
    return (
        Queue.objects.filter(pk__in=visible_queue_ids(user=user))
        .select_related("team", "calendar")
        .order_by("name")
    )


def _base() -> QuerySet[Ticket]:
    # sla_policy: Ticket.sla_state reads its warning window on every row.
    return Ticket.objects.select_related(
        "queue", "contact", "requester_user", "assignee", "organisation", "sla_policy"
    )


def ticket_visibility(*, user: User) -> Q:
    return Q(queue_id__in=visible_queue_ids(user=user)) | Q(requester_user=user)


def ticket_get_for_user(*, user: User, pk: int) -> Ticket:
    """The ticket if the user may see it (404 otherwise: no existence leak)."""
    ticket = (
        _base()
        .select_related("category", "team", "sla_policy", "merged_into", "follow_up_of")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )
    if ticket is None or not user_can_see_ticket(user=user, ticket=ticket):
        raise Http404
    return ticket


def user_can_see_ticket(*, user: User, ticket: Ticket) -> bool:
    return ticket.queue_id in visible_queue_ids(user=user) or ticket.requester_user_id == user.pk


def user_can_work_ticket(*, user: User, ticket: Ticket) -> bool:
    """Reply internally, change properties: desk staff of a visible queue (a requester
    only follows and answers their own request)."""
    return ticket.queue_id in visible_queue_ids(user=user)


@dataclass(frozen=True)
class InboxFilters:
    view: str = "mine"
    status: str = ""  # "" = active (new..pending), "all", or one status
    priority: int | None = None
    queue: int | None = None
    channel: str = ""
    tag: str = ""
    assignee: int | None = None
    search: str = ""
    sort: str = "updated"


def ticket_inbox(*, user: User, filters: InboxFilters) -> QuerySet[Ticket]:
    """One page of the inbox is one query (plus the tags prefetch): every view filters on
    the columns of a partial index and sorts in that index's order."""
    queue_ids = visible_queue_ids(user=user)
    qs = _base().filter(queue_id__in=queue_ids)
    if filters.view == "mine":
        qs = qs.filter(assignee=user)
    elif filters.view == "team":
        qs = qs.filter(team_id__in=user_team_ids(user=user))
    elif filters.view == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif filters.view == "breaching":
        qs = qs.filter(
            sla_next_due_at__isnull=False,
            sla_next_due_at__lte=timezone.now() + BREACHING_WINDOW,
        )
    if filters.status == "all":
        pass
    elif filters.status in Ticket.Status.values:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.filter(status__in=Ticket.ACTIVE_STATUSES)
    if filters.priority in Priority.values:
        qs = qs.filter(priority=filters.priority)
    if filters.queue:
        qs = qs.filter(queue_id=filters.queue)
    if filters.channel in Ticket.Channel.values:
        qs = qs.filter(channel=filters.channel)
    if filters.assignee:
        qs = qs.filter(assignee_id=filters.assignee)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.search:
        qs = _search(qs, filters.search)
    sort = "due" if filters.view == "breaching" and filters.sort == "updated" else filters.sort
    return qs.order_by(*SORTS.get(sort, SORTS["updated"])).prefetch_related("tags")


def _search(qs: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    text = text.strip()[:200]
    pk = Ticket.pk_from_number(text)
    if pk is not None:
        return qs.filter(pk=pk)
    # Subject words (trigram index on PostgreSQL), or the customer's email exactly.
    condition = Q(subject__icontains=text)
    if "@" in text:
        # A subquery, not a join: a customer with two addresses must not show twice.
        condition |= Q(
            contact__in=ContactEmail.objects.filter(email__iexact=text.lower()).values("contact_id")
        )
    return qs.filter(condition)


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most cap + 1 rows."""
    n = qs.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


COUNTS_CACHE_SECONDS = 15


def inbox_counts(*, user: User) -> dict[str, tuple[int, bool]]:
    """The badge on each inbox view, each capped, cached briefly per user: the inbox
    refreshes every 30 s and badges a few seconds old are fine; four counts are not free."""
    from django.core.cache import cache

    key = f"tickets:inbox-counts:{user.pk}"
    counts = cache.get(key)
    if counts is None:
        counts = {
            view: capped_count(ticket_inbox(user=user, filters=InboxFilters(view=view)), 999)
            for view in ("mine", "team", "unassigned", "breaching")
        }
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


def ticket_messages_page(
    *, ticket: Ticket, include_notes: bool = True, before: int | None = None
) -> tuple[list[Message], int | None]:
    """The latest MESSAGE_PAGE messages (oldest first for reading), and the id to ask for
    the page before them (None at the start). Keyset on the (ticket, created_at, id) index:
    a ticket with 500 messages costs what one with 5 does."""
    qs = Message.objects.filter(ticket=ticket)
    if not include_notes:
        qs = qs.filter(kind=Message.Kind.PUBLIC)
    if before is not None:
        anchor = Message.objects.filter(pk=before, ticket=ticket).values("created_at").first()
        if anchor is not None:
            qs = qs.filter(
                Q(created_at__lt=anchor["created_at"])
                | Q(created_at=anchor["created_at"], pk__lt=before)
            )
    page = list(
        qs.select_related("author", "author_contact")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("-created_at", "-id")[: MESSAGE_PAGE + 1]
    )
    more = len(page) > MESSAGE_PAGE
    page = page[:MESSAGE_PAGE]
    page.reverse()
    return page, (page[0].pk if more and page else None)


def ticket_events(*, ticket: Ticket, limit: int = 50) -> list[TicketEvent]:
    return list(ticket.events.select_related("actor").order_by("-occurred_at", "-id")[:limit])


def ticket_last_public_message_id(*, ticket: Ticket) -> int | None:
    return (
        # By id, as ticket_reply compares ids: messages moved in by a merge keep their
        # older dates but have higher ids.
        Message.objects.filter(ticket=ticket, kind=Message.Kind.PUBLIC)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def contact_tickets(
    *, contact: Contact, exclude: int | None = None, limit: int = 10
) -> list[Ticket]:
    """The customer's tickets, open ones first, newest first: one query for the 360 panel."""
    qs = Ticket.objects.filter(contact=contact).select_related("queue", "assignee")
    if exclude:
        qs = qs.exclude(pk=exclude)
    active_first = Case(When(status__in=Ticket.ACTIVE_STATUSES, then=Value(0)), default=Value(1))
    return list(qs.order_by(active_first, "-created_at", "-id")[:limit])


def my_requests(*, user: User) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(requester_user=user)
        .select_related("queue", "assignee", "category")
        .order_by("-created_at", "-id")
    )


def macro_list_for_user(*, user: User) -> QuerySet[Macro]:
    return (
        Macro.objects.filter(is_active=True)
        .filter(Q(owner=user) | Q(team__members=user))
        .distinct()
        .order_by("name")
    )


def macro_get_for_user(*, user: User, pk: int) -> Macro:
    macro = macro_list_for_user(user=user).filter(pk=pk).prefetch_related("add_tags").first()
    if macro is None:
        raise Http404
    return macro


def saved_views(*, user: User) -> QuerySet[SavedView]:
    return SavedView.objects.filter(owner=user).order_by("name")


def assignable_users(*, ticket: Ticket) -> QuerySet[User]:
    """Who the ticket may be given to: active members of the teams working its queue."""
    team_q = Q(teams=ticket.queue.team_id) | Q(teams__visible_queues=ticket.queue_id)
    return (
        User.objects.filter(is_active=True)
        .filter(team_q)
        .filter(groups__name__in=[Role.AGENT, Role.SUPERVISOR, Role.IT, Role.ADMIN])
        .distinct()
        .order_by("first_name", "last_name")
    )


def categories_for(*, kind: str) -> QuerySet[Category]:
    return Category.objects.filter(queue_kind=kind).order_by("name")


def presence_of(*, user: User) -> str:
    status = AgentPresence.objects.filter(user=user).values_list("status", flat=True).first()
    return status or AgentPresence.Status.AWAY


def attachment_get_for_user(*, user: User, pk: int) -> Attachment:
    attachment = Attachment.objects.select_related("message__ticket").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    ticket = attachment.message.ticket
    if not user_can_see_ticket(user=user, ticket=ticket):
        raise Http404
    if attachment.message.kind == Message.Kind.NOTE and not user_can_work_ticket(
        user=user, ticket=ticket
    ):
        raise Http404  # a requester never sees internal notes, nor their files
    return attachment


def has_open_tickets_annotation() -> Exists:
    return Exists(Ticket.objects.filter(contact=OuterRef("pk"), status__in=Ticket.ACTIVE_STATUSES))


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
