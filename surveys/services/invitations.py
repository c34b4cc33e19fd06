"""Scheduling and sending invitations.

- CSAT: `on_ticket_resolved` (a tickets resolution hook, inside the resolving
  transaction) schedules one invitation per ticket, `delay_minutes` later, if the ticket's
  queue has an active CSAT survey. A ticket reopened and resolved again keeps its first
  invitation (the unique constraint makes scheduling idempotent).
- NPS: `nps_survey_send(survey=..., contact_ids=...)` schedules one invitation per
  contact (idempotent per survey and contact) due now.
- `invitations_send_due` (the beat task, every minute) claims the due rows with one
  conditional UPDATE and, in the same transaction, decides for each one: sent (through
  channels' `email_send`, in the contact's language) or not sent, with the reason (no
  email consent, erased or merged, no address, surveyed too recently). Two sweeps at once
  never claim the same row: the second one's UPDATE finds them no longer scheduled.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from channels.outbound.services import email_send
from crm.models import Channel, Consent, Contact, ContactEmail, Language
from tickets.models import Ticket

from ..models import Invitation, Survey, SurveyKind
from ..tokens import answer_url

ERROR_NOT_NPS = _("Only an NPS survey is sent to a list of contacts.")
ERROR_INACTIVE = _("This survey is inactive.")
ERROR_NO_CONTACTS = _("Give at least one contact.")
ERROR_TOO_MANY_CONTACTS = _("At most %(limit)s contacts at a time.")
ERROR_BAD_CONTACT_ID = _("Contact ids are whole numbers.")

PURPOSE = "survey"
MAX_NPS_CONTACTS = 100_000
SWEEP_BATCH = 500

Reason = Invitation.SkipReason


def _csat_survey_for(queue_id: int) -> Survey | None:
    return (
        Survey.objects.filter(kind=SurveyKind.CSAT, is_active=True, queues=queue_id)
        .order_by("pk")
        .first()
    )


def on_ticket_resolved(ticket: Ticket, actor: User | None) -> None:
    """tickets' resolution hook: schedule the queue's CSAT survey for the customer."""
    if ticket.contact_id is None:
        return
    survey = _csat_survey_for(ticket.queue_id)
    if survey is None:
        return
    csat_invitation_schedule(survey=survey, ticket=ticket)


def csat_invitation_schedule(*, survey: Survey, ticket: Ticket) -> bool:
    """Schedule the ticket's invitation; False when it already had one."""
    assert ticket.contact_id is not None
    if Invitation.objects.filter(survey=survey, ticket=ticket).exists():
        return False
    now = timezone.now()
    # ignore_conflicts: two resolutions racing still leave one row (the unique constraint).
    Invitation.objects.bulk_create(
        [
            Invitation(
                survey=survey,
                contact_id=ticket.contact_id,
                ticket=ticket,
                send_after=now + dt.timedelta(minutes=survey.delay_minutes),
            )
        ],
        ignore_conflicts=True,
    )
    return True


@dataclass(frozen=True)
class NpsSendResult:
    scheduled: int
    already_invited: int
    unknown: int

    def as_dict(self) -> dict[str, int]:
        return {
            "scheduled": self.scheduled,
            "already_invited": self.already_invited,
            "unknown": self.unknown,
        }


def _clean_ids(contact_ids: Iterable[Any]) -> list[int]:
    ids: set[int] = set()
    for value in contact_ids:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError({"contact_ids": ERROR_BAD_CONTACT_ID})
        text = str(value).strip()
        if not text.isdigit() or len(text) > 18:
            raise ValidationError({"contact_ids": ERROR_BAD_CONTACT_ID})
        ids.add(int(text))
        if len(ids) > MAX_NPS_CONTACTS:
            raise ValidationError(
                {"contact_ids": ERROR_TOO_MANY_CONTACTS % {"limit": MAX_NPS_CONTACTS}}
            )
    if not ids:
        raise ValidationError({"contact_ids": ERROR_NO_CONTACTS})
    return sorted(ids)


def nps_survey_send(
    *, survey: Survey, contact_ids: Iterable[Any], actor: User | None = None
) -> NpsSendResult:
    """Invite these contacts to the NPS survey (the campaigns app feeds it a segment).

    Consent, erasure and the frequency cap are checked when each invitation is sent, by
    the same sweep as CSAT, and the reason is kept on every invitation not sent."""
    if survey.kind != SurveyKind.NPS:
        raise ValidationError({"survey": ERROR_NOT_NPS})
    if not survey.is_active:
        raise ValidationError({"survey": ERROR_INACTIVE})
    ids = _clean_ids(contact_ids)
    now = timezone.now()
    with transaction.atomic():
        known: list[int] = []
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            known += list(Contact.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        before = Invitation.objects.filter(survey=survey, ticket__isnull=True).count()
        Invitation.objects.bulk_create(
            [Invitation(survey=survey, contact_id=pk, send_after=now) for pk in known],
            ignore_conflicts=True,
            batch_size=1000,
        )
        after = Invitation.objects.filter(survey=survey, ticket__isnull=True).count()
        transaction.on_commit(_queue_sweep)
    scheduled = after - before
    return NpsSendResult(
        scheduled=scheduled, already_invited=len(known) - scheduled, unknown=len(ids) - len(known)
    )


def _queue_sweep() -> None:
    from ..tasks import invitations_send_due_task

    invitations_send_due_task.delay()


# --- The sweep ------------------------------------------------------------------------
def _latest_email_consent(contact_ids: Sequence[int]) -> dict[int, str]:
    latest: dict[int, str] = {}
    rows = (
        Consent.objects.filter(contact__in=contact_ids, channel=Channel.EMAIL)
        .order_by("contact_id", "-recorded_at", "-id")
        .values_list("contact_id", "status")
    )
    for contact_id, status in rows:
        latest.setdefault(contact_id, status)
    return latest


def _emails(contact_ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    rows = (
        ContactEmail.objects.filter(contact__in=contact_ids)
        .order_by("contact_id", "-is_primary", "id")
        .values_list("contact_id", "email")
    )
    for contact_id, email in rows:
        found.setdefault(contact_id, email)
    return found


def _last_sent(contact_ids: Sequence[int]) -> dict[int, dt.datetime]:
    rows = (
        Invitation.objects.filter(
            contact__in=contact_ids, status=Invitation.Status.SENT, sent_at__isnull=False
        )
        .values("contact_id")
        .annotate(last=Max("sent_at"))
        .values_list("contact_id", "last")
    )
    return dict(rows)


def exclusion_reason(
    invitation: Invitation,
    *,
    consent: dict[int, str],
    emails: dict[int, str],
    last_sent: dict[int, dt.datetime],
    now: dt.datetime,
) -> str:
    """Why this invitation must not be sent ("" when it may). One rule for CSAT and NPS."""
    contact = invitation.contact
    if not invitation.survey.is_active:
        return Reason.INACTIVE
    if contact.erased_at is not None or contact.merged_into_id is not None:
        return Reason.ERASED
    if consent.get(contact.pk) != Consent.Status.GIVEN:
        return Reason.NO_CONSENT
    if contact.pk not in emails:
        return Reason.NO_EMAIL
    last = last_sent.get(contact.pk)
    if last is not None and now - last < dt.timedelta(days=invitation.survey.min_days_between):
        return Reason.FREQUENCY
    return ""


def _question(invitation: Invitation) -> str:
    survey = invitation.survey
    custom = survey.question_en if translation.get_language() == "en" else survey.question_fr
    if custom:
        return custom
    if survey.kind == SurveyKind.CSAT:
        return gettext("How satisfied are you with how we handled your request?")
    return gettext("How likely are you to recommend us to a friend or colleague?")


def question_for(invitation: Invitation) -> str:
    return _question(invitation)


def _send(invitation: Invitation, email: str, now: dt.datetime) -> int:
    contact = invitation.contact
    language = contact.preferred_language if contact.preferred_language in Language.values else "fr"
    with translation.override(language):
        url = answer_url(invitation)
        context = {
            "contact": contact,
            "survey": invitation.survey,
            "ticket": invitation.ticket,
            "question": _question(invitation),
            "url": url,
            "scores": [
                {"value": value, "url": f"{url}?score={value}"} for value in invitation.survey.scale
            ],
            "valid_days": invitation.survey.valid_days,
        }
        if invitation.survey.kind == SurveyKind.CSAT:
            subject = gettext("Your opinion on our answer")
            if invitation.ticket is not None:
                subject = gettext("Your opinion on our answer (%(number)s)") % {
                    "number": f"#{invitation.ticket.pk}"
                }
        else:
            subject = gettext("Would you recommend us? One question, ten seconds")
        text = render_to_string("surveys/email/invitation.txt", context)
        html = render_to_string("surveys/email/invitation.html", context)
    row = email_send(
        purpose=PURPOSE, to=[email], subject=subject, text=text, html=html, source=invitation
    )
    invitation.language = language
    return row.pk


def invitations_send_due(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Send the invitations whose time has come; the number handled (sent or not)."""
    now = now or timezone.now()
    claim = uuid.uuid4().hex
    with transaction.atomic():
        due = list(
            Invitation.objects.filter(status=Invitation.Status.SCHEDULED, send_after__lte=now)
            .order_by("send_after", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if not due:
            return 0
        Invitation.objects.filter(pk__in=due, status=Invitation.Status.SCHEDULED).update(
            status=Invitation.Status.SENDING, claim=claim
        )
        rows = list(
            Invitation.objects.filter(claim=claim, status=Invitation.Status.SENDING)
            .select_related("survey", "contact", "ticket")
            .order_by("send_after", "id")
        )
        contact_ids = sorted({row.contact_id for row in rows})
        consent = _latest_email_consent(contact_ids)
        emails = _emails(contact_ids)
        last_sent = _last_sent(contact_ids)
        for row in rows:
            reason = exclusion_reason(
                row, consent=consent, emails=emails, last_sent=last_sent, now=now
            )
            row.claim = ""
            if reason:
                row.status = Invitation.Status.SKIPPED
                row.skip_reason = reason
                continue
            row.outbound_email_id = _send(row, emails[row.contact_id], now)
            row.status = Invitation.Status.SENT
            row.sent_at = now
            row.expires_at = now + dt.timedelta(days=row.survey.valid_days)
            last_sent[row.contact_id] = now  # the cap holds inside one batch too
        Invitation.objects.bulk_update(
            rows,
            ["status", "skip_reason", "claim", "outbound_email_id", "sent_at", "expires_at",
             "language"],
            batch_size=500,
        )  # fmt: skip
    return len(rows)
