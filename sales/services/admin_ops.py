"""Admin-side writes: stage probabilities (and the opportunities that follow them), saved
views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User

from ..models import Opportunity, SavedView, StageProbability
from .common import ERROR_PROBABILITY, ERROR_SAVED_VIEW_NAME, ERROR_SAVED_VIEW_TAKEN


def stage_probability_set(*, stage: str, probability: int) -> StageProbability:
    """Set a stage's default; open opportunities of that stage without their own follow."""
    if not isinstance(probability, int) or not 0 <= probability <= 100:
        raise ValidationError({"probability": ERROR_PROBABILITY})
    with transaction.atomic():
        row, _created = StageProbability.objects.update_or_create(
            stage=stage, defaults={"probability": probability}
        )
        stage_probability_apply(row)
    return row


def stage_probability_apply(row: StageProbability) -> int:
    from .common import bump

    bump()
    if row.stage in ("won", "lost"):
        return 0
    return Opportunity.objects.filter(stage=row.stage, probability_overridden=False).update(
        probability=row.probability
    )


def saved_view_create(*, owner: User, name: str, query: str) -> SavedView:
    name = " ".join((name or "").split())[:60]
    if not name:
        raise ValidationError({"name": ERROR_SAVED_VIEW_NAME})
    if SavedView.objects.filter(owner=owner, name=name).exists():
        raise ValidationError({"name": ERROR_SAVED_VIEW_TAKEN})
    try:
        with transaction.atomic():
            return SavedView.objects.create(owner=owner, name=name, query=query[:500])
    except IntegrityError as exc:
        raise ValidationError({"name": ERROR_SAVED_VIEW_TAKEN}) from exc


def saved_view_delete(*, view: SavedView) -> None:
    view.delete()


def rep_availability_set(*, user: User, available: bool) -> None:
    from ..models import RepStatus

    RepStatus.objects.update_or_create(user=user, defaults={"is_available": available})
