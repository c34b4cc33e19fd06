"""Cleaning one cell: text lengths, choices written in either language (or as people
spell them), yes/no, countries, dates, web addresses, sizes and tags. A bad value raises
CellError with the message the row's error list shows."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from relais.countries import is_country_code

from ..models import Channel, Contact, Language, Organisation
from ..services import ERROR_TAG_TOO_LONG, ERROR_TOO_MANY, MAX_TAGS
from .columns import match_key

ERROR_TOO_LONG = _("At most %(limit)d characters (this value has %(length)d).")

ERROR_CHOICE = _("“%(value)s” is not one of: %(choices)s.")

ERROR_LANGUAGE = _("“%(value)s” is not a language Relais speaks: use fr or en.")

ERROR_BOOLEAN = _("“%(value)s” is neither yes nor no.")

ERROR_COUNTRY = _("“%(value)s” is not a two-letter country code such as FR or BE.")

ERROR_DATE = _("“%(value)s” is not a date: use DD/MM/YYYY or YYYY-MM-DD.")

ERROR_DATE_FUTURE = _("This date is in the future.")

ERROR_URL = _("“%(value)s” is not a web address.")


@cache
def _choice_table(
    choices: tuple[tuple[str, Any], ...], extra: tuple[tuple[str, str], ...]
) -> dict[str, str]:
    """Value key -> choice code: codes, labels in every language, and extra spellings."""
    table = {match_key(alias): code for alias, code in extra}
    for language, _language_name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in choices:
                table.setdefault(match_key(code), code)
                table.setdefault(match_key(str(label)), code)
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

_SPLIT_TAGS = re.compile(r"[,;|]+")


class CellError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@cache
def _max_length(model: type[Contact] | type[Organisation], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


def clean_text(value: str, model: type[Contact] | type[Organisation], name: str) -> str:
    limit = _max_length(model, name)
    if limit is not None and len(value) > limit:
        raise CellError(ERROR_TOO_LONG % {"limit": limit, "length": len(value)})
    return value


def clean_choice(value: str, choices: Any, extra: tuple[tuple[str, str], ...] = ()) -> str:
    table = _choice_table(tuple((c, l) for c, l in choices), extra)  # noqa: E741
    code = table.get(match_key(value))
    if code is None:
        raise CellError(
            ERROR_CHOICE % {"value": value, "choices": ", ".join(str(c) for c, _l in choices)}
        )
    return code


def clean_language(value: str) -> str:
    key = match_key(value)
    code = _choice_table(tuple(Language.choices), _LANGUAGE_SPELLINGS).get(key)
    if code is None:
        matched = re.fullmatch(r"(fr|en)( [a-z]{2})?", key)
        if not matched:
            raise CellError(ERROR_LANGUAGE % {"value": value})
        code = matched[1]
    return code


def clean_boolean(value: str) -> bool:
    key = match_key(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(ERROR_BOOLEAN % {"value": value})


def clean_country(value: str) -> str:
    key = match_key(value)
    if re.fullmatch(r"[a-z]{2}", key) and is_country_code(key.upper()):
        return key.upper()
    code = _COUNTRY_NAMES.get(key)
    if code is None:
        raise CellError(ERROR_COUNTRY % {"value": value})
    return code


def clean_datetime(value: str) -> datetime:
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
        raise CellError(ERROR_DATE % {"value": value})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > timezone.now() + timedelta(days=1):
        raise CellError(ERROR_DATE_FUTURE)
    return parsed


def clean_website(value: str) -> str:
    url = value if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE) else f"https://{value}"
    try:
        _URL_VALIDATOR(url)
    except ValidationError as exc:
        raise CellError(ERROR_URL % {"value": value}) from exc
    return clean_text(url, Organisation, "website")


def clean_size(value: str) -> str:
    try:
        return clean_choice(value, Organisation.Size.choices)
    except CellError:
        number = re.match(r"\D*(\d[\d  .]*)", value)
        if not number:
            raise
        headcount = int(re.sub(r"\D", "", number[1]))
    for ceiling, code in ((9, "micro"), (49, "small"), (249, "medium"), (4999, "large")):
        if headcount <= ceiling:
            return code
    return Organisation.Size.HUGE


def clean_tags(values: list[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for name in _SPLIT_TAGS.split(value):
            cleaned = " ".join(name.split()).lower()
            if not cleaned:
                continue
            if len(cleaned) > 50:
                raise CellError(ERROR_TAG_TOO_LONG)
            if cleaned not in names:
                names.append(cleaned)
    if len(names) > MAX_TAGS:
        raise CellError(ERROR_TOO_MANY % {"limit": MAX_TAGS, "what": gettext("tags")})
    return names


def first_message(exc: ValidationError) -> str:
    for messages in exc.message_dict.values():
        return str(messages[0])
    return str(exc)  # pragma: no cover


def clean_title(value: str) -> str:
    return clean_choice(value, Contact.Title.choices, _TITLE_SPELLINGS)


def clean_channel(value: str) -> str:
    return clean_choice(value, Channel.choices, _CHANNEL_SPELLINGS)
