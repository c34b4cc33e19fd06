"""The phone campaign's call list: an agent records the outcome of a call. Every outcome
is a call attempt (`CallAttempt`), and is refused while the telemarketing rules hold the
contact back (campaigns.telemarketing.checks): outside the calling hours, on a public
holiday, after 4 calls in 30 days, within 60 days of a refusal, on Bloctel without a
current contract."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import CallAttempt, Campaign, Recipient
from ..telemarketing import checks

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
    now = timezone.now()
    if outcome == Recipient.Outcome.CALL_BACK and (callback_at is None or callback_at <= now):
        raise ValidationError({"callback_at": [ERROR_CALLBACK]})
    ctx = checks.context()
    with transaction.atomic():
        row = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("campaign", "contact")
            .get(pk=recipient.pk)
        )
        if (
            row.campaign.status != Campaign.Status.RUNNING
            or not row.campaign.calls
            or row.status == Recipient.Status.EXCLUDED
        ):
            raise ValidationError(ERROR_NOT_ON_LIST, code="not_on_list")
        status = checks.statuses_for([row], now=now, ctx=ctx)[row.pk]
        if not status.may_call:
            raise ValidationError(status.message, code=status.holds[0].code)
        if (
            outcome == Recipient.Outcome.CALL_BACK
            and checks.is_consumer(ctx, row)
            and callback_at is not None
            and not checks.callback_allowed(ctx, callback_at)
        ):
            raise ValidationError(
                {"callback_at": [str(checks.ERROR_CALLBACK_HOURS) % checks.hours_text(ctx)]}
            )
        row.outcome = outcome
        row.callback_at = callback_at if outcome == Recipient.Outcome.CALL_BACK else None
        row.called_at = now
        row.called_by = actor
        row.call_note = note.strip()[:500]
        row.save(update_fields=["outcome", "callback_at", "called_at", "called_by", "call_note"])
        CallAttempt.objects.create(
            recipient=row,
            campaign=row.campaign,
            contact=row.contact,
            outcome=outcome,
            called_at=now,
            called_by=actor,
        )
    return row
