"""What happens after a send: bounces (channels' inbound mail, plain SMTP), the email
service provider's tracking events (django-anymail), and the one-click unsubscribe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm import selectors as crm_selectors
from crm import services as crm_services
from crm.models import Channel, Consent, ConsentPurpose, Contact

from ..models import Campaign, DeliveryEvent, Recipient, Suppression
from ..segments import consent_given

ERROR_BAD_TOKEN = _("This unsubscribe link is not valid.")
ERROR_ERASED = _("This address is no longer in our records: there is nothing to unsubscribe.")
UNSUBSCRIBE_SOURCE = "unsubscribe link"

# anymail's normalised event types -> the recipient's column.
EVENT_COLUMNS = {
    "delivered": "delivered_at",
    "bounced": "bounced_at",
    "rejected": "bounced_at",
    "complained": "complained_at",
    "opened": "opened_at",
    "clicked": "clicked_at",
    "unsubscribed": "unsubscribed_at",
}
ENGAGEMENT = ("opened", "clicked")


def _suppress(email: str, reason: str) -> None:
    if email:
        Suppression.objects.get_or_create(email=email.lower()[:254], defaults={"reason": reason})


def on_bounce(outbound: Any) -> None:
    """channels.outbound's bounce hook (purpose "campaign"), inside its transaction."""
    recipient = Recipient.objects.filter(message_id=outbound.message_id).first()
    if recipient is None:
        return
    delivery_event_record(
        recipient=recipient, kind="bounced", event_id=f"smtp-bounce:{outbound.message_id}"
    )


def engagement_allowed(recipient: Recipient, kind: str) -> bool:
    """An open (or a click) is kept only for a campaign that records engagement and a
    contact whose latest consent for open (click) tracking is "given"."""
    purpose = ConsentPurpose.OPENS if kind == "opened" else ConsentPurpose.CLICKS
    return (
        Campaign.objects.filter(pk=recipient.campaign_id, track_engagement=True).exists()
        and recipient.contact_id is not None
        and Contact.objects.filter(pk=recipient.contact_id).filter(consent_given(purpose)).exists()
    )


def delivery_event_record(
    *, recipient: Recipient, kind: str, event_id: str, occurred_at: datetime | None = None
) -> bool:
    """Record one event once (False: already recorded, or not kept)."""
    column = EVENT_COLUMNS.get(kind)
    if column is None:
        return False
    if kind in ENGAGEMENT and not engagement_allowed(recipient, kind):
        return False  # no consent for tracking: deliveries and unsubscribes only
    occurred_at = occurred_at or timezone.now()
    try:
        with transaction.atomic():
            DeliveryEvent.objects.create(
                recipient=recipient, kind=kind, event_id=event_id[:200], occurred_at=occurred_at
            )
    except IntegrityError:
        return False
    with transaction.atomic():
        Recipient.objects.filter(pk=recipient.pk, **{f"{column}__isnull": True}).update(
            **{column: occurred_at}
        )
        if kind in ("bounced", "rejected"):
            _suppress(recipient.email, Suppression.Reason.BOUNCED)
        elif kind == "complained":
            _suppress(recipient.email, Suppression.Reason.COMPLAINED)
        elif kind == "unsubscribed":
            _withdraw(recipient, source="email provider")
    return True


def tracking_event_receive(*, event: Any) -> bool:
    """An anymail AnymailTrackingEvent: matched by the metadata we sent, else by the
    Message-ID."""
    recipient = None
    metadata = getattr(event, "metadata", None) or {}
    recipient_id = str(metadata.get("relais_recipient", ""))
    if recipient_id.isdigit():
        recipient = Recipient.objects.filter(pk=int(recipient_id)).first()
    if recipient is None and event.message_id:
        recipient = Recipient.objects.filter(message_id=str(event.message_id).strip("<>")).first()
    if recipient is None:
        return False
    event_id = event.event_id or f"{event.event_type}:{event.message_id}:{event.timestamp}"
    return delivery_event_record(
        recipient=recipient,
        kind=event.event_type,
        event_id=f"esp:{event_id}",
        occurred_at=event.timestamp,
    )


def _withdraw(recipient: Recipient, *, source: str) -> None:
    contact = recipient.contact
    if contact is None or contact.erased_at is not None:
        return
    Recipient.objects.filter(pk=recipient.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    latest = crm_selectors.consent_current(contact=contact).get(Channel.EMAIL)
    if latest is not None and latest.status == Consent.Status.WITHDRAWN:
        return
    crm_services.consent_record(
        contact=contact,
        channel=Channel.EMAIL,
        status=Consent.Status.WITHDRAWN,
        source=source,
        proof=f"campaign {recipient.campaign_id}",
        actor=None,
    )


def unsubscribe(*, recipient_id: int | None) -> Recipient:
    """The one click: the contact's email consent is withdrawn (on the timeline), once."""
    if recipient_id is None:
        raise ValidationError(ERROR_BAD_TOKEN, code="token")
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("contact")
            .filter(pk=recipient_id)
            .first()
        )
        if recipient is None:
            raise ValidationError(ERROR_BAD_TOKEN, code="token")
        if recipient.contact is None or recipient.contact.erased_at is not None:
            raise ValidationError(ERROR_ERASED, code="erased")
        if recipient.unsubscribed_at is None:
            _withdraw(recipient, source=UNSUBSCRIBE_SOURCE)
            recipient.refresh_from_db()
    return recipient
