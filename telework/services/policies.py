"""Publishing a policy version (one active per legal entity), HR files and rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Team, User
from accounts.roles import ROLE_ORDER

from .. import errors
from ..dates import holiday_country_known
from ..models import (
    AllowanceRate,
    EmployeeFile,
    LegalEntity,
    OnboardingStep,
    Owner,
    Policy,
    PolicyEquipment,
)

# The checklist every new policy starts with (HR edits it in the admin).
DEFAULT_STEPS: list[dict[str, Any]] = [
    {"code": "vpn", "title_fr": "Accès VPN", "title_en": "VPN access", "owner": Owner.IT},
    {
        "code": "2fa",
        "title_fr": "Double authentification",
        "title_en": "Two-factor authentication",
        "owner": Owner.IT,
    },
    {
        "code": "softphone",
        "title_fr": "Softphone installé",
        "title_en": "Softphone installed",
        "owner": Owner.IT,
    },
    {
        "code": "security_training",
        "title_fr": "Formation sécurité informatique",
        "title_en": "IT security training",
        "owner": Owner.EMPLOYEE,
    },
    {
        "code": "gdpr_training",
        "title_fr": "Formation protection des données",
        "title_en": "Data-protection training",
        "owner": Owner.EMPLOYEE,
    },
    {
        "code": "workspace",
        "title_fr": "Attestation d'espace de travail conforme",
        "title_en": "Workspace attestation",
        "owner": Owner.EMPLOYEE,
        "requires_document": True,
    },
    {
        "code": "insurance",
        "title_fr": "Attestation d'assurance habitation",
        "title_en": "Home-insurance attestation",
        "owner": Owner.EMPLOYEE,
        "requires_document": True,
    },
    {
        "code": "manager_training",
        "title_fr": "Manager formé au management à distance",
        "title_en": "Manager trained in remote management",
        "owner": Owner.MANAGER,
    },
    {
        "code": "first_week",
        "title_fr": "Point de la première semaine",
        "title_en": "First-week check-in",
        "owner": Owner.MANAGER,
        "mandatory": False,
        "due_offset_days": 7,
    },
]


def legal_entity_save(
    *,
    entity: LegalEntity | None = None,
    name: str,
    siren: str = "",
    holiday_country: str = "FR",
    holiday_subdivision: str = "",
) -> LegalEntity:
    entity = entity or LegalEntity()
    entity.name = (name or "").strip()
    entity.siren = (siren or "").replace(" ", "")
    entity.holiday_country = (holiday_country or "").upper()
    entity.holiday_subdivision = (holiday_subdivision or "").strip()
    if not holiday_country_known(entity.holiday_country, entity.holiday_subdivision):
        raise ValidationError(
            {"holiday_country": errors.ERROR_HOLIDAY_COUNTRY % {"code": entity.holiday_country}}
        )
    entity.full_clean()
    entity.save()
    return entity


def employee_file_save(
    *,
    user: User,
    legal_entity: LegalEntity,
    payroll_number: str = "",
    disabled_worker: bool = False,
    carer: bool = False,
) -> EmployeeFile:
    file, _created = EmployeeFile.objects.get_or_create(
        user=user, defaults={"legal_entity": legal_entity}
    )
    file.legal_entity = legal_entity
    file.payroll_number = (payroll_number or "").strip()
    file.disabled_worker = disabled_worker
    file.carer = carer
    file.full_clean()
    file.save()
    return file


def _check_hours(policy: Policy) -> None:
    """The policy's own contact hours must run forward within a day and leave its
    right-to-disconnect period alone, or no agreement could take its defaults."""
    from .terms import _overlaps_disconnect

    if policy.contact_ends_at <= policy.contact_starts_at:
        raise ValidationError({"contact_ends_at": errors.ERROR_CONTACT_ORDER})
    if _overlaps_disconnect(policy, policy.contact_starts_at, policy.contact_ends_at):
        raise ValidationError(
            {
                "contact_starts_at": errors.ERROR_CONTACT_IN_DISCONNECT
                % {
                    "start": policy.disconnect_starts_at.strftime("%H:%M"),
                    "end": policy.disconnect_ends_at.strftime("%H:%M"),
                }
            }
        )


def policy_publish(
    *,
    legal_entity: LegalEntity,
    actor: User | None,
    title: str,
    legal_basis: str,
    effective_from: dt.date,
    text_fr: str,
    text_en: str,
    cse_opinion_on: dt.date | None = None,
    eligible_roles: Sequence[str] = (),
    eligible_teams: Sequence[Team] = (),
    equipment: Sequence[tuple[str, str, int]] = (),
    steps: Sequence[dict[str, Any]] | None = None,
    **options: Any,
) -> Policy:
    """A new version of the entity's policy becomes the active one. Agreements signed
    under the previous version keep it; new requests use this one."""
    problems: dict[str, Any] = {}
    if legal_basis == Policy.LegalBasis.CHARTER and cse_opinion_on is None:
        problems["cse_opinion_on"] = errors.ERROR_CSE_DATE
    if not (text_fr or "").strip() or not (text_en or "").strip():
        problems["text_fr"] = errors.ERROR_POLICY_TEXT
    for role in eligible_roles:
        if role not in ROLE_ORDER:
            problems["eligible_roles"] = errors.ERROR_UNKNOWN_ROLE % {"role": role}
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        previous = (
            Policy.objects.select_for_update()
            .filter(legal_entity=legal_entity)
            .order_by("-version")
            .first()
        )
        policy = Policy(
            legal_entity=legal_entity,
            version=(previous.version + 1) if previous else 1,
            title=(title or "").strip(),
            legal_basis=legal_basis,
            cse_opinion_on=cse_opinion_on,
            effective_from=effective_from,
            is_active=True,
            eligible_roles=sorted(set(eligible_roles)),
            text_fr=text_fr.strip(),
            text_en=text_en.strip(),
            created_by=actor,
            **options,
        )
        policy.full_clean(exclude=["is_active"], validate_constraints=False)
        _check_hours(policy)
        Policy.objects.filter(legal_entity=legal_entity, is_active=True).update(is_active=False)
        policy.save()
        policy.eligible_teams.set(eligible_teams)
        for role, kind, quantity in equipment:
            PolicyEquipment.objects.create(policy=policy, role=role, kind=kind, quantity=quantity)
        source = steps
        if source is None and previous is not None:
            source = [
                {
                    "code": s.code,
                    "title_fr": s.title_fr,
                    "title_en": s.title_en,
                    "owner": s.owner,
                    "mandatory": s.mandatory,
                    "due_offset_days": s.due_offset_days,
                    "requires_document": s.requires_document,
                }
                for s in previous.onboarding_steps.all()
            ]
        for order, step in enumerate(source if source is not None else DEFAULT_STEPS):
            OnboardingStep.objects.create(policy=policy, order=order, **step)
    return policy


def rate_save(
    *, rate_set: str, valid_from: dt.date, daily_amount: Decimal, monthly_cap: Decimal
) -> AllowanceRate:
    rate, _created = AllowanceRate.objects.update_or_create(
        rate_set=rate_set,
        valid_from=valid_from,
        defaults={"daily_amount": daily_amount, "monthly_cap": monthly_cap},
    )
    return rate


URSSAF_2025 = [
    (Policy.RateSet.STANDARD, dt.date(2025, 1, 1), Decimal("2.70"), Decimal("59.40")),
    (Policy.RateSet.COLLECTIVE, dt.date(2025, 1, 1), Decimal("3.25"), Decimal("71.50")),
]
