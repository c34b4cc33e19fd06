"""GDPR: export of a contact's data and its erasure."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import timeline
from ..models import (
    Contact,
    PrivacyLog,
)
from ..registry import export_hooks
from .common import ERASED_NAME, ERROR_ALREADY_ERASED, ERROR_ERASE_CONFIRMATION, activity_record


# --- GDPR -------------------------------------------------------------------------------
def contact_export_data(*, contact: Contact, actor: User | None) -> dict[str, Any]:
    """Everything Relais holds about a contact (right of access), and a log entry."""
    from ..selectors import contact_personal_data

    data = contact_personal_data(contact=contact)
    for name, hook in export_hooks().items():
        part = hook(contact)
        # An app's sections go at the top level ({"tickets": [...]}), never nested under
        # the app's name; two parts claiming one section is a programming error.
        clash = sorted(set(part) & set(data))
        if clash:
            raise ImproperlyConfigured(
                f"GDPR export hook {name!r} reuses the section(s) {', '.join(clash)}"
            )
        data.update(part)
    PrivacyLog.objects.create(
        action=PrivacyLog.Action.EXPORT,
        contact=contact,
        contact_reference=f"#{contact.pk}",
        performed_by=actor,
    )
    return data


def contact_erase(
    *, contact: Contact, actor: User | None, confirmation: str, reason: str = ""
) -> Contact:
    """Right to erasure: identity, addresses, emails, phones, free text and history go;
    the rows that feed counts and KPIs (calls' durations, consents' dates, timeline rows)
    stay, stripped of what identifies the person."""
    if contact.erased_at is not None:
        raise ValidationError(ERROR_ALREADY_ERASED)
    if " ".join(confirmation.split()) != " ".join(contact.full_name.split()):
        raise ValidationError({"confirmation": ERROR_ERASE_CONFIRMATION})
    from .. import erasure

    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.erased_at is not None:
            raise ValidationError(ERROR_ALREADY_ERASED)
        # Duplicates merged into this contact still hold its old identity: erased too.
        ids = erasure.contact_ids_to_erase(contact.pk)
        # Every app's declared fields (crm.registry.PersonalData, crm/privacy.py for
        # crm's own), then the legacy erase hooks: docs/privacy.md.
        erasure.erase_personal_data(
            contact=contact, contact_ids=ids, identifiers=erasure.identifiers_for(ids)
        )
        now = timezone.now()
        Contact.objects.filter(pk__in=ids).update(
            last_name=ERASED_NAME, is_vip=False, owner=None, erased_at=now
        )
        PrivacyLog.objects.create(
            action=PrivacyLog.Action.ERASE,
            contact=contact,
            contact_reference=f"#{contact.pk}",
            performed_by=actor,
            reason=reason[:300],
        )
        activity_record(
            kind=timeline.ERASED,
            contact=contact,
            actor=actor,
        )
    contact.refresh_from_db()
    return contact
