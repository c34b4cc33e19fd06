"""Every write on the service desk. Views, API, admin actions and tasks call these, so a
rule (a transition, an SLA clock, a lock) is written once.

Each service validates first, writes inside one transaction, records the ticket's own
event and the customer's timeline row there too, and queues mail after commit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import filetype
import holidays as holidays_lib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Notification, Team, User
from accounts.roles import Role, has_role
from crm import services as crm_services
from crm.models import Activity, Contact, Tag
from crm.timeline import get_kind

from . import sla
from . import timeline as kinds
from .content import render_body
from .models import (
    AgentPresence,
    Attachment,
    BusinessCalendar,
    Category,
    Holiday,
    Macro,
    Message,
    OpeningHours,
    Priority,
    Queue,
    SavedView,
    SlaPolicy,
    Ticket,
    TicketEvent,
)
from .permissions import TICKETS_ASSIGNABLE

Status = Ticket.Status

ERROR_TRANSITION = _("A ticket cannot go from “%(old)s” to “%(new)s”.")
ERROR_CLOSED = _("This ticket is closed: it can no longer be changed or answered.")
ERROR_SUBJECT_REQUIRED = _("A subject is required.")
ERROR_BODY_REQUIRED = _("The message cannot be empty.")
ERROR_BODY_TOO_LONG = _("The message is too long (at most %(limit)d characters).")
ERROR_REQUESTER_REQUIRED = _("A ticket needs a customer or, for internal requests, a staff member.")
ERROR_INACTIVE_QUEUE = _("This queue is closed to new tickets.")
ERROR_ASSIGNEE_OUTSIDE_TEAM = _("%(user)s is not in a team that works the queue “%(queue)s”.")
ERROR_ASSIGNEE_INACTIVE = _("%(user)s cannot take tickets (inactive account or no desk role).")
ERROR_STALE = _(
    "Someone else changed this ticket while you were editing it. Reload to see their change."
)
ERROR_REPLIED_MEANWHILE = _(
    "%(author)s replied to the customer while you were writing. Read their reply, then send "
    "yours again if it is still needed."
)
ERROR_ATTACHMENT_TOO_BIG = _("“%(name)s” is too large (%(size)s; the limit is %(limit)s).")
ERROR_ATTACHMENT_TYPE = _("“%(name)s”: this type of file is not accepted (%(type)s).")
ERROR_ATTACHMENT_COUNT = _("At most %(limit)d attachments per message.")
ERROR_ATTACHMENT_EMPTY = _("“%(name)s” is empty.")
ERROR_MERGE_SELF = _("A ticket cannot be merged into itself.")
ERROR_MERGE_CLOSED = _("Only open tickets can be merged (the target must not be closed).")
ERROR_MACRO_PLACEHOLDER = _("Unknown placeholder in the macro: {{ %(name)s }}.")
ERROR_NO_IT_QUEUE = _("No internal IT helpdesk queue is open. Ask an administrator to create one.")
ERROR_SAVED_VIEW_NAME = _("Give the view a name.")
ERROR_SAVED_VIEW_TAKEN = _("You already have a view with this name.")
ERROR_CATEGORY_KIND = _("This category is not used for this queue.")
ERROR_TOO_MANY_TAGS = _("At most %(limit)d tags per ticket.")
ERROR_CONTACT_INACTIVE = _(
    "This customer was merged or erased; open the ticket on the record it leads to."
)
ERROR_CALENDAR_HOURS = _("Opening hours must close after they open.")
ERROR_TIME_ZONE = _("Unknown time zone: %(zone)s.")
ERROR_COUNTRY = _("Public holidays are not known for the country code “%(code)s”.")

MAX_BODY_CHARS = 100_000
MAX_TAGS = 20
MAX_ATTACHMENTS = 10
EXCERPT = 140


class StaleTicketError(ValidationError):
    def __init__(self) -> None:
        super().__init__(ERROR_STALE, code="stale")


class ConcurrentReplyError(ValidationError):
    """A public reply from someone else landed after the one the writer last saw."""

    def __init__(self, message: Message) -> None:
        author = str(message.author or message.author_contact or gettext("Someone"))
        super().__init__(ERROR_REPLIED_MEANWHILE % {"author": author}, code="replied_meanwhile")
        # Not `self.message`: ValidationError keeps its own text there.
        self.newer_message = message


# --- Transitions: the one place they are decided ---------------------------------------------
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.RESOLVED}
    ),
    Status.OPEN: frozenset({Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.RESOLVED}),
    Status.PENDING_CUSTOMER: frozenset({Status.OPEN, Status.PENDING_THIRD_PARTY, Status.RESOLVED}),
    Status.PENDING_THIRD_PARTY: frozenset({Status.OPEN, Status.PENDING_CUSTOMER, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def transition_allowed(old: str, new: str) -> bool:
    return (new == old and old != Status.CLOSED) or new in TRANSITIONS.get(old, frozenset())


def allowed_statuses(ticket: Ticket) -> list[str]:
    return [s for s in Status.values if s in TRANSITIONS[ticket.status]]


def _check_transition(ticket: Ticket, new: str) -> None:
    if ticket.status == Status.CLOSED:
        raise ValidationError(ERROR_CLOSED, code="closed")
    if new not in Status.values or not transition_allowed(ticket.status, new):
        raise ValidationError(
            {
                "status": ERROR_TRANSITION
                % {"old": Status(ticket.status).label, "new": _label(Status, new)}
            },
            code="transition",
        )


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


# --- Calendars and SLA clocks ---------------------------------------------------------------
def calendar_create(
    *,
    name: str,
    time_zone: str = "Europe/Paris",
    holiday_country: str = "FR",
    holiday_subdivision: str = "",
    hours: Iterable[tuple[int, dt.time, dt.time]] = (),
    load_holidays_through: int | None = None,
) -> BusinessCalendar:
    from zoneinfo import available_timezones

    if time_zone not in available_timezones():
        raise ValidationError({"time_zone": ERROR_TIME_ZONE % {"zone": time_zone}})
    hours = list(hours)
    if any(closes <= opens for _, opens, closes in hours):
        raise ValidationError(ERROR_CALENDAR_HOURS)
    calendar = BusinessCalendar(
        name=name.strip(),
        time_zone=time_zone,
        holiday_country=holiday_country.upper(),
        holiday_subdivision=holiday_subdivision,
    )
    calendar.full_clean()
    with transaction.atomic():
        calendar.save()
        OpeningHours.objects.bulk_create(
            OpeningHours(calendar=calendar, weekday=w, opens_at=o, closes_at=c) for w, o, c in hours
        )
        calendar_load_public_holidays(
            calendar=calendar, through_year=load_holidays_through or timezone.now().year + 1
        )
    return calendar


def calendar_load_public_holidays(*, calendar: BusinessCalendar, through_year: int) -> int:
    """Load the country's public holidays for the years not loaded yet, up to through_year.

    Years already loaded are left alone, so a public holiday an admin deleted (the desk
    works that day) stays deleted."""
    if not calendar.holiday_country:
        return 0
    first = (calendar.holidays_loaded_through or timezone.now().year - 2) + 1
    if first > through_year:
        return 0
    try:
        public = holidays_lib.country_holidays(
            calendar.holiday_country,
            subdiv=calendar.holiday_subdivision or None,
            years=range(first, through_year + 1),
            language="fr" if calendar.holiday_country == "FR" else None,
        )
    except NotImplementedError as exc:
        raise ValidationError(
            {"holiday_country": ERROR_COUNTRY % {"code": calendar.holiday_country}}
        ) from exc
    rows = [
        Holiday(calendar=calendar, date=day, name=str(name)[:100]) for day, name in public.items()
    ]
    with transaction.atomic():
        Holiday.objects.bulk_create(rows, ignore_conflicts=True)
        BusinessCalendar.objects.filter(pk=calendar.pk).update(holidays_loaded_through=through_year)
    calendar.holidays_loaded_through = through_year
    sla.forget(calendar.pk)
    return len(rows)


_policy_cache: dict[tuple[int, int], tuple[float, SlaPolicy | None]] = {}


def sla_policy_for(*, queue_id: int, priority: int) -> SlaPolicy | None:
    import time

    key = (queue_id, priority)
    hit = _policy_cache.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < sla.CACHE_SECONDS:
        return hit[1]
    policy = SlaPolicy.objects.filter(queue_id=queue_id, priority=priority).first()
    _policy_cache[key] = (now, policy)
    return policy


def sla_forget() -> None:
    _policy_cache.clear()
    sla.forget()


def sla_apply(ticket: Ticket, *, now: dt.datetime, calendar_id: int | None = None) -> None:
    """Recompute the ticket's SLA fields in memory from its status, policy and pauses.

    Due = creation + target + time paused, all in business time: a pause shifts both
    deadlines by exactly its business length, and the result does not depend on when it
    is recomputed. The caller saves."""
    schedule = sla.schedule_for(calendar_id or ticket.queue.calendar_id)
    running = ticket.status in Ticket.RUNNING_STATUSES
    # Close or open the current pause.
    if running and ticket.sla_paused_at is not None:
        ticket.sla_paused_seconds += int(schedule.between(ticket.sla_paused_at, now))
        ticket.sla_paused_at = None
    elif not running and ticket.sla_paused_at is None and ticket.status != Status.CLOSED:
        ticket.sla_paused_at = now
    if ticket.status == Status.CLOSED:
        ticket.sla_paused_at = None

    policy = sla_policy_for(queue_id=ticket.queue_id, priority=ticket.priority)
    ticket.sla_policy = policy
    previous_next_due = ticket.sla_next_due_at
    if policy is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
        ticket.sla_next_due_at = ticket.sla_warn_at = None
        return
    paused = ticket.sla_paused_seconds
    if ticket.first_response_at is None or ticket.first_response_due_at is None:
        ticket.first_response_due_at = schedule.add(
            ticket.created_at, policy.first_response_minutes * 60 + paused
        )
    if ticket.resolved_at is None or ticket.resolution_due_at is None:
        ticket.resolution_due_at = schedule.add(
            ticket.created_at, policy.resolution_minutes * 60 + paused
        )
    if running:
        candidates = [ticket.resolution_due_at]
        if ticket.first_response_at is None:
            candidates.append(ticket.first_response_due_at)
        dues = [d for d in candidates if d is not None]
        ticket.sla_next_due_at = min(dues) if dues else None
    else:
        ticket.sla_next_due_at = None
    if ticket.sla_next_due_at is None:
        ticket.sla_warn_at = None
    else:
        ticket.sla_warn_at = ticket.sla_next_due_at - dt.timedelta(
            minutes=policy.warn_before_minutes
        )
    if ticket.sla_next_due_at != previous_next_due:
        # A new deadline gets its own warning and breach.
        if ticket.sla_next_due_at is None or ticket.sla_next_due_at > now:
            ticket.sla_breached_at = None
        if ticket.sla_warn_at is None or ticket.sla_warn_at > now:
            ticket.sla_warned_at = None


SLA_FIELDS = [
    "sla_policy",
    "first_response_due_at",
    "resolution_due_at",
    "sla_next_due_at",
    "sla_warn_at",
    "sla_paused_at",
    "sla_paused_seconds",
    "sla_warned_at",
    "sla_breached_at",
]


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    notifications: int = 0


# Per sweep and per recipient, at most this many notifications name a ticket; the rest
# are summed up in one more, so a lead with a thousand breaches gets a readable inbox.
NOTIFY_PER_RECIPIENT = 20


def _claim(sql_set: str, sql_where: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """UPDATE ... RETURNING: flag and fetch in one statement, so two sweeps running at once
    never notify twice (PostgreSQL and SQLite >= 3.35 both have RETURNING)."""
    table = Ticket._meta.db_table
    params = [
        connection.ops.adapt_datetimefield_value(p) if isinstance(p, dt.datetime) else p
        for p in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sql_set} WHERE {sql_where} "  # noqa: S608 - constants only
            "RETURNING id, subject, created_at, contact_id, organisation_id, assignee_id, "
            "team_id, queue_id",
            params,
        )
        return list(cursor.fetchall())


def sla_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Warn assignees before a breach and escalate to team leads on breach.

    Set-based: one UPDATE ... RETURNING claims the tickets whose warning or deadline has
    come (partial indexes on sla_warn_at / sla_next_due_at), then notifications, ticket
    events and timeline rows are inserted in bulk. A million open tickets cost what the
    handful that changed state cost."""
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        warned = _claim(
            "sla_warned_at = %s",
            "sla_warned_at IS NULL AND sla_warn_at IS NOT NULL AND sla_warn_at <= %s "
            "AND sla_next_due_at > %s",
            [now, now, now],
        )
        breached = _claim(
            "sla_breached_at = %s, sla_warned_at = COALESCE(sla_warned_at, %s)",
            "sla_breached_at IS NULL AND sla_next_due_at IS NOT NULL AND sla_next_due_at <= %s",
            [now, now, now],
        )
        result.warned, result.breached = len(warned), len(breached)
        if not warned and not breached:
            return result
        team_leads = dict(Team.objects.filter(lead__isnull=False).values_list("pk", "lead_id"))
        queue_teams = dict(Queue.objects.values_list("pk", "team_id"))

        events: list[TicketEvent] = []
        activities: list[Activity] = []
        per_recipient: dict[int, list[tuple[str, tuple[Any, ...]]]] = {}
        for row in warned:
            events.append(
                TicketEvent(ticket_id=row[0], kind=TicketEvent.Kind.SLA_WARNING, occurred_at=now)
            )
            if row[5]:
                per_recipient.setdefault(row[5], []).append(("warn", row))
        breach_kind = get_kind(kinds.TICKET_SLA_BREACHED)
        for row in breached:
            (
                ticket_id,
                subject,
                created_at,
                contact_id,
                organisation_id,
                assignee_id,
                team_id,
                queue_id,
            ) = row
            events.append(
                TicketEvent(ticket_id=ticket_id, kind=TicketEvent.Kind.SLA_BREACH, occurred_at=now)
            )
            lead_id = team_leads.get(team_id or queue_teams.get(queue_id))
            for recipient in {lead_id, assignee_id} - {None}:
                per_recipient.setdefault(recipient, []).append(("breach", row))
            if contact_id is not None:
                activity = Activity(
                    contact_id=contact_id,
                    organisation_id=organisation_id,
                    kind=kinds.TICKET_SLA_BREACHED,
                    occurred_at=now,
                    data={"number": _number(ticket_id, created_at), "subject": subject},
                    source_type=_ticket_content_type(),
                    source_id=ticket_id,
                )
                activity.summary = breach_kind.text(activity)[:300]
                activities.append(activity)
        notifications = _sweep_notifications(per_recipient)
        TicketEvent.objects.bulk_create(events, batch_size=2000)
        Activity.objects.bulk_create(activities, batch_size=2000)
        Notification.objects.bulk_create(notifications, batch_size=2000)
        result.notifications = len(notifications)
    return result


def _sweep_notifications(
    per_recipient: dict[int, list[tuple[str, tuple[Any, ...]]]],
) -> list[Notification]:
    out: list[Notification] = []
    languages = dict(User.objects.filter(pk__in=per_recipient).values_list("pk", "language"))
    from django.utils import translation

    for recipient_id, items in per_recipient.items():
        with translation.override(languages.get(recipient_id) or settings.LANGUAGE_CODE):
            for what, row in items[:NOTIFY_PER_RECIPIENT]:
                number = _number(row[0], row[2])
                if what == "warn":
                    title = gettext("SLA breach soon on %(number)s") % {"number": number}
                else:
                    title = gettext("SLA breached on %(number)s") % {"number": number}
                out.append(
                    Notification(
                        recipient_id=recipient_id,
                        title=title[:200],
                        body=row[1],
                        url=reverse("tickets:detail", args=[row[0]]),
                    )
                )
            rest = len(items) - NOTIFY_PER_RECIPIENT
            if rest > 0:
                out.append(
                    Notification(
                        recipient_id=recipient_id,
                        title=gettext("%(count)d more tickets are breaching their SLA")
                        % {"count": rest},
                        url=reverse("tickets:inbox") + "?view=breaching",
                    )
                )
    return out


def _ticket_content_type() -> Any:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Ticket)  # cached by Django after the first call


def _number(pk: int, created_at: dt.datetime | str) -> str:
    if isinstance(created_at, str):  # SQLite's raw cursor
        created_at = dt.datetime.fromisoformat(created_at)
    if timezone.is_naive(created_at):
        created_at = timezone.make_aware(created_at, dt.UTC)
    return Ticket(pk=pk, created_at=created_at).number


# --- Attachments -----------------------------------------------------------------------------
def _format_size(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(size))


def attachments_validate(files: Sequence[UploadedFile]) -> None:
    """Size, count and type (by content, not by the name the sender chose)."""
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": ERROR_ATTACHMENT_COUNT % {"limit": MAX_ATTACHMENTS}})
    limit = settings.TICKETS_ATTACHMENT_MAX_BYTES
    allowed = settings.TICKETS_ATTACHMENT_TYPES
    errors = []
    for upload in files:
        name = (upload.name or "file")[-255:]
        size = upload.size or 0
        if size == 0:
            errors.append(ERROR_ATTACHMENT_EMPTY % {"name": name})
            continue
        if size > limit:
            errors.append(
                ERROR_ATTACHMENT_TOO_BIG
                % {"name": name, "size": _format_size(size), "limit": _format_size(limit)}
            )
            continue
        content_type = attachment_sniff(upload)
        if content_type not in allowed:
            errors.append(ERROR_ATTACHMENT_TYPE % {"name": name, "type": content_type})
    if errors:
        raise ValidationError({"attachments": errors})


def attachment_sniff(upload: UploadedFile) -> str:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    # No magic number: plain text if it decodes, otherwise unknown binary.
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return "application/octet-stream"
    lowered = (upload.name or "").lower()
    return "text/csv" if lowered.endswith(".csv") else "text/plain"


def _store_attachments(message: Message, files: Sequence[UploadedFile]) -> None:
    for upload in files:
        safe_name = re.sub(r"[^\w.\- ]", "_", (upload.name or "file"))[-200:] or "file"
        Attachment.objects.create(
            message=message,
            file=_as_file(upload, safe_name),
            filename=safe_name,
            content_type=attachment_sniff(upload),
            size=upload.size or 0,
        )


def _as_file(upload: UploadedFile, name: str) -> UploadedFile:
    upload.name = name
    return upload


# --- Tickets ------------------------------------------------------------------------------
def _clean_body(body: str, body_format: str) -> tuple[str, str]:
    if len(body or "") > MAX_BODY_CHARS:
        raise ValidationError({"body": ERROR_BODY_TOO_LONG % {"limit": MAX_BODY_CHARS}})
    safe_html, text = render_body(body or "", body_format=body_format)
    if not text.strip():
        raise ValidationError({"body": ERROR_BODY_REQUIRED}, code="required")
    return safe_html, text


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _timeline(ticket: Ticket, kind: str, actor: User | None, **data: Any) -> None:
    if ticket.contact_id is None:
        return  # internal IT requests are about staff, not customers
    crm_services.activity_record(
        kind=kind,
        contact=ticket.contact,
        organisation=ticket.organisation,
        actor=actor,
        source=ticket,
        data={"number": ticket.number, **data},
    )


def _event(ticket: Ticket, kind: str, actor: User | None, **data: Any) -> None:
    TicketEvent.objects.create(ticket=ticket, kind=kind, actor=actor, data=data)


def _tags(names: Iterable[str]) -> list[Tag]:
    names = [n.strip() for n in names if n and n.strip()]
    if len(set(names)) > MAX_TAGS:
        raise ValidationError({"tags": ERROR_TOO_MANY_TAGS % {"limit": MAX_TAGS}})
    return crm_services.tags_resolve(names=names)


def user_can_work_queue(user: User, queue: Queue) -> bool:
    if has_role(user, Role.SUPERVISOR, Role.ADMIN):
        return True
    team_ids = set(user.teams.values_list("pk", flat=True))
    return queue.team_id in team_ids or queue.visible_to.filter(pk__in=team_ids).exists()


def _check_assignee(ticket: Ticket, assignee: User) -> None:
    if not assignee.is_active or not has_role(assignee, *TICKETS_ASSIGNABLE):
        raise ValidationError(
            {"assignee": ERROR_ASSIGNEE_INACTIVE % {"user": assignee}}, code="assignee"
        )
    if has_role(assignee, Role.SUPERVISOR, Role.ADMIN):
        return
    allowed = Q(pk=ticket.queue.team_id) | Q(visible_queues=ticket.queue_id)
    if not assignee.teams.filter(allowed).exists():
        raise ValidationError(
            {"assignee": ERROR_ASSIGNEE_OUTSIDE_TEAM % {"user": assignee, "queue": ticket.queue}},
            code="assignee",
        )


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
    if contact is None and requester_user is None:
        errors["contact"] = ERROR_REQUESTER_REQUIRED
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
    safe_html, text = _clean_body(body, body_format)
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
        tag_objects = _tags(tags)  # inside: a refused ticket leaves no new tag behind
        if assignee is not None:
            _check_assignee(ticket, assignee)
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
            body_html=safe_html,
            body_text=text,
            created_at=created,
        )
        if attachments:
            _store_attachments(message, attachments)
        _event(ticket, TicketEvent.Kind.CREATED, actor, channel=channel)
        _timeline(ticket, kinds.TICKET_CREATED, actor, channel=channel, subject=subject)
        if ticket.assignee_id is None and queue.auto_assign:
            ticket_auto_assign(ticket=ticket)
    return ticket


def _lock(ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """Re-read the ticket under a row lock; refuse if it changed since the form was drawn."""
    locked = Ticket.objects.select_for_update().select_related("queue").get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleTicketError()
    return locked


def _save(ticket: Ticket, now: dt.datetime, fields: Iterable[str]) -> None:
    ticket.updated_at = now
    ticket.version = F("version") + 1  # type: ignore[assignment]
    ticket.save(update_fields=[*set(fields), "updated_at", "version"])
    ticket.refresh_from_db(fields=["version"])


def _set_status(
    ticket: Ticket, new: str, actor: User | None, now: dt.datetime, *, on_timeline: bool = True
) -> list[str]:
    """Apply a status change in memory; return the changed fields. Caller checked it.

    `on_timeline=False` for the automatic moves a message causes (new -> open on the first
    reply, pending -> open on the customer's answer): the message's own line says it."""
    old = ticket.status
    if new == old:
        return []
    ticket.status = new
    changed = ["status"]
    if new == Status.RESOLVED:
        ticket.resolved_at = now
        changed.append("resolved_at")
    elif new == Status.CLOSED:
        ticket.closed_at = now
        changed.append("closed_at")
    if old == Status.RESOLVED and new == Status.OPEN:
        ticket.resolved_at = None
        ticket.reopened_count += 1
        changed += ["resolved_at", "reopened_count"]
    sla_apply(ticket, now=now)
    _event(ticket, TicketEvent.Kind.STATUS, actor, old=old, new=new)
    if new == Status.RESOLVED:
        _timeline(ticket, kinds.TICKET_RESOLVED, actor, subject=ticket.subject)
    elif on_timeline:
        _timeline(ticket, kinds.TICKET_STATUS, actor, old=old, new=new)
    return changed + SLA_FIELDS


def ticket_change_status(
    *, ticket: Ticket, status: str, actor: User | None, expected_version: int | None = None
) -> Ticket:
    with transaction.atomic():
        ticket = _lock(ticket, expected_version)
        _check_transition(ticket, status)
        now = timezone.now()
        changed = _set_status(ticket, status, actor, now)
        if changed:
            _save(ticket, now, changed)
    return ticket


def ticket_update(
    *,
    ticket: Ticket,
    actor: User | None,
    expected_version: int | None = None,
    subject: str | None = None,
    priority: int | None = None,
    queue: Queue | None = None,
    category: Category | type[Ellipsis] | None = ...,
    tags: Iterable[str] | None = None,
    status: str | None = None,
    assignee: User | type[Ellipsis] | None = ...,
) -> Ticket:
    """Change properties; the fields left out (None / ...) are not touched."""
    with transaction.atomic():
        ticket = _lock(ticket, expected_version)
        if ticket.status == Status.CLOSED:
            raise ValidationError(ERROR_CLOSED, code="closed")
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
            _event(ticket, TicketEvent.Kind.PRIORITY, actor, old=ticket.priority, new=priority)
            ticket.priority = priority
            changed.append("priority")
        if queue is not None and queue.pk != ticket.queue_id:
            if not queue.is_active:
                raise ValidationError({"queue": ERROR_INACTIVE_QUEUE})
            _event(ticket, TicketEvent.Kind.QUEUE, actor, old=ticket.queue.name, new=queue.name)
            ticket.queue = queue
            ticket.team_id = queue.team_id
            changed += ["queue", "team"]
            same_assignee = assignee is ... or (
                assignee is not None and assignee.pk == ticket.assignee_id
            )
            if ticket.assignee_id is not None and same_assignee:
                assignee = ...
                try:
                    _check_assignee(ticket, ticket.assignee)  # type: ignore[arg-type]
                except ValidationError:
                    ticket.assignee = None  # the new queue's team picks it up
                    changed.append("assignee")
            if ticket.category_id and ticket.category and ticket.category.queue_kind != queue.kind:
                ticket.category = None
                changed.append("category")
        if category is not ...:
            if category is not None and category.queue_kind != ticket.queue.kind:  # type: ignore[union-attr]
                raise ValidationError({"category": ERROR_CATEGORY_KIND})
            if (category.pk if category else None) != ticket.category_id:  # type: ignore[union-attr]
                details["category"] = str(category or "")
                ticket.category = category  # type: ignore[assignment]
                changed.append("category")
        if assignee is not ...:
            changed += _assign(ticket, assignee, actor)  # type: ignore[arg-type]
        if status is not None and status != ticket.status:
            _check_transition(ticket, status)
            changed += _set_status(ticket, status, actor, now)
        if tags is not None:
            new_tags = _tags(tags)
            if {t.pk for t in new_tags} != set(ticket.tags.values_list("pk", flat=True)):
                ticket.tags.set(new_tags)
                details["tags"] = sorted(t.name for t in new_tags)
                changed.append("updated_at")
        if {"priority", "queue"} & set(changed):
            sla_apply(ticket, now=now)
            changed += SLA_FIELDS
        if details:
            _event(ticket, TicketEvent.Kind.FIELDS, actor, **details)
        if changed:
            _save(ticket, now, [c for c in changed if c != "updated_at"])
    return ticket


def _assign(ticket: Ticket, assignee: User | None, actor: User | None) -> list[str]:
    if (assignee.pk if assignee else None) == ticket.assignee_id:
        return []
    if assignee is not None:
        _check_assignee(ticket, assignee)
    _event(
        ticket,
        TicketEvent.Kind.ASSIGNED,
        actor,
        old=str(ticket.assignee) if ticket.assignee_id else "",
        new=str(assignee or ""),
    )
    ticket.assignee = assignee
    if assignee is not None and actor is not None and assignee.pk != actor.pk:
        from accounts.services import notification_send

        notification_send(
            recipient=assignee,
            title=gettext("%(actor)s assigned %(number)s to you")
            % {"actor": actor, "number": ticket.number},
            body=ticket.subject,
            url=ticket.get_absolute_url(),
        )
    return ["assignee"]


def ticket_assign(
    *,
    ticket: Ticket,
    assignee: User | None,
    actor: User | None,
    expected_version: int | None = None,
) -> Ticket:
    with transaction.atomic():
        ticket = _lock(ticket, expected_version)
        if ticket.status == Status.CLOSED:
            raise ValidationError(ERROR_CLOSED, code="closed")
        changed = _assign(ticket, assignee, actor)
        if changed:
            _save(ticket, timezone.now(), changed)
    return ticket


def ticket_take(*, ticket: Ticket, actor: User) -> Ticket:
    return ticket_assign(ticket=ticket, assignee=actor, actor=actor)


def ticket_auto_assign(*, ticket: Ticket) -> User | None:
    """Round robin: the present agent of the ticket's team who waited longest since their
    last assignment and holds fewer open tickets than the queue's cap.

    The team's presence rows are locked, so two tickets created at once go to two agents."""
    team_id = ticket.team_id or ticket.queue.team_id
    with transaction.atomic():
        presences = list(
            AgentPresence.objects.select_for_update(of=("self",))
            .filter(
                status=AgentPresence.Status.AVAILABLE,
                # A subquery, not joins: FOR UPDATE refuses DISTINCT.
                user_id__in=User.objects.filter(
                    is_active=True, teams=team_id, groups__name__in=[Role.AGENT, Role.IT]
                ).values("pk"),
            )
            .select_related("user")
            .order_by(F("last_assigned_at").asc(nulls_first=True), "user_id")
        )
        if not presences:
            return None
        counts = dict(
            Ticket.objects.filter(
                assignee_id__in=[p.user_id for p in presences],
                status__in=Ticket.ACTIVE_STATUSES,
            )
            .values("assignee_id")
            .annotate(n=Count("id"))
            .values_list("assignee_id", "n")
        )
        cap = ticket.queue.agent_open_ticket_cap
        chosen = next((p for p in presences if counts.get(p.user_id, 0) < cap), None)
        if chosen is None:
            return None
        now = timezone.now()
        AgentPresence.objects.filter(pk=chosen.pk).update(last_assigned_at=now)
        Ticket.objects.filter(pk=ticket.pk).update(
            assignee_id=chosen.user_id, version=F("version") + 1
        )
        ticket.assignee_id = chosen.user_id
        ticket.refresh_from_db(fields=["version"])
        _event(ticket, TicketEvent.Kind.ASSIGNED, None, new=str(chosen.user), auto=True)
        return chosen.user


def presence_set(*, user: User, status: str) -> AgentPresence:
    if status not in AgentPresence.Status.values:
        raise ValidationError({"status": _("Unknown presence status.")})
    presence, _created = AgentPresence.objects.update_or_create(
        user=user, defaults={"status": status, "changed_at": timezone.now()}
    )
    return presence


def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    kind: str = Message.Kind.PUBLIC,
    attachments: Sequence[UploadedFile] = (),
    status: str | None = None,
    last_seen_message_id: int | None = None,
    body_format: str = "markdown",
) -> Message:
    """A public reply or an internal note from staff, optionally changing the status.

    With `last_seen_message_id`, a public reply is refused if someone else's public
    message arrived after it: the writer reads it first (no lost update)."""
    if kind not in Message.Kind.values:
        raise ValidationError({"kind": _("Unknown message kind.")})
    safe_html, text = _clean_body(body, body_format)
    attachments_validate(attachments)
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.status == Status.CLOSED:
            raise ValidationError(ERROR_CLOSED, code="closed")
        if kind == Message.Kind.PUBLIC and last_seen_message_id is not None:
            newer = (
                ticket.messages.filter(pk__gt=last_seen_message_id, kind=Message.Kind.PUBLIC)
                .exclude(author=author)
                .select_related("author", "author_contact")
                .order_by("pk")
                .first()
            )
            if newer is not None:
                raise ConcurrentReplyError(newer)
        now = timezone.now()
        target = status
        automatic = target is None and kind == Message.Kind.PUBLIC and ticket.status == Status.NEW
        if automatic:
            target = Status.OPEN
        if target is not None and target != ticket.status:
            _check_transition(ticket, target)
        message = Message.objects.create(
            ticket=ticket,
            kind=kind,
            direction=Message.Direction.OUTBOUND,
            author=author,
            body_html=safe_html,
            body_text=text,
            created_at=now,
        )
        if attachments:
            _store_attachments(message, attachments)
        changed = ["last_message_at", "message_count"]
        ticket.last_message_at = now
        ticket.message_count += 1
        if kind == Message.Kind.PUBLIC and ticket.first_response_at is None:
            ticket.first_response_at = now
            changed.append("first_response_at")
            sla_apply(ticket, now=now)
            changed += SLA_FIELDS
        if kind == Message.Kind.PUBLIC:
            _timeline(ticket, kinds.TICKET_REPLIED, author, excerpt=_excerpt(text))
        if target is not None and target != ticket.status:
            changed += _set_status(ticket, target, author, now, on_timeline=not automatic)
        _save(ticket, now, changed)
    return message


def ticket_customer_message(
    *,
    ticket: Ticket,
    body: str,
    contact: Contact | None = None,
    author_user: User | None = None,
    attachments: Sequence[UploadedFile] = (),
    body_format: str = "markdown",
) -> Message:
    """The requester wrote again (email, web form, or a staff requester on an IT ticket).

    Pending on them: back to open. Resolved: reopened. Closed: a new ticket is opened,
    linked to the old one, and the message goes there."""
    safe_html, text = _clean_body(body, body_format)
    attachments_validate(attachments)
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.status == Status.CLOSED:
            follow_up = ticket_create(
                queue=ticket.queue if ticket.queue.is_active else _fallback_queue(ticket),
                subject=ticket.subject,
                body=body,
                body_format=body_format,
                channel=ticket.channel,
                contact=ticket.contact,
                requester_user=ticket.requester_user,
                priority=ticket.priority,
                category=ticket.category,
                attachments=attachments,
                actor=author_user,
            )
            Ticket.objects.filter(pk=follow_up.pk).update(follow_up_of=ticket)
            follow_up.follow_up_of = ticket
            follow_up.related.add(ticket)
            _event(ticket, TicketEvent.Kind.FOLLOW_UP, None, new=follow_up.number)
            return follow_up.messages.get()
        now = timezone.now()
        message = Message.objects.create(
            ticket=ticket,
            kind=Message.Kind.PUBLIC,
            direction=Message.Direction.INBOUND,
            author=author_user,
            author_contact=contact or ticket.contact,
            body_html=safe_html,
            body_text=text,
            created_at=now,
        )
        if attachments:
            _store_attachments(message, attachments)
        ticket.last_message_at = now
        ticket.message_count += 1
        changed = ["last_message_at", "message_count"]
        _timeline(ticket, kinds.TICKET_CUSTOMER_MESSAGE, None, excerpt=_excerpt(text))
        if ticket.status in (Status.PENDING_CUSTOMER, Status.RESOLVED):
            if ticket.status == Status.RESOLVED:
                _event(ticket, TicketEvent.Kind.REOPENED, None)
            changed += _set_status(ticket, Status.OPEN, None, now, on_timeline=False)
        _save(ticket, now, changed)
    return message


def _fallback_queue(ticket: Ticket) -> Queue:
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
        locked = {t.pk: _lock(t) for t in (first, second)}
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
        _event(target, TicketEvent.Kind.MERGED, actor, source=source.number)
        _save(target, now, ["message_count", "last_message_at", "first_response_at"])
        source.merged_into = target
        source.status = Status.CLOSED
        source.closed_at = now
        source.message_count = 0
        sla_apply(source, now=now)
        _event(source, TicketEvent.Kind.MERGED, actor, target=target.number)
        _save(source, now, ["merged_into", "status", "closed_at", "message_count", *SLA_FIELDS])
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
    assignee: User | type[Ellipsis] | None = ...,
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
    """Close tickets resolved more than TICKETS_AUTO_CLOSE_DAYS ago, in one statement."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.TICKETS_AUTO_CLOSE_DAYS)
    with transaction.atomic():
        ids = list(
            Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff).values_list(
                "pk", flat=True
            )[:50_000]
        )
        if not ids:
            return 0
        count = Ticket.objects.filter(pk__in=ids, status=Status.RESOLVED).update(
            status=Status.CLOSED,
            closed_at=now,
            updated_at=now,
            sla_paused_at=None,
            version=F("version") + 1,
        )
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


# --- Macros -----------------------------------------------------------------------------------
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}")


def _placeholder_values(ticket: Ticket, agent: User) -> dict[str, str]:
    person: Any = ticket.contact or ticket.requester_user
    return {
        "contact.first_name": person.first_name if person else "",
        "contact.last_name": person.last_name if person else "",
        "contact.full_name": str(person or ""),
        "ticket.number": ticket.number,
        "ticket.subject": ticket.subject,
        "ticket.queue": ticket.queue.name,
        "agent.first_name": agent.first_name,
        "agent.last_name": agent.last_name,
        "agent.full_name": agent.get_full_name(),
    }  # fmt: skip


PLACEHOLDERS = sorted(
    [
        "contact.first_name",
        "contact.last_name",
        "contact.full_name",
        "ticket.number",
        "ticket.subject",
        "ticket.queue",
        "agent.first_name",
        "agent.last_name",
        "agent.full_name",
    ]
)


ANY_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def macro_check(body: str) -> None:
    """Every {{ ... }} must be one of PLACEHOLDERS: a typo would reach the customer as is."""
    unknown = [
        inner.strip()
        for inner in ANY_PLACEHOLDER.findall(body)
        if inner.strip() not in PLACEHOLDERS
    ]
    if unknown:
        raise ValidationError({"body": ERROR_MACRO_PLACEHOLDER % {"name": unknown[0][:50]}})


def macro_delete(*, macro: Macro) -> None:
    macro.delete()


def macro_render(*, macro: Macro, ticket: Ticket, agent: User) -> str:
    """Fill the placeholders. Plain substitution from a fixed list: a macro cannot reach
    anything else on the objects (no template engine, no attribute walking)."""
    values = _placeholder_values(ticket, agent)
    return PLACEHOLDER.sub(
        lambda m: values.get(f"{m.group(1)}.{m.group(2)}", m.group(0)), macro.body
    )


def macro_save(
    *,
    name: str,
    body: str,
    owner: User | None = None,
    team: Team | None = None,
    kind: str = Message.Kind.PUBLIC,
    set_status: str = "",
    set_priority: int | None = None,
    add_tags: Iterable[str] = (),
    macro: Macro | None = None,
) -> Macro:
    macro_check(body)
    macro = macro or Macro()
    macro.name, macro.body, macro.owner, macro.team = name.strip(), body, owner, team
    macro.kind, macro.set_status, macro.set_priority = kind, set_status, set_priority
    macro.full_clean()
    with transaction.atomic():
        macro.save()
        macro.add_tags.set(_tags(add_tags))
    return macro


def macro_apply(
    *,
    macro: Macro,
    ticket: Ticket,
    actor: User,
    body: str | None = None,
    last_seen_message_id: int | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Message:
    """Post the macro's reply (as edited by the agent, if given) and apply its actions, in
    one transaction."""
    with transaction.atomic():
        message = ticket_reply(
            ticket=ticket,
            author=actor,
            body=body
            if body is not None
            else macro_render(macro=macro, ticket=ticket, agent=actor),
            kind=macro.kind,
            status=macro.set_status or None,
            last_seen_message_id=last_seen_message_id,
            attachments=attachments,
        )
        tags = list(macro.add_tags.values_list("name", flat=True))
        if macro.set_priority or tags:
            ticket.refresh_from_db()
            ticket_update(
                ticket=ticket,
                actor=actor,
                priority=macro.set_priority,
                tags=[*ticket.tags.values_list("name", flat=True), *tags] if tags else None,
            )
    return message


# --- Saved views ----------------------------------------------------------------------------
def saved_view_create(*, owner: User, name: str, query: str) -> SavedView:
    name = " ".join((name or "").split())[:60]
    if not name:
        raise ValidationError({"name": ERROR_SAVED_VIEW_NAME})
    if SavedView.objects.filter(owner=owner, name=name).exists():
        raise ValidationError({"name": ERROR_SAVED_VIEW_TAKEN})
    return SavedView.objects.create(owner=owner, name=name, query=query.lstrip("?")[:500])


def saved_view_delete(*, view: SavedView) -> None:
    view.delete()


# --- Internal IT helpdesk -------------------------------------------------------------------
def it_request_create(
    *,
    requester: User,
    subject: str,
    body: str,
    category: Category | None = None,
    priority: int | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Ticket:
    queue = Queue.objects.filter(kind=Queue.Kind.IT, is_active=True).order_by("pk").first()
    if queue is None:
        raise ValidationError(ERROR_NO_IT_QUEUE, code="no_it_queue")
    return ticket_create(
        queue=queue,
        subject=subject,
        body=body,
        channel=Ticket.Channel.INTERNAL,
        requester_user=requester,
        actor=requester,
        category=category,
        priority=priority,
        attachments=attachments,
    )


# --- Hooks into the shared record --------------------------------------------------------------
def contact_merge_hook(survivor: Contact, duplicate: Contact) -> None:
    Ticket.objects.filter(contact=duplicate).update(contact=survivor)
    Message.objects.filter(author_contact=duplicate).update(author_contact=survivor)


def contact_erase_hook(contact: Contact) -> None:
    """Erasure: the customer's own words go; the ticket skeleton (dates, status) stays for
    the statistics, as the erased contact's counts do."""
    erased = gettext("[erased on request]")
    Message.objects.filter(ticket__contact=contact, direction=Message.Direction.INBOUND).update(
        body_html=erased, body_text=erased
    )
    Attachment.objects.filter(message__ticket__contact=contact).delete()
    Ticket.objects.filter(contact=contact).update(subject=erased)


def contact_export_hook(contact: Contact) -> dict[str, Any]:
    return {
        "tickets": [
            {
                "number": t.number,
                "subject": t.subject,
                "status": t.status,
                "created_at": t.created_at.isoformat(),
                "messages": [
                    {"at": m.created_at.isoformat(), "direction": m.direction, "text": m.body_text}
                    for m in t.messages.all()
                    if m.kind == Message.Kind.PUBLIC
                ],
            }
            for t in Ticket.objects.filter(contact=contact).prefetch_related("messages")
        ]
    }
