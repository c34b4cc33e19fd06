"""Reads for the service desk, permission-aware: a user sees the tickets of the queues
their teams work or are shared with (supervisors and admins see every queue), and the
internal requests they raised themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role, has_role
from crm import selectors as crm_selectors
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
from .permissions import TICKETS_ASSIGNABLE, TICKETS_SUPERVISE, TICKETS_WORK

ERROR_NOT_YOURS = _("Only the desk working this queue can change this ticket.")

# "Breaching soon": a deadline within this window and not passed yet. Deadlines already
# passed are "breached", a view and a count of their own (issue 9: mixing the two made
# "breaching soon" show mostly tickets long breached).
BREACHING_WINDOW = dt.timedelta(hours=1)
# Counting a million rows for "page 1 of N" costs more than the page; above this the
# inbox shows "1000+" (the count stops there, by an index scan).
COUNT_CAP = 1000
SEARCH_CONTACTS = 50  # customers the inbox search looks for tickets of
MESSAGE_PAGE = 30

VIEWS = ("mine", "team", "unassigned", "breaching", "breached", "all")
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


def queue_get_for_user(*, user: User, pk: int) -> Queue:
    queue = queue_list_for_user(user=user).filter(pk=pk).first()
    if queue is None:
        raise Http404
    return queue


def _base() -> QuerySet[Ticket]:
    # sla_policy: Ticket.sla_state reads its warning window on every row.
    return Ticket.objects.select_related(
        "queue", "contact", "requester_user", "assignee", "organisation", "sla_policy"
    )


def ticket_visibility(*, user: User) -> Q:
    return Q(queue_id__in=visible_queue_ids(user=user)) | Q(requester_user=user)


class TicketNotWorkable(PermissionDenied):
    """The user sees the ticket (they raised it) but may not work it: the desk's pages and
    writes are for the teams of its queue."""

    def __init__(self) -> None:
        super().__init__(str(ERROR_NOT_YOURS))


_LINK_TICKET_DEFERRED = tuple(
    f"{relation}__{field.name}"
    for relation in ("merged_into", "follow_up_of")
    for field in Ticket._meta.concrete_fields
    if field.name not in ("id", "created_at")
)


def ticket_get_for_user(*, user: User, pk: int, work: bool = False, lock: bool = False) -> Ticket:
    """The ticket if the user may see it (Http404 otherwise: no existence leak), with what
    its page and API answer show.

    `work`: only if the user may also work it (reply internally, change properties);
    TicketNotWorkable when they only follow it as its requester. `lock`: the row is read
    FOR UPDATE, for a caller inside a transaction."""
    queryset = (
        _base()
        .select_related("category", "team", "merged_into", "follow_up_of")
        # The two linked tickets are shown as their number and link only (id and
        # created_at): a third of the columns of this query less to compile and read.
        .defer(*_LINK_TICKET_DEFERRED)
        .prefetch_related("tags")
        .filter(pk=pk)
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    ticket = queryset.first()
    if ticket is None or not user_can_see_ticket(user=user, ticket=ticket):
        raise Http404
    if work and not user_can_work_ticket(user=user, ticket=ticket):
        raise TicketNotWorkable
    return ticket


def tickets_get_for_user(*, user: User, ids: Sequence[int]) -> list[Ticket]:
    """The tickets among `ids` that the user may work, in the order of `ids` (one query).
    The caller compares the lengths: a missing id is unknown or outside the user's queues,
    which the answer must not tell apart."""
    found = {
        ticket.pk: ticket
        for ticket in Ticket.objects.filter(
            pk__in=list(ids), queue_id__in=visible_queue_ids(user=user)
        ).select_related("queue")
    }
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


def ticket_links(*, ticket: Ticket, user: User, limit: int = 20) -> dict[str, list[Ticket]]:
    """The tickets linked to this one that the user may see: related, merged into it, and
    its follow-ups, newest first (at most `limit` of each).

    One query for the three lists (issue 10: it was three round trips): a UNION ALL of
    three index scans, each row tagged with its list, the columns the page shows only."""
    visible = (
        Ticket.objects.filter(ticket_visibility(user=user))
        .only("id", "subject", "status", "created_at")
        .order_by()  # no ordering inside a compound statement (SQLite refuses it)
    )
    related_ids = Ticket.related.through.objects.filter(from_ticket_id=ticket.pk).values(
        "to_ticket_id"
    )
    parts = [
        visible.filter(pk__in=related_ids).annotate(link=Value("related")),
        visible.filter(merged_into_id=ticket.pk).annotate(link=Value("merged_from")),
        visible.filter(follow_up_of_id=ticket.pk).annotate(link=Value("follow_ups")),
    ]
    rows = parts[0].union(*parts[1:], all=True).order_by("-created_at", "-id")[: 3 * limit]
    links: dict[str, list[Ticket]] = {"related": [], "merged_from": [], "follow_ups": []}
    for row in rows:
        found = links[row.link]
        if len(found) < limit:
            found.append(row)
    return links


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
    unassigned: bool = False  # on top of any view (the API's assignee=none)
    breaching: bool | None = None  # on top of any view: True only those, False all others
    breached: bool | None = None  # the same for deadlines already passed
    search: str = ""
    sort: str = "updated"


def ticket_inbox(*, user: User, filters: InboxFilters) -> QuerySet[Ticket]:
    """One page of the inbox is one query (plus the tags prefetch): every view filters on
    the columns of a partial index and sorts in that index's order."""
    queue_ids = visible_queue_ids(user=user)
    qs = _base().filter(queue_id__in=queue_ids)
    now = timezone.now()
    breached = Q(sla_breached_at__isnull=False) | Q(sla_next_due_at__lte=now)
    breaching = Q(sla_next_due_at__gt=now, sla_next_due_at__lte=now + BREACHING_WINDOW) & Q(
        sla_breached_at__isnull=True
    )
    if filters.view == "mine":
        qs = qs.filter(assignee=user)
    elif filters.view == "team":
        qs = qs.filter(team_id__in=user_team_ids(user=user))
    elif filters.view == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif filters.view == "breaching":
        qs = qs.filter(breaching)
    elif filters.view == "breached":
        qs = qs.filter(breached)
    if filters.breached and filters.view != "breached":
        qs = qs.filter(breached)
    elif filters.breached is False:
        qs = qs.exclude(breached)
    if filters.breaching and filters.view != "breaching":
        qs = qs.filter(breaching)
    elif filters.breaching is False:
        qs = qs.exclude(breaching)
    if filters.unassigned:
        qs = qs.filter(assignee__isnull=True)
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
    by_deadline = filters.view in ("breaching", "breached") and filters.sort == "updated"
    sort = "due" if by_deadline else filters.sort
    return qs.order_by(*SORTS.get(sort, SORTS["updated"])).prefetch_related("tags")


def _search(qs: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    text = text.strip()[:200]
    pk = Ticket.pk_from_number(text)
    if pk is not None:
        return qs.filter(pk=pk)
    # Subject words (trigram index on PostgreSQL), or the customer's email exactly, or the
    # customers the crm search finds (name, phone in any format...): their ids first, one
    # small query, rather than a join that would repeat a ticket per matching row.
    condition = Q(subject__icontains=text)
    if "@" in text:
        # A subquery, not a join: a customer with two addresses must not show twice.
        condition |= Q(
            contact__in=ContactEmail.objects.filter(email__iexact=text.lower()).values("contact_id")
        )
    elif len(text) >= 2:
        contact_ids = list(
            crm_selectors.contact_list(search=text).values_list("pk", flat=True)[:SEARCH_CONTACTS]
        )
        if contact_ids:
            condition |= Q(contact_id__in=contact_ids)
    return qs.filter(condition)


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most cap + 1 rows."""
    n = qs.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


COUNTS_CACHE_SECONDS = 15


def inbox_counts(*, user: User) -> dict[str, tuple[int, bool]]:
    """The badge on each inbox view, each capped, cached briefly per user: the inbox
    refreshes every 30 s and badges a few seconds old are fine; four counts are not free."""
    key = f"tickets:inbox-counts:{user.pk}"
    counts = cache.get(key)
    if counts is None:
        counts = {
            view: capped_count(ticket_inbox(user=user, filters=InboxFilters(view=view)), 999)
            for view in ("mine", "team", "unassigned", "breaching", "breached")
        }
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


def ticket_messages(*, ticket: Ticket, include_notes: bool = True) -> QuerySet[Message]:
    """The ticket's messages with their authors and attachments (for a page of them)."""
    qs = Message.objects.filter(ticket=ticket)
    if not include_notes:
        qs = qs.filter(kind=Message.Kind.PUBLIC)
    return qs.select_related("author", "author_contact").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )


def ticket_messages_page(
    *, ticket: Ticket, include_notes: bool = True, before: int | None = None
) -> tuple[list[Message], int | None]:
    """The latest MESSAGE_PAGE messages (oldest first for reading), and the id to ask for
    the page before them (None at the start). Keyset on the (ticket, created_at, id) index:
    a ticket with 500 messages costs what one with 5 does."""
    qs = ticket_messages(ticket=ticket, include_notes=include_notes)
    if before is not None:
        anchor = Message.objects.filter(pk=before, ticket=ticket).values("created_at").first()
        if anchor is not None:
            qs = qs.filter(
                Q(created_at__lt=anchor["created_at"])
                | Q(created_at=anchor["created_at"], pk__lt=before)
            )
    page = list(qs.order_by("-created_at", "-id")[: MESSAGE_PAGE + 1])
    more = len(page) > MESSAGE_PAGE
    page = page[:MESSAGE_PAGE]
    page.reverse()
    return page, (page[0].pk if more and page else None)


def message_extras_attach(
    messages: list[Message], ticket: Ticket, request: HttpRequest
) -> list[Message]:
    """Give each message of a page its fragments from other apps (tickets.registry):
    `message.extras` is a list of {"template", "data"}; one loader call per app, for the
    apps whose fragments the reader's roles may see."""
    from .registry import message_extras

    for message in messages:
        message.ticket = ticket  # the channel label falls back on it; no query per row
        message.extras = []  # type: ignore[attr-defined]
    if not messages:
        return messages
    for extra in message_extras():
        if extra.roles and not has_role(request.user, *extra.roles):
            continue
        found = extra.loader(messages, request)
        for message in messages:
            if message.pk in found:
                message.extras.append(  # type: ignore[attr-defined]
                    {"template": extra.template, "data": found[message.pk]}
                )
    return messages


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
    """The customer's tickets, open ones first, newest first: one query for the 360 panel,
    of the columns the two panels show (number, subject, status, dates)."""
    qs = Ticket.objects.filter(contact=contact).only(
        "id", "subject", "status", "created_at", "updated_at"
    )
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


def my_request_get(*, user: User, pk: int) -> Ticket:
    """A request the user raised; anyone else's is a 404, desk staff included (they have
    the desk's page for it)."""
    ticket = my_requests(user=user).filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


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


def inbox_assignees(*, user: User, limit: int) -> list[User]:
    """People the user may give tickets to from the inbox: their teams' desk staff (the
    whole desk for supervisors), at most `limit`. The services still check each ticket's
    queue."""
    qs = User.objects.filter(is_active=True, groups__name__in=TICKETS_ASSIGNABLE)
    if not has_role(user, *TICKETS_SUPERVISE):
        qs = qs.filter(teams__members=user)
    return list(qs.distinct().order_by("first_name", "last_name", "pk")[:limit])


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
