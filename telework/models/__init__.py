"""Telework models, one module per concern; import them from here."""

from .agreements import (
    Absence,
    Agreement,
    AgreementVersion,
    Declaration,
    EndRequest,
    Party,
    ReadLog,
    Signature,
)
from .allowance import AllowanceExport, AllowanceLine
from .continuity import CallUp, ContinuityActivation, ContinuityMember, ReserveMember
from .equipment import Asset, Assignment, Purchase
from .onboarding import OnboardingItem
from .policy import (
    AllowanceRate,
    AssetKind,
    EmployeeFile,
    LegalEntity,
    OnboardingStep,
    Owner,
    Policy,
    PolicyEquipment,
)

__all__ = [
    "Absence",
    "Agreement",
    "AgreementVersion",
    "AllowanceExport",
    "AllowanceLine",
    "AllowanceRate",
    "Asset",
    "AssetKind",
    "Assignment",
    "CallUp",
    "ContinuityActivation",
    "ContinuityMember",
    "Declaration",
    "EmployeeFile",
    "EndRequest",
    "LegalEntity",
    "OnboardingItem",
    "OnboardingStep",
    "Owner",
    "Party",
    "Policy",
    "PolicyEquipment",
    "Purchase",
    "ReadLog",
    "ReserveMember",
    "Signature",
]

# Named choice sets for the OpenAPI schema (settings.SPECTACULAR_SETTINGS).
AGREEMENT_KINDS = Agreement.Kind.choices
AGREEMENT_STATUSES = Agreement.Status.choices
VERSION_STATUSES = AgreementVersion.Status.choices
ASSET_STATES = Asset.State.choices
RESERVE_CATEGORIES = ReserveMember.Category.choices
RESERVE_AVAILABILITIES = ReserveMember.Availability.choices
