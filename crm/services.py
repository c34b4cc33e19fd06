"""Writes to the shared customer record. Each appends its timeline row in the same
transaction as the change it records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import timeline
from .models import (
    Activity,
    Call,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
    Note,
    Organisation,
    PrivacyLog,
    Tag,
)
from .registry import erase_hooks, export_hooks, merge_hooks
from .search import normalise, parse_phone
from .validators import normalise_legal_id

ERROR_INVALID_PHONE = _("“%(value)s” is not a valid phone number.")
ERROR_INVALID_EMAIL = _("“%(value)s” is not a valid email address.")
ERROR_DUPLICATE = _("A contact with this email address or phone number already exists.")
ERROR_MERGE_SELF = _("A contact cannot be merged into itself.")
ERROR_MERGE_INACTIVE = _("Only active contacts can be merged (not erased or already merged).")
ERROR_ERASE_CONFIRMATION = _("Type the contact's full name exactly to confirm the erasure.")
ERROR_ALREADY_ERASED = _("This contact has already been erased.")
ERROR_UNKNOWN_KIND = _("Unknown timeline kind: %(kind)s.")
ERROR_CALL_DURATIONS = _("Talk and hold time cannot exceed the call's duration.")
ERROR_CALL_IN_FUTURE = _("A call cannot start in the future.")
ERROR_TAG_TOO_LONG = _("A tag is at most 50 characters.")
ERROR_TOO_MANY = _("At most %(limit)d %(what)s.")
ERROR_NOTE_EMPTY = _("A note cannot be empty.")
ERROR_LEGAL_ID_TAKEN = _("Another organisation already has this SIREN/SIRET.")
ERROR_INACTIVE_CONTACT = _("This contact was merged or erased; write on the record it leads to.")

MAX_EMAILS = 10
MAX_PHONES = 10
MAX_TAGS = 30
ERASED_NAME = "—"


class DuplicateContactError(ValidationError):
    """Raised by contact_create when the email or phone is already known; carries them."""

    def __init__(self, duplicates: Sequence[Contact]) -> None:
        super().__init__(ERROR_DUPLICATE, code="duplicate")
        self.duplicates = list(duplicates)


# --- Timeline ---------------------------------------------------------------------------
def activity_record(
    *,
    kind: str,
    summary: str = "",
    contact: Contact | None = None,
    organisation: Organisation | None = None,
    actor: User | None = None,
    source: models.Model | None = None,
    occurred_at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    """Append one row to the timeline. Other apps call this inside their own transaction.

    `summary` is stored text (the user's words, or a line in the writer's language);
    `data` holds the facts the kind's describe() renders in the reader's language."""
    if not timeline.is_registered(kind):
        raise ValidationError(ERROR_UNKNOWN_KIND % {"kind": kind})
    if organisation is None and contact is not None:
        organisation = contact.organisation
    activity = Activity(
        contact=contact,
        organisation=organisation,
        kind=kind,
        actor=actor,
        occurred_at=occurred_at or timezone.now(),
        data=data or {},
    )
    activity.summary = (summary or timeline.get_kind(kind).text(activity))[:300]
    if source is not None:
        activity.source_type = ContentType.objects.get_for_model(source)
        activity.source_id = source.pk
    activity.save()
    return activity


# --- Tags -------------------------------------------------------------------------------
def tags_resolve(*, names: Iterable[str]) -> list[Tag]:
    """Tags by name (created when new), trimmed and lower-cased."""
    cleaned = sorted({" ".join(n.split()).lower() for n in names if n and n.strip()})
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(
            {"tags": ERROR_TOO_MANY % {"limit": MAX_TAGS, "what": gettext("tags")}}
        )
    if any(len(name) > 50 for name in cleaned):
        raise ValidationError({"tags": ERROR_TAG_TOO_LONG})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    missing = [Tag(name=n) for n in cleaned if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    return [existing[n] for n in cleaned]


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
    return normalise(
        " ".join([organisation.name, organisation.legal_id, organisation.city, organisation.sector])
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
    parts = [contact.first_name, contact.last_name, contact.job_title]
    if contact.organisation_id:
        parts.append(contact.organisation.name)
    parts += [e.email for e in contact.emails.all()]
    parts += [x.value for x in contact.external_ids.all()]
    text = normalise(" ".join(parts))
    name = normalise(f"{contact.first_name} {contact.last_name}")
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
    if not contact.is_active_record:
        raise ValidationError(ERROR_MERGE_INACTIVE)
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


# --- Consent, notes, calls --------------------------------------------------------------
def consent_record(
    *,
    contact: Contact,
    channel: str,
    status: str,
    source: str,
    proof: str = "",
    actor: User | None,
    recorded_at: datetime | None = None,
) -> Consent:
    """Record a consent decision. History is never rewritten: withdrawing adds a row."""
    _require_active(contact)
    consent = Consent(
        contact=contact,
        channel=channel,
        status=status,
        source=source.strip(),
        proof=proof.strip(),
        recorded_by=actor,
        recorded_at=recorded_at or timezone.now(),
    )
    consent.full_clean()
    with transaction.atomic():
        consent.save()
        activity_record(
            kind=timeline.CONSENT,
            contact=contact,
            actor=actor,
            source=consent,
            occurred_at=consent.recorded_at,
            data={"channel": consent.channel, "status": consent.status, "source": consent.source},
        )
    return consent


def _require_active(contact: Contact) -> None:
    if not contact.is_active_record:
        raise ValidationError(ERROR_INACTIVE_CONTACT)


def note_add(*, contact: Contact, author: User | None, body: str) -> Note:
    _require_active(contact)
    body = body.strip()
    if not body:
        raise ValidationError({"body": ERROR_NOTE_EMPTY})
    note = Note(contact=contact, author=author, body=body)
    note.full_clean()
    with transaction.atomic():
        note.save()
        activity_record(
            kind=timeline.NOTE,
            summary=body.replace("\n", " ")[:300],
            contact=contact,
            actor=author,
            source=note,
            occurred_at=note.created_at,
        )
    return note


def call_log(
    *,
    contact: Contact,
    agent: User | None,
    direction: str,
    started_at: datetime,
    duration_seconds: int,
    outcome: str,
    number: str = "",
    talk_seconds: int = 0,
    hold_seconds: int = 0,
    after_call_seconds: int = 0,
    topic: str = "",
) -> Call:
    _require_active(contact)
    errors: dict[str, Any] = {}
    e164 = ""
    if number and number.strip():
        e164 = parse_phone(number, strict=True) or ""
        if not e164:
            errors["number"] = [ERROR_INVALID_PHONE % {"value": number}]
    if started_at > timezone.now() + timedelta(minutes=5):
        errors["started_at"] = [ERROR_CALL_IN_FUTURE]
    call = Call(
        contact=contact,
        agent=agent,
        direction=direction,
        number=e164,
        started_at=started_at,
        duration_seconds=duration_seconds,
        talk_seconds=talk_seconds,
        hold_seconds=hold_seconds,
        after_call_seconds=after_call_seconds,
        outcome=outcome,
        topic=topic.strip(),
    )
    # The durations rule first: it names the field, where the database constraint that
    # backs it would only give a generic message.
    durations_ok = talk_seconds <= duration_seconds and hold_seconds <= duration_seconds
    if not durations_ok:
        errors["talk_seconds"] = [ERROR_CALL_DURATIONS]
    try:
        call.full_clean(validate_constraints=durations_ok)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        call.save()
        activity_record(
            kind=timeline.CALL,
            contact=contact,
            actor=agent,
            source=call,
            occurred_at=started_at,
            data={
                "direction": call.direction,
                "duration_seconds": call.duration_seconds,
                "outcome": call.outcome,
                "topic": call.topic,
            },
        )
    return call


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


# --- GDPR -------------------------------------------------------------------------------
def contact_export_data(*, contact: Contact, actor: User | None) -> dict[str, Any]:
    """Everything Relais holds about a contact (right of access), and a log entry."""
    from .selectors import contact_personal_data

    data = contact_personal_data(contact=contact)
    for name, hook in export_hooks().items():
        data[name] = hook(contact)
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
    with transaction.atomic():
        # Duplicates merged into this contact still hold their old identity: erase them too.
        ids = [contact.pk]
        frontier = [contact.pk]
        while frontier:
            frontier = list(
                Contact.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
            )
            ids += frontier
        ContactEmail.objects.filter(contact__in=ids).delete()
        ContactPhone.objects.filter(contact__in=ids).delete()
        ExternalId.objects.filter(contact__in=ids).delete()
        Contact.tags.through.objects.filter(contact__in=ids).delete()
        erased_text = gettext("[erased]")
        Note.objects.filter(contact__in=ids).update(body=erased_text)
        Call.objects.filter(contact__in=ids).update(number="", topic="")
        Consent.objects.filter(contact__in=ids).update(proof="", source=erased_text)
        Activity.objects.filter(contact__in=ids, kind__in=[timeline.NOTE, timeline.CALL]).update(
            summary=erased_text
        )
        # Call topics are free text and consent sources may name the person.
        for kind, scrubbed in ((timeline.CALL, {"topic": ""}),
                               (timeline.CONSENT, {"source": erased_text})):  # fmt: skip
            rows = list(
                Activity.objects.filter(contact__in=ids, kind=kind).only("id", "data").iterator()
            )
            for activity in rows:
                activity.data = {**activity.data, **scrubbed}
            Activity.objects.bulk_update(rows, ["data"], batch_size=1000)
        for hook in erase_hooks():
            hook(contact)
        now = timezone.now()
        Contact.objects.filter(pk__in=ids).update(
            title="", first_name="", last_name=ERASED_NAME, job_title="",
            address_line1="", address_line2="", postal_code="", city="", region="",
            is_vip=False, owner=None, search_text="", search_name="", erased_at=now,
        )  # fmt: skip
        # The change history holds copies of the personal data: it goes too.
        Contact.history.filter(id__in=ids).delete()
        ContactEmail.history.filter(contact_id__in=ids).delete()
        ContactPhone.history.filter(contact_id__in=ids).delete()
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
