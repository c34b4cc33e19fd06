"""A ticket's life: opening it, changing its properties and status, merging, bulk changes,
and the automatic close of resolved tickets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import EllipsisType
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.models import Contact

from .. import timeline as kinds
from ..content import render_body
from ..models import Category, Message, Priority, Queue, Ticket, TicketEvent
from ..registry import customer_message_received
from .assignment import assign, auto_assign_queue, check_assignee, ticket_auto_assign
from .attachments import attachments_store, attachments_validate
from .common import (
    check_open,
    clean_body,
    lock_ticket,
    record_event,
    record_timeline,
    resolve_tags,
    save_ticket,
)
from .sla import SLA_FIELDS, sla_apply
from .transitions import check_transition, set_status

Status = Ticket.Status

ERROR_SUBJECT_REQUIRED = _("A subject is required.")
ERROR_REQUESTER_REQUIRED = _("A ticket needs a customer or, for internal requests, a staff member.")
ERROR_ONE_REQUESTER = _(
    "A ticket has one requester: the customer, or for an internal IT request a staff "
    "member, not both."
)
ERROR_STAFF_ONLY_FOR_IT = _("A staff member can only be the requester in an internal IT queue.")
ERROR_INTERNAL_STAYS_IT = _(
    "An internal request (its requester is a staff member) can only move to another internal "
    "IT queue."
)
ERROR_INACTIVE_QUEUE = _("This queue is closed to new tickets.")
ERROR_CATEGORY_KIND = _("This category is not used for this queue.")
ERROR_CONTACT_INACTIVE = _(
    "This customer was merged or erased; open the ticket on the record it leads to."
)
ERROR_MERGE_SELF = _("A ticket cannot be merged into itself.")
ERROR_MERGE_CLOSED = _("Only open tickets can be merged (the target must not be closed).")


def requester_errors(
    *, queue: Queue | None, contact: Contact | None, requester_user: User | None
) -> dict[str, Any]:
    """The one-requester rule (docs/security.md, "API contract"): a ticket has a customer
    `contact` or a staff `requester_user`, never both (a staff member set on a customer's
    ticket would read it and its replies); a staff requester only in an IT queue. Customer
    service queues take customers; IT queues either."""
    if contact is None and requester_user is None:
        return {"contact": ERROR_REQUESTER_REQUIRED}
    if contact is not None and requester_user is not None:
        return {"requester_user": ERROR_ONE_REQUESTER}
    if requester_user is not None and queue is not None and queue.kind != Queue.Kind.IT:
        return {"requester_user": ERROR_STAFF_ONLY_FOR_IT}
    return {}


def ticket_create(
    *,
    queue: Queue,
    subject: str,
    body: str,
    channel: str = Ticket.Channel.EMAIL,
    contact: Contact | None = None,
    requester_user: User | None = None,
    actor: User | None = None,
    priority: int | None = None,
    category: Category | None = None,
    tags: Iterable[str] = (),
    assignee: User | None = None,
    attachments: Sequence[UploadedFile] = (),
    body_format: str = "markdown",
    created_at: dt.datetime | None = None,
) -> Ticket:
    """Open a ticket with its first message (the request, as the requester put it)."""
    subject = " ".join((subject or "").split())[:200]
    errors: dict[str, Any] = {}
    if not subject:
        errors["subject"] = ERROR_SUBJECT_REQUIRED
    errors.update(requester_errors(queue=queue, contact=contact, requester_user=requester_user))
    if contact is not None and (contact.merged_into_id or contact.erased_at):
        errors["contact"] = ERROR_CONTACT_INACTIVE
    if not queue.is_active:
        errors["queue"] = ERROR_INACTIVE_QUEUE
    if category is not None and category.queue_kind != queue.kind:
        errors["category"] = ERROR_CATEGORY_KIND
    if channel not in Ticket.Channel.values:
        errors["channel"] = _("Unknown channel.")
    if priority is not None and priority not in Priority.values:
        errors["priority"] = _("Unknown priority.")
    if errors:
        raise ValidationError(errors)
    safe_html, text = clean_body(body, body_format)
    attachments_validate(attachments)
    now = timezone.now()
    created = created_at or now
    ticket = Ticket(
        subject=subject,
        queue=queue,
        contact=contact,
        requester_user=requester_user,
        organisation=contact.organisation if contact is not None else None,
        priority=priority or queue.default_priority,
        channel=channel,
        category=category,
        team_id=queue.team_id,
        created_at=created,
        updated_at=now,
        last_message_at=created,
        message_count=1,
    )
    with transaction.atomic():
        tag_objects = resolve_tags(tags)  # inside: a refused ticket leaves no new tag behind
        if assignee is not None:
            check_assignee(ticket, assignee)
            ticket.assignee = assignee
        sla_apply(ticket, now=now, calendar_id=queue.calendar_id)
        ticket.save()
        if tag_objects:
            ticket.tags.set(tag_objects)
        message = Message.objects.create(
            ticket=ticket,
            kind=Message.Kind.PUBLIC,
            direction=Message.Direction.INBOUND,
            author=actor if contact is None else None,
            author_contact=contact,
            channel=channel,
            body_html=safe_html,
            body_text=text,
            created_at=created,
        )
        if attachments:
            attachments_store(message, attachments)
        record_event(ticket, TicketEvent.Kind.CREATED, actor, channel=channel)
        record_timeline(ticket, kinds.TICKET_CREATED, actor, channel=channel, subject=subject)
        if ticket.assignee_id is None and queue.auto_assign:
            ticket_auto_assign(ticket=ticket)
        # Later apps (emotion triage) see every customer message; they may change the
        # ticket through the services, so it is read again afterwards.
        if contact is not None and customer_message_received(message):
            ticket.refresh_from_db()
        from .. import events

        events.emit_ticket(events.TICKET_CREATED, ticket)
    return ticket


def ticket_change_status(
    *, ticket: Ticket, status: str, actor: User | None, expected_version: int | None = None
) -> Ticket:
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version)
        check_transition(ticket, status)
        now = timezone.now()
        changed = set_status(ticket, status, actor, now)
        if changed:
            save_ticket(ticket, now, changed)
    return ticket


def ticket_update(
    *,
    ticket: Ticket,
    actor: User | None,
    expected_version: int | None = None,
    subject: str | None = None,
    priority: int | None = None,
    queue: Queue | None = None,
    category: Category | EllipsisType | None = ...,
    tags: Iterable[str] | None = None,
    status: str | None = None,
    assignee: User | EllipsisType | None = ...,
) -> Ticket:
    """Change properties; the fields left out (None / ...) are not touched."""
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version)
        check_open(ticket)
        now = timezone.now()
        changed: list[str] = []
        details: dict[str, Any] = {}
        if subject is not None:
            clean = " ".join(subject.split())[:200]
            if not clean:
                raise ValidationError({"subject": ERROR_SUBJECT_REQUIRED})
            if clean != ticket.subject:
                details["subject"] = [ticket.subject, clean]
                ticket.subject = clean
                changed.append("subject")
        if priority is not None and priority != ticket.priority:
            if priority not in Priority.values:
                raise ValidationError({"priority": _("Unknown priority.")})
            record_event(
                ticket, TicketEvent.Kind.PRIORITY, actor, old=ticket.priority, new=priority
            )
            ticket.priority = priority
            changed.append("priority")
        if queue is not None and queue.pk != ticket.queue_id:
            if not queue.is_active:
                raise ValidationError({"queue": ERROR_INACTIVE_QUEUE})
            if ticket.requester_user_id is not None and queue.kind != Queue.Kind.IT:
                raise ValidationError({"queue": ERROR_INTERNAL_STAYS_IT})
            record_event(
                ticket, TicketEvent.Kind.QUEUE, actor, old=ticket.queue.name, new=queue.name
            )
            ticket.queue = queue
            ticket.team_id = queue.team_id
            changed += ["queue", "team"]
            same_assignee = assignee is ... or (
                assignee is not None and assignee.pk == ticket.assignee_id
            )
            if ticket.assignee_id is not None and same_assignee:
                assignee = ...
                try:
                    check_assignee(ticket, ticket.assignee)  # type: ignore[arg-type]
                except ValidationError:
                    ticket.assignee = None  # the new queue's team picks it up
                    changed.append("assignee")
            if ticket.category_id and ticket.category and ticket.category.queue_kind != queue.kind:
                ticket.category = None
                changed.append("category")
        if category is not ...:
            if category is not None and category.queue_kind != ticket.queue.kind:
                raise ValidationError({"category": ERROR_CATEGORY_KIND})
            if (category.pk if category else None) != ticket.category_id:
                details["category"] = str(category or "")
                ticket.category = category
                changed.append("category")
        if assignee is not ...:
            changed += assign(ticket, assignee, actor)
        if status is not None and status != ticket.status:
            check_transition(ticket, status)
            changed += set_status(ticket, status, actor, now)
        if tags is not None:
            new_tags = resolve_tags(tags)
            if {t.pk for t in new_tags} != set(ticket.tags.values_list("pk", flat=True)):
                ticket.tags.set(new_tags)
                details["tags"] = sorted(t.name for t in new_tags)
                changed.append("updated_at")
        if {"priority", "queue"} & set(changed):
            sla_apply(ticket, now=now)
            changed += SLA_FIELDS
        if details:
            record_event(ticket, TicketEvent.Kind.FIELDS, actor, **details)
        if changed:
            save_ticket(ticket, now, [c for c in changed if c != "updated_at"])
        # Moved (by a person or by triage) into a round-robin queue with nobody on it:
        # the task assigns it after commit, outside this row lock.
        if "queue" in changed and ticket.assignee_id is None and queue and queue.auto_assign:
            auto_assign_queue([ticket.pk])
    return ticket


def fallback_queue(ticket: Ticket) -> Queue:
    """An open queue of the same kind, for a follow-up whose queue was closed meanwhile."""
    queue = Queue.objects.filter(kind=ticket.queue.kind, is_active=True).order_by("pk").first()
    if queue is None:
        raise ValidationError({"queue": ERROR_INACTIVE_QUEUE})
    return queue


def ticket_merge(*, source: Ticket, target: Ticket, actor: User | None) -> Ticket:
    """Fold `source` into `target`: its messages move over, it is closed and points to the
    target. Both sides get an internal note, so the history reads the same from either."""
    if source.pk == target.pk:
        raise ValidationError(ERROR_MERGE_SELF, code="merge_self")
    with transaction.atomic():
        # Lock in id order: two opposite merges at once cannot deadlock.
        first, second = sorted([source, target], key=lambda t: t.pk)
        locked = {t.pk: lock_ticket(t) for t in (first, second)}
        source, target = locked[source.pk], locked[target.pk]
        if Status.CLOSED in (source.status, target.status):
            raise ValidationError(ERROR_MERGE_CLOSED, code="merge_closed")
        now = timezone.now()
        moved = Message.objects.filter(ticket=source).update(ticket=target)
        target.tags.add(*source.tags.all())
        target.related.add(*source.related.exclude(pk=target.pk))
        target.message_count += moved
        target.last_message_at = max(
            filter(None, [target.last_message_at, source.last_message_at]), default=now
        )
        if source.first_response_at and (
            target.first_response_at is None or source.first_response_at < target.first_response_at
        ):
            target.first_response_at = source.first_response_at
        note = gettext("%(source)s (“%(subject)s”) was merged into this ticket.") % {
            "source": source.number,
            "subject": source.subject,
        }
        Message.objects.create(
            ticket=target,
            kind=Message.Kind.NOTE,
            author=actor,
            body_html=render_body(note)[0],
            body_text=note,
            created_at=now,
        )
        target.message_count += 1
        record_event(target, TicketEvent.Kind.MERGED, actor, source=source.number)
        save_ticket(target, now, ["message_count", "last_message_at", "first_response_at"])
        source.merged_into = target
        source.status = Status.CLOSED
        source.closed_at = now
        source.message_count = 0
        sla_apply(source, now=now)
        record_event(source, TicketEvent.Kind.MERGED, actor, target=target.number)
        save_ticket(
            source, now, ["merged_into", "status", "closed_at", "message_count", *SLA_FIELDS]
        )
    return target


@dataclass
class BulkResult:
    updated: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)


def tickets_bulk_update(
    *,
    tickets: Sequence[Ticket],
    actor: User,
    status: str | None = None,
    priority: int | None = None,
    assignee: User | EllipsisType | None = ...,
    add_tag: str | None = None,
) -> BulkResult:
    """Apply one change to many tickets, each through ticket_update in its own transaction:
    a ticket that refuses (closed, bad transition) is reported and the others go through."""
    result = BulkResult()
    for ticket in tickets:
        try:
            tags = None
            if add_tag:
                tags = [*ticket.tags.values_list("name", flat=True), add_tag]
            ticket_update(
                ticket=ticket,
                actor=actor,
                status=status,
                priority=priority,
                assignee=assignee,
                tags=tags,
            )
            result.updated += 1
        except ValidationError as exc:
            result.errors[ticket.number] = exc.messages
    return result


def tickets_auto_close(*, now: dt.datetime | None = None) -> int:
    """Close tickets resolved more than TICKETS_AUTO_CLOSE_DAYS ago, in one statement.

    Safe when two runs overlap: on PostgreSQL the rows are claimed with SKIP LOCKED, and
    on every database the "closed" events are written only for the rows this run's UPDATE
    changed (those it stamped with its own `closed_at`), never for ids another run closed
    between the read and the update."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.TICKETS_AUTO_CLOSE_DAYS)
    with transaction.atomic():
        ids = list(
            Ticket.objects.select_for_update(skip_locked=True)
            .filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
            .values_list("pk", flat=True)[:50_000]
        )
        if not ids:
            return 0
        Ticket.objects.filter(pk__in=ids, status=Status.RESOLVED).update(
            status=Status.CLOSED,
            closed_at=now,
            updated_at=now,
            sla_paused_at=None,
            version=F("version") + 1,
        )
        # What this UPDATE changed (the UPDATE ... RETURNING Django does not offer).
        ids = list(
            Ticket.objects.filter(pk__in=ids, status=Status.CLOSED, closed_at=now).values_list(
                "pk", flat=True
            )
        )
        count = len(ids)
        TicketEvent.objects.bulk_create(
            [
                TicketEvent(
                    ticket_id=pk,
                    kind=TicketEvent.Kind.STATUS,
                    occurred_at=now,
                    data={"old": Status.RESOLVED, "new": Status.CLOSED, "auto": True},
                )
                for pk in ids
            ],
            batch_size=2000,
        )
    return count
