"""Macros: saved replies with placeholders, and the actions they apply with the reply."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User

from ..models import Macro, Message, Ticket
from .common import resolve_tags
from .replies import ticket_reply
from .tickets import ticket_update

ERROR_MACRO_PLACEHOLDER = _("Unknown placeholder in the macro: {{ %(name)s }}.")

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}")
ANY_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


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
        macro.add_tags.set(resolve_tags(add_tags))
    return macro


def macro_apply(
    *,
    macro: Macro,
    ticket: Ticket,
    actor: User,
    body: str | None = None,
    last_seen_message_id: int | None = None,
    attachments: Sequence[UploadedFile] = (),
    kind: str | None = None,
    status: str | None = None,
) -> Message:
    """Post the macro's reply (as edited by the agent, if given) and apply its actions, in
    one transaction. `kind` and `status`, when given, are the agent's choice in the reply
    box (which the macro only pre-selects)."""
    with transaction.atomic():
        message = ticket_reply(
            ticket=ticket,
            author=actor,
            body=body
            if body is not None
            else macro_render(macro=macro, ticket=ticket, agent=actor),
            kind=kind or macro.kind,
            status=status or macro.set_status or None,
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
