"""Answering: the state of a token, recording or changing an answer, its follow-ups.

An answer is written once per invitation and may be changed within the survey's window;
then the token is spent. Everything an answer causes happens in its transaction: the
timeline row, the emotion triage of the comment (triage's analyser, with the thresholds
of the ticket's queue), and for a low score (CSAT 1-2, NPS 0-6) a follow-up ticket in the
survey's follow-up queue, opened through `tickets.services.ticket_create` (so the desk's
customer-message hooks, emotion triage among them, see the comment too).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.services import activity_record
from tickets.models import Ticket
from tickets.services import ticket_create
from triage.analyser import Thresholds, analyse
from triage.policies import policy_for

from .. import timeline
from ..models import COMMENT_MAX, Invitation, SurveyKind, SurveyResponse

ERROR_SCORE_REQUIRED = _("Choose a score.")
ERROR_SCORE_RANGE = _("The score must be between %(low)s and %(high)s.")
ERROR_COMMENT_TOO_LONG = _("The comment is at most %(limit)s characters.")
ERROR_COMMENT_INVALID = _("The comment contains characters that are not allowed.")
ERROR_EXPIRED = _("This survey link has expired.")
ERROR_ERASED = _("This survey link is no longer valid.")
ERROR_SPENT = _("You have already answered this survey and the answer can no longer be changed.")
ERROR_NOT_SENT = _("This survey link is not valid.")


class TokenState(StrEnum):
    OPEN = "open"  # may answer
    CHANGEABLE = "changeable"  # answered, may still change it
    SPENT = "spent"  # answered, window over
    EXPIRED = "expired"
    ERASED = "erased"
    NOT_SENT = "not_sent"


REFUSALS: dict[str, Any] = {
    TokenState.SPENT: ERROR_SPENT,
    TokenState.EXPIRED: ERROR_EXPIRED,
    TokenState.ERASED: ERROR_ERASED,
    TokenState.NOT_SENT: ERROR_NOT_SENT,
}


def change_deadline(response: SurveyResponse, invitation: Invitation) -> dt.datetime:
    return response.answered_at + dt.timedelta(hours=invitation.survey.change_window_hours)


def token_state(
    invitation: Invitation, response: SurveyResponse | None, *, now: dt.datetime | None = None
) -> TokenState:
    now = now or timezone.now()
    contact = invitation.contact
    if contact.erased_at is not None:
        return TokenState.ERASED
    if invitation.status != Invitation.Status.SENT:
        return TokenState.NOT_SENT
    if response is not None:
        if now <= change_deadline(response, invitation):
            return TokenState.CHANGEABLE
        return TokenState.SPENT
    if invitation.expires_at is not None and now > invitation.expires_at:
        return TokenState.EXPIRED
    return TokenState.OPEN


def clean_answer(kind: str, score: Any, comment: Any) -> tuple[int, str]:
    """The score as an int within the scale and the comment trimmed, or field errors."""
    errors: dict[str, Any] = {}
    low, high = (1, 5) if kind == SurveyKind.CSAT else (0, 10)
    value: int | None = None
    if score is None or score == "":
        errors["score"] = ERROR_SCORE_REQUIRED
    else:
        text = str(score).strip()
        if text.isdigit() and len(text) <= 2 and low <= int(text) <= high:
            value = int(text)
        else:
            errors["score"] = ERROR_SCORE_RANGE % {"low": low, "high": high}
    note = comment if isinstance(comment, str) else ("" if comment is None else str(comment))
    note = note.strip()
    if len(note) > COMMENT_MAX:
        errors["comment"] = ERROR_COMMENT_TOO_LONG % {"limit": COMMENT_MAX}
    elif "\x00" in note or any(0xD800 <= ord(c) <= 0xDFFF for c in note):
        errors["comment"] = ERROR_COMMENT_INVALID
    if errors:
        raise ValidationError(errors)
    assert value is not None
    return value, note


def _triage(response: SurveyResponse, queue_id: int | None) -> None:
    response.comment_score = None
    response.comment_negative = response.comment_angry = False
    response.comment_triggers = []
    if not response.comment:
        return
    thresholds = None
    if queue_id is not None:
        policy = policy_for(queue_id)
        thresholds = Thresholds(
            negative=policy.negative_threshold, angry_points=policy.angry_points
        )
    result = analyse(response.comment, language=response.language or None, thresholds=thresholds)
    response.comment_score = result.score
    response.comment_negative = result.negative
    response.comment_angry = result.angry
    response.comment_triggers = [t.as_dict() for t in result.triggers]


def _follow_up(response: SurveyResponse) -> Ticket | None:
    survey = response.survey
    queue = survey.follow_up_queue
    if queue is None or not queue.is_active or response.follow_up_ticket_id is not None:
        return None
    scale = 5 if response.kind == SurveyKind.CSAT else 10
    # Written for the desk, in the staff's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Low survey answer: %(score)s/%(scale)s (%(survey)s)") % {
            "score": response.score, "scale": scale, "survey": survey.name,
        }  # fmt: skip
        lines = [gettext("Survey answer: %(score)s/%(scale)s.") % {"score": response.score,
                                                                   "scale": scale}]  # fmt: skip
        if response.ticket_id:
            lines.append(gettext("About ticket #%(number)s.") % {"number": response.ticket_id})
        lines.append(
            gettext("Customer's comment: %(comment)s") % {"comment": response.comment}
            if response.comment
            else gettext("The customer left no comment.")
        )
    channel = response.channel if response.channel in Ticket.Channel.values else "web"
    return ticket_create(
        queue=queue,
        subject=subject,
        body="\n\n".join(lines),
        channel=channel,
        contact=response.contact,
        body_format="markdown",
    )


def response_submit(
    *, invitation: Invitation, score: Any, comment: Any = "", now: dt.datetime | None = None
) -> SurveyResponse:
    """Record the answer, or change it within the window. Refused (nothing written) for
    an expired, spent or never-sent link, or an erased contact."""
    now = now or timezone.now()
    value, note = clean_answer(invitation.survey.kind, score, comment)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("survey", "survey__follow_up_queue", "contact", "ticket")
            .get(pk=invitation.pk)
        )
        response = SurveyResponse.objects.filter(invitation=invitation).first()
        state = token_state(invitation, response, now=now)
        if state in REFUSALS:
            raise ValidationError(REFUSALS[state], code=str(state))
        changed = response is not None
        if response is None:
            ticket = invitation.ticket
            response = SurveyResponse(
                invitation=invitation,
                survey=invitation.survey,
                kind=invitation.survey.kind,
                contact=invitation.contact,
                ticket=ticket,
                queue_id=ticket.queue_id if ticket else None,
                team_id=ticket.team_id if ticket else None,
                agent_id=ticket.assignee_id if ticket else None,
                channel=ticket.channel if ticket else "email",
                language=invitation.language or invitation.contact.preferred_language,
                answered_at=now,
            )
        else:
            response.changed_at = now
        response.score = value
        response.comment = note
        _triage(response, response.queue_id or invitation.survey.follow_up_queue_id)
        response.full_clean(exclude=["invitation", "follow_up_ticket"])
        response.save()
        activity_record(
            kind=timeline.SURVEY_ANSWERED,
            contact=invitation.contact,
            source=response,
            occurred_at=now,
            data={"kind": response.kind, "score": value, "survey": invitation.survey.name,
                  "changed": changed, "ticket": response.ticket_id},
        )  # fmt: skip
        if response.is_low:
            follow_up = _follow_up(response)
            if follow_up is not None:
                response.follow_up_ticket = follow_up
                response.save(update_fields=["follow_up_ticket"])
    return response
