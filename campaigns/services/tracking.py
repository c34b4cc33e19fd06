"""Tracking numbers and codes, and the attribution of inbound calls and tickets."""

from __future__ import annotations

import logging
import re
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.models import Queue

from ..models import Attribution, Campaign, RegulatedQueue, TrackingNumber
from ..numbers import range_class

ERROR_NUMBER = _("Enter a valid phone number, such as 0805 12 34 56 or +33 805 12 34 56.")
ERROR_CODE = _("A code is 3 to 30 letters, digits or dashes, such as PRINTEMPS26.")
ERROR_NEITHER = _("Enter a number or a code.")
ERROR_TAKEN = _("This number or code is already a tracking number.")
ERROR_PREMIUM_QUEUE = _(
    "A premium-rate number cannot be attached to a complaints or after-sales queue "
    "(French consumer code, L121-16)."
)
ERROR_PREMIUM_CAMPAIGN = _(
    "A premium-rate number cannot be attached to a complaints or after-sales campaign "
    "(French consumer code, L121-16)."
)
logger = logging.getLogger(__name__)
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,29}$")
REGULATED_PURPOSES = (Campaign.Purpose.COMPLAINTS, Campaign.Purpose.AFTER_SALES)


def normalise_number(raw: str) -> str:
    raw = (raw or "").strip()
    if not raw or len(raw) > 30:
        raise ValidationError({"number": ERROR_NUMBER})
    try:
        parsed = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException:
        raise ValidationError({"number": ERROR_NUMBER}) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError({"number": ERROR_NUMBER})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def queue_is_regulated(queue: Queue) -> bool:
    """Complaints or after-sales: marked here, or a complaint queue of sales' warnings."""
    if RegulatedQueue.objects.filter(queue=queue).exists():
        return True
    from sales.models import ServiceWarningSettings

    return ServiceWarningSettings.objects.filter(complaint_queues=queue).exists()


def tracking_number_save(
    *,
    actor: User,
    number: str = "",
    code: str = "",
    label: str = "",
    campaign: Campaign | None = None,
    queue: Queue | None = None,
    is_active: bool = True,
    instance: TrackingNumber | None = None,
) -> TrackingNumber:
    errors: dict[str, Any] = {}
    e164 = ""
    if number.strip():
        try:
            e164 = normalise_number(number)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    code = (code or "").strip().upper()
    if code and not CODE_RE.match(code):
        errors["code"] = [ERROR_CODE]
    if not number.strip() and not code:
        errors["number"] = [ERROR_NEITHER]
    if errors:
        raise ValidationError(errors)
    klass = range_class(e164) if e164 else ""
    if klass == "premium":
        if queue is not None and queue_is_regulated(queue):
            raise ValidationError({"queue": [ERROR_PREMIUM_QUEUE]})
        if campaign is not None and campaign.purpose in REGULATED_PURPOSES:
            raise ValidationError({"campaign": [ERROR_PREMIUM_CAMPAIGN]})
    row = instance or TrackingNumber()
    row.number, row.code, row.range_class = e164, code, klass
    row.label, row.campaign, row.queue, row.is_active = (
        label.strip()[:120],
        campaign,
        queue,
        is_active,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationError({"number": [ERROR_TAKEN]}) from None
    return row


def _conversion(seconds: int) -> bool:
    return seconds >= settings.CAMPAIGNS_CALL_CONVERSION_SECONDS


def call_attribute(*, call_id: int) -> Attribution | None:
    """An ended inbound call on a tracking number: attributed to its campaign once (the
    call-ended hook; idempotent)."""
    from telephony.models import PhoneCall

    call = (
        PhoneCall.objects.filter(pk=call_id, direction="inbound")
        .values("dialled_number", "contact_id", "talk_seconds", "offered_at")
        .first()
    )
    if call is None:
        return None
    dialled = call["dialled_number"]
    if not dialled.startswith("+"):
        try:
            dialled = normalise_number(dialled)
        except ValidationError:
            return None
    number = (
        TrackingNumber.objects.filter(number=dialled, is_active=True, campaign__isnull=False)
        .values("pk", "campaign_id")
        .first()
    )
    if number is None:
        return None
    talk = call["talk_seconds"] or 0
    try:
        with transaction.atomic():
            return Attribution.objects.create(
                campaign_id=number["campaign_id"],
                tracking_number_id=number["pk"],
                kind=Attribution.Kind.CALL,
                phone_call_id=call_id,
                contact_id=call["contact_id"],
                duration_seconds=talk,
                is_conversion=_conversion(talk),
                occurred_at=call["offered_at"],
            )
    except IntegrityError:
        return Attribution.objects.filter(phone_call_id=call_id).first()


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{2,29}")


def ticket_attribute(*, ticket: Any, text: str) -> Attribution | None:
    """A ticket whose first message (or web-form field) mentions an active code."""
    tokens = {t.upper() for t in _TOKEN.findall(text[:20_000])}
    if not tokens:
        return None
    number = (
        TrackingNumber.objects.filter(
            code__in=list(tokens)[:2000], is_active=True, campaign__isnull=False
        )
        .order_by("pk")
        .first()
    )
    if number is None or number.campaign_id is None:
        return None
    try:
        with transaction.atomic():
            return Attribution.objects.create(
                campaign_id=number.campaign_id,
                tracking_number=number,
                kind=Attribution.Kind.TICKET,
                ticket=ticket,
                contact_id=ticket.contact_id,
                is_conversion=True,
                occurred_at=ticket.created_at,
            )
    except IntegrityError:
        return None


def on_customer_message(message: Any) -> bool:
    """tickets' customer message hook: the first message of a ticket may carry a code."""
    ticket = message.ticket
    if Attribution.objects.filter(ticket=ticket).exists():
        return False
    try:
        with transaction.atomic():
            ticket_attribute(ticket=ticket, text=f"{ticket.subject}\n{message.body_text or ''}")
    except Exception:  # an attribution must never cost the customer their message
        logger.exception("campaign attribution failed for ticket %s", ticket.pk)
    return False
