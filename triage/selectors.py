from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpRequest

from accounts.models import User
from accounts.roles import has_role
from tickets.models import Message
from tickets.permissions import TICKETS_WORK
from tickets.selectors import user_can_see_ticket

from .labels import category_label
from .models import MessageAssessment


def assessment_view(assessment: MessageAssessment) -> dict[str, Any]:
    """What the ticket page shows for one assessment."""
    return {
        "assessment": assessment,
        "triggers": [
            {"text": t["text"], "label": category_label(t["category"])} for t in assessment.triggers
        ],
    }


def annotations_for(messages: Sequence[Message], request: HttpRequest) -> dict[int, dict[str, Any]]:
    """tickets' annotation hook: the assessments of a page of messages, one query."""
    ids = [m.pk for m in messages if m.direction == Message.Direction.INBOUND]
    if not ids:
        return {}
    found = MessageAssessment.objects.filter(message_id__in=ids).select_related("corrected_by")
    return {a.message_id: assessment_view(a) for a in found}


def assessment_get_for_user(*, user: User, pk: int) -> MessageAssessment:
    assessment = (
        MessageAssessment.objects.select_related("ticket", "message", "corrected_by")
        .filter(pk=pk)
        .first()
    )
    if (
        assessment is None
        or not has_role(user, *TICKETS_WORK)
        or not user_can_see_ticket(user=user, ticket=assessment.ticket)
    ):
        raise Http404
    return assessment


def assessments_for_ticket(*, user: User, ticket_id: int) -> list[MessageAssessment]:
    from tickets.selectors import ticket_get_for_user

    ticket = ticket_get_for_user(user=user, pk=ticket_id)
    return list(
        MessageAssessment.objects.filter(ticket=ticket)
        .select_related("corrected_by")
        .order_by("-created_at", "-id")[:200]
    )
