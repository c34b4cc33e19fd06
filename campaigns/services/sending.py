"""Sending a campaign's emails: batches claimed by a task, sent over one SMTP connection,
each recipient marked sent the moment the server accepted its message.

Cost per message (docs/benchmarks.md, "Campaigns"): the templates are inlined once per
language per batch and filled by a regular expression; the consent re-check, the
tracking consents, failures, the outbound-email rows and the timeline rows are written
per batch. The one write per message is the receipt below, a primary-key UPDATE sent
with `synchronous_commit` off on PostgreSQL: the server has it as soon as it answers, so
a killed worker cannot lose it (only a crash of the database server in the next few
hundred milliseconds could, and the recipient would then be sent again, never missed).
`CAMPAIGNS_RECORD_EACH_SEND = False` writes the receipts once per batch instead (one
UPDATE for the batch's sent ids): faster, but a worker killed mid-batch sends that
batch's accepted messages again.

Idempotence. A recipient is `pending`, then `sending` under the claim of one task (its
Celery id), then `sent`. A task redelivered after its worker was killed has the same id
and resumes its own claim; a claim nobody finished is given back by the stale sweep.
The row is the receipt: a recipient marked `sent` is never sent again, and every pending
one is claimed by some batch. The one window left is the instant between the SMTP
server's "250" and the UPDATE that follows it: a worker killed exactly there sends that
one message again, with the same Message-ID (mail clients deduplicate on it), as
channels' own sender documents.

Consent is checked again for every batch, at send time: a withdrawal, an erasure or a
bounce that happened after the start excludes the recipient with the reason.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.utils import formatdate
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.models import OutboundEmail
from crm.models import Activity, ConsentPurpose, Contact

from .. import emails, timeline
from ..models import Campaign, Recipient, Suppression
from ..segments import consent_given

R = Recipient.Status


def queue_sending(campaign_id: int) -> None:
    from ..tasks import campaign_send_task

    transaction.on_commit(lambda: campaign_send_task.delay(campaign_id))


def claim_batch(*, campaign_id: int, claim: str, size: int) -> list[int]:
    own = list(
        Recipient.objects.filter(campaign_id=campaign_id, status=R.SENDING, claim=claim)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if own:
        return own
    with transaction.atomic():
        queryset = Recipient.objects.filter(campaign_id=campaign_id, status=R.PENDING)
        if db_connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:size])
        Recipient.objects.filter(pk__in=ids, status=R.PENDING).update(
            status=R.SENDING, claim=claim, claimed_at=timezone.now()
        )
    return list(
        Recipient.objects.filter(pk__in=ids, status=R.SENDING, claim=claim).values_list(
            "pk", flat=True
        )
    )


def _tracking(rows: list[Recipient]) -> dict[str, set[int]]:
    """The contacts whose latest consent allows the open pixel, and click tracking."""
    contact_ids = [r.contact_id for r in rows if r.contact_id]
    return {
        purpose: set(
            Contact.objects.filter(pk__in=contact_ids)
            .filter(consent_given(purpose))
            .values_list("pk", flat=True)
        )
        for purpose in (ConsentPurpose.OPENS, ConsentPurpose.CLICKS)
    }


def _mark_sent(ids: list[int], now: Any) -> None:
    Recipient.objects.filter(pk__in=ids, status=R.SENDING).update(
        status=R.SENT, sent_at=now, attempts=F("attempts") + 1, claim=""
    )


_RECEIPT = (
    f"UPDATE {Recipient._meta.db_table} SET status = %s, sent_at = %s, "  # noqa: S608 - our table
    "attempts = attempts + 1, claim = '' WHERE id = %s AND status = %s"
)


def _receipt(cursor: Any, pk: int, now: Any) -> None:
    """One recipient's receipt, what `_mark_sent` writes, without the ORM's per-call
    query building (a fixed statement: psycopg prepares it after a few runs)."""
    cursor.execute(_RECEIPT, [R.SENT, now, pk, R.SENDING])


def _fast_commits(on: bool) -> None:
    """The receipts' commits do not wait for the disk (PostgreSQL; see the docstring)."""
    if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
        with db_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF" if on else "RESET synchronous_commit")


def _recheck(rows: list[Recipient]) -> dict[int, str]:
    """Recipients that may no longer be mailed, with why (one query each check)."""
    contact_ids = [r.contact_id for r in rows if r.contact_id]
    allowed = set(
        Contact.objects.filter(pk__in=contact_ids, erased_at__isnull=True)
        .filter(consent_given("email"))
        .values_list("pk", flat=True)
    )
    erased = set(
        Contact.objects.filter(pk__in=contact_ids, erased_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    suppressed = set(
        Suppression.objects.filter(email__in=[r.email.lower() for r in rows]).values_list(
            "email", flat=True
        )
    )
    refused: dict[int, str] = {}
    for row in rows:
        if row.contact_id is None or row.contact_id in erased:
            refused[row.pk] = Recipient.Exclusion.ERASED
        elif row.contact_id not in allowed:
            refused[row.pk] = Recipient.Exclusion.NO_CONSENT
        elif row.email.lower() in suppressed:
            refused[row.pk] = Recipient.Exclusion.BOUNCED
    return refused


def send_batch(*, campaign_id: int, claim: str, size: int | None = None) -> int:
    """Claim and send one batch; the number of recipients handled (0: nothing left).
    Raises on a transient SMTP failure: the rows stay claimed for the retry."""
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.RUNNING).first()
    if campaign is None:
        return 0
    ids = claim_batch(
        campaign_id=campaign_id, claim=claim, size=size or settings.CAMPAIGNS_BATCH_SIZE
    )
    if not ids:
        return 0
    rows = list(
        Recipient.objects.filter(pk__in=ids, status=R.SENDING, claim=claim)
        .select_related("contact__organisation")
        .order_by("pk")
    )
    refused = _recheck(rows)
    for reason in set(refused.values()):
        Recipient.objects.filter(
            pk__in=[pk for pk, why in refused.items() if why == reason], status=R.SENDING
        ).update(status=R.EXCLUDED, exclusion=reason, claim="")
    prepared = {
        "fr": emails.prepare(campaign.subject_fr, campaign.body_fr),
        "en": emails.prepare(campaign.subject_en, campaign.body_en),
    }
    tracking = (
        _tracking([r for r in rows if r.pk not in refused])
        if campaign.track_engagement
        else {ConsentPurpose.OPENS: set(), ConsentPurpose.CLICKS: set()}
    )
    record_each = settings.CAMPAIGNS_RECORD_EACH_SEND
    sent: list[Recipient] = []
    failed: list[Recipient] = []
    connection = get_connection(fail_silently=False)
    connection.open()
    # Plain SMTP: the bytes are written from the prepared template (emails.raw_message).
    smtp = getattr(connection, "connection", None) if isinstance(connection, SmtpBackend) else None
    raw_ctx = emails.raw_context() if smtp is not None else None
    date = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
    if record_each:
        _fast_commits(True)
    cursor = db_connection.cursor()
    try:
        for row in rows:
            if row.pk in refused:
                continue
            contact = row.contact
            assert contact is not None  # checked by _recheck
            values = {
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "full_name": f"{contact.first_name} {contact.last_name}".strip(),
                "organisation": contact.organisation.name if contact.organisation else "",
                "campaign": campaign.name,
            }
            template = prepared.get(row.language, prepared["fr"])
            raw = None
            if raw_ctx is not None:
                raw = emails.raw_message(
                    ctx=raw_ctx,
                    prepared=template,
                    values=values,
                    to=row.email,
                    message_id=row.message_id,
                    recipient_id=row.pk,
                    date=date,
                )
            try:
                if raw is not None and smtp is not None:
                    smtp.sendmail(raw_ctx.envelope_from, [row.email], raw)  # type: ignore[union-attr]
                else:
                    message = emails.build_message(
                        prepared=template,
                        values=values,
                        to=row.email,
                        message_id=row.message_id,
                        recipient_id=row.pk,
                        track_opens=contact.pk in tracking[ConsentPurpose.OPENS],
                        track_clicks=contact.pk in tracking[ConsentPurpose.CLICKS],
                    )
                    connection.send_messages([message])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
                row.error = str(exc)[:500]
                failed.append(row)
                continue
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= 500:
                    row.error = str(exc)[:500]
                    failed.append(row)
                    continue
                raise
            row.sent_at = timezone.now()
            if record_each:
                _receipt(cursor, row.pk, row.sent_at)
            sent.append(row)
    finally:
        connection.close()
        cursor.close()
        if record_each:
            _fast_commits(False)
        elif sent:
            _mark_sent([row.pk for row in sent], sent[-1].sent_at)
        for row in failed:
            row.status, row.claim, row.attempts = R.FAILED, "", row.attempts + 1
        Recipient.objects.bulk_update(failed, ["status", "error", "attempts", "claim"])
        if sent:
            _record(campaign, sent)
    return len(rows)


def _record(campaign: Campaign, sent: list[Recipient]) -> None:
    """What the per-message sender would write, in sets: the outbound email (so that a
    bounce caught by the inbound mail finds what it bounced) and the timeline row."""
    recipient_type = ContentType.objects.get_for_model(Recipient)
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                purpose="campaign",
                source_type=recipient_type,
                source_id=row.pk,
                from_address=settings.CAMPAIGNS_FROM_EMAIL,
                to=[row.email],
                subject=(campaign.subject_en if row.language == "en" else campaign.subject_fr),
                message_id=row.message_id,
                body_text=f"campaign {campaign.pk}",
                status=OutboundEmail.Status.SENT,
                attempts=1,
                sent_at=row.sent_at,
            )
            for row in sent
        ],
        ignore_conflicts=True,
    )
    Activity.objects.bulk_create(
        [
            Activity(
                contact_id=row.contact_id,
                organisation_id=row.contact.organisation_id if row.contact else None,
                kind=timeline.CAMPAIGN_EMAIL,
                occurred_at=row.sent_at or timezone.now(),
                summary=campaign.name[:300],
                data={"campaign": campaign.pk, "name": campaign.name[:150]},
                source_type=ContentType.objects.get_for_model(Campaign),
                source_id=campaign.pk,
            )
            for row in sent
        ]
    )


def campaign_send_done(*, campaign_id: int) -> bool:
    """An email-only campaign with nothing left to send finishes."""
    from .lifecycle import campaign_transition

    left = Recipient.objects.filter(
        campaign_id=campaign_id, status__in=[R.PENDING, R.SENDING]
    ).exists()
    if left:
        return False
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status == Campaign.Status.RUNNING and campaign.channel == Campaign.Channel.EMAIL:
        campaign_transition(campaign=campaign, action="finish", actor=None)
    return True


def sending_resume_stale(*, stale_after: timedelta | None = None) -> list[int]:
    """The beat sweep: claims nobody finished go back to pending, and a campaign with
    pending recipients and no recent activity gets a task again (a lost broker message).
    Returns the campaigns queued."""
    stale_after = stale_after or timedelta(seconds=settings.CAMPAIGNS_CLAIM_STALE_SECONDS)
    cutoff = timezone.now() - stale_after
    queued = []
    running = Campaign.objects.filter(status=Campaign.Status.RUNNING).values_list("pk", flat=True)
    for campaign_id in running:
        Recipient.objects.filter(
            campaign_id=campaign_id, status=R.SENDING, claimed_at__lt=cutoff
        ).update(status=R.PENDING, claim="")
        recent = Recipient.objects.filter(campaign_id=campaign_id, claimed_at__gte=cutoff).exists()
        pending = Recipient.objects.filter(campaign_id=campaign_id, status=R.PENDING).exists()
        if pending and not recent:
            queue_sending(campaign_id)
            queued.append(campaign_id)
    return queued


ERROR_TEST_NO_EMAIL = _("Your account has no email address to send the test to.")


def campaign_test_send(*, campaign: Campaign, actor: Any) -> list[Any]:
    """Both language versions to the user themself, through channels' sender (recorded,
    sent after commit by its task). The unsubscribe link points nowhere real."""
    from channels.outbound.services import email_send

    if not actor.email:
        raise ValidationError(ERROR_TEST_NO_EMAIL, code="no_email")
    if not all((campaign.subject_fr, campaign.body_fr, campaign.subject_en, campaign.body_en)):
        raise ValidationError(emails.ERROR_MISSING, code="template")
    values = {
        "first_name": actor.first_name,
        "last_name": actor.last_name,
        "full_name": actor.get_full_name(),
        "organisation": "",
        "campaign": campaign.name,
        "unsubscribe_url": settings.RELAIS_PUBLIC_URL,
    }
    rows = []
    with transaction.atomic():
        for language, subject, body in (
            ("fr", campaign.subject_fr, campaign.body_fr),
            ("en", campaign.subject_en, campaign.body_en),
        ):
            prepared = emails.prepare(subject, body)
            message = emails.build_message(
                prepared=prepared,
                values=values,
                to=actor.email,
                message_id="test@invalid",
                recipient_id=0,
            )
            html = message.alternatives[0][0] if message.alternatives else ""
            rows.append(
                email_send(
                    purpose="campaign_test",
                    to=[actor.email],
                    subject=f"[TEST {language.upper()}] {message.subject}",
                    text=str(message.body),
                    html=str(html),
                    from_address=settings.CAMPAIGNS_FROM_EMAIL,
                    source=campaign,
                )
            )
    return rows
