"""The column vocabulary of an import file: which header names which field, in French
and English, as people write them; the template file and the upload page's help.

Headers are compared on `match_key`: lower case, no accents, punctuation as spaces.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..exports import EXPORT_COLUMNS, EXPORT_CSV_DELIMITER
from ..models import Contact, ContactPhone, ImportJob, Organisation
from ..search import normalise

ERROR_MISSING_COLUMNS = _("Missing columns: %(columns)s. The first line must name them.")

ERROR_DUPLICATE_COLUMN = _(
    "The columns “%(first)s” and “%(second)s” both give the %(field)s; keep only one."
)

EXTERNAL_ID_DEFAULT_SYSTEM = "import"

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


def match_key(text: str) -> str:
    """What a header or a choice is compared on: "N° SIRET" -> "n siret", "E-mail" -> "e mail"."""
    return " ".join(re.sub(r"[^0-9a-z@]+", " ", normalise(text)).split())


@cache
def _aliases(kind: str) -> dict[str, str]:
    """Header key -> field, for a kind. Labels and model field names in both languages
    count too, so a file made from the template or from an export is always understood."""
    table: dict[str, str] = {}
    for name, (_label, aliases) in COLUMNS[kind].items():
        for alias in (name, *aliases):
            table.setdefault(match_key(alias), name)
    model = Contact if kind == ImportJob.Kind.CONTACTS else Organisation
    for language, _language_name in settings.LANGUAGES:
        with translation.override(language):
            for name, (label, _spellings) in COLUMNS[kind].items():
                table.setdefault(match_key(str(label)), name)
                try:
                    model_field = model._meta.get_field(name)
                except FieldDoesNotExist:  # email, phone, tags...: not a model field
                    continue
                verbose = getattr(model_field, "verbose_name", None)
                if verbose:
                    table.setdefault(match_key(str(verbose)), name)
            if kind == ImportJob.Kind.CONTACTS:
                for name, header in EXPORT_COLUMNS:
                    if name in COLUMNS[kind]:
                        table.setdefault(match_key(str(header)), name)
    return table


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
        key = match_key(text)
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
