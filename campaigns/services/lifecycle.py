"""Campaigns: create and edit (drafts only), the one transition table, and the start
that snapshots the audience with the reason for every exclusion."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.models import Consent, ContactEmail, ContactPhone

from .. import emails
from ..models import Campaign, ExpectedVolume, Recipient, Segment, Suppression
from ..segments import consent_given, matching_contacts

ERROR_TRANSITION = _("A campaign that is « %(status)s » cannot be %(action)s.")
ERROR_NO_SEGMENT = _("Choose a segment before starting the campaign.")
ERROR_EMPTY_AUDIENCE = _("Nobody in the segment may be contacted: the campaign was not started.")
ERROR_NOT_DRAFT = _("Only a draft campaign can be edited.")
ERROR_DATES = _("The end date must be on or after the start date.")
ERROR_NAME = _("Give the campaign a name (at most 150 characters).")
ERROR_PREMIUM = _(
    "A premium-rate number cannot be used for complaints or after-sales (French consumer "
    "code, L121-16): detach it from this campaign first."
)

ACTION_LABELS: dict[str, Any] = {
    "schedule": _("scheduled"),
    "unschedule": _("moved back to draft"),
    "start": _("started"),
    "finish": _("finished"),
    "cancel": _("cancelled"),
}

S = Campaign.Status
# (action, current status) -> next status. Nothing else moves a campaign.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("schedule", S.DRAFT): S.SCHEDULED,
    ("unschedule", S.SCHEDULED): S.DRAFT,
    ("start", S.DRAFT): S.RUNNING,
    ("start", S.SCHEDULED): S.RUNNING,
    ("finish", S.RUNNING): S.FINISHED,
    ("cancel", S.DRAFT): S.CANCELLED,
    ("cancel", S.SCHEDULED): S.CANCELLED,
    ("cancel", S.RUNNING): S.CANCELLED,
}

EDITABLE = (
    "name",
    "goal",
    "purpose",
    "channel",
    "starts_on",
    "ends_on",
    "budget",
    "segment",
    "subject_fr",
    "body_fr",
    "subject_en",
    "body_en",
    "track_engagement",
    "brief_offer",
    "brief_talking_points",
    "brief_faq",
    "call_script",
)

# Which consent a channel needs (mixed campaigns email, so they need email consent).
CONSENT_CHANNEL = {
    "email": "email",
    "mixed": "email",
    "phone": "phone",
    "sms": "sms",
    "post": "post",
}


def _validate(campaign: Campaign) -> None:
    errors: dict[str, list[Any]] = {}
    if not campaign.name.strip() or len(campaign.name) > 150:
        errors["name"] = [ERROR_NAME]
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        errors["ends_on"] = [ERROR_DATES]
    for field in ("subject_fr", "body_fr", "subject_en", "body_en"):
        try:
            emails.check_template(getattr(campaign, field))
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    if campaign.sends_email and not errors:
        for field in ("body_fr", "body_en"):
            if getattr(campaign, field).strip():
                try:
                    emails.inline_css(getattr(campaign, field))
                except ValidationError as exc:
                    errors.setdefault(field, []).extend(exc.messages)
    if campaign.purpose in (Campaign.Purpose.COMPLAINTS, Campaign.Purpose.AFTER_SALES) and (
        campaign.pk and campaign.tracking_numbers.filter(range_class="premium").exists()
    ):
        errors["purpose"] = [ERROR_PREMIUM]
    if errors:
        raise ValidationError(errors)
    try:
        campaign.full_clean(exclude=["owner", "segment"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def campaign_create(*, actor: User, **fields: Any) -> Campaign:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    campaign = Campaign(owner=actor, **fields)
    _validate(campaign)
    with transaction.atomic():
        campaign.save()
    return campaign


def campaign_update(*, campaign: Campaign, actor: User, **fields: Any) -> Campaign:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        # Briefs and scripts may change while it runs; the rest only in a draft.
        brief_only = set(fields) <= {
            "brief_offer",
            "brief_talking_points",
            "brief_faq",
            "call_script",
            "goal",
        }
        if campaign.status != S.DRAFT and not (brief_only and campaign.status != S.CANCELLED):
            raise ValidationError(ERROR_NOT_DRAFT, code="not_draft")
        for name, value in fields.items():
            setattr(campaign, name, value)
        _validate(campaign)
        campaign.save()
    return campaign


def expected_volume_set(*, campaign: Campaign, queue: Any, per_day: int, actor: User) -> None:
    if per_day < 0 or per_day > 1_000_000:
        raise ValidationError({"per_day": _("Between 0 and 1,000,000 contacts a day.")})
    with transaction.atomic():
        if per_day == 0:
            ExpectedVolume.objects.filter(campaign=campaign, queue=queue).delete()
        else:
            ExpectedVolume.objects.update_or_create(
                campaign=campaign, queue=queue, defaults={"per_day": per_day}
            )


def _move(campaign: Campaign, action: str) -> Campaign:
    """Lock, check the table, set the status (the caller is inside a transaction)."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    target = TRANSITIONS.get((action, locked.status))
    if target is None:
        raise ValidationError(
            ERROR_TRANSITION
            % {"status": locked.get_status_display(), "action": ACTION_LABELS[action]},
            code="transition",
        )
    locked.status = target
    return locked


def campaign_transition(*, campaign: Campaign, action: str, actor: User | None) -> Campaign:
    """schedule, unschedule, finish, cancel (start has its own service)."""
    if action == "start":
        return campaign_start(campaign=campaign, actor=actor)
    if action not in ACTION_LABELS:
        raise ValidationError(_("Unknown action."), code="action")
    with transaction.atomic():
        locked = _move(campaign, action)
        if action == "schedule" and locked.segment_id is None:
            raise ValidationError(ERROR_NO_SEGMENT, code="no_segment")
        if action in ("finish", "cancel"):
            locked.finished_at = timezone.now()
        if action == "cancel":
            # What was not sent yet will not be.
            locked.recipients.filter(status=Recipient.Status.PENDING).update(
                status=Recipient.Status.FAILED, error="cancelled"
            )
        locked.save()
    return locked


def _audience(campaign: Campaign, segment: Segment) -> Any:
    channel = CONSENT_CHANNEL[campaign.channel]
    since = timezone.now() - timedelta(days=settings.CAMPAIGNS_FREQUENCY_DAYS)
    primary_email = ContactEmail.objects.filter(contact_id=OuterRef("pk")).order_by(
        "-is_primary", "id"
    )
    primary_phone = ContactPhone.objects.filter(contact_id=OuterRef("pk")).order_by(
        "-is_primary", "id"
    )
    recent = (
        Recipient.objects.filter(
            contact_id=OuterRef("pk"), sent_at__gte=since, status=Recipient.Status.SENT
        )
        .exclude(campaign=campaign)
        .values("contact_id")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return (
        matching_contacts(segment.rules)
        .annotate(
            addr=Subquery(primary_email.values("email")[:1]),
            tel=Subquery(primary_phone.values("number")[:1]),
            consented=consent_given(channel),
            withdrew=Exists(
                Consent.objects.filter(
                    contact_id=OuterRef("pk"), channel=channel, status=Consent.Status.WITHDRAWN
                )
            ),
            recent_sends=Subquery(recent),
        )
        .values_list(
            "pk",
            "erased_at",
            "preferred_language",
            "addr",
            "tel",
            "consented",
            "withdrew",
            "recent_sends",
        )
        .order_by("pk")
    )


def exclusion_for(
    *,
    erased: bool,
    consented: bool,
    withdrew: bool,
    address: str,
    suppressed: bool,
    recent_sends: int,
) -> str:
    """Why a contact may not be contacted, or "" (the order is the order of precedence)."""
    R = Recipient.Exclusion
    if erased:
        return R.ERASED
    if not consented:
        return R.UNSUBSCRIBED if withdrew else R.NO_CONSENT
    if not address:
        return R.NO_ADDRESS
    if suppressed:
        return R.BOUNCED
    if recent_sends >= settings.CAMPAIGNS_FREQUENCY_CAP:
        return R.FREQUENCY_CAP
    return ""


def campaign_start(*, campaign: Campaign, actor: User | None) -> Campaign:
    """Snapshot the audience and start. Refused (nothing written) when the campaign may
    not start or nobody in the segment may be contacted."""
    from .sending import queue_sending

    with transaction.atomic():
        locked = _move(campaign, "start")
        if locked.segment_id is None:
            raise ValidationError(ERROR_NO_SEGMENT, code="no_segment")
        if locked.sends_email and not all(
            (locked.subject_fr, locked.body_fr, locked.subject_en, locked.body_en)
        ):
            raise ValidationError(emails.ERROR_MISSING, code="template")
        segment = Segment.objects.get(pk=locked.segment_id)
        rows = list(_audience(locked, segment))
        addresses = {r[3].lower() for r in rows if r[3]}
        suppressed: set[str] = set()
        if locked.sends_email and addresses:
            listed = list(addresses)
            for i in range(0, len(listed), 5000):
                suppressed.update(
                    Suppression.objects.filter(email__in=listed[i : i + 5000]).values_list(
                        "email", flat=True
                    )
                )
        domain = settings.CAMPAIGNS_FROM_EMAIL.rpartition("@")[2].strip("> ") or "relais.invalid"
        recipients = []
        targeted = 0
        for pk, erased_at, language, addr, tel, consented, withdrew, recent in rows:
            address = (addr or "") if locked.sends_email else str(tel or "")
            reason = exclusion_for(
                erased=erased_at is not None,
                consented=bool(consented),
                withdrew=bool(withdrew),
                address=address if locked.channel != "post" else "post",
                suppressed=(addr or "").lower() in suppressed if locked.sends_email else False,
                recent_sends=recent or 0,
            )
            if not reason:
                targeted += 1
            recipients.append(
                Recipient(
                    campaign=locked,
                    contact_id=pk,
                    email=(addr or "")[:254] if not erased_at else "",
                    phone=str(tel or "")[:20] if not erased_at else "",
                    language=language or "fr",
                    status=(
                        Recipient.Status.EXCLUDED
                        if reason
                        else Recipient.Status.PENDING
                        if locked.sends_email
                        else Recipient.Status.TARGETED
                    ),
                    exclusion=reason,
                    message_id=(
                        f"campaign.{locked.pk}.{uuid.uuid4().hex}@{domain}"
                        if locked.sends_email and not reason
                        else ""
                    ),
                )
            )
        if targeted == 0:
            raise ValidationError(ERROR_EMPTY_AUDIENCE, code="empty")
        Recipient.objects.bulk_create(recipients, batch_size=2000)
        locked.started_at = timezone.now()
        locked.save()
        if locked.sends_email:
            queue_sending(locked.pk)
    return locked


def campaigns_start_due(*, today: date | None = None) -> int:
    """The beat task: start the scheduled campaigns whose day has come."""
    today = today or timezone.localdate()
    started = 0
    for campaign in Campaign.objects.filter(status=S.SCHEDULED, starts_on__lte=today):
        try:
            campaign_start(campaign=campaign, actor=None)
            started += 1
        except ValidationError:
            continue
    return started


def campaign_cost_per(budget: Decimal, count: int) -> Decimal | None:
    return (budget / count).quantize(Decimal("0.01")) if count else None


__all__ = [
    "TRANSITIONS",
    "campaign_create",
    "campaign_start",
    "campaign_transition",
    "campaign_update",
    "campaigns_start_due",
    "exclusion_for",
    "expected_volume_set",
]
