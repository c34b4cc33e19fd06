"""Segment rules: what a rule may say, how it is checked, and the one query it becomes.

A segment's rules are a group: `{"match": "all"|"any", "rules": [rule | group, ...]}`;
a rule is `{"field": <key>, "op": <operator>, "value": <value>}`. Every field is
declared once in the registry below (label, operators, how its value is checked, the
`Q` it builds over contacts); fields that need another app are subqueries (`Exists`)
so that the whole segment is one `SELECT` however many rules it has. Later apps add
fields with `register_segment_field` (the surveys app: last CSAT/NPS).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Activity, Channel, Consent, Contact, Language, Organisation

ERROR_SHAPE = _("The rules must be a group: a match (all or any) and a list of rules.")
ERROR_UNKNOWN_FIELD = _("Unknown field « %(field)s ».")
ERROR_UNKNOWN_OP = _("The field « %(field)s » has no operator « %(op)s ».")
ERROR_BAD_VALUE = _("Bad value for « %(field)s »: %(reason)s")
ERROR_TOO_MANY = _("A segment may have at most %(limit)d rules.")
ERROR_TOO_DEEP = _("Groups may be nested at most %(limit)d deep.")
ERROR_EMPTY_GROUP = _("A group needs at least one rule.")

MAX_RULES = 50
MAX_DEPTH = 3
MAX_LIST = 200

REASON_CHOICE = _("not one of the allowed values")
REASON_DATE = _("a date is expected (YYYY-MM-DD)")
REASON_DAYS = _("a number of days between 0 and 36,500 is expected")
REASON_TEXT = _("a short text is expected")
REASON_LIST = _("a list of values is expected")
REASON_BOOL = _("true or false is expected")
REASON_DEPARTEMENT = _("French département codes are expected (75, 2A, 971…)")


@dataclass(frozen=True)
class SegmentField:
    key: str
    label: Any
    # operator -> label
    ops: dict[str, Any]
    # (op, raw value) -> cleaned value; raises ValueError with a reason.
    clean: Callable[[str, Any], Any]
    # (op, cleaned value) -> Q over Contact
    build: Callable[[str, Any], Q]
    # For the form: "choice", "multi", "text", "date", "days", "bool"
    widget: str = "text"
    choices: Callable[[], list[tuple[str, Any]]] | None = None


_fields: dict[str, SegmentField] = {}


def register_segment_field(field: SegmentField) -> None:
    _fields[field.key] = field


def segment_fields() -> list[SegmentField]:
    return list(_fields.values())


def get_field(key: str) -> SegmentField | None:
    return _fields.get(key)


# --- value cleaners -----------------------------------------------------------------------


class BadValue(ValueError):
    pass


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v for v in (p.strip() for p in value.split(",")) if v]
    if not isinstance(value, list) or not value or len(value) > MAX_LIST:
        raise BadValue(REASON_LIST)
    out = []
    for item in value:
        if not isinstance(item, str | int) or len(str(item)) > 100:
            raise BadValue(REASON_LIST)
        out.append(str(item).strip())
    return out


def _choices(allowed: Callable[[], list[str]], many: bool) -> Callable[[str, Any], Any]:
    def clean(op: str, value: Any) -> Any:
        values = _as_list(value) if many else [value]
        if any(not isinstance(v, str) or v not in allowed() for v in values):
            raise BadValue(REASON_CHOICE)
        return values

    return clean


def _text(op: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 100 or "\x00" in value:
        raise BadValue(REASON_TEXT)
    return value.strip()


def _bool(op: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "1", "on", 1):
        return True
    if value in ("false", "0", "off", 0):
        return False
    raise BadValue(REASON_BOOL)


def _date_or_days(op: str, value: Any) -> Any:
    if op in ("within_days", "not_within_days"):
        try:
            days = int(value)
        except (TypeError, ValueError):
            raise BadValue(REASON_DAYS) from None
        if isinstance(value, bool) or not 0 <= days <= 36_500:
            raise BadValue(REASON_DAYS)
        return days
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise BadValue(REASON_DATE) from None


_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8]|98[4-9])$")


def _departements(op: str, value: Any) -> list[str]:
    values = [v.upper() for v in _as_list(value)]
    if any(not _DEPARTEMENT.match(v) for v in values):
        raise BadValue(REASON_DEPARTEMENT)
    return values


def _country(op: str, value: Any) -> list[str]:
    values = [v.upper() for v in _as_list(value)]
    if any(not re.fullmatch(r"[A-Z]{2}", v) for v in values):
        raise BadValue(REASON_CHOICE)
    return values


# --- query builders -----------------------------------------------------------------------


def _negate(op: str, q: Q) -> Q:
    return ~q if op.startswith("not") or op.startswith("none") or op == "is_not" else q


def _tags(op: str, value: list[str]) -> Q:
    through = Contact.tags.through
    q = Q(Exists(through.objects.filter(contact_id=OuterRef("pk"), tag__name__in=value)))
    return _negate(op, q)


def _postcode_prefixes(departements: list[str]) -> Q:
    q = Q()
    for code in departements:
        prefix = "20" if code in ("2A", "2B") else code
        q |= Q(postal_code__startswith=prefix)
    return Q(country="FR") & q


def _dates(column: str) -> Callable[[str, Any], Q]:
    def build(op: str, value: Any) -> Q:
        if op == "before":
            return Q(**{f"{column}__date__lt": value})
        if op == "after":
            return Q(**{f"{column}__date__gte": value})
        since = timezone.now() - timedelta(days=value)
        q = Q(**{f"{column}__gte": since})
        return ~q if op == "not_within_days" else q

    return build


def _last_contact(op: str, value: Any) -> Q:
    activities = Activity.objects.filter(contact_id=OuterRef("pk"))
    if op in ("within_days", "not_within_days"):
        recent = activities.filter(occurred_at__gte=timezone.now() - timedelta(days=value))
        q = Q(Exists(recent))
        return ~q if op == "not_within_days" else q
    if op == "after":
        return Q(Exists(activities.filter(occurred_at__date__gte=value)))
    # before: some contact, and none since the date
    return Q(Exists(activities)) & ~Q(Exists(activities.filter(occurred_at__date__gte=value)))


def consent_given(channel: str) -> Exists:
    """The contact's latest decision for the channel is "given": a given row with no
    later row (append-only history; ties on the time go to the higher id)."""
    later = Consent.objects.filter(contact_id=OuterRef("contact_id"), channel=channel).filter(
        Q(recorded_at__gt=OuterRef("recorded_at"))
        | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    return Exists(
        Consent.objects.filter(
            contact_id=OuterRef("pk"), channel=channel, status=Consent.Status.GIVEN
        ).filter(~Exists(later))
    )


def _consent(op: str, value: list[str]) -> Q:
    q = Q()
    for channel in value:
        q &= Q(consent_given(channel))
    return q if op == "given" else ~q


def _open_tickets(op: str, value: Any) -> Q:
    from tickets.models import Ticket

    q = Q(
        Exists(Ticket.objects.filter(contact_id=OuterRef("pk"), status__in=Ticket.ACTIVE_STATUSES))
    )
    return q if value else ~q


def _opportunity_stage(op: str, value: list[str]) -> Q:
    from sales.models import Opportunity

    q = Q(Exists(Opportunity.objects.filter(contact_id=OuterRef("pk"), stage__in=value)))
    return _negate(op, q)


def _in(column: str, *, iexact: bool = False) -> Callable[[str, Any], Q]:
    def build(op: str, value: Any) -> Q:
        if iexact:
            q = Q()
            for item in value:
                q |= Q(**{f"{column}__iexact": item})
        else:
            q = Q(**{f"{column}__in": value})
        return _negate(op, q)

    return build


IN_OPS = {"in": _("is one of"), "not_in": _("is none of")}
DATE_OPS = {
    "after": _("on or after"),
    "before": _("before"),
    "within_days": _("within the last N days"),
    "not_within_days": _("not within the last N days"),
}


def _tag_names() -> list[str]:
    from crm.models import Tag

    return list(Tag.objects.order_by("name").values_list("name", flat=True)[:500])


def _stage_choices() -> list[tuple[str, Any]]:
    from sales.models import Stage

    return list(Stage.choices)


def _register_builtins() -> None:
    fields = [
        SegmentField(
            "tags",
            _("Tags"),
            {"any_of": _("has any of"), "none_of": _("has none of")},
            lambda op, v: _as_list(v),
            _tags,
            "multi",
            lambda: [(t, t) for t in _tag_names()],
        ),
        SegmentField(
            "language",
            _("Language"),
            IN_OPS,
            _choices(lambda: list(Language.values), many=True),
            _in("preferred_language"),
            "multi",
            lambda: list(Language.choices),
        ),
        SegmentField("country", _("Country"), IN_OPS, _country, _in("country"), "text"),
        SegmentField(
            "departement",
            _("Département (France)"),
            IN_OPS,
            _departements,
            lambda op, v: _negate(op, _postcode_prefixes(v)),
            "text",
        ),
        SegmentField(
            "postcode",
            _("Postcode"),
            {"starts_with": _("starts with"), "is": _("is")},
            _text,
            lambda op, v: Q(postal_code__startswith=v) if op == "starts_with" else Q(postal_code=v),
        ),
        SegmentField(
            "org_sector",
            _("Organisation sector"),
            IN_OPS,
            lambda op, v: _as_list(v),
            _in("organisation__sector", iexact=True),
            "text",
        ),
        SegmentField(
            "org_size",
            _("Organisation size"),
            IN_OPS,
            _choices(lambda: list(Organisation.Size.values), many=True),
            _in("organisation__size"),
            "multi",
            lambda: list(Organisation.Size.choices),
        ),
        SegmentField(
            "consent",
            _("Consent"),
            {"given": _("given for"), "not_given": _("not given for")},
            _choices(lambda: list(Channel.values), many=True),
            _consent,
            "multi",
            lambda: list(Channel.choices),
        ),
        SegmentField("vip", _("VIP"), {"is": _("is")}, _bool, lambda op, v: Q(is_vip=v), "bool"),
        SegmentField(
            "created", _("Created"), DATE_OPS, _date_or_days, _dates("created_at"), "date"
        ),
        SegmentField(
            "last_contact", _("Last contact"), DATE_OPS, _date_or_days, _last_contact, "date"
        ),
        SegmentField(
            "open_tickets", _("Open tickets"), {"is": _("has some")}, _bool, _open_tickets, "bool"
        ),
        SegmentField(
            "opportunity_stage",
            _("Opportunity at stage"),
            IN_OPS,
            _choices(lambda: [s for s, _label in _stage_choices()], many=True),
            _opportunity_stage,
            "multi",
            _stage_choices,
        ),
    ]
    for field in fields:
        register_segment_field(field)


_register_builtins()


# --- validation and evaluation ------------------------------------------------------------


def clean_rules(rules: Any) -> dict[str, Any]:
    """The rules, checked and normalised; a ValidationError naming the first problem."""
    count = [0]

    def group(node: Any, depth: int) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise ValidationError(ERROR_TOO_DEEP % {"limit": MAX_DEPTH}, code="depth")
        if (
            not isinstance(node, dict)
            or node.get("match") not in ("all", "any")
            or not isinstance(node.get("rules"), list)
        ):
            raise ValidationError(ERROR_SHAPE, code="shape")
        if not node["rules"]:
            raise ValidationError(ERROR_EMPTY_GROUP, code="empty")
        out = []
        for child in node["rules"]:
            if isinstance(child, dict) and "match" in child:
                out.append(group(child, depth + 1))
            else:
                out.append(rule(child))
        return {"match": node["match"], "rules": out}

    def rule(node: Any) -> dict[str, Any]:
        count[0] += 1
        if count[0] > MAX_RULES:
            raise ValidationError(ERROR_TOO_MANY % {"limit": MAX_RULES}, code="too_many")
        if not isinstance(node, dict):
            raise ValidationError(ERROR_SHAPE, code="shape")
        key = str(node.get("field", ""))[:50]
        field = _fields.get(key)
        if field is None:
            raise ValidationError(ERROR_UNKNOWN_FIELD % {"field": key}, code="unknown_field")
        op = str(node.get("op", ""))[:30]
        if op not in field.ops:
            raise ValidationError(
                ERROR_UNKNOWN_OP % {"field": field.label, "op": op}, code="unknown_op"
            )
        try:
            value = field.clean(op, node.get("value"))
        except BadValue as exc:
            raise ValidationError(
                ERROR_BAD_VALUE % {"field": field.label, "reason": exc.args[0]}, code="bad_value"
            ) from None
        return {"field": key, "op": op, "value": value}

    return group(rules, 1)


def build_q(rules: dict[str, Any]) -> Q:
    """The Q of already cleaned rules."""
    parts = []
    for child in rules["rules"]:
        if "match" in child:
            parts.append(build_q(child))
        else:
            parts.append(_fields[child["field"]].build(child["op"], child["value"]))
    q = parts[0]
    for part in parts[1:]:
        q = (q & part) if rules["match"] == "all" else (q | part)
    return q


def base_contacts() -> QuerySet[Contact]:
    return Contact.objects.filter(merged_into__isnull=True)


def matching_contacts(rules: Any) -> QuerySet[Contact]:
    """Contacts matching the rules (checked first): one query, no join that multiplies
    rows (every to-many condition is an EXISTS)."""
    cleaned = clean_rules(rules)
    return base_contacts().filter(build_q(cleaned))
