"""Merging a duplicate contact into its survivor."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User

from .. import timeline
from ..models import (
    Activity,
    Call,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
    Note,
)
from ..registry import merge_hooks
from .common import ERROR_MERGE_INACTIVE, ERROR_MERGE_SELF, activity_record
from .contacts import contact_refresh_search_text


# --- Merge ------------------------------------------------------------------------------
def contact_merge(*, survivor: Contact, duplicate: Contact, actor: User | None) -> Contact:
    """Fold `duplicate` into `survivor`: every timeline row, consent, note, call, email,
    phone, tag, external id (and, through merge hooks, later apps' rows) moves over; the
    duplicate stays as a pointer to the survivor so old links still lead somewhere."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(ERROR_MERGE_SELF)
    with transaction.atomic():
        # Lock both rows in a stable order so two concurrent merges cannot interleave.
        locked = {
            c.pk: c
            for c in Contact.objects.select_for_update()
            .filter(pk__in=sorted([survivor.pk, duplicate.pk]))
            .order_by("pk")
        }
        survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
        if not survivor.is_active_record or not duplicate.is_active_record:
            raise ValidationError(ERROR_MERGE_INACTIVE)
        Activity.objects.filter(contact=duplicate).update(contact=survivor)
        Consent.objects.filter(contact=duplicate).update(contact=survivor)
        Note.objects.filter(contact=duplicate).update(contact=survivor)
        Call.objects.filter(contact=duplicate).update(contact=survivor)
        known_emails = set(survivor.emails.values_list("email", flat=True))
        ContactEmail.objects.filter(contact=duplicate).exclude(email__in=known_emails).update(
            contact=survivor, is_primary=False
        )
        known_phones = set(survivor.phones.values_list("number", flat=True))
        ContactPhone.objects.filter(contact=duplicate).exclude(number__in=known_phones).update(
            contact=survivor, is_primary=False
        )
        ExternalId.objects.filter(contact=duplicate).update(contact=survivor)
        survivor.tags.add(*duplicate.tags.all())
        for field in ("first_name", "job_title", "organisation", "owner", "address_line1",
                      "postal_code", "city"):  # fmt: skip
            if not getattr(survivor, field) and getattr(duplicate, field):
                setattr(survivor, field, getattr(duplicate, field))
        survivor.is_vip = survivor.is_vip or duplicate.is_vip
        survivor._history_user = actor  # type: ignore[attr-defined]
        survivor.save()
        for hook in merge_hooks():
            hook(survivor, duplicate)
        duplicate.merged_into = survivor
        duplicate._history_user = actor  # type: ignore[attr-defined]
        duplicate.save(update_fields=["merged_into", "updated_at"])
        contact_refresh_search_text(
            Contact.objects.prefetch_related("emails", "external_ids")
            .select_related("organisation")
            .get(pk=survivor.pk)
        )
        activity_record(
            kind=timeline.MERGED,
            contact=survivor,
            actor=actor,
            source=duplicate,
            data={"id": duplicate.pk},
        )
    return survivor
