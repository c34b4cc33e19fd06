"""Scoring customer messages, routing by the admin's policy, and agents' corrections."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.models import Message, Queue, Ticket
from tickets.services import ticket_update

from .analyser import Assessment, Thresholds, analyse
from .models import AssessmentCorrection, MessageAssessment, TriagePolicy
from .policies import policy_for

logger = logging.getLogger(__name__)

ERROR_ANGRY_NOT_NEGATIVE = _("An angry message is negative too.")
ERROR_NOTE_TOO_LONG = _("The note is at most 500 characters.")
ERROR_NOT_A_CUSTOMER_MESSAGE = _("Only messages from customers are scored.")


def _route(ticket: Ticket, result: Assessment, policy: TriagePolicy) -> dict[str, list[object]]:
    """Raise the priority (never lower it) and move the ticket as the policy says."""
    if not (result.angry or result.negative) or ticket.status == Ticket.Status.CLOSED:
        return {}
    priority = policy.angry_priority if result.angry else policy.negative_priority
    queue_id = policy.angry_queue_id if result.angry else policy.negative_queue_id
    queue: Queue | None = None
    if queue_id and queue_id != ticket.queue_id:
        queue = Queue.objects.filter(pk=queue_id, is_active=True).first()
        if queue is not None and ticket.requester_user_id and queue.kind != Queue.Kind.IT:
            queue = None  # an internal request stays in IT (tickets.services.requester_errors)
    new_priority = priority if priority > ticket.priority else None
    if new_priority is None and queue is None:
        return {}
    actions: dict[str, list[object]] = {}
    if new_priority is not None:
        actions["priority"] = [ticket.priority, new_priority]
    if queue is not None:
        actions["queue"] = [ticket.queue.name, queue.name]
    ticket_update(ticket=ticket, actor=None, priority=new_priority, queue=queue)
    return actions


def message_assess(*, message: Message, new: bool = False) -> MessageAssessment:
    """Score a customer message and apply the ticket's policy (once per message; `new`
    says the caller just stored it, so there is no score to look for)."""
    if not new:
        existing = MessageAssessment.objects.filter(message=message).first()
        if existing is not None:
            return existing
    if message.direction != Message.Direction.INBOUND or message.author_contact_id is None:
        raise ValidationError(ERROR_NOT_A_CUSTOMER_MESSAGE)
    ticket = message.ticket  # the instance the tickets service holds (locked, current)
    policy = policy_for(ticket.queue_id)
    contact = message.author_contact
    hint = contact.preferred_language if contact is not None else None
    thresholds = Thresholds(negative=policy.negative_threshold, angry_points=policy.angry_points)
    result = analyse(message.body_text, language=hint, thresholds=thresholds)
    # No savepoint of its own: the hook's (on_customer_message) already isolates it.
    with transaction.atomic(savepoint=False):
        actions = _route(ticket, result, policy)
        return MessageAssessment.objects.create(
            message=message,
            ticket=ticket,
            score=result.score,
            negative=result.negative,
            angry=result.angry,
            language=result.language,
            anger_points=result.anger_points,
            triggers=[t.as_dict() for t in result.triggers],
            analyser_version=result.version,
            actions=actions,
        )


def on_customer_message(message: Message) -> bool:
    """tickets' customer-message hook; True when the ticket was changed. Triage must
    never cost the customer their message: a failure is logged, the message stays
    unscored."""
    try:
        with transaction.atomic():
            return bool(message_assess(message=message, new=True).actions)
    except Exception:
        logger.exception("emotion triage failed for message %s", message.pk)
        return False


def assessment_correct(
    *, assessment: MessageAssessment, actor: User, negative: bool, angry: bool, note: str = ""
) -> MessageAssessment:
    """The agent says what the message really was; stored for tuning, shown from now on."""
    errors: dict[str, object] = {}
    if angry and not negative:
        errors["angry"] = ERROR_ANGRY_NOT_NEGATIVE
    note = " ".join((note or "").split())
    if len(note) > 500:
        errors["note"] = ERROR_NOTE_TOO_LONG
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        assessment = MessageAssessment.objects.select_for_update().get(pk=assessment.pk)
        AssessmentCorrection.objects.create(
            assessment=assessment,
            corrected_by=actor,
            negative=negative,
            angry=angry,
            note=note,
            analyser_negative=assessment.negative,
            analyser_angry=assessment.angry,
            analyser_version=assessment.analyser_version,
            created_at=now,
        )
        assessment.corrected_negative = negative
        assessment.corrected_angry = angry
        assessment.corrected_by = actor
        assessment.corrected_at = now
        assessment.save(
            update_fields=["corrected_negative", "corrected_angry", "corrected_by", "corrected_at"]
        )
    return assessment
