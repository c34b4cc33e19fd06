"""The phone campaign's call list: an agent records the outcome of a call."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import Campaign, Recipient

ERROR_NOT_ON_LIST = _("This contact is not on the call list of a running campaign.")
ERROR_CALLBACK = _("Give a call-back time in the future.")
ERROR_OUTCOME = _("Choose an outcome.")


def call_outcome_record(
    *,
    recipient: Recipient,
    outcome: str,
    actor: User,
    callback_at: datetime | None = None,
    note: str = "",
) -> Recipient:
    if outcome not in Recipient.Outcome.values:
        raise ValidationError({"outcome": [ERROR_OUTCOME]})
    if outcome == Recipient.Outcome.CALL_BACK and (
        callback_at is None or callback_at <= timezone.now()
    ):
        raise ValidationError({"callback_at": [ERROR_CALLBACK]})
    with transaction.atomic():
        row = Recipient.objects.select_for_update().select_related("campaign").get(pk=recipient.pk)
        if (
            row.campaign.status != Campaign.Status.RUNNING
            or not row.campaign.calls
            or row.status == Recipient.Status.EXCLUDED
        ):
            raise ValidationError(ERROR_NOT_ON_LIST, code="not_on_list")
        row.outcome = outcome
        row.callback_at = callback_at if outcome == Recipient.Outcome.CALL_BACK else None
        row.called_at = timezone.now()
        row.called_by = actor
        row.call_note = note.strip()[:500]
        row.save(update_fields=["outcome", "callback_at", "called_at", "called_by", "call_note"])
    return row
