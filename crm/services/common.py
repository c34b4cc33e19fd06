"""What every write to the customer record shares: the error messages, the limits, the
timeline row appended in the same transaction as the change, and tags."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .. import timeline
from ..models import (
    Activity,
    Contact,
    Organisation,
    Tag,
)

ERROR_INVALID_PHONE = _("“%(value)s” is not a valid phone number.")
ERROR_INVALID_EMAIL = _("“%(value)s” is not a valid email address.")
ERROR_DUPLICATE = _("A contact with this email address or phone number already exists.")
ERROR_MERGE_SELF = _("A contact cannot be merged into itself.")
ERROR_MERGE_INACTIVE = _("Only active contacts can be merged (not erased or already merged).")
ERROR_ERASE_CONFIRMATION = _("Type the contact's full name exactly to confirm the erasure.")
ERROR_ALREADY_ERASED = _("This contact has already been erased.")
ERROR_UNKNOWN_KIND = _("Unknown timeline kind: %(kind)s.")
ERROR_CALL_DURATIONS = _("Talk and hold time cannot exceed the call's duration.")
ERROR_CALL_IN_FUTURE = _("A call cannot start in the future.")
# Before it, a date is a typo (and, in the local time zone, one with a pre-1900 offset
# such as +00:09:21 that no date-time format can write).
CALLS_START_YEAR = 1970
ERROR_CALL_TOO_OLD = _("A call cannot have started before %(year)s.")
ERROR_TAG_TOO_LONG = _("A tag is at most 50 characters.")
ERROR_TOO_MANY = _("At most %(limit)d %(what)s.")
ERROR_NOTE_EMPTY = _("A note cannot be empty.")
ERROR_LEGAL_ID_TAKEN = _("Another organisation already has this SIREN/SIRET.")
ERROR_INACTIVE_CONTACT = _("This contact was merged or erased; write on the record it leads to.")
ERROR_UPDATE_MERGED = _(
    "This contact was merged into another record and can no longer be changed; change the "
    "record it leads to."
)
ERROR_UPDATE_ERASED = _(
    "This contact's personal data was erased on request: the record can no longer be changed."
)

MAX_EMAILS = 10
MAX_PHONES = 10
MAX_TAGS = 30
ERASED_NAME = "—"


class DuplicateContactError(ValidationError):
    """Raised by contact_create when the email or phone is already known; carries them."""

    def __init__(self, duplicates: Sequence[Contact]) -> None:
        super().__init__(ERROR_DUPLICATE, code="duplicate")
        self.duplicates = list(duplicates)


# --- Timeline ---------------------------------------------------------------------------
def activity_record(
    *,
    kind: str,
    summary: str = "",
    contact: Contact | None = None,
    organisation: Organisation | None = None,
    actor: User | None = None,
    source: models.Model | None = None,
    occurred_at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    """Append one row to the timeline. Other apps call this inside their own transaction.

    `summary` is stored text (the user's words, or a line in the writer's language);
    `data` holds the facts the kind's describe() renders in the reader's language."""
    if not timeline.is_registered(kind):
        raise ValidationError(ERROR_UNKNOWN_KIND % {"kind": kind})
    if organisation is None and contact is not None:
        organisation = contact.organisation
    activity = Activity(
        contact=contact,
        organisation=organisation,
        kind=kind,
        actor=actor,
        occurred_at=occurred_at or timezone.now(),
        data=data or {},
    )
    activity.summary = (summary or timeline.get_kind(kind).text(activity))[:300]
    if source is not None:
        activity.source_type = ContentType.objects.get_for_model(source)
        activity.source_id = source.pk
    activity.save()
    return activity


# --- Tags -------------------------------------------------------------------------------
def tags_resolve(*, names: Iterable[str]) -> list[Tag]:
    """Tags by name (created when new), trimmed and lower-cased."""
    cleaned = sorted({" ".join(n.split()).lower() for n in names if n and n.strip()})
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(
            {"tags": ERROR_TOO_MANY % {"limit": MAX_TAGS, "what": gettext("tags")}}
        )
    if any(len(name) > 50 for name in cleaned):
        raise ValidationError({"tags": ERROR_TAG_TOO_LONG})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    missing = [Tag(name=n) for n in cleaned if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    return [existing[n] for n in cleaned]
