"""Creating and changing survey definitions (marketing)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.models import Queue

from ..models import Survey, SurveyKind

ERROR_NAME_REQUIRED = _("Give the survey a name.")
ERROR_NAME_TOO_LONG = _("The name is at most 120 characters.")
ERROR_UNKNOWN_KIND = _("Choose CSAT or NPS.")
ERROR_QUEUE_TAKEN = _("The queue « %(queue)s » already sends another active CSAT survey.")
ERROR_QUEUES_NPS = _("An NPS survey is sent to a list of contacts, not after tickets.")
ERROR_FOLLOW_UP_INACTIVE = _("The follow-up queue is inactive.")
ERROR_VALID_DAYS = _("The link must stay valid between 1 and 365 days.")
ERROR_DELAY = _("The delay is at most 30 days (43,200 minutes).")
ERROR_WINDOW = _("The answer can be changed for at most 720 hours.")
ERROR_FREQUENCY = _("The frequency cap is at most 365 days.")
ERROR_QUESTION_TOO_LONG = _("A question is at most 300 characters.")
ERROR_KIND_LOCKED = _("The kind of a survey that has invitations cannot change.")

FIELDS = (
    "name", "kind", "is_active", "delay_minutes", "min_days_between", "follow_up_queue",
    "change_window_hours", "valid_days", "question_fr", "question_en",
)  # fmt: skip


def _validate(survey: Survey, queues: list[Queue]) -> None:
    errors: dict[str, Any] = {}
    survey.name = " ".join((survey.name or "").split())
    if not survey.name:
        errors["name"] = ERROR_NAME_REQUIRED
    elif len(survey.name) > 120:
        errors["name"] = ERROR_NAME_TOO_LONG
    if survey.kind not in SurveyKind.values:
        errors["kind"] = ERROR_UNKNOWN_KIND
    if not 1 <= survey.valid_days <= 365:
        errors["valid_days"] = ERROR_VALID_DAYS
    if survey.delay_minutes > 43_200:
        errors["delay_minutes"] = ERROR_DELAY
    if survey.change_window_hours > 720:
        errors["change_window_hours"] = ERROR_WINDOW
    if survey.min_days_between > 365:
        errors["min_days_between"] = ERROR_FREQUENCY
    for name in ("question_fr", "question_en"):
        value = (getattr(survey, name) or "").strip()
        setattr(survey, name, value)
        if len(value) > 300:
            errors[name] = ERROR_QUESTION_TOO_LONG
    if survey.follow_up_queue is not None and not survey.follow_up_queue.is_active:
        errors["follow_up_queue"] = ERROR_FOLLOW_UP_INACTIVE
    if survey.kind == SurveyKind.NPS and queues:
        errors["queues"] = ERROR_QUEUES_NPS
    if survey.kind == SurveyKind.CSAT and survey.is_active and queues:
        # One active CSAT survey per queue: the queue's setting is unambiguous.
        taken = (
            Queue.objects.filter(
                pk__in=[q.pk for q in queues],
                csat_surveys__is_active=True,
                csat_surveys__kind=SurveyKind.CSAT,
            )
            .exclude(csat_surveys__pk=survey.pk or 0)
            .order_by("name")
            .first()
        )
        if taken is not None:
            errors["queues"] = ERROR_QUEUE_TAKEN % {"queue": taken.name}
    if survey.pk and "kind" not in errors:
        old_kind = Survey.objects.filter(pk=survey.pk).values_list("kind", flat=True).first()
        if old_kind != survey.kind and survey.invitations.exists():
            errors["kind"] = ERROR_KIND_LOCKED
    if errors:
        raise ValidationError(errors)


def survey_create(*, actor: User | None, queues: Iterable[Queue] = (), **fields: Any) -> Survey:
    survey = Survey(created_by=actor, **{k: v for k, v in fields.items() if k in FIELDS})
    queue_list = list(queues)
    _validate(survey, queue_list)
    with transaction.atomic():
        survey.save()
        survey.queues.set(queue_list)
    return survey


def survey_update(
    *, survey: Survey, actor: User | None, queues: Iterable[Queue] | None = None, **fields: Any
) -> Survey:
    for name, value in fields.items():
        if name in FIELDS:
            setattr(survey, name, value)
    queue_list = list(queues) if queues is not None else list(survey.queues.all())
    _validate(survey, queue_list)
    with transaction.atomic():
        survey.save()
        survey.queues.set(queue_list)
    return survey
