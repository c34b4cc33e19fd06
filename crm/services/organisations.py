"""Organisations: create and update, the legal id free, their search text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User

from .. import timeline
from ..models import (
    Organisation,
)
from ..search import (
    organisation_search_text,
)
from ..validators import normalise_legal_id
from .common import ERROR_LEGAL_ID_TAKEN, activity_record, tags_resolve
from .contacts import contact_refresh_search_text

# --- Organisations ----------------------------------------------------------------------
ORGANISATION_FIELDS = {
    "name", "legal_id", "sector", "size", "website", "owner", "address_line1",
    "address_line2", "postal_code", "city", "region", "country",
}  # fmt: skip


def _check_legal_id_free(organisation: Organisation) -> None:
    if organisation.legal_id and (
        Organisation.objects.filter(legal_id=organisation.legal_id)
        .exclude(pk=organisation.pk)
        .exists()
    ):
        raise ValidationError({"legal_id": ERROR_LEGAL_ID_TAKEN})


def _organisation_search_text(organisation: Organisation) -> str:
    return organisation_search_text(
        name=organisation.name,
        legal_id=organisation.legal_id,
        city=organisation.city,
        sector=organisation.sector,
    )


def organisation_create(
    *, actor: User | None, name: str, tags: Iterable[str] = (), **fields: Any
) -> Organisation:
    unknown = set(fields) - ORGANISATION_FIELDS
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation(name=name.strip(), **fields)
    organisation.legal_id = normalise_legal_id(organisation.legal_id)
    organisation.country = (organisation.country or "FR").upper()
    _check_legal_id_free(organisation)
    organisation.full_clean()
    organisation.search_text = _organisation_search_text(organisation)
    with transaction.atomic():
        organisation.save()
        organisation.tags.set(tags_resolve(names=tags))
        activity_record(
            kind=timeline.ORGANISATION_CREATED,
            organisation=organisation,
            actor=actor,
            source=organisation,
        )
    return organisation


def organisation_update(
    *,
    organisation: Organisation,
    actor: User | None,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Organisation:
    unknown = set(fields) - ORGANISATION_FIELDS
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.legal_id = normalise_legal_id(organisation.legal_id)
    organisation.country = (organisation.country or "FR").upper()
    _check_legal_id_free(organisation)
    organisation.full_clean()
    organisation.search_text = _organisation_search_text(organisation)
    with transaction.atomic():
        organisation._history_user = actor  # type: ignore[attr-defined]
        organisation.save()
        if tags is not None:
            organisation.tags.set(tags_resolve(names=tags))
        # Contacts' search text includes the organisation's name.
        if "name" in fields:
            for contact in organisation.contacts.prefetch_related("emails", "external_ids"):
                contact_refresh_search_text(contact)
    return organisation
