"""Reads of the shared customer record."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import (
    BooleanField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from accounts.roles import has_role

from . import timeline
from .models import (
    Activity,
    Call,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    ImportJob,
    Note,
    Organisation,
)
from .permissions import CRM_READ
from .search import normalise, parse_phone, words

TIMELINE_PAGE_SIZE = 25
SEARCH_LIMIT = 20


# --- Contacts ---------------------------------------------------------------------------
def contact_list(
    *,
    search: str = "",
    organisation: Organisation | int | None = None,
    tag: str = "",
    owner: User | int | None = None,
    vip: bool | None = None,
    language: str = "",
) -> QuerySet[Contact]:
    """Active contacts with what a list row shows, in a bounded number of queries."""
    # Organisation and owner are prefetched, not joined: a search then reads one table
    # (joining 20,000 organisations before the LIMIT cost more than the search itself).
    queryset: QuerySet[Contact] = Contact.objects.active().prefetch_related(
        "organisation", "owner", "emails", "phones", "tags"
    )
    if organisation:
        queryset = queryset.filter(organisation=organisation)
    if tag:
        queryset = queryset.filter(tags__name=tag.strip().lower())
    if owner:
        queryset = queryset.filter(owner=owner)
    if vip is not None:
        queryset = queryset.filter(is_vip=vip)
    if language:
        queryset = queryset.filter(preferred_language=language)
    if search.strip():
        queryset = _contact_search_filter(queryset, search)
    else:
        queryset = queryset.order_by("last_name", "first_name", "id")
    return queryset


# The typo pass returns at most this many nearest matches (no pagination beyond).
FUZZY_LIMIT = 50


def paginable(queryset: QuerySet[Any]) -> QuerySet[Any] | list[Any]:
    """What a paginator should get: the typo pass is already capped (FUZZY_LIMIT rows), so
    it is run once into a list instead of once for the count and again for the page."""
    return list(queryset) if queryset.query.is_sliced else queryset


def _postgres_search(
    queryset: QuerySet[Any], query: str, *, name: Any, order: tuple[str, ...]
) -> QuerySet[Any]:
    """Words and prefixes by full text; if that finds nothing, typos by trigram similarity
    of the name ("Lefebre" finds "Lefèvre"). Matches are ranked by how closely the name
    itself matches, so Mrs Lefèvre comes before Mr Lefèvre-Bernard and before a colleague
    at "Lefebvre SA". Reads the columns and indexes of migrations 0003-0004 (a stored
    tsvector, trigrams of the name), so no row is re-parsed at query time."""
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    normalised = normalise(query)[:200]
    prefix_terms = " & ".join(f"{word}:*" for word in re.findall(r"\w+", normalised))
    if prefix_terms:
        # Whole tokens as PostgreSQL reads them ("c-4242" is "c" and "-4242"), or every
        # word as a prefix while typing ("lef zo"). Both are constant expressions, so the
        # planner matches them against the GIN index. Raw SQL: the ORM does not know the
        # generated column; the table name comes from model metadata, text is a parameter.
        matches = RawSQL(  # noqa: S611
            f"({table}.search_vector @@ plainto_tsquery('simple', %s)"
            f" OR {table}.search_vector @@ to_tsquery('simple', %s))",
            [normalised, prefix_terms],
            output_field=BooleanField(),
        )
        exact = queryset.filter(matches)
        if exact.exists():
            return exact.annotate(rank=TrigramSimilarity(name, normalised)).order_by(
                "-rank", *order
            )
    return (
        queryset.annotate(search_head=name)
        .filter(search_head__trigram_word_similar=normalised)
        .annotate(rank=TrigramWordSimilarity(normalised, name))
        .order_by("-rank", *order)[:FUZZY_LIMIT]
    )


def _contact_search_filter(queryset: QuerySet[Contact], query: str) -> QuerySet[Contact]:
    email = query.strip().lower()
    if "@" in email and " " not in email:
        try:
            validate_email(email)
        except ValidationError:
            pass
        else:
            # An exact address: the shared domain must not make other people "similar".
            return queryset.filter(
                pk__in=ContactEmail.objects.filter(email=email).values("contact_id")
            ).order_by("last_name", "first_name", "id")
        # The beginning of an address ("zoe@exam"): a prefix of the stored emails.
        return queryset.filter(
            pk__in=ContactEmail.objects.filter(email__startswith=email).values("contact_id")
        ).order_by("last_name", "first_name", "id")
    e164 = parse_phone(query)
    if e164:
        return queryset.filter(
            pk__in=ContactPhone.objects.filter(number=e164).values("contact_id")
        ).order_by("last_name", "first_name", "id")
    if connection.vendor == "postgresql":
        return _postgres_search(
            queryset, query, name=F("search_name"), order=("last_name", "first_name", "id")
        )
    # SQLite and others: every word must appear somewhere (accents folded on both sides).
    for word in words(query):
        queryset = queryset.filter(search_text__contains=word)
    return queryset.order_by("last_name", "first_name", "id")


def contact_search(*, query: str, limit: int = SEARCH_LIMIT) -> list[Contact]:
    if not query.strip():
        return []
    return list(contact_list(search=query)[:limit])


def contact_get_for_user(*, user: User, pk: int, light: bool = False) -> Contact:
    """A contact the user may read; merged duplicates are returned as they are (the view
    redirects to the survivor). `light` fetches the row alone (one query), for fragments
    that only need the contact's identity."""
    if not has_role(user, *CRM_READ):
        raise Http404
    try:
        if light:
            return Contact.objects.get(pk=pk)
        return (
            Contact.objects.select_related("organisation", "owner", "merged_into")
            .prefetch_related("emails", "phones", "tags", "external_ids")
            .get(pk=pk)
        )
    except Contact.DoesNotExist as exc:
        raise Http404 from exc


def consent_current(*, contact: Contact) -> dict[str, Consent | None]:
    """The latest decision per channel, in one query whatever the history's length."""
    from .models import ConsentPurpose

    latest: dict[str, Consent | None] = {channel: None for channel in ConsentPurpose.values}
    queryset = Consent.objects.filter(contact=contact)
    if connection.features.supports_slicing_ordering_in_compound:
        # One LIMIT 1 per channel, each a single step down the
        # (contact, channel, -recorded_at, -id) index, glued with UNION ALL.
        per_channel = [
            queryset.filter(channel=channel).order_by("-recorded_at", "-id")[:1]
            for channel in ConsentPurpose.values
        ]
        rows = list(per_channel[0].union(*per_channel[1:], all=True))
    else:
        rows = list(queryset.order_by("channel", "-recorded_at", "-id"))
    for consent in rows:
        if latest.get(consent.channel) is None:
            latest[consent.channel] = consent
    return latest


# Key figures stop counting here ("10,000+"): a page view must not cost more because a
# customer's history is long.
KEY_FIGURE_CAP = 10_000


def _capped_count(model: type[Any]) -> RawSQL:
    """Rows of `model` for the outer contact, counted up to KEY_FIGURE_CAP + 1.

    Raw SQL because the ORM cannot count a LIMITed subquery; every name in it comes
    from model metadata and the cap is a constant, so nothing user-supplied is spliced.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    outer = f"{quote(Contact._meta.db_table)}.{quote('id')}"
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {table}.{quote('contact_id')}"  # noqa: S608
        f" = {outer} LIMIT {int(KEY_FIGURE_CAP) + 1}) AS capped"
    )
    return RawSQL(sql, [], output_field=IntegerField())  # noqa: S611


def contact_get_for_page(*, user: User, pk: int) -> Contact:
    """The contact for its 360 page: identity, emails, phones, tags and external ids, and
    the key figures (notes, calls, last call, timeline size) computed in the same query."""
    if not has_role(user, *CRM_READ):
        raise Http404
    outer = OuterRef("pk")
    try:
        return (
            Contact.objects.select_related("organisation", "owner", "merged_into")
            .prefetch_related("emails", "phones", "tags", "external_ids")
            .annotate(
                note_count=_capped_count(Note),
                call_count=_capped_count(Call),
                activity_count=_capped_count(Activity),
                last_call_at=Subquery(
                    Call.objects.filter(contact=outer)
                    .order_by("-started_at")
                    .values("started_at")[:1]
                ),
            )
            .get(pk=pk)
        )
    except Contact.DoesNotExist as exc:
        raise Http404 from exc


def contact_personal_data(*, contact: Contact) -> dict[str, Any]:
    """The contact's own data for a GDPR export (later apps add theirs through hooks)."""
    contact = (
        Contact.objects.prefetch_related("emails", "phones", "tags", "external_ids")
        .select_related("organisation", "owner")
        .get(pk=contact.pk)
    )
    return {
        "contact": {
            "id": contact.pk,
            "title": contact.title,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "organisation": contact.organisation.name if contact.organisation else None,
            "job_title": contact.job_title,
            "preferred_language": contact.preferred_language,
            "preferred_channel": contact.preferred_channel,
            "address": {
                "line1": contact.address_line1,
                "line2": contact.address_line2,
                "postal_code": contact.postal_code,
                "city": contact.city,
                "region": contact.region,
                "country": contact.country,
            },
            "vip": contact.is_vip,
            "emails": [e.email for e in contact.emails.all()],
            "phones": [p.number.as_e164 for p in contact.phones.all()],
            "tags": [t.name for t in contact.tags.all()],
            "external_ids": {x.system: x.value for x in contact.external_ids.all()},
            "created_at": contact.created_at.isoformat(),
            "updated_at": contact.updated_at.isoformat(),
        },
        "consents": [
            {
                "channel": c.channel,
                "status": c.status,
                "recorded_at": c.recorded_at.isoformat(),
                "source": c.source,
                "proof": c.proof,
            }
            for c in Consent.objects.filter(contact=contact).order_by("recorded_at", "id")
        ],
        "notes": [
            {"created_at": n.created_at.isoformat(), "body": n.body}
            for n in Note.objects.filter(contact=contact).order_by("created_at", "id")
        ],
        "calls": [
            {
                "started_at": c.started_at.isoformat(),
                "direction": c.direction,
                "number": c.number.as_e164 if c.number else "",
                "duration_seconds": c.duration_seconds,
                "outcome": c.outcome,
                "topic": c.topic,
            }
            for c in Call.objects.filter(contact=contact).order_by("started_at", "id")
        ],
        "timeline": [
            {"occurred_at": a.occurred_at.isoformat(), "kind": a.kind, "summary": a.summary}
            for a in Activity.objects.filter(contact=contact).order_by("occurred_at", "id")
        ],
    }


# --- Organisations ----------------------------------------------------------------------
def organisation_list(
    *, search: str = "", tag: str = "", country: str = "", owner: User | int | None = None
) -> QuerySet[Organisation]:
    """Organisations, filtered first: the typo pass of a search returns a capped (sliced)
    queryset, which can no longer be filtered."""
    queryset = Organisation.objects.select_related("owner").prefetch_related("tags")
    if tag:
        queryset = queryset.filter(tags__name=tag.strip().lower())
    if country.strip():
        queryset = queryset.filter(country=country.strip().upper())
    if owner:
        queryset = queryset.filter(owner=owner)
    if not search.strip():
        return queryset.order_by("name", "id")
    if connection.vendor == "postgresql":
        # An organisation's search_text starts with its name.
        return _postgres_search(
            queryset, search, name=Left("search_text", 64), order=("name", "id")
        )
    for word in words(search):
        queryset = queryset.filter(search_text__contains=word)
    return queryset.order_by("name", "id")


def organisation_search(*, query: str, limit: int = SEARCH_LIMIT) -> list[Organisation]:
    if not query.strip():
        return []
    return list(organisation_list(search=query)[:limit])


def organisation_get_for_user(*, user: User, pk: int) -> Organisation:
    if not has_role(user, *CRM_READ):
        raise Http404
    try:
        return Organisation.objects.select_related("owner").prefetch_related("tags").get(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc


def organisation_contacts(*, organisation: Organisation) -> QuerySet[Contact]:
    return (
        Contact.objects.active()
        .filter(organisation=organisation)
        .prefetch_related(Prefetch("emails"), Prefetch("phones"))
        .order_by("last_name", "first_name", "id")
    )


# --- Timeline ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelinePage:
    rows: list[Activity]
    next_cursor: str | None


def encode_cursor(activity: Activity) -> str:
    raw = f"{activity.occurred_at.isoformat()}|{activity.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """(occurred_at, id) from a cursor, or None if it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode()).decode()
        when_text, pk_text = raw.rsplit("|", 1)
        when = parse_datetime(when_text)
        pk = int(pk_text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if when is None or timezone.is_naive(when) or pk < 0:
        return None
    return when, pk


def timeline_page(
    *,
    contact: Contact | None = None,
    organisation: Organisation | None = None,
    cursor: str | None = None,
    kinds: list[str] | None = None,
    page_size: int = TIMELINE_PAGE_SIZE,
) -> TimelinePage:
    """One page of a contact's or an organisation's timeline, newest first.

    Keyset pagination on (occurred_at, id): the 2,000th page costs what the first does.
    An invalid cursor raises ValueError (the caller answers 400).
    """
    if (contact is None) == (organisation is None):
        raise TypeError("Give exactly one of contact or organisation.")
    queryset = Activity.objects.select_related("actor")
    if contact is not None:
        queryset = queryset.filter(contact=contact)
    else:
        queryset = queryset.filter(organisation=organisation)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if cursor:
        position = decode_cursor(cursor)
        if position is None:
            raise ValueError("invalid cursor")
        when, pk = position
        # The redundant `occurred_at <= when` is what the index can seek to; the OR only
        # breaks ties. Without it PostgreSQL walked and discarded every newer row.
        queryset = queryset.filter(occurred_at__lte=when).filter(
            Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk)
        )
    rows = list(queryset.order_by("-occurred_at", "-id")[: page_size + 1])
    next_cursor = encode_cursor(rows[page_size - 1]) if len(rows) > page_size else None
    return TimelinePage(rows=rows[:page_size], next_cursor=next_cursor)


def timeline_kinds() -> list[timeline.ActivityKind]:
    return timeline.kinds()


# --- Lists for the API (appended with crm/api.py) ---------------------------------------
def note_list(*, contact: Contact) -> QuerySet[Note]:
    """A contact's notes, newest first, with their authors."""
    return (
        Note.objects.filter(contact=contact).select_related("author").order_by("-created_at", "-id")
    )


def consent_history(*, contact: Contact) -> QuerySet[Consent]:
    """Every consent decision recorded for a contact, newest first."""
    return (
        Consent.objects.filter(contact=contact)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )


def call_list(
    *,
    contact: Contact | int | None = None,
    agent: User | int | None = None,
    direction: str = "",
    started_after: datetime | None = None,
    started_before: datetime | None = None,
) -> QuerySet[Call]:
    """Logged calls, newest first, with their contact and agent."""
    queryset = Call.objects.select_related("contact", "agent")
    if contact:
        queryset = queryset.filter(contact=contact)
    if agent:
        queryset = queryset.filter(agent=agent)
    if direction:
        queryset = queryset.filter(direction=direction)
    if started_after is not None:
        queryset = queryset.filter(started_at__gte=started_after)
    if started_before is not None:
        queryset = queryset.filter(started_at__lt=started_before)
    return queryset.order_by("-started_at", "-id")


# --- Imports ----------------------------------------------------------------------------
def import_job_list() -> QuerySet[ImportJob]:
    """Every import job, newest first, with who uploaded it."""
    return ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")
