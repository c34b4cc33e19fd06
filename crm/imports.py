"""CSV import of contacts and organisations; CSV and XLSX export of a contact list.

An import goes through three steps, each a function the views, the tasks and the
benchmarks call:

1. `import_job_create` checks the file before parsing any row (size, binary content,
   encoding, header), stores it and queues the dry run.
2. `import_job_validate` (the dry run, in `import_validate_task`) reads every row and
   checks it with the rules the services apply one contact at a time, in batches so that
   100,000 rows take a few seconds; errors are kept per row.
3. `import_job_commit` (in `import_commit_task`, once the user asked for it through
   `import_job_commit_schedule`) checks the rows again, since the data may have changed,
   and writes them all in one transaction, or none.

The commit writes with `bulk_create` rather than `contact_create` per row: one contact
through the service costs a dozen queries, which would make a 100,000-row file take
hours. The rows written are the ones `contact_create` / `organisation_create` would
write (search text, primary email and phone, external ids, tags, one timeline row per
record), with two differences: the timeline row is an "imported" one pointing at the
import job, and django-simple-history records no history row for them (it does not see
`bulk_create`); their history starts at their first edit.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cache
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache as shared_cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import timeline
from .models import (
    Activity,
    Channel,
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
    ImportJob,
    Language,
    Organisation,
)
from .search import normalise
from .services import (
    ERROR_TAG_TOO_LONG,
    ERROR_TOO_MANY,
    MAX_PHONES,
    MAX_TAGS,
    clean_emails,
    clean_phones,
    tags_resolve,
)
from .validators import normalise_legal_id, validate_legal_id

# --- Messages -----------------------------------------------------------------------------
# The file as a whole (shown on the upload form; nothing is stored).
ERROR_FILE_TOO_LARGE = _("The file is larger than %(limit)s. Split it into several files.")
ERROR_FILE_EMPTY = _("The file is empty.")
ERROR_FILE_BINARY = _(
    "This is not a CSV file: it contains binary data. In your spreadsheet, use “Save as” "
    "and choose “CSV”."
)
ERROR_FILE_SPREADSHEET = _(
    "This is a spreadsheet workbook, not a CSV file. In your spreadsheet, use “Save as” "
    "and choose “CSV UTF-8”."
)
ERROR_FILE_NO_HEADER = _("The first line of the file must name the columns.")
ERROR_MISSING_COLUMNS = _("Missing columns: %(columns)s. The first line must name them.")
ERROR_DUPLICATE_COLUMN = _(
    "The columns “%(first)s” and “%(second)s” both give the %(field)s; keep only one."
)
ERROR_UNKNOWN_KIND = _("Choose what the file holds: contacts or organisations.")
# Recorded on the job.
ERROR_NO_ROWS = _("The file has no rows under its header line.")
ERROR_UNREADABLE = _("The file cannot be read from this row on: %(reason)s.")
ERROR_TOO_MANY_CELLS = _(
    "This row has %(found)d cells but the header names %(expected)d columns; a value "
    "probably contains the separator without quotes."
)
ERROR_XLSX_TOO_MANY = _(
    "%(count)s contacts are too many for an Excel file (at most %(limit)s): narrow the "
    "filters or export as CSV."
)
ERROR_NOT_READY = _("Only a checked file without errors can be imported.")
ERROR_COMMIT_FAILED = _(
    "The import failed and nothing was written. Try again, or ask an administrator to "
    "look at the logs."
)
# One cell.
ERROR_REQUIRED = _("This value is required.")
ERROR_EMAIL_OR_PHONE = _("Give at least an email address or a phone number.")
ERROR_TOO_LONG = _("At most %(limit)d characters (this value has %(length)d).")
ERROR_CHOICE = _("“%(value)s” is not one of: %(choices)s.")
ERROR_LANGUAGE = _("“%(value)s” is not a language Relais speaks: use fr or en.")
ERROR_BOOLEAN = _("“%(value)s” is neither yes nor no.")
ERROR_COUNTRY = _("“%(value)s” is not a two-letter country code such as FR or BE.")
ERROR_DATE = _("“%(value)s” is not a date: use DD/MM/YYYY or YYYY-MM-DD.")
ERROR_DATE_FUTURE = _("This date is in the future.")
ERROR_URL = _("“%(value)s” is not a web address.")
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

# --- Tuning ---------------------------------------------------------------------------------
BATCH_SIZE = 2000
MAX_STORED_ERRORS = 1000
SNIFF_BYTES = 64 * 1024
READ_CHUNK_BYTES = 1024 * 1024
PROGRESS_TIMEOUT_SECONDS = 6 * 3600
EXTERNAL_ID_DEFAULT_SYSTEM = "import"
EXPORT_CHUNK_SIZE = 2000
# An XLSX file is built whole before it is sent (about 5,000 rows a second): above this,
# the request would outlive a proxy's timeout. The CSV export streams and has no limit.
XLSX_MAX_ROWS = 100_000
CSV_DELIMITERS = ",;\t"
# French Excel splits CSV on ";" (its list separator) and shows a comma-separated file
# in one column; English Excel expects ",". The export follows the user's language.
EXPORT_CSV_DELIMITER = {"fr": ";", "en": ","}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

RUNNING_STATUSES = frozenset(
    {ImportJob.Status.PENDING, ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING}
)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# --- Columns ----------------------------------------------------------------------------------
MULTI_VALUE_FIELDS = frozenset({"email", "phone", "phone_landline", "phone_work", "tags"})
PHONE_KINDS = {
    "phone": ContactPhone.Kind.MOBILE,
    "phone_landline": ContactPhone.Kind.LANDLINE,
    "phone_work": ContactPhone.Kind.WORK,
}

_ADDRESS_COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "address_line1": (_("Address"), ("Adresse", "address", "address_line1", "Adresse 1",
                                      "Adresse ligne 1", "Rue", "street", "Adresse postale")),
    "address_line2": (_("Address (continued)"), ("Complément d'adresse", "address_line2",
                                                 "Adresse 2", "Adresse ligne 2",
                                                 "address line 2", "Complément")),
    "postal_code": (_("Postal code"), ("Code postal", "postal_code", "CP", "zip", "zip code",
                                       "postcode")),
    "city": (_("City"), ("Ville", "city", "town", "Commune", "Localité")),
    "region": (_("Region"), ("Région", "region", "state", "province", "county")),
    "country": (_("Country"), ("Pays", "country", "country code", "Code pays")),
}  # fmt: skip
_OWNER_COLUMN = (_("Owner (email)"), ("Propriétaire", "owner", "Responsable", "Commercial",
                                      "account owner", "assigned to", "Assigné à"))  # fmt: skip
_TAGS_COLUMN = (_("Tags"), ("Tags", "tag", "Étiquettes", "Étiquette", "Mots-clés", "labels",
                            "Segments"))  # fmt: skip
_CREATED_COLUMN = (_("Created at"), ("Date de création", "created_at", "created",
                                     "creation date", "Créé le", "date created"))  # fmt: skip

# field -> (label, aliases as people write them). The label is what the template file and
# the help table show; every alias is matched ignoring case, accents and punctuation.
CONTACT_COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "title": (_("Title"), ("Civilité", "title", "Civ", "salutation")),
    "first_name": (_("First name"), ("Prénom", "first_name", "firstname", "given name",
                                     "forename")),
    "last_name": (_("Last name"), ("Nom", "last_name", "lastname", "Nom de famille", "surname",
                                   "family name")),
    "email": (_("Email"), ("E-mail", "email", "Courriel", "mail", "Adresse e-mail",
                           "Adresse mail", "email address", "E-mail address", "emails",
                           "primary email",
                           "E-mail principal")),
    "phone": (_("Phone"), ("Téléphone", "phone", "Tél", "tel", "phone number", "Mobile",
                           "Portable", "Téléphone mobile", "cell", "GSM", "primary phone",
                           "Téléphone principal", "Numéro de téléphone")),
    "phone_landline": (_("Landline"), ("Téléphone fixe", "landline", "Fixe", "Tél fixe",
                                       "home phone")),
    "phone_work": (_("Work phone"), ("Téléphone professionnel", "work phone", "Tél pro",
                                     "office phone", "Téléphone bureau")),
    "organisation": (_("Organisation"), ("Société", "organisation", "organization",
                                         "Entreprise", "company", "Raison sociale",
                                         "company name", "Compte", "account")),
    "organisation_legal_id": (_("Organisation SIREN/SIRET"), ("SIRET", "legal_id", "SIREN",
                                                              "SIREN/SIRET", "N° SIRET",
                                                              "Numéro SIRET")),
    "job_title": (_("Job title"), ("Fonction", "job_title", "Poste", "position", "job")),
    "preferred_language": (_("Language"), ("Langue", "language", "preferred_language",
                                           "Langue préférée", "lang")),
    "preferred_channel": (_("Preferred channel"), ("Canal", "channel", "preferred_channel",
                                                   "Canal préféré")),
    "owner": _OWNER_COLUMN,
    "is_vip": (_("VIP"), ("VIP", "is_vip", "Client VIP")),
    "tags": _TAGS_COLUMN,
    "external_id": (_("External ID"), ("ID externe", "external_id", "Identifiant externe",
                                       "Numéro client", "customer number", "Code client",
                                       "Référence client", "customer id")),
    **_ADDRESS_COLUMNS,
    "created_at": _CREATED_COLUMN,
}  # fmt: skip
ORGANISATION_COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "name": (_("Name"), ("Nom", "name", "Raison sociale", "Société", "Entreprise",
                         "organisation", "organization", "company", "company name",
                         "Dénomination", "Nom de l'entreprise")),
    "legal_id": (_("SIREN / SIRET"), ("SIRET", "legal_id", "SIREN", "N° SIRET",
                                      "Numéro SIRET", "N° SIREN")),
    "sector": (_("Sector"), ("Secteur", "sector", "Secteur d'activité", "industry",
                             "Activité")),
    "size": (_("Size"), ("Taille", "size", "Effectif", "Effectifs", "headcount", "employees",
                         "Tranche d'effectif")),
    "website": (_("Website"), ("Site web", "website", "Site internet", "site", "url", "web")),
    "owner": _OWNER_COLUMN,
    "tags": _TAGS_COLUMN,
    **_ADDRESS_COLUMNS,
    "created_at": _CREATED_COLUMN,
}  # fmt: skip
COLUMNS: dict[str, dict[str, tuple[Any, tuple[str, ...]]]] = {
    ImportJob.Kind.CONTACTS: CONTACT_COLUMNS,
    ImportJob.Kind.ORGANISATIONS: ORGANISATION_COLUMNS,
}

# Columns a file must have: each inner tuple is "one of these".
REQUIRED_COLUMNS: dict[str, list[tuple[str, ...]]] = {
    ImportJob.Kind.CONTACTS: [("last_name",), ("email", "phone", "phone_landline", "phone_work")],
    ImportJob.Kind.ORGANISATIONS: [("name",)],
}
EXTERNAL_ID_PREFIXES = ("external id", "id externe", "identifiant externe")

# Export columns: (key, header). Keys that are import fields let an exported file be
# imported again (its headers are accepted in both languages).
EXPORT_COLUMNS: list[tuple[str, Any]] = [
    ("id", _("ID")),
    ("title", _("Title")),
    ("first_name", _("First name")),
    ("last_name", _("Last name")),
    ("organisation", _("Organisation")),
    ("job_title", _("Job title")),
    ("email", _("Primary email")),
    ("phone", _("Primary phone")),
    ("preferred_language", _("Language")),
    ("preferred_channel", _("Preferred channel")),
    ("is_vip", _("VIP")),
    ("tags", _("Tags")),
    ("city", _("City")),
    ("country", _("Country")),
    ("created_at", _("Created at")),
]


def _key(text: str) -> str:
    """What a header or a choice is compared on: "N° SIRET" -> "n siret", "E-mail" -> "e mail"."""
    return " ".join(re.sub(r"[^0-9a-z@]+", " ", normalise(text)).split())


@cache
def _aliases(kind: str) -> dict[str, str]:
    """Header key -> field, for a kind. Labels and model field names in both languages
    count too, so a file made from the template or from an export is always understood."""
    table: dict[str, str] = {}
    for name, (_label, aliases) in COLUMNS[kind].items():
        for alias in (name, *aliases):
            table.setdefault(_key(alias), name)
    model = Contact if kind == ImportJob.Kind.CONTACTS else Organisation
    for language, _language_name in settings.LANGUAGES:
        with translation.override(language):
            for name, (label, _spellings) in COLUMNS[kind].items():
                table.setdefault(_key(str(label)), name)
                try:
                    model_field = model._meta.get_field(name)
                except FieldDoesNotExist:  # email, phone, tags...: not a model field
                    continue
                verbose = getattr(model_field, "verbose_name", None)
                if verbose:
                    table.setdefault(_key(str(verbose)), name)
            if kind == ImportJob.Kind.CONTACTS:
                for name, header in EXPORT_COLUMNS:
                    if name in COLUMNS[kind]:
                        table.setdefault(_key(str(header)), name)
    return table


@cache
def _choice_table(
    choices: tuple[tuple[str, Any], ...], extra: tuple[tuple[str, str], ...]
) -> dict[str, str]:
    """Value key -> choice code: codes, labels in every language, and extra spellings."""
    table = {_key(alias): code for alias, code in extra}
    for language, _language_name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in choices:
                table.setdefault(_key(code), code)
                table.setdefault(_key(str(label)), code)
    return table


_TITLE_SPELLINGS = (("M", "mr"), ("M.", "mr"), ("Monsieur", "mr"), ("Mister", "mr"),
                    ("Mme", "mrs"), ("Madame", "mrs"), ("Ms", "mrs"), ("Miss", "mrs"),
                    ("Mlle", "mrs"), ("Mademoiselle", "mrs"), ("Docteur", "dr"),
                    ("Doctor", "dr"))  # fmt: skip
_LANGUAGE_SPELLINGS = (("français", "fr"), ("francais", "fr"), ("french", "fr"),
                       ("anglais", "en"), ("english", "en"))  # fmt: skip
_CHANNEL_SPELLINGS = (("e-mail", "email"), ("mail", "email"), ("courriel", "email"),
                      ("téléphone", "phone"), ("tel", "phone"), ("appel", "phone"),
                      ("call", "phone"), ("texto", "sms"), ("text", "sms"),
                      ("courrier", "post"), ("postal", "post"), ("letter", "post"))  # fmt: skip
_TRUE = frozenset({"1", "true", "vrai", "yes", "oui", "y", "o", "x", "vip"})
_FALSE = frozenset({"0", "false", "faux", "no", "non", "n"})
_COUNTRY_NAMES = {
    "france": "FR", "belgique": "BE", "belgium": "BE", "suisse": "CH", "switzerland": "CH",
    "luxembourg": "LU", "monaco": "MC", "canada": "CA", "allemagne": "DE", "germany": "DE",
    "espagne": "ES", "spain": "ES", "italie": "IT", "italy": "IT", "royaume uni": "GB",
    "united kingdom": "GB", "uk": "GB", "etats unis": "US", "united states": "US", "usa": "US",
    "pays bas": "NL", "netherlands": "NL", "portugal": "PT", "irlande": "IE", "ireland": "IE",
    "maroc": "MA", "morocco": "MA", "tunisie": "TN", "tunisia": "TN", "algerie": "DZ",
    "algeria": "DZ", "senegal": "SN",
}  # fmt: skip
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y")
_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
_SPLIT_EMAILS = re.compile(r"[,;\s]+")
_SPLIT_PHONES = re.compile(r"[,;/|]+")
_SPLIT_TAGS = re.compile(r"[,;|]+")
_ILLEGAL_XLSX_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    index: int
    field: str
    header: str
    system: str = ""  # external identifiers only


@dataclass(frozen=True)
class HeaderMap:
    columns: list[Column]
    ignored: list[str]
    problems: list[str]
    width: int = 0

    def fields(self) -> set[str]:
        return {column.field for column in self.columns}


def map_header(*, kind: str, header: Sequence[str]) -> HeaderMap:
    """Which column holds which field; unknown columns are listed and ignored."""
    aliases = _aliases(kind)
    columns: list[Column] = []
    ignored: list[str] = []
    problems: list[str] = []
    taken: dict[tuple[str, str], str] = {}
    for index, raw in enumerate(header):
        text = raw.replace("\ufeff", "").strip()
        key = _key(text)
        if not key:
            continue
        name = aliases.get(key)
        system = ""
        if name is None and kind == ImportJob.Kind.CONTACTS:
            for prefix in EXTERNAL_ID_PREFIXES:
                if key.startswith(prefix + " "):
                    name, system = "external_id", key[len(prefix) + 1 :][:50]
                    break
        if name is None:
            numbered = re.fullmatch(r"(.*?) ?\d+", key)
            if numbered and aliases.get(numbered[1]) in MULTI_VALUE_FIELDS:
                name = aliases[numbered[1]]
        if name is None:
            ignored.append(text)
            continue
        if name == "external_id":
            system = system or EXTERNAL_ID_DEFAULT_SYSTEM
        slot = (name, system)
        if name not in MULTI_VALUE_FIELDS and slot in taken:
            problems.append(
                str(
                    ERROR_DUPLICATE_COLUMN
                    % {"first": taken[slot], "second": text, "field": _column_label(kind, name)}
                )
            )
            continue
        taken.setdefault(slot, text)
        columns.append(Column(index=index, field=name, header=text, system=system))
    present = {column.field for column in columns}
    missing = [group for group in REQUIRED_COLUMNS[kind] if not present.intersection(group)]
    if missing:
        problems.insert(
            0,
            str(
                ERROR_MISSING_COLUMNS % {"columns": "; ".join(_describe(kind, g) for g in missing)}
            ),
        )
    return HeaderMap(columns=columns, ignored=ignored, problems=problems, width=len(header))


def _column_label(kind: str, name: str) -> str:
    return str(COLUMNS[kind][name][0]).lower()


def _describe(kind: str, group: tuple[str, ...]) -> str:
    """ "last name (“Nom”, “last_name”)" for the missing-columns message."""
    parts = []
    for name in group[:2]:  # "email or phone" says enough; landline and work phone count too
        examples = ", ".join(f"“{alias}”" for alias in COLUMNS[kind][name][1][:2])
        parts.append(f"{_column_label(kind, name)} ({examples})")
    if len(parts) == 1:
        return parts[0]
    return gettext("%(first)s or %(second)s") % {"first": parts[0], "second": parts[1]}


@dataclass(frozen=True)
class ColumnHelp:
    field: str
    label: str
    required: bool
    examples: list[str]


def import_column_help(*, kind: str) -> list[ColumnHelp]:
    """The columns a file of this kind may have, for the upload page."""
    required = {name for group in REQUIRED_COLUMNS[kind] for name in group}
    return [
        ColumnHelp(
            field=name, label=str(label), required=name in required, examples=list(aliases[:4])
        )
        for name, (label, aliases) in COLUMNS[kind].items()
    ]


def import_template_csv(*, kind: str) -> bytes:
    """An empty file with the headers this kind accepts, in the active language."""
    delimiter = EXPORT_CSV_DELIMITER.get(translation.get_language() or "", ",")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerow(
        [str(label) for label, _aliases_ in COLUMNS[kind].values()]
    )
    return codecs.BOM_UTF8 + buffer.getvalue().encode()


# --- Reading the file -------------------------------------------------------------------------
@dataclass(frozen=True)
class FileCheck:
    encoding: str
    delimiter: str
    header: HeaderMap
    estimated_rows: int


def _codec(encoding: str) -> str:
    return {"utf-8": "utf-8-sig"}.get(encoding, encoding)


def _detect_encoding(chunks: Callable[[], Iterable[bytes]]) -> tuple[str, int]:
    """(encoding, number of lines) of a file whose chunks can be read twice. Raises
    ValidationError for binary content. UTF-8 (with or without BOM) first, then the
    Windows code page French Excel saves CSV in, then Latin-1, which reads anything."""
    first = b""
    for chunk in chunks():
        first = chunk[:8]
        break
    if first.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise ValidationError(ERROR_FILE_SPREADSHEET, code="spreadsheet")
    if first.startswith(_UTF16_BOMS):
        # Excel's "Unicode text": UTF-16 with a BOM. NUL bytes are normal there.
        return "utf-16", _decode_all(chunks, "utf-16", check_nul=True)
    lines = 0
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    last = b""
    for chunk in chunks():
        if b"\x00" in chunk:
            raise ValidationError(ERROR_FILE_BINARY, code="binary")
        lines += chunk.count(b"\n")
        last = chunk[-1:] or last
        if is_utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
    if last and last != b"\n":
        lines += 1
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return ("utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"), lines
    for encoding in ("cp1252", "latin-1"):
        try:
            _decode_all(chunks, encoding, check_nul=False)
        except UnicodeDecodeError:
            continue
        return encoding, lines
    raise ValidationError(ERROR_FILE_BINARY, code="binary")  # pragma: no cover - latin-1 reads all


def _decode_all(chunks: Callable[[], Iterable[bytes]], encoding: str, *, check_nul: bool) -> int:
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    try:
        for chunk in chunks():
            text = decoder.decode(chunk)
            if check_nul and "\x00" in text:
                raise ValidationError(ERROR_FILE_BINARY, code="binary")
            lines += text.count("\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        if check_nul:
            raise ValidationError(ERROR_FILE_BINARY, code="binary") from None
        raise
    return lines + 1


def _sniff_delimiter(sample: str) -> str:
    """Comma, semicolon or tab, from the first lines; checked against the header line
    because the Sniffer can be fooled by a comma inside a semicolon-separated value."""
    header_line = sample.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter in header_line and delimiter:
        return delimiter
    counts = {candidate: header_line.count(candidate) for candidate in CSV_DELIMITERS}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _read_header(sample: str, *, kind: str, truncated: bool) -> tuple[str, HeaderMap]:
    if truncated and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]  # a cut last line would skew the sniffer
    delimiter = _sniff_delimiter(sample)
    try:
        header = next(csv.reader(io.StringIO(sample), delimiter=delimiter), [])
    except csv.Error:
        header = []
    if not any(cell.strip() for cell in header):
        raise ValidationError(ERROR_FILE_NO_HEADER, code="no_header")
    return delimiter, map_header(kind=kind, header=header)


def _sample(read: Callable[[int], bytes], encoding: str) -> tuple[str, bool]:
    """The first SNIFF_BYTES of the file as text, and whether the file goes on after."""
    data = read(SNIFF_BYTES)
    decoder = codecs.getincrementaldecoder(_codec(encoding))(errors="replace")
    return decoder.decode(data, final=False), len(data) >= SNIFF_BYTES


def import_file_check(*, kind: str, file: UploadedFile) -> FileCheck:
    """Everything about the file that can be refused before a row is read: size first
    (from the upload's metadata, without reading), then content, encoding and header."""
    if kind not in ImportJob.Kind.values:
        raise ValidationError(ERROR_UNKNOWN_KIND, code="kind")
    limit = settings.RELAIS_IMPORT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            ERROR_FILE_TOO_LARGE % {"limit": filesizeformat(limit)}, code="too_large"
        )
    if not file.size:
        raise ValidationError(ERROR_FILE_EMPTY, code="empty")

    def chunks() -> Iterator[bytes]:
        file.seek(0)
        yield from file.chunks(READ_CHUNK_BYTES)

    encoding, lines = _detect_encoding(chunks)
    file.seek(0)
    sample, truncated = _sample(file.read, encoding)
    file.seek(0)
    if not sample.strip():
        raise ValidationError(ERROR_FILE_EMPTY, code="empty")
    delimiter, header = _read_header(sample, kind=kind, truncated=truncated)
    if header.problems:
        raise ValidationError(header.problems, code="columns")
    return FileCheck(
        encoding=encoding, delimiter=delimiter, header=header, estimated_rows=max(lines - 1, 0)
    )


@contextmanager
def _job_rows(job: ImportJob) -> Iterator[tuple[str, HeaderMap, Iterator[tuple[int, list[str]]]]]:
    """(delimiter, header map, data rows as (row number, cells)) of a stored job's file.
    Row numbers count records from the header (1), as a spreadsheet numbers its rows."""
    raw = job.file.storage.open(job.file.name, "rb")
    try:
        stream: IO[bytes] = getattr(raw, "file", raw)
        sample, truncated = _sample(stream.read, job.encoding)
        stream.seek(0)
        delimiter, header = _read_header(sample, kind=job.kind, truncated=truncated)
        text = io.TextIOWrapper(stream, encoding=_codec(job.encoding), newline="")  # type: ignore[type-var]
        reader = csv.reader(text, delimiter=delimiter)
        with suppress(StopIteration, csv.Error):
            next(reader)  # the header, already read from the sample

        def records() -> Iterator[tuple[int, list[str]]]:
            row = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise _UnreadableFile(row + 1, str(exc)) from exc
                row += 1
                if any(cell.strip() for cell in cells):
                    yield row, cells

        yield delimiter, header, records()
    finally:
        raw.close()


class _UnreadableFile(Exception):
    def __init__(self, row: int, reason: str) -> None:
        super().__init__(reason)
        self.row = row
        self.reason = reason


def import_job_columns(*, job: ImportJob) -> HeaderMap | None:
    """The recognised and ignored columns of a job's file (None if it cannot be read)."""
    try:
        with _job_rows(job) as (_delimiter, header, _records):
            return header
    except (OSError, ValueError, ValidationError):
        return None


# --- Errors and progress ----------------------------------------------------------------------
class _ErrorLog:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.count = 0

    def add(self, row: int | None, field: str, message: Any) -> None:
        self.count += 1
        if len(self.items) < MAX_STORED_ERRORS:
            self.items.append({"row": row, "field": field, "message": str(message)})


def _progress_key(job_pk: int) -> str:
    return f"crm:import:{job_pk}:progress"


@dataclass(frozen=True)
class ImportProgress:
    processed: int
    total: int

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, round(100 * self.processed / self.total))


def import_job_progress(*, job: ImportJob) -> ImportProgress:
    """Rows done so far. The commit runs in one transaction that other connections cannot
    see into, so it publishes its progress in the shared cache instead of the job row."""
    if job.status == ImportJob.Status.IMPORTING:
        published = shared_cache.get(_progress_key(job.pk))
        if published:
            return ImportProgress(processed=published["processed"], total=published["total"])
        return ImportProgress(processed=0, total=job.total_rows)
    if job.status == ImportJob.Status.DONE:
        return ImportProgress(processed=job.total_rows, total=job.total_rows)
    return ImportProgress(processed=job.processed_rows, total=job.total_rows)


# --- Cleaning cells -----------------------------------------------------------------------------
class _CellError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@cache
def _max_length(model: type[Contact] | type[Organisation], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


def _text(value: str, model: type[Contact] | type[Organisation], name: str) -> str:
    limit = _max_length(model, name)
    if limit is not None and len(value) > limit:
        raise _CellError(ERROR_TOO_LONG % {"limit": limit, "length": len(value)})
    return value


def _choice(value: str, choices: Any, extra: tuple[tuple[str, str], ...] = ()) -> str:
    table = _choice_table(tuple((c, l) for c, l in choices), extra)  # noqa: E741
    code = table.get(_key(value))
    if code is None:
        raise _CellError(
            ERROR_CHOICE % {"value": value, "choices": ", ".join(str(c) for c, _l in choices)}
        )
    return code


def _language(value: str) -> str:
    key = _key(value)
    code = _choice_table(tuple(Language.choices), _LANGUAGE_SPELLINGS).get(key)
    if code is None:
        matched = re.fullmatch(r"(fr|en)( [a-z]{2})?", key)
        if not matched:
            raise _CellError(ERROR_LANGUAGE % {"value": value})
        code = matched[1]
    return code


def _boolean(value: str) -> bool:
    key = _key(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _CellError(ERROR_BOOLEAN % {"value": value})


def _country(value: str) -> str:
    key = _key(value)
    if re.fullmatch(r"[a-z]{2}", key):
        return key.upper()
    code = _COUNTRY_NAMES.get(key)
    if code is None:
        raise _CellError(ERROR_COUNTRY % {"value": value})
    return code


def _datetime(value: str) -> datetime:
    parsed: datetime | None
    try:
        parsed = parse_datetime(value.replace(" T", "T"))
        if parsed is None:
            day = parse_date(value)
            parsed = datetime.combine(day, time()) if day else None
    except ValueError:
        parsed = None
    if parsed is None:
        for pattern in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, pattern)  # made aware below
                break
            except ValueError:
                continue
    if parsed is None or parsed.year < 1900:
        raise _CellError(ERROR_DATE % {"value": value})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > timezone.now() + timedelta(days=1):
        raise _CellError(ERROR_DATE_FUTURE)
    return parsed


def _website(value: str) -> str:
    url = value if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE) else f"https://{value}"
    try:
        _URL_VALIDATOR(url)
    except ValidationError as exc:
        raise _CellError(ERROR_URL % {"value": value}) from exc
    return _text(url, Organisation, "website")


def _size(value: str) -> str:
    try:
        return _choice(value, Organisation.Size.choices)
    except _CellError:
        number = re.match(r"\D*(\d[\d  .]*)", value)
        if not number:
            raise
        headcount = int(re.sub(r"\D", "", number[1]))
    for ceiling, code in ((9, "micro"), (49, "small"), (249, "medium"), (4999, "large")):
        if headcount <= ceiling:
            return code
    return Organisation.Size.HUGE


def _tags(values: list[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for name in _SPLIT_TAGS.split(value):
            cleaned = " ".join(name.split()).lower()
            if not cleaned:
                continue
            if len(cleaned) > 50:
                raise _CellError(ERROR_TAG_TOO_LONG)
            if cleaned not in names:
                names.append(cleaned)
    if len(names) > MAX_TAGS:
        raise _CellError(ERROR_TOO_MANY % {"limit": MAX_TAGS, "what": gettext("tags")})
    return names


def _first_message(exc: ValidationError) -> str:
    for messages in exc.message_dict.values():
        return str(messages[0])
    return str(exc)  # pragma: no cover


# --- Rows ---------------------------------------------------------------------------------------
@dataclass
class _Draft:
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


class _Rows:
    """Checks rows batch by batch and writes them; remembers what earlier batches held so
    that duplicates inside the file are caught across batches."""

    model: type[Contact] | type[Organisation]
    text_fields: tuple[str, ...] = ()

    def __init__(self, *, job: ImportJob, header: HeaderMap, errors: _ErrorLog) -> None:
        self.job = job
        self.header = header
        self.errors = errors
        self.header_width = header.width
        self.by_field: dict[str, list[Column]] = defaultdict(list)
        for column in header.columns:
            self.by_field[column.field].append(column)
        self._owners: dict[str, int] | None = None
        self._tag_ids: dict[str, int] = {}
        self._activity_type_id = ContentType.objects.get_for_model(ImportJob).pk
        self.actor_id = job.created_by_id

    # Reading
    def clean_batch(self, records: list[tuple[int, list[str]]]) -> list[_Draft]:
        drafts = [self.clean_row(row, cells) for row, cells in records]
        self.check_against_database(drafts)
        valid = []
        for draft in drafts:
            for header, message in draft.errors:
                self.errors.add(draft.row, header, message)
            if not draft.errors:
                valid.append(draft)
        return valid

    def clean_row(self, row: int, cells: list[str]) -> _Draft:
        draft = _Draft(row=row)
        if len(cells) > self.header_width and any(c.strip() for c in cells[self.header_width :]):
            draft.errors.append(
                ("", ERROR_TOO_MANY_CELLS % {"found": len(cells), "expected": self.header_width})
            )
            return draft
        for name, columns in self.by_field.items():
            values = [cells[c.index].strip() if c.index < len(cells) else "" for c in columns]
            try:
                self.clean_field(draft, name, columns, values)
            except _CellError as exc:
                draft.errors.append((columns[0].header, exc.message))
            except ValidationError as exc:  # from the services' clean_emails / clean_phones
                draft.errors.append((columns[0].header, _first_message(exc)))
        self.check_row(draft)
        return draft

    def clean_field(
        self, draft: _Draft, name: str, columns: list[Column], values: list[str]
    ) -> None:
        value = values[0]
        if name in self.text_fields:
            draft.fields[name] = _text(value, self.model, name)
        elif name == "owner":
            if value:
                draft.owner_ref = (value, columns[0].header)
        elif name == "tags":
            draft.tags = _tags(values)
        elif name == "country":
            if value:
                draft.fields["country"] = _country(value)
        elif name == "created_at" and value:
            draft.fields["created_at"] = _datetime(value)

    def check_row(self, draft: _Draft) -> None:
        """Rules spanning several cells (required values, duplicates inside the file)."""

    def check_against_database(self, drafts: list[_Draft]) -> None:
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

    # Writing
    def write_batch(self, drafts: list[_Draft], *, summary: str, now: datetime) -> int:
        raise NotImplementedError

    def _tag_ids_for(self, drafts: list[_Draft]) -> dict[str, int]:
        wanted = sorted({name for d in drafts for name in d.tags} - set(self._tag_ids))
        for start in range(0, len(wanted), MAX_TAGS):
            for tag in tags_resolve(names=wanted[start : start + MAX_TAGS]):
                self._tag_ids[tag.name] = tag.pk
        return self._tag_ids

    def _activity(self, *, summary: str, now: datetime, **subject: Any) -> Activity:
        return Activity(
            kind=timeline.IMPORTED,
            summary=summary,
            occurred_at=now,
            actor_id=self.actor_id,
            source_type_id=self._activity_type_id,
            source_id=self.job.pk,
            **subject,
        )


def _chunks(values: Sequence[Any], size: int = 1000) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _ContactRows(_Rows):
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
        self, draft: _Draft, name: str, columns: list[Column], values: list[str]
    ) -> None:
        value = values[0]
        if name == "email":
            emails = clean_emails(e for v in values for e in _SPLIT_EMAILS.split(v))
            for email in emails:
                if len(email) > 254:
                    raise _CellError(ERROR_TOO_LONG % {"limit": 254, "length": len(email)})
            draft.emails = emails
        elif name in PHONE_KINDS:
            known = {number for number, _kind in draft.phones}
            for number in clean_phones(p for v in values for p in _SPLIT_PHONES.split(v)):
                if number not in known:
                    draft.phones.append((number, PHONE_KINDS[name]))
                    known.add(number)
            if len(draft.phones) > MAX_PHONES:
                raise _CellError(
                    ERROR_TOO_MANY % {"limit": MAX_PHONES, "what": gettext("phone numbers")}
                )
        elif name == "title":
            if value:
                draft.fields["title"] = _choice(value, Contact.Title.choices, _TITLE_SPELLINGS)
        elif name == "preferred_language":
            if value:
                draft.fields["preferred_language"] = _language(value)
        elif name == "preferred_channel":
            if value:
                draft.fields["preferred_channel"] = _choice(
                    value, Channel.choices, _CHANNEL_SPELLINGS
                )
        elif name == "is_vip":
            draft.fields["is_vip"] = _boolean(value) if value else False
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

    def check_row(self, draft: _Draft) -> None:
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

    def check_against_database(self, drafts: list[_Draft]) -> None:
        super().check_against_database(drafts)
        self._resolve_organisations(drafts)
        emails = sorted({e for d in drafts for e in d.emails})
        phones = sorted({number for d in drafts for number, _kind in d.phones})
        # Two plain lookups rather than one join: the email and phone indexes answer in
        # milliseconds, where joining the contacts to keep the active ones scans them all.
        email_hits: list[tuple[str, int]] = []
        for part in _chunks(emails):
            email_hits += (
                ContactEmail.objects.filter(email__in=part)
                .order_by()
                .values_list("email", "contact_id")
            )
        phone_hits: list[tuple[str, int]] = []
        for part in _chunks(phones):
            phone_hits += [
                (number.as_e164, contact_id)
                for number, contact_id in _phones_in(part).values_list("number", "contact_id")
            ]
        active = _active_contact_ids({contact_id for _value, contact_id in email_hits + phone_hits})
        taken_emails = {email: cid for email, cid in email_hits if cid in active}
        taken_phones = {number: cid for number, cid in phone_hits if cid in active}
        by_system: dict[str, set[str]] = defaultdict(set)
        for draft in drafts:
            for system, value in draft.external_ids:
                by_system[system].add(value)
        taken_external: dict[tuple[str, str], int] = {}
        for system, values in by_system.items():
            for part in _chunks(sorted(values)):
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

    def _resolve_organisations(self, drafts: list[_Draft]) -> None:
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
        for part in _chunks(sorted(legal_ids)):
            for pk, name, legal_id in Organisation.objects.filter(legal_id__in=part).values_list(
                "pk", "name", "legal_id"
            ):
                self.organisations_by_legal_id[legal_id].found.append((pk, name))

    def _lookup_names(self, names: set[str]) -> None:
        for name in names:
            self.organisations_by_name[name] = _OrganisationLookup(found=[])
        found = _organisations_named(names)
        for name, matches in found.items():
            self.organisations_by_name[name].found.extend(matches)

    def write_batch(self, drafts: list[_Draft], *, summary: str, now: datetime) -> int:
        contacts = []
        for draft in drafts:
            fields = draft.fields
            parts = [fields.get("first_name", ""), fields["last_name"], fields.get("job_title", "")]
            if draft.organisation_id:
                parts.append(draft.organisation_name)
            parts += draft.emails
            parts += [value for _system, value in draft.external_ids]
            contacts.append(
                Contact(
                    **fields,
                    organisation_id=draft.organisation_id,
                    search_text=normalise(" ".join(parts)),
                    search_name=normalise(f"{fields.get('first_name', '')} {fields['last_name']}"),
                )
            )
        Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
        tag_ids = self._tag_ids_for(drafts)
        emails, phones, external_ids, tags, activities = [], [], [], [], []
        through = Contact.tags.through
        for draft, contact in zip(drafts, contacts, strict=True):
            emails += [
                ContactEmail(contact_id=contact.pk, email=email, is_primary=(i == 0))
                for i, email in enumerate(draft.emails)
            ]
            phones += [
                ContactPhone(contact_id=contact.pk, number=number, kind=kind, is_primary=(i == 0))
                for i, (number, kind) in enumerate(draft.phones)
            ]
            external_ids += [
                ExternalId(contact_id=contact.pk, system=system, value=value)
                for system, value in draft.external_ids
            ]
            tags += [through(contact_id=contact.pk, tag_id=tag_ids[name]) for name in draft.tags]
            activities.append(
                self._activity(
                    summary=summary,
                    now=now,
                    contact_id=contact.pk,
                    organisation_id=draft.organisation_id,
                )
            )
        ContactEmail.objects.bulk_create(emails, batch_size=BATCH_SIZE)
        ContactPhone.objects.bulk_create(phones, batch_size=BATCH_SIZE)
        ExternalId.objects.bulk_create(external_ids, batch_size=BATCH_SIZE)
        through.objects.bulk_create(tags, batch_size=BATCH_SIZE)
        Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
        return len(contacts)


def _phones_in(numbers: Sequence[str]) -> QuerySet[ContactPhone]:
    """Phone rows holding one of these E.164 numbers (stored as E.164 text)."""
    if connection.vendor == "postgresql":
        # Compared as text, the values skip the field's parsing (tens of microseconds a
        # number, a third of a large file's check); varchar-to-text is a mere relabel for
        # PostgreSQL, so the phone index still serves the lookup. Elsewhere the cast would
        # hide the index.
        return (
            ContactPhone.objects.alias(number_text=Cast("number", output_field=TextField()))
            .filter(number_text__in=numbers)
            .order_by()
        )
    return ContactPhone.objects.filter(number__in=numbers).order_by()


def _active_contact_ids(ids: set[int]) -> set[int]:
    active: set[int] = set()
    for part in _chunks(sorted(ids)):
        active.update(Contact.objects.active().filter(pk__in=part).values_list("pk", flat=True))
    return active


def _organisations_named(names: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """Organisations whose name equals one of `names` (case-folded), found through the
    accent-free search text (indexed on PostgreSQL) and compared exactly here, because
    SQLite's case-insensitive comparison ignores accented capitals."""
    wanted = {name for name in names if normalise(name)}
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for part in _chunks(sorted(wanted), 100):
        condition = Q()
        for name in part:
            folded = normalise(name)
            condition |= Q(search_text=folded) | Q(search_text__startswith=f"{folded} ")
        for pk, name in Organisation.objects.filter(condition).values_list("pk", "name"):
            key = name.strip().casefold()
            if key in wanted:
                found[key].append((pk, name))
    return found


class _OrganisationRows(_Rows):
    model = Organisation
    text_fields = ("name", "sector", "address_line1", "address_line2", "postal_code", "city",
                   "region")  # fmt: skip

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen_legal_ids: dict[str, int] = {}
        self.seen_names: dict[str, int] = {}

    def clean_field(
        self, draft: _Draft, name: str, columns: list[Column], values: list[str]
    ) -> None:
        value = values[0]
        if name == "legal_id":
            compact = normalise_legal_id(value)
            if compact:
                try:
                    validate_legal_id(compact)
                except ValidationError as exc:
                    raise _CellError(exc.messages[0]) from exc
            draft.fields["legal_id"] = compact
        elif name == "size":
            if value:
                draft.fields["size"] = _size(value)
        elif name == "website":
            if value:
                draft.fields["website"] = _website(value)
        else:
            super().clean_field(draft, name, columns, values)

    def check_row(self, draft: _Draft) -> None:
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

    def check_against_database(self, drafts: list[_Draft]) -> None:
        super().check_against_database(drafts)
        legal_ids = sorted({d.fields["legal_id"] for d in drafts if d.fields.get("legal_id")})
        taken: dict[str, str] = {}
        for part in _chunks(legal_ids):
            taken.update(
                Organisation.objects.filter(legal_id__in=part).values_list("legal_id", "name")
            )
        unnamed = [d for d in drafts if d.fields.get("name") and not d.fields.get("legal_id")]
        existing = _organisations_named(d.fields["name"].casefold() for d in unnamed)
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

    def write_batch(self, drafts: list[_Draft], *, summary: str, now: datetime) -> int:
        organisations = []
        for draft in drafts:
            organisation = Organisation(**draft.fields)
            organisation.search_text = normalise(
                " ".join(
                    [
                        organisation.name,
                        organisation.legal_id,
                        organisation.city,
                        organisation.sector,
                    ]
                )
            )
            organisations.append(organisation)
        Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
        tag_ids = self._tag_ids_for(drafts)
        through = Organisation.tags.through
        tags = []
        activities = []
        for draft, organisation in zip(drafts, organisations, strict=True):
            tags += [
                through(organisation_id=organisation.pk, tag_id=tag_ids[name])
                for name in draft.tags
            ]
            activities.append(
                self._activity(summary=summary, now=now, organisation_id=organisation.pk)
            )
        through.objects.bulk_create(tags, batch_size=BATCH_SIZE)
        Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
        return len(organisations)


# --- The jobs -------------------------------------------------------------------------------------
@dataclass
class _Outcome:
    rows: int = 0
    created: int = 0
    errors: _ErrorLog = field(default_factory=_ErrorLog)


def _rows_for(job: ImportJob, header: HeaderMap, errors: _ErrorLog) -> _Rows:
    rows_class = _ContactRows if job.kind == ImportJob.Kind.CONTACTS else _OrganisationRows
    return rows_class(job=job, header=header, errors=errors)


def _run(job: ImportJob, *, write: bool, on_progress: Callable[[int], None]) -> _Outcome:
    """One pass over the file: every row checked; with `write`, written batch by batch
    until the first error (the caller's transaction then rolls everything back)."""
    outcome = _Outcome()
    summary = (gettext("Imported from %(file)s") % {"file": job.original_name})[:300]
    now = timezone.now()
    with _job_rows(job) as (_delimiter, header, records):
        if header.problems:
            for problem in header.problems:
                outcome.errors.add(1, "", problem)
            return outcome
        rows = _rows_for(job, header, outcome.errors)
        batch: list[tuple[int, list[str]]] = []

        def flush() -> None:
            drafts = rows.clean_batch(batch)
            outcome.rows += len(batch)
            batch.clear()
            if write and not outcome.errors.count:
                outcome.created += rows.write_batch(drafts, summary=summary, now=now)
            on_progress(outcome.rows)

        try:
            for record in records:
                batch.append(record)
                if len(batch) >= BATCH_SIZE:
                    flush()
        except _UnreadableFile as exc:
            flush()
            outcome.errors.add(exc.row, "", ERROR_UNREADABLE % {"reason": exc.reason})
            return outcome
        if batch:
            flush()
    if not outcome.rows:
        outcome.errors.add(None, "", ERROR_NO_ROWS)
    return outcome


def _language_of(job: ImportJob) -> str:
    # Row errors are stored as text: in the language of the person who uploaded the file.
    return getattr(job.created_by, "language", "") or settings.LANGUAGE_CODE


def import_job_create(
    *, actor: User | None, kind: str, file: UploadedFile, schedule: bool = True
) -> ImportJob:
    """Check and store an uploaded CSV file; its dry run is queued after commit (pass
    `schedule=False` to run `import_job_validate` yourself). Raises ValidationError with
    a message for the upload form when the file is refused; nothing is stored then."""
    check = import_file_check(kind=kind, file=file)
    job = ImportJob(
        kind=kind,
        file=file,
        original_name=(file.name or "import.csv").rsplit("/", 1)[-1][:255],
        encoding=check.encoding,
        total_rows=check.estimated_rows,
        created_by=actor,
    )
    with transaction.atomic():
        job.save()
        if schedule:
            from .tasks import import_validate_task

            transaction.on_commit(lambda: import_validate_task.delay(job.pk))
    return job


def import_job_validate(*, job: ImportJob) -> ImportJob:
    """The dry run: check every row, record the errors, end VALID or INVALID.

    Runs for a job waiting to be checked (or whose check a lost worker left unfinished);
    for any other status it does nothing, so a task delivered twice is harmless. Progress
    is saved on the job row every batch, outside any transaction, for the page to poll.
    """
    claimed = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJob.Status.PENDING, ImportJob.Status.VALIDATING]
    ).update(status=ImportJob.Status.VALIDATING, processed_rows=0, errors=[], error_count=0)
    job.refresh_from_db()
    if not claimed:
        return job
    estimate = job.total_rows

    def on_progress(processed: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=min(processed, estimate))

    try:
        with translation.override(_language_of(job)):
            outcome = _run(job, write=False, on_progress=on_progress)
    except Exception:
        _fail(job, statuses=[ImportJob.Status.VALIDATING])
        raise
    job.total_rows = job.processed_rows = outcome.rows
    job.errors = outcome.errors.items
    job.error_count = outcome.errors.count
    job.status = ImportJob.Status.INVALID if outcome.errors.count else ImportJob.Status.VALID
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "total_rows", "processed_rows", "errors", "error_count",
                            "finished_at"])  # fmt: skip
    return job


def import_job_commit_schedule(*, job: ImportJob, actor: User | None) -> ImportJob:
    """Ask for a checked job to be imported: it moves to IMPORTING now (so a second click
    does nothing) and `import_commit_task` runs after commit."""
    moved = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(
        status=ImportJob.Status.IMPORTING, processed_rows=0
    )
    if not moved:
        raise ValidationError(ERROR_NOT_READY, code="not_ready")
    job.refresh_from_db()
    shared_cache.set(
        _progress_key(job.pk), {"processed": 0, "total": job.total_rows}, PROGRESS_TIMEOUT_SECONDS
    )
    from .tasks import import_commit_task

    transaction.on_commit(lambda: import_commit_task.delay(job.pk))
    return job


class _CommitRejected(Exception):
    def __init__(self, outcome: _Outcome) -> None:
        super().__init__("rows failed their check")
        self.outcome = outcome


def import_job_commit(*, job: ImportJob) -> ImportJob:
    """Write every row of a checked job, or none: one transaction, rows checked again
    (the data may have changed since the dry run) and written in batches of BATCH_SIZE.

    Runs for a VALID or IMPORTING job and does nothing for any other status. The job row
    is locked for the whole transaction, so a task delivered twice waits for the first
    and then finds the job DONE. Progress goes to the shared cache: nothing written inside
    the transaction is visible to the page until it commits. The timeline rows are
    credited to the person who uploaded the file.
    """
    ready = (ImportJob.Status.VALID, ImportJob.Status.IMPORTING)
    key = _progress_key(job.pk)
    ran = False
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status not in ready:
                return locked
            ran = True
            total = locked.total_rows

            def on_progress(processed: int) -> None:
                shared_cache.set(
                    key, {"processed": min(processed, total), "total": total},
                    PROGRESS_TIMEOUT_SECONDS,
                )  # fmt: skip

            with translation.override(_language_of(locked)):
                outcome = _run(locked, write=True, on_progress=on_progress)
            if outcome.errors.count:
                raise _CommitRejected(outcome)
            locked.status = ImportJob.Status.DONE
            locked.total_rows = locked.processed_rows = outcome.rows
            locked.created_rows = outcome.created
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "total_rows", "processed_rows", "created_rows",
                                       "finished_at"])  # fmt: skip
    except _CommitRejected as exc:
        ImportJob.objects.filter(pk=job.pk, status__in=ready).update(
            status=ImportJob.Status.INVALID,
            errors=exc.outcome.errors.items,
            error_count=exc.outcome.errors.count,
            processed_rows=0,
            created_rows=0,
            finished_at=timezone.now(),
        )
    except Exception:
        _fail(job, statuses=ready)
        raise
    finally:
        if ran:
            shared_cache.delete(key)
    job.refresh_from_db()
    return job


def _fail(job: ImportJob, *, statuses: Sequence[str]) -> None:
    """Mark the job failed, unless another run has moved it on meanwhile (a duplicate
    task that lost a race must not overwrite the winner's result)."""
    with translation.override(_language_of(job)):
        message = str(ERROR_COMMIT_FAILED)
    ImportJob.objects.filter(pk=job.pk, status__in=statuses).update(
        status=ImportJob.Status.FAILED,
        processed_rows=0,
        created_rows=0,
        errors=[{"row": None, "field": "", "message": message}],
        error_count=1,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()


def import_job_list() -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")


def import_job_errors_csv(*, job: ImportJob) -> bytes:
    """The recorded errors (the first MAX_STORED_ERRORS) as a CSV file to fix the source."""
    delimiter = EXPORT_CSV_DELIMITER.get(translation.get_language() or "", ",")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([gettext("Row"), gettext("Column"), gettext("Error")])
    for error in job.errors:
        writer.writerow(
            [_neutralise(str(error.get("row") or "")), _neutralise(error.get("field", "")),
             _neutralise(error.get("message", ""))]
        )  # fmt: skip
    return codecs.BOM_UTF8 + buffer.getvalue().encode()


# --- Export -----------------------------------------------------------------------------------
def _neutralise(value: str) -> str:
    """A spreadsheet runs a cell starting with = + - @ as a formula (CSV injection): the
    leading apostrophe makes it text."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def contact_export_header() -> list[str]:
    return [str(header) for _key_, header in EXPORT_COLUMNS]


_EXPORT_FIELDS = ("pk", "title", "first_name", "last_name", "organisation__name", "job_title",
                  "preferred_language", "preferred_channel", "is_vip", "city", "country",
                  "created_at")  # fmt: skip


def contact_export_rows(*, contacts: QuerySet[Contact]) -> Iterator[list[Any]]:
    """One list of values per contact, in EXPORT_COLUMNS order: int for the id, an aware
    datetime for the creation date, text for the rest (labels in the active language).

    `contacts` is the contact list's queryset (selectors.contact_list with its filters
    and order). It is read as plain rows through a server-side cursor, EXPORT_CHUNK_SIZE
    at a time, and each chunk's primary emails, primary phones and tags come in one query
    each: the query count grows with the chunks, not the rows, and memory stays flat.
    Model instances and prefetch_related would cost some 300 microseconds a row, an
    export of 200,000 contacts a minute.
    """
    titles = {code: str(label) for code, label in Contact.Title.choices}
    languages = {code: str(label) for code, label in Language.choices}
    channels = {code: str(label) for code, label in Channel.choices}
    yes, no = gettext("Yes"), gettext("No")
    rows = contacts.prefetch_related(None).values_list(*_EXPORT_FIELDS)
    iterator = rows.iterator(chunk_size=EXPORT_CHUNK_SIZE)
    while chunk := list(islice(iterator, EXPORT_CHUNK_SIZE)):
        ids = [row[0] for row in chunk]
        emails = _first_per_contact(
            ContactEmail.objects.filter(contact_id__in=ids)
            .order_by("contact_id", "-is_primary", "id")
            .values_list("contact_id", "email")
        )
        phones = _first_per_contact(
            ContactPhone.objects.filter(contact_id__in=ids)
            .order_by("contact_id", "-is_primary", "id")
            # Stored as E.164 text: read as text, not parsed into a PhoneNumber per row.
            .values_list("contact_id", Cast("number", output_field=TextField()))
        )
        tags: dict[int, list[str]] = defaultdict(list)
        for contact_id, name in (
            Contact.tags.through.objects.filter(contact_id__in=ids)
            .order_by("contact_id", "tag__name")
            .values_list("contact_id", "tag__name")
        ):
            tags[contact_id].append(name)
        for (pk, title, first_name, last_name, organisation, job_title, language, channel,
             is_vip, city, country, created_at) in chunk:  # fmt: skip
            yield [
                pk,
                titles.get(title, title),
                first_name,
                last_name,
                organisation or "",
                job_title,
                emails.get(pk, ""),
                phones.get(pk, ""),
                languages.get(language, language),
                channels.get(channel, channel),
                yes if is_vip else no,
                ", ".join(tags.get(pk, ())),
                city,
                country,
                created_at,
            ]


def _first_per_contact(rows: Iterable[tuple[int, str]]) -> dict[int, str]:
    first: dict[int, str] = {}
    for contact_id, value in rows:
        first.setdefault(contact_id, value)
    return first


class _Echo:
    def write(self, value: str) -> str:
        return value


def contact_export_csv(
    *, contacts: QuerySet[Contact], delimiter: str | None = None
) -> Iterator[bytes]:
    """The CSV export as chunks of bytes, for a StreamingHttpResponse.

    UTF-8 with a BOM, the mark Excel needs to read accents right. The delimiter follows
    the active language (EXPORT_CSV_DELIMITER): ";" for French Excel, "," otherwise. Every
    text cell starting with = + - @ gets a leading apostrophe, phone numbers in E.164
    included: a spreadsheet would otherwise read "+33..." as a formula. The language is
    captured now, as the response is iterated after the view has returned.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    chosen = delimiter or EXPORT_CSV_DELIMITER.get(language[:2], ",")
    return _csv_stream(contacts, language, chosen)


def _csv_stream(contacts: QuerySet[Contact], language: str, delimiter: str) -> Iterator[bytes]:
    with translation.override(language):
        writer = csv.writer(_Echo(), delimiter=delimiter)
        yield codecs.BOM_UTF8 + writer.writerow(contact_export_header()).encode()
        lines: list[str] = []
        for row in contact_export_rows(contacts=contacts):
            lines.append(writer.writerow([_csv_cell(value) for value in row]))
            if len(lines) >= 500:
                yield "".join(lines).encode()
                lines.clear()
        if lines:
            yield "".join(lines).encode()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, int):
        return str(value)
    return _neutralise(str(value))


def contact_export_xlsx(*, contacts: QuerySet[Contact]) -> IO[bytes]:
    """The XLSX export in a temporary file (rewound), built with a write-only workbook so
    memory stays flat. Text cells are written as strings, never formulas: a value starting
    with = + - @ is marked with Excel's quote prefix (the hidden apostrophe Excel itself
    uses for "this is text"), so it shows as typed and stays text when edited. Raises
    ValidationError above XLSX_MAX_ROWS contacts."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    count = contacts.count()
    if count > XLSX_MAX_ROWS:
        raise ValidationError(
            ERROR_XLSX_TOO_MANY % {"count": intcomma(count), "limit": intcomma(XLSX_MAX_ROWS)},
            code="too_many",
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Contacts"))[:31])
    for letter, width in zip("ABCDEFGHIJKLMNO", (8, 8, 18, 20, 28, 22, 32, 16, 10, 12, 6, 24,
                                                 18, 8, 17), strict=True):  # fmt: skip
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for title in contact_export_header():
        cell = WriteOnlyCell(sheet, value=_xlsx_text(title))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in contact_export_rows(contacts=contacts):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    output = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned open
    workbook.save(output)
    output.seek(0)
    return output  # type: ignore[return-value]


def _xlsx_text(value: str) -> str:
    return _ILLEGAL_XLSX_CHARACTERS.sub("", value)


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _xlsx_text(str(value))
    if not text.startswith(FORMULA_PREFIXES):
        return text
    cell = WriteOnlyCell(sheet, value=None)
    cell._value = text  # not `value`, which would turn "=..." into a formula
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
