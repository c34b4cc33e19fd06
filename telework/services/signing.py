"""Signing a version (both parties, the hash of the exact text) and the activation of a
signed agreement on its start date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from accounts.models import User

from .. import errors
from ..models import (
    Agreement,
    AgreementVersion,
    Signature,
)
from ._common import (
    format_date,
    hr_users,
    notify,
    now,
    today,
)
from .lifecycle import (
    EMPLOYEE,
    HR,
    TRANSITIONS,
    Kind,
    Status,
    _lock,
    _save,
    _side_for,
    check_transition,
)


def agreement_sign(
    *, agreement: Agreement, actor: User, version_number: int, text_hash_seen: str
) -> Signature:
    """An explicit acceptance of the exact text the signer read: the form carries the
    version number and the hash of the text shown, and an outdated one is refused."""
    from .equipment import equipment_provision_for_agreement

    with transaction.atomic():
        agreement = _lock(agreement)
        party = check_transition(agreement, "sign", actor)
        if party not in (EMPLOYEE, HR):
            raise ValidationError(errors.ERROR_CANNOT_SIGN, code="party")
        version = (
            AgreementVersion.objects.select_for_update()
            .filter(agreement=agreement, status=AgreementVersion.Status.PENDING)
            .order_by("-number")
            .first()
        )
        if version is None:
            raise ValidationError(errors.ERROR_NOTHING_TO_SIGN, code="nothing_to_sign")
        if version.number != version_number or version.text_hash != (text_hash_seen or ""):
            raise ValidationError(
                errors.ERROR_OUTDATED_VERSION % {"current": version.number}, code="outdated"
            )
        if version.number > 1 and version.effective_from < today():
            # Signing late would change days, place or hours retroactively (the place
            # is where the work-accident presumption applies): never after the fact.
            raise ValidationError(
                errors.ERROR_AMEND_LAPSED % {"date": format_date(version.effective_from)},
                code="lapsed",
            )
        side = _side_for(party)
        if version.signatures.filter(side=side).exists():
            raise ValidationError(errors.ERROR_ALREADY_SIGNED, code="already_signed")
        signature = Signature.objects.create(
            version=version, side=side, signer=actor, text_hash=version.text_hash
        )
        sides = set(version.signatures.values_list("side", flat=True))
        if sides >= {Signature.Side.EMPLOYEE, Signature.Side.EMPLOYER}:
            _complete_signatures(agreement, version)
            if agreement.status == Status.SIGNED and version.number == 1:
                equipment_provision_for_agreement(agreement=agreement, actor=actor)
                try_activate(agreement)
    return signature


def _complete_signatures(agreement: Agreement, version: AgreementVersion) -> None:
    from .allowance import allowance_refresh_later

    AgreementVersion.objects.filter(
        agreement=agreement, status=AgreementVersion.Status.SIGNED
    ).exclude(pk=version.pk).update(status=AgreementVersion.Status.SUPERSEDED)
    version.status = AgreementVersion.Status.SIGNED
    version.save(update_fields=["status"])
    agreement.current_version = version
    fields = ["current_version"]
    transition = TRANSITIONS[("sign", agreement.status)]
    if transition.target != agreement.status:
        agreement.status = transition.target
        fields.append("status")
    _save(agreement, *fields)
    if version.number > 1:
        allowance_refresh_later(agreement.employee_id, version.effective_from)
    notify(
        [agreement.employee, *hr_users()],
        title=gettext_noop("Telework agreement signed by both parties: %(name)s"),
        url=agreement.get_absolute_url(),
        name=str(agreement.employee),
    )


# --- Activation -----------------------------------------------------------------------------
def open_mandatory_items(agreement: Agreement) -> list[Any]:
    return list(
        agreement.onboarding_items.filter(mandatory=True, done_at__isnull=True).order_by(
            "order", "pk"
        )
    )


def agreement_activate(
    *, agreement: Agreement, actor: User | None = None, on: dt.date | None = None
) -> Agreement:
    """Start the agreement on (or after) its start date, once every required onboarding
    item is done. Exceptional telework starts regardless of the checklist."""
    from .allowance import allowance_refresh_later

    on = on or today()
    with transaction.atomic():
        agreement = _lock(agreement)
        check_transition(agreement, "activate", actor)
        if agreement.start_date > on:
            raise ValidationError(
                errors.ERROR_NOT_STARTED_YET % {"date": format_date(agreement.start_date)},
                code="not_started",
            )
        if agreement.kind != Kind.EXCEPTIONAL:
            missing = open_mandatory_items(agreement)
            if missing:
                raise ValidationError(
                    errors.ERROR_CHECKLIST_OPEN
                    % {"count": len(missing), "items": ", ".join(i.title for i in missing)},
                    code="checklist",
                )
        agreement.status = TRANSITIONS[("activate", Status.SIGNED)].target
        agreement.activated_at = now()
        _save(agreement, "status", "activated_at")
        allowance_refresh_later(agreement.employee_id, max(agreement.start_date, on))
        notify(
            [agreement.employee],
            title=gettext_noop("Your telework starts today"),
            url=agreement.get_absolute_url(),
        )
    return agreement


def try_activate(agreement: Agreement) -> bool:
    """Activate if due and ready; a refusal here just means "not yet"."""
    if agreement.status != Status.SIGNED or agreement.start_date > today():
        return False
    try:
        with transaction.atomic():
            agreement_activate(agreement=agreement, actor=None)
    except ValidationError:
        return False
    agreement.refresh_from_db(fields=["status", "activated_at"])
    return True


def agreements_activate_due(*, on: dt.date | None = None) -> int:
    """The daily task: start every signed agreement whose start date has come."""
    on = on or today()
    started = 0
    due = Agreement.objects.filter(status=Status.SIGNED, start_date__lte=on).order_by("pk")
    for agreement_id in due.values_list("pk", flat=True).iterator():
        agreement = Agreement.objects.get(pk=agreement_id)
        try:
            agreement_activate(agreement=agreement, actor=None, on=on)
        except ValidationError:
            continue
        started += 1
    return started
