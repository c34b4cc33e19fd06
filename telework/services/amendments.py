"""Amendments: a change of days, place or hours is a new version both parties sign; the
earlier versions stay, and the page shows what changed between two of them."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import User

from .. import errors
from ..models import AgreementVersion
from ._common import check_text, format_date, hr_users, notify, parties_for, today, weekday_labels
from .lifecycle import (
    EMPLOYEE,
    HR,
    MANAGER,
    Agreement,
    Kind,
    Status,
    _lock,
    build_version,
    validate_terms,
)

AMENDABLE = (Status.SIGNED, Status.ACTIVE)


def agreement_amend(
    *,
    agreement: Agreement,
    actor: User,
    effective_from: dt.date,
    weekdays: Sequence[int] | None = None,
    days_per_month: int | None = None,
    rhythm: str | None = None,
    address: str | None = None,
    work_accident_place: bool | None = None,
    contact_starts_at: dt.time | None = None,
    contact_ends_at: dt.time | None = None,
    contact_weekdays: Sequence[int] | None = None,
    change_note: str = "",
) -> AgreementVersion:
    """Propose a new version. Unchanged terms are carried over; nothing changes until
    both parties have signed it."""
    change_note = check_text(change_note, "change_note", 1000)
    with transaction.atomic():
        agreement = _lock(agreement)
        if agreement.kind == Kind.EXCEPTIONAL:
            raise ValidationError(errors.ERROR_AMEND_EXCEPTIONAL, code="exceptional")
        if agreement.status not in AMENDABLE or agreement.ends_on is not None:
            raise ValidationError(errors.ERROR_AMEND_STATUS, code="status")
        if not parties_for(actor, agreement) & {EMPLOYEE, MANAGER, HR}:
            raise ValidationError(
                errors.ERROR_NOT_YOUR_PART % {"action": _("amended")}, code="party"
            )
        if AgreementVersion.objects.filter(
            agreement=agreement, status=AgreementVersion.Status.PENDING
        ).exists():
            raise ValidationError(errors.ERROR_AMEND_PENDING, code="pending")
        current = agreement.current_version
        assert current is not None
        last = agreement.last_day
        if effective_from < max(today(), agreement.start_date) or (last and effective_from > last):
            raise ValidationError({"effective_from": errors.ERROR_AMEND_EFFECTIVE})
        terms = validate_terms(
            policy=agreement.policy,
            kind=agreement.kind,
            weekdays=current.weekdays if weekdays is None else weekdays,
            days_per_month=current.days_per_month if days_per_month is None else days_per_month,
            rhythm=current.rhythm if rhythm is None else rhythm,
            address=current.address if address is None else address,
            work_accident_place=(
                current.work_accident_place if work_accident_place is None else work_accident_place
            ),
            contact_starts_at=contact_starts_at or current.contact_starts_at,
            contact_ends_at=contact_ends_at or current.contact_ends_at,
            contact_weekdays=current.contact_weekdays
            if contact_weekdays is None
            else contact_weekdays,
        )
        same = (
            terms.weekdays == sorted(current.weekdays)
            and terms.days_per_month == current.days_per_month
            and terms.rhythm == current.rhythm
            and terms.address == current.address
            and terms.work_accident_place == current.work_accident_place
            and terms.contact_starts_at == current.contact_starts_at
            and terms.contact_ends_at == current.contact_ends_at
            and terms.contact_weekdays == sorted(current.contact_weekdays)
        )
        if same:
            raise ValidationError(errors.ERROR_AMEND_NO_CHANGE, code="no_change")
        number = (
            agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = build_version(
            agreement=agreement,
            number=number,
            terms=terms,
            effective_from=effective_from,
            created_by=actor,
            status=AgreementVersion.Status.PENDING,
            change_note=change_note,
        )
        version.save()
        notify(
            [agreement.employee, *hr_users()],
            title=gettext_noop("Amendment to sign: telework of %(name)s"),
            url=agreement.get_absolute_url(),
            name=str(agreement.employee),
        )
    return version


def amendment_withdraw(*, version: AgreementVersion, actor: User) -> AgreementVersion:
    """Either party drops a pending amendment (the employee's refusal is never a fault);
    the version in force stays."""
    with transaction.atomic():
        agreement = _lock(version.agreement)
        version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != AgreementVersion.Status.PENDING or version.number == 1:
            raise ValidationError(errors.ERROR_NOTHING_TO_SIGN, code="nothing_pending")
        if not parties_for(actor, agreement) & {EMPLOYEE, MANAGER, HR}:
            raise ValidationError(
                errors.ERROR_NOT_YOUR_PART % {"action": _("withdrawn")}, code="party"
            )
        version.status = AgreementVersion.Status.WITHDRAWN
        version.save(update_fields=["status"])
    return version


# --- Differences between two versions ---------------------------------------------------
@dataclass(frozen=True)
class FieldChange:
    label: Any
    before: str
    after: str


def _terms(version: AgreementVersion) -> list[tuple[Any, str]]:
    return [
        (_("Telework days"), weekday_labels(version.weekdays) or "—"),
        (_("Days per month"), str(version.days_per_month or "—")),
        (_("Rhythm"), version.rhythm or "—"),
        (_("Place of telework"), version.address),
        (_("Contact hours"), f"{version.contact_starts_at:%H:%M}–{version.contact_ends_at:%H:%M}"),
        (_("Days with contact hours"), weekday_labels(version.contact_weekdays)),
        (_("In force from"), format_date(version.effective_from)),
    ]


def version_diff(
    before: AgreementVersion, after: AgreementVersion
) -> tuple[list[FieldChange], list[tuple[str, str]]]:
    """The terms that changed, and the text's line diff as (kind, line) pairs where kind
    is "+", "-" or " " (context)."""
    changes = [
        FieldChange(label, old, new)
        for (label, old), (_label, new) in zip(_terms(before), _terms(after), strict=True)
        if old != new
    ]
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(
        before.text.splitlines(), after.text.splitlines(), lineterm="", n=1
    ):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(("@", "…"))
            continue
        lines.append((line[:1], line[1:]))
    return changes, lines
