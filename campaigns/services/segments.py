"""Saving segments: the rules are checked (campaigns.segments.clean_rules) before any
write, so a segment on an unknown field or with a bad value is never stored."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import Segment
from ..segments import clean_rules

ERROR_NAME = _("Give the segment a name (at most 120 characters).")
ERROR_IN_USE = _("This segment is used by a campaign and cannot be deleted.")


def _clean(name: str, description: str, rules: Any) -> tuple[str, str, dict[str, Any]]:
    name = (name or "").strip()
    if not name or len(name) > 120 or "\x00" in name:
        raise ValidationError({"name": ERROR_NAME})
    try:
        cleaned = clean_rules(rules)
    except ValidationError as exc:
        raise ValidationError({"rules": exc.messages}) from None
    return name, (description or "").strip()[:300], cleaned


def segment_create(*, name: str, rules: Any, actor: User, description: str = "") -> Segment:
    name, description, cleaned = _clean(name, description, rules)
    with transaction.atomic():
        return Segment.objects.create(
            name=name, description=description, rules=cleaned, created_by=actor
        )


def segment_update(
    *, segment: Segment, name: str, rules: Any, actor: User, description: str = ""
) -> Segment:
    name, description, cleaned = _clean(name, description, rules)
    with transaction.atomic():
        segment.name, segment.description, segment.rules = name, description, cleaned
        segment.save(update_fields=["name", "description", "rules", "updated_at"])
    return segment


def segment_delete(*, segment: Segment, actor: User) -> None:
    if segment.campaigns.exists():
        raise ValidationError(ERROR_IN_USE, code="in_use")
    segment.delete()
