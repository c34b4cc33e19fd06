"""Checking rows, batch by batch, with the rules the services apply one record at a time:
cells cleaned (crm.imports.cells), rules spanning several cells, duplicates inside the
file (across batches) and against the database, organisations and owners resolved.
What passes is a Draft, which crm.imports.writers turns into rows."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import Contact, ContactEmail, ExternalId, ImportJob, Organisation
from ..services import ERROR_TOO_MANY, MAX_PHONES, clean_emails, clean_phones
from ..validators import normalise_legal_id, validate_legal_id
from .cells import (
    ERROR_TOO_LONG,
    CellError,
    clean_boolean,
    clean_channel,
    clean_country,
    clean_datetime,
    clean_language,
    clean_size,
    clean_tags,
    clean_text,
    clean_title,
    clean_website,
    first_message,
)
from .columns import PHONE_KINDS, Column, HeaderMap
from .lookups import active_contact_ids, in_chunks, organisations_named, phones_in

ERROR_TOO_MANY_CELLS = _(
    "This row has %(found)d cells but the header names %(expected)d columns; a value "
    "probably contains the separator without quotes."
)

# One cell.
ERROR_REQUIRED = _("This value is required.")

ERROR_EMAIL_OR_PHONE = _("Give at least an email address or a phone number.")

ERROR_ORGANISATION_NOT_FOUND = _(
    "No organisation is named “%(value)s” or has this SIREN/SIRET. Create it (or import "
    "the organisations first), then import this file again."
)

ERROR_ORGANISATION_AMBIGUOUS = _(
    "Several organisations are named “%(value)s”; give the SIREN/SIRET instead."
)

ERROR_OWNER_NOT_FOUND = _("No active user has the email address “%(value)s”.")

ERROR_DUPLICATE_IN_FILE = _("“%(value)s” already appears on row %(row)d of this file.")

ERROR_DUPLICATE_CONTACT = _("“%(value)s” already belongs to an existing contact (#%(id)d).")

ERROR_EXTERNAL_ID_TAKEN = _("The identifier “%(value)s” is already used by contact #%(id)d.")

ERROR_LEGAL_ID_TAKEN = _("The organisation “%(name)s” already has this SIREN/SIRET.")

ERROR_ORGANISATION_EXISTS = _(
    "An organisation named “%(value)s” already exists; give a SIREN/SIRET to import "
    "another one of the same name."
)

MAX_STORED_ERRORS = 1000

_SPLIT_EMAILS = re.compile(r"[,;\s]+")

_SPLIT_PHONES = re.compile(r"[,;/|]+")


class ErrorLog:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.count = 0

    def add(self, row: int | None, field: str, message: Any) -> None:
        self.count += 1
        if len(self.items) < MAX_STORED_ERRORS:
            self.items.append({"row": row, "field": field, "message": str(message)})


@dataclass
class Draft:
    row: int
    fields: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, Any]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    external_ids: list[tuple[str, str]] = field(default_factory=list)
    organisation_ref: tuple[str, str] | None = None  # (value, header)
    organisation_legal_ref: tuple[str, str] | None = None
    organisation_id: int | None = None
    organisation_name: str = ""
    owner_ref: tuple[str, str] | None = None


@dataclass
class _OrganisationLookup:
    found: list[tuple[int, str]]

    @property
    def single(self) -> tuple[int, str] | None:
        return self.found[0] if len(self.found) == 1 else None


class RowChecker:
    """Checks rows batch by batch; remembers what earlier batches held so that duplicates
    inside the file are caught across batches."""

    model: type[Contact] | type[Organisation]
    text_fields: tuple[str, ...] = ()

    def __init__(self, *, job: ImportJob, header: HeaderMap, errors: ErrorLog) -> None:
        self.job = job
        self.header = header
        self.errors = errors
        self.header_width = header.width
        self.by_field: dict[str, list[Column]] = defaultdict(list)
        for column in header.columns:
            self.by_field[column.field].append(column)
        self._owners: dict[str, int] | None = None

    def clean_batch(self, records: list[tuple[int, list[str]]]) -> list[Draft]:
        drafts = [self.clean_row(row, cells) for row, cells in records]
        self.check_against_database(drafts)
        valid = []
        for draft in drafts:
            for header, message in draft.errors:
                self.errors.add(draft.row, header, message)
            if not draft.errors:
                valid.append(draft)
        return valid

    def clean_row(self, row: int, cells: list[str]) -> Draft:
        draft = Draft(row=row)
        if len(cells) > self.header_width and any(c.strip() for c in cells[self.header_width :]):
            draft.errors.append(
                ("", ERROR_TOO_MANY_CELLS % {"found": len(cells), "expected": self.header_width})
            )
            return draft
        for name, columns in self.by_field.items():
            values = [cells[c.index].strip() if c.index < len(cells) else "" for c in columns]
            try:
                self.clean_field(draft, name, columns, values)
            except CellError as exc:
                draft.errors.append((columns[0].header, exc.message))
            except ValidationError as exc:  # from the services' clean_emails / clean_phones
                draft.errors.append((columns[0].header, first_message(exc)))
        self.check_row(draft)
        return draft

    def clean_field(
        self, draft: Draft, name: str, columns: list[Column], values: list[str]
    ) -> None:
        value = values[0]
        if name in self.text_fields:
            draft.fields[name] = clean_text(value, self.model, name)
        elif name == "owner":
            if value:
                draft.owner_ref = (value, columns[0].header)
        elif name == "tags":
            draft.tags = clean_tags(values)
        elif name == "country":
            if value:
                draft.fields["country"] = clean_country(value)
        elif name == "created_at" and value:
            draft.fields["created_at"] = clean_datetime(value)

    def check_row(self, draft: Draft) -> None:
        """Rules spanning several cells (required values, duplicates inside the file)."""

    def check_against_database(self, drafts: list[Draft]) -> None:
        owners = [d for d in drafts if d.owner_ref]
        if not owners:
            return
        if self._owners is None:
            self._owners = {
                email.casefold(): pk
                for pk, email in User.objects.filter(is_active=True).values_list("pk", "email")
            }
        for draft in owners:
            value, header = draft.owner_ref  # type: ignore[misc]
            owner_id = self._owners.get(value.casefold())
            if owner_id is None:
                draft.errors.append((header, ERROR_OWNER_NOT_FOUND % {"value": value}))
            else:
                draft.fields["owner_id"] = owner_id


class ContactRowChecker(RowChecker):
    model = Contact
    text_fields = ("first_name", "last_name", "job_title", "address_line1", "address_line2",
                   "postal_code", "city", "region")  # fmt: skip

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen_emails: dict[str, int] = {}
        self.seen_phones: dict[str, int] = {}
        self.seen_external: dict[tuple[str, str], int] = {}
        self.organisations_by_legal_id: dict[str, _OrganisationLookup] = {}
        self.organisations_by_name: dict[str, _OrganisationLookup] = {}

    def clean_field(
        self, draft: Draft, name: str, columns: list[Column], values: list[str]
    ) -> None:
        value = values[0]
        if name == "email":
            emails = clean_emails(e for v in values for e in _SPLIT_EMAILS.split(v))
            for email in emails:
                if len(email) > 254:
                    raise CellError(ERROR_TOO_LONG % {"limit": 254, "length": len(email)})
            draft.emails = emails
        elif name in PHONE_KINDS:
            known = {number for number, _kind in draft.phones}
            for number in clean_phones(p for v in values for p in _SPLIT_PHONES.split(v)):
                if number not in known:
                    draft.phones.append((number, PHONE_KINDS[name]))
                    known.add(number)
            if len(draft.phones) > MAX_PHONES:
                raise CellError(
                    ERROR_TOO_MANY % {"limit": MAX_PHONES, "what": gettext("phone numbers")}
                )
        elif name == "title":
            if value:
                draft.fields["title"] = clean_title(value)
        elif name == "preferred_language":
            if value:
                draft.fields["preferred_language"] = clean_language(value)
        elif name == "preferred_channel":
            if value:
                draft.fields["preferred_channel"] = clean_channel(value)
        elif name == "is_vip":
            draft.fields["is_vip"] = clean_boolean(value) if value else False
        elif name == "organisation":
            if value:
                draft.organisation_ref = (value, columns[0].header)
        elif name == "organisation_legal_id":
            if value:
                draft.organisation_legal_ref = (normalise_legal_id(value), columns[0].header)
        elif name == "external_id":
            for column, raw in zip(columns, values, strict=True):
                if not raw:
                    continue
                if len(raw) > 100:
                    draft.errors.append(
                        (column.header, ERROR_TOO_LONG % {"limit": 100, "length": len(raw)})
                    )
                    continue
                draft.external_ids.append((column.system, raw))
        else:
            super().clean_field(draft, name, columns, values)

    def check_row(self, draft: Draft) -> None:
        email_header = self._header("email")
        phone_header = self._header("phone", "phone_landline", "phone_work")
        if "last_name" in draft.fields and not draft.fields["last_name"]:
            draft.errors.append((self._header("last_name"), ERROR_REQUIRED))
        failed = {header for header, _message in draft.errors}
        if not draft.emails and not draft.phones and not failed & {email_header, phone_header}:
            draft.errors.append((email_header or phone_header, ERROR_EMAIL_OR_PHONE))
        for email in draft.emails:
            first = self.seen_emails.setdefault(email, draft.row)
            if first != draft.row:
                draft.errors.append(
                    (email_header, ERROR_DUPLICATE_IN_FILE % {"value": email, "row": first})
                )
        for number, _kind in draft.phones:
            first = self.seen_phones.setdefault(number, draft.row)
            if first != draft.row:
                draft.errors.append(
                    (phone_header, ERROR_DUPLICATE_IN_FILE % {"value": number, "row": first})
                )
        for system, value in draft.external_ids:
            first = self.seen_external.setdefault((system, value), draft.row)
            if first != draft.row:
                draft.errors.append(
                    (
                        self._header("external_id"),
                        ERROR_DUPLICATE_IN_FILE % {"value": value, "row": first},
                    )
                )

    def _header(self, *names: str) -> str:
        for name in names:
            if self.by_field.get(name):
                return self.by_field[name][0].header
        return ""

    def check_against_database(self, drafts: list[Draft]) -> None:
        super().check_against_database(drafts)
        self._resolve_organisations(drafts)
        emails = sorted({e for d in drafts for e in d.emails})
        phones = sorted({number for d in drafts for number, _kind in d.phones})
        # Two plain lookups rather than one join: the email and phone indexes answer in
        # milliseconds, where joining the contacts to keep the active ones scans them all.
        email_hits: list[tuple[str, int]] = []
        for part in in_chunks(emails):
            email_hits += (
                ContactEmail.objects.filter(email__in=part)
                .order_by()
                .values_list("email", "contact_id")
            )
        phone_hits: list[tuple[str, int]] = []
        for part in in_chunks(phones):
            phone_hits += [
                (number.as_e164, contact_id)
                for number, contact_id in phones_in(part).values_list("number", "contact_id")
            ]
        active = active_contact_ids({contact_id for _value, contact_id in email_hits + phone_hits})
        taken_emails = {email: cid for email, cid in email_hits if cid in active}
        taken_phones = {number: cid for number, cid in phone_hits if cid in active}
        by_system: dict[str, set[str]] = defaultdict(set)
        for draft in drafts:
            for system, value in draft.external_ids:
                by_system[system].add(value)
        taken_external: dict[tuple[str, str], int] = {}
        for system, values in by_system.items():
            for part in in_chunks(sorted(values)):
                for value, contact_id in ExternalId.objects.filter(
                    system=system, value__in=part
                ).values_list("value", "contact_id"):
                    taken_external[(system, value)] = contact_id
        email_header = self._header("email")
        phone_header = self._header("phone", "phone_landline", "phone_work")
        for draft in drafts:
            for email in draft.emails:
                if email in taken_emails:
                    draft.errors.append(
                        (
                            email_header,
                            ERROR_DUPLICATE_CONTACT % {"value": email, "id": taken_emails[email]},
                        )
                    )
            for number, _kind in draft.phones:
                if number in taken_phones:
                    draft.errors.append(
                        (
                            phone_header,
                            ERROR_DUPLICATE_CONTACT % {"value": number, "id": taken_phones[number]},
                        )
                    )
            for system, value in draft.external_ids:
                if (system, value) in taken_external:
                    draft.errors.append(
                        (
                            self._header("external_id"),
                            ERROR_EXTERNAL_ID_TAKEN
                            % {"value": value, "id": taken_external[(system, value)]},
                        )
                    )

    def _resolve_organisations(self, drafts: list[Draft]) -> None:
        legal_ids: set[str] = set()
        names: set[str] = set()
        for draft in drafts:
            if draft.organisation_legal_ref:
                legal_ids.add(draft.organisation_legal_ref[0])
            elif draft.organisation_ref:
                value = draft.organisation_ref[0]
                compact = normalise_legal_id(value)
                if compact.isdigit() and len(compact) in (9, 14):
                    legal_ids.add(compact)
                names.add(value.casefold())
        self._lookup_legal_ids(legal_ids - set(self.organisations_by_legal_id))
        self._lookup_names(names - set(self.organisations_by_name))
        for draft in drafts:
            lookup: _OrganisationLookup | None = None
            if draft.organisation_legal_ref:
                value, header = draft.organisation_legal_ref
                lookup = self.organisations_by_legal_id[value]
            elif draft.organisation_ref:
                value, header = draft.organisation_ref
                compact = normalise_legal_id(value)
                lookup = self.organisations_by_legal_id.get(compact)
                if lookup is None or not lookup.found:
                    lookup = self.organisations_by_name[value.casefold()]
            else:
                continue
            if lookup.single:
                draft.organisation_id, draft.organisation_name = lookup.single
            elif lookup.found:
                draft.errors.append((header, ERROR_ORGANISATION_AMBIGUOUS % {"value": value}))
            else:
                draft.errors.append((header, ERROR_ORGANISATION_NOT_FOUND % {"value": value}))

    def _lookup_legal_ids(self, legal_ids: set[str]) -> None:
        for value in legal_ids:
            self.organisations_by_legal_id[value] = _OrganisationLookup(found=[])
        for part in in_chunks(sorted(legal_ids)):
            for pk, name, legal_id in Organisation.objects.filter(legal_id__in=part).values_list(
                "pk", "name", "legal_id"
            ):
                self.organisations_by_legal_id[legal_id].found.append((pk, name))

    def _lookup_names(self, names: set[str]) -> None:
        for name in names:
            self.organisations_by_name[name] = _OrganisationLookup(found=[])
        found = organisations_named(names)
        for name, matches in found.items():
            self.organisations_by_name[name].found.extend(matches)


class OrganisationRowChecker(RowChecker):
    model = Organisation
    text_fields = ("name", "sector", "address_line1", "address_line2", "postal_code", "city",
                   "region")  # fmt: skip

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen_legal_ids: dict[str, int] = {}
        self.seen_names: dict[str, int] = {}

    def clean_field(
        self, draft: Draft, name: str, columns: list[Column], values: list[str]
    ) -> None:
        value = values[0]
        if name == "legal_id":
            compact = normalise_legal_id(value)
            if compact:
                try:
                    validate_legal_id(compact)
                except ValidationError as exc:
                    raise CellError(exc.messages[0]) from exc
            draft.fields["legal_id"] = compact
        elif name == "size":
            if value:
                draft.fields["size"] = clean_size(value)
        elif name == "website":
            if value:
                draft.fields["website"] = clean_website(value)
        else:
            super().clean_field(draft, name, columns, values)

    def check_row(self, draft: Draft) -> None:
        name = draft.fields.get("name")
        header = self.by_field["name"][0].header
        if name is not None and not name:
            draft.errors.append((header, ERROR_REQUIRED))
            return
        legal_id = draft.fields.get("legal_id", "")
        if legal_id:
            first = self.seen_legal_ids.setdefault(legal_id, draft.row)
            if first != draft.row:
                draft.errors.append(
                    (
                        self.by_field["legal_id"][0].header,
                        ERROR_DUPLICATE_IN_FILE % {"value": legal_id, "row": first},
                    )
                )
        elif name:
            first = self.seen_names.setdefault(name.casefold(), draft.row)
            if first != draft.row:
                draft.errors.append(
                    (header, ERROR_DUPLICATE_IN_FILE % {"value": name, "row": first})
                )

    def check_against_database(self, drafts: list[Draft]) -> None:
        super().check_against_database(drafts)
        legal_ids = sorted({d.fields["legal_id"] for d in drafts if d.fields.get("legal_id")})
        taken: dict[str, str] = {}
        for part in in_chunks(legal_ids):
            taken.update(
                Organisation.objects.filter(legal_id__in=part).values_list("legal_id", "name")
            )
        unnamed = [d for d in drafts if d.fields.get("name") and not d.fields.get("legal_id")]
        existing = organisations_named(d.fields["name"].casefold() for d in unnamed)
        for draft in drafts:
            legal_id = draft.fields.get("legal_id", "")
            if legal_id and legal_id in taken:
                draft.errors.append(
                    (
                        self.by_field["legal_id"][0].header,
                        ERROR_LEGAL_ID_TAKEN % {"name": taken[legal_id]},
                    )
                )
            elif not legal_id and draft.fields.get("name", "").casefold() in existing:
                draft.errors.append(
                    (
                        self.by_field["name"][0].header,
                        ERROR_ORGANISATION_EXISTS % {"value": draft.fields["name"]},
                    )
                )
