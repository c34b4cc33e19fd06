"""What every service module of the desk shares: the ticket row lock and save, the
ticket's own history and the customer's timeline, bodies, tags.

Internal to `tickets.services`: other code calls the services, not these helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm import services as crm_services
from crm.models import Tag

from ..content import render_body
from ..models import Ticket, TicketEvent

ERROR_CLOSED = _("This ticket is closed: it can no longer be changed or answered.")
ERROR_BODY_REQUIRED = _("The message cannot be empty.")
ERROR_BODY_TOO_LONG = _("The message is too long (at most %(limit)d characters).")
ERROR_STALE = _(
    "Someone else changed this ticket while you were editing it. Reload to see their change."
)
ERROR_TOO_MANY_TAGS = _("At most %(limit)d tags per ticket.")

MAX_BODY_CHARS = 100_000
MAX_TAGS = 20
EXCERPT = 140


class StaleTicketError(ValidationError):
    def __init__(self) -> None:
        super().__init__(ERROR_STALE, code="stale")


def check_open(ticket: Ticket) -> None:
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError(ERROR_CLOSED, code="closed")


def clean_body(body: str, body_format: str) -> tuple[str, str]:
    """The sanitised HTML and the plain text of a message body, or a field error."""
    if len(body or "") > MAX_BODY_CHARS:
        raise ValidationError({"body": ERROR_BODY_TOO_LONG % {"limit": MAX_BODY_CHARS}})
    safe_html, text = render_body(body or "", body_format=body_format)
    if not text.strip():
        raise ValidationError({"body": ERROR_BODY_REQUIRED}, code="required")
    return safe_html, text


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def record_timeline(ticket: Ticket, kind: str, actor: User | None, **data: Any) -> None:
    """The customer's timeline row, in the caller's transaction."""
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


def record_event(ticket: Ticket, kind: str, actor: User | None, **data: Any) -> None:
    """The ticket's own history row."""
    TicketEvent.objects.create(ticket=ticket, kind=kind, actor=actor, data=data)


def resolve_tags(names: Iterable[str]) -> list[Tag]:
    names = [n.strip() for n in names if n and n.strip()]
    if len(set(names)) > MAX_TAGS:
        raise ValidationError({"tags": ERROR_TOO_MANY_TAGS % {"limit": MAX_TAGS}})
    return crm_services.tags_resolve(names=names)


def lock_ticket(ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """Re-read the ticket under a row lock; refuse if it changed since the form was drawn."""
    locked = Ticket.objects.select_for_update().select_related("queue").get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleTicketError()
    return locked


def save_ticket(ticket: Ticket, now: dt.datetime, fields: Iterable[str]) -> None:
    """Save the changed fields and bump the version that lost-update checks compare."""
    ticket.updated_at = now
    ticket.version = F("version") + 1
    changed = sorted(set(fields))
    ticket.save(update_fields=[*changed, "updated_at", "version"])
    ticket.refresh_from_db(fields=["version"])
    from .. import events

    events.emit_ticket(events.TICKET_UPDATED, ticket, changed=changed)
    if "status" in changed and ticket.status == Ticket.Status.RESOLVED:
        events.emit_ticket(events.TICKET_RESOLVED, ticket)
