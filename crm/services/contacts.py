"""Contacts: create and update, their emails, phones and external ids, duplicates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .. import timeline
from ..models import (
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
)
from ..search import (
    contact_search_name,
    contact_search_text,
    parse_phone,
)
from .common import (
    ERROR_INVALID_EMAIL,
    ERROR_INVALID_PHONE,
    ERROR_TOO_MANY,
    ERROR_UPDATE_ERASED,
    ERROR_UPDATE_MERGED,
    MAX_EMAILS,
    MAX_PHONES,
    DuplicateContactError,
    activity_record,
    tags_resolve,
)

# --- Contacts ---------------------------------------------------------------------------
CONTACT_FIELDS = {
    "title", "first_name", "last_name", "organisation", "job_title", "preferred_language",
    "preferred_channel", "owner", "is_vip", "address_line1", "address_line2", "postal_code",
    "city", "region", "country",
}  # fmt: skip


def clean_emails(emails: Iterable[str]) -> list[str]:
    """Trimmed, lower-cased, validated, de-duplicated, order kept (first is primary)."""
    result: list[str] = []
    for raw in emails:
        email = (raw or "").strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError({"emails": ERROR_INVALID_EMAIL % {"value": raw}}) from exc
        if email not in result:
            result.append(email)
    if len(result) > MAX_EMAILS:
        raise ValidationError(
            {"emails": ERROR_TOO_MANY % {"limit": MAX_EMAILS, "what": gettext("email addresses")}}
        )
    return result


def clean_phones(phones: Iterable[str]) -> list[str]:
    """E.164 numbers (French numbers may be typed nationally), de-duplicated, order kept."""
    result: list[str] = []
    for raw in phones:
        text = (raw or "").strip()
        if not text:
            continue
        e164 = parse_phone(text, strict=True)
        if e164 is None:
            raise ValidationError({"phones": ERROR_INVALID_PHONE % {"value": raw}})
        if e164 not in result:
            result.append(e164)
    if len(result) > MAX_PHONES:
        raise ValidationError(
            {"phones": ERROR_TOO_MANY % {"limit": MAX_PHONES, "what": gettext("phone numbers")}}
        )
    return result


def contact_refresh_search_text(contact: Contact) -> None:
    """Recompute the contact's search_text (after emails, ids or organisation changed)."""
    text = contact_search_text(
        first_name=contact.first_name,
        last_name=contact.last_name,
        job_title=contact.job_title,
        organisation_name=contact.organisation.name if contact.organisation else None,
        emails=[e.email for e in contact.emails.all()],
        external_ids=[x.value for x in contact.external_ids.all()],
    )
    name = contact_search_name(first_name=contact.first_name, last_name=contact.last_name)
    if text != contact.search_text or name != contact.search_name:
        contact.search_text, contact.search_name = text, name
        Contact.objects.filter(pk=contact.pk).update(search_text=text, search_name=name)


def _set_emails(contact: Contact, emails: list[str]) -> None:
    contact.emails.all().delete()
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=contact, email=email, is_primary=(i == 0))
        for i, email in enumerate(emails)
    )


def _set_phones(contact: Contact, phones: list[str]) -> None:
    contact.phones.all().delete()
    ContactPhone.objects.bulk_create(
        ContactPhone(contact=contact, number=number, is_primary=(i == 0))
        for i, number in enumerate(phones)
    )


def _set_external_ids(contact: Contact, external_ids: dict[str, str]) -> None:
    contact.external_ids.all().delete()
    rows = [
        ExternalId(contact=contact, system=system.strip()[:50], value=value.strip()[:100])
        for system, value in external_ids.items()
        if system.strip() and value and value.strip()
    ]
    taken = (
        ExternalId.objects.filter(
            models.Q(*[models.Q(system=r.system, value=r.value) for r in rows], _connector="OR")
        ).exclude(contact=contact)
        if rows
        else ExternalId.objects.none()
    )
    if taken.exists():
        first = taken.first()
        raise ValidationError(
            {
                "external_ids": _("Identifier %(value)s is already used by another contact.")
                % {"value": str(first)}
            }
        )
    ExternalId.objects.bulk_create(rows)


def contact_find_duplicates(
    *, emails: Iterable[str] = (), phones: Iterable[str] = (), exclude: Contact | None = None
) -> list[Contact]:
    """Active contacts already holding one of these (cleaned) emails or phone numbers."""
    emails, phones = list(emails), list(phones)
    if not emails and not phones:
        return []
    condition = models.Q()
    if emails:
        condition |= models.Q(emails__email__in=emails)
    if phones:
        condition |= models.Q(phones__number__in=phones)
    queryset = Contact.objects.active().filter(condition)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return list(queryset.select_related("organisation").distinct().order_by("id")[:10])


def contact_create(
    *,
    actor: User | None,
    last_name: str,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    tags: Iterable[str] = (),
    external_ids: dict[str, str] | None = None,
    allow_duplicate: bool = False,
    **fields: Any,
) -> Contact:
    """Create a contact. Raises DuplicateContactError when an email or phone is already
    used, unless `allow_duplicate` (the user saw the warning and chose to go on)."""
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    contact = Contact(last_name=last_name.strip(), **fields)
    contact.first_name = contact.first_name.strip()
    contact.country = (contact.country or "FR").upper()
    errors: dict[str, Any] = {}
    try:
        contact.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        clean_email_list = clean_emails(emails)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        clean_phone_list = clean_phones(phones)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if not allow_duplicate:
        duplicates = contact_find_duplicates(emails=clean_email_list, phones=clean_phone_list)
        if duplicates:
            raise DuplicateContactError(duplicates)
    with transaction.atomic():
        contact._history_user = actor  # type: ignore[attr-defined]
        contact.save()
        _set_emails(contact, clean_email_list)
        _set_phones(contact, clean_phone_list)
        _set_external_ids(contact, external_ids or {})
        contact.tags.set(tags_resolve(names=tags))
        contact_refresh_search_text(contact)
        activity_record(
            kind=timeline.CONTACT_CREATED,
            contact=contact,
            actor=actor,
            source=contact,
        )
    return contact


def contact_update(
    *,
    contact: Contact,
    actor: User | None,
    emails: Iterable[str] | None = None,
    phones: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: dict[str, str] | None = None,
    **fields: Any,
) -> Contact:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    if contact.erased_at is not None:
        raise ValidationError(ERROR_UPDATE_ERASED)
    if contact.merged_into_id is not None:
        raise ValidationError(ERROR_UPDATE_MERGED)
    for name, value in fields.items():
        setattr(contact, name, value.strip() if isinstance(value, str) else value)
    contact.country = (contact.country or "FR").upper()
    errors: dict[str, Any] = {}
    try:
        contact.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    clean_email_list = clean_phone_list = None
    try:
        clean_email_list = clean_emails(emails) if emails is not None else None
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        clean_phone_list = clean_phones(phones) if phones is not None else None
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact._history_user = actor  # type: ignore[attr-defined]
        contact.save()
        if clean_email_list is not None:
            _set_emails(contact, clean_email_list)
        if clean_phone_list is not None:
            _set_phones(contact, clean_phone_list)
        if external_ids is not None:
            _set_external_ids(contact, external_ids)
        if tags is not None:
            contact.tags.set(tags_resolve(names=tags))
        contact_refresh_search_text(contact)
    return contact
