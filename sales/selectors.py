"""Reads for sales, permission-aware.

Who sees which opportunities (`visible_opportunities`): admins and sales leads all;
reps those routed to them or to their sales teams; everyone else who may flag only the
ones they flagged. Marketing, HR and IT see none (marketing reads the aggregates).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.http import Http404
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role, has_role

from .models import (
    CLOSED_STAGES,
    OPEN_STAGES,
    Opportunity,
    SavedView,
    Stage,
    opportunity_reference,
)
from .permissions import SALES_FLAG
from .services.common import is_sales_lead

KANBAN_CARDS = 50
LIST_RELATED = ("contact", "organisation", "product", "owner", "flagged_by", "team")


def visibility(user: User) -> Q | None:
    """The filter on opportunities a user may read; None: every row.

    Written as subqueries, not looked up first, so that a panel listing a customer's
    opportunities costs one query: the "is a sales lead" test is an uncorrelated EXISTS
    that PostgreSQL evaluates once per query. A page that already knows the user leads
    sales (`services.is_sales_lead`, cached on the user) reads without any filter."""
    if has_role(user, Role.ADMIN) or getattr(user, "_sales_lead", False):
        return None
    condition = Q(Exists(Team.objects.filter(kind=Team.Kind.SALES, lead=user)))
    if has_role(user, Role.SALES):
        condition |= Q(owner=user) | Q(
            team_id__in=Team.objects.filter(kind=Team.Kind.SALES, members=user).values("pk")
        )
    if has_role(user, *SALES_FLAG):
        condition |= Q(flagged_by=user)
    return condition


def visible_opportunities(*, user: User) -> QuerySet[Opportunity]:
    qs = Opportunity.objects.all()
    condition = visibility(user)
    return qs if condition is None else qs.filter(condition)


def phone_consent_status() -> Subquery:
    """The customer's latest decision on being called (crm consents are append-only): a
    withdrawal after the flag wins over the consent recorded with it."""
    from crm.models import Channel, Consent

    latest = Consent.objects.filter(contact=OuterRef("contact_id"), channel=Channel.PHONE)
    return Subquery(latest.order_by("-recorded_at", "-id").values("status")[:1])


def opportunity_get_for_user(*, user: User, pk: int) -> Opportunity:
    opportunity = (
        visible_opportunities(user=user)
        .annotate(phone_consent=phone_consent_status())
        .select_related(
            *LIST_RELATED,
            "source_ticket",
            "source_call",
            "lost_reason",
            "warning_ack_by",
            "onboarding_ticket",
            "call_consent",
            "routing_rule",
            "contact__organisation",
        )
        .filter(pk=pk)
        .first()
    )
    if opportunity is None:
        raise Http404
    return opportunity


@dataclass
class OpportunityFilters:
    q: str = ""
    stage: list[str] = field(default_factory=list)
    owner: int | None = None
    mine: bool = False
    team: int | None = None
    product: int | None = None
    product_line: str = ""
    flagged_by: int | None = None
    urgency: str = ""
    close_from: dt.date | None = None
    close_to: dt.date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    flagged_from: dt.date | None = None
    flagged_to: dt.date | None = None
    open_only: bool = False


SORTS: dict[str, tuple[str, ...]] = {
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
    "-created": ("created_at", "id"),
    "amount": ("-amount", "-id"),
    "-amount": ("amount", "id"),
    "close": ("expected_close_date", "id"),
    "-close": ("-expected_close_date", "-id"),
    "probability": ("-probability", "-id"),
    "stage": ("stage", "-updated_at", "-id"),
}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def opportunity_list(
    *, user: User, filters: OpportunityFilters, sort: str = "updated"
) -> QuerySet[Opportunity]:
    qs = visible_opportunities(user=user)
    f = filters
    if f.q:
        words = f.q.split()[:5]
        for word in words:
            if word.upper().startswith("O-") and word[2:].isdigit():
                qs = qs.filter(pk=int(word[2:]))
                continue
            qs = qs.filter(
                Q(contact__search_name__contains=_fold(word))
                | Q(organisation__name__icontains=word)
                | Q(product__name__icontains=word)
            )
    if f.stage:
        qs = qs.filter(stage__in=f.stage)
    elif f.open_only:
        qs = qs.filter(stage__in=OPEN_STAGES)
    if f.mine:
        qs = qs.filter(owner=user)
    elif f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.team:
        qs = qs.filter(team_id=f.team)
    if f.product:
        qs = qs.filter(product_id=f.product)
    if f.product_line:
        qs = qs.filter(product__product_line=f.product_line)
    if f.flagged_by:
        qs = qs.filter(flagged_by_id=f.flagged_by)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.close_from:
        qs = qs.filter(expected_close_date__gte=f.close_from)
    if f.close_to:
        qs = qs.filter(expected_close_date__lte=f.close_to)
    if f.amount_min is not None:
        qs = qs.filter(amount__gte=f.amount_min)
    if f.amount_max is not None:
        qs = qs.filter(amount__lte=f.amount_max)
    if f.flagged_from:
        qs = qs.filter(created_at__gte=_day_start(f.flagged_from))
    if f.flagged_to:
        qs = qs.filter(created_at__lt=_day_start(f.flagged_to + dt.timedelta(days=1)))
    return qs.select_related(*LIST_RELATED).order_by(*SORTS.get(sort, SORTS["updated"]))


LIST_ROW_FIELDS = (
    "id", "stage", "amount", "probability", "expected_close_date", "updated_at", "created_at",
    "contact__first_name", "contact__last_name", "organisation__name", "product__name",
    "owner__first_name", "owner__last_name", "owner__email",
    "flagged_by__first_name", "flagged_by__last_name", "flagged_by__email",
)  # fmt: skip


def opportunity_list_rows(qs: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """The list page's rows: only the columns it shows (the full rows of six joined
    tables were most of the query's time and of the page's model building)."""
    related = ("contact", "organisation", "product", "owner", "flagged_by")
    return qs.select_related(None).select_related(*related).only(*LIST_ROW_FIELDS)


def _fold(text: str) -> str:
    from crm.search import normalise

    return normalise(text)


@dataclass(slots=True)
class KanbanCard:
    """What a card shows, read as plain values (300 model instances with their contact,
    product and owner cost more than the rest of the board)."""

    pk: int
    stage: str
    amount: Decimal
    probability: int
    version: int
    accepted_at: dt.datetime | None
    escalated_at: dt.datetime | None
    contact_first_name: str
    contact_last_name: str
    product_name: str | None
    owner_first_name: str | None
    owner_email: str | None

    @property
    def reference(self) -> str:
        return opportunity_reference(self.pk)


@dataclass
class KanbanColumn:
    stage: str
    label: str
    cards: list[KanbanCard]
    count: int
    amount: Decimal
    weighted: Decimal


def kanban(*, user: User, filters: OpportunityFilters) -> list[KanbanColumn]:
    """First cards of each stage (most recently moved first) with each column's totals:
    one query per column plus one grouped count, whatever the pipeline's size. Won and
    lost columns show the last 90 days only."""
    base = opportunity_list(
        user=user, filters=OpportunityFilters(**{**filters.__dict__, "stage": []})
    )
    recent = timezone.now() - dt.timedelta(days=90)
    closed_recent = Q(stage__in=CLOSED_STAGES, closed_at__gte=recent)
    base = base.filter(Q(stage__in=OPEN_STAGES) | closed_recent)
    totals = _kanban_totals(user, filters, base)
    # The card shows a few fields: read only those, as values (rows ~10x narrower, and no
    # model instances).
    cards_qs = base.select_related(None)
    columns = []
    for stage in Stage:
        rows = cards_qs.filter(stage=stage).order_by("-updated_at", "-id")[:KANBAN_CARDS]
        cards = [KanbanCard(*row) for row in rows.values_list(*CARD_FIELDS)]
        total = totals.get(stage.value, {})
        columns.append(
            KanbanColumn(
                stage=stage.value,
                label=str(stage.label),
                cards=cards,
                count=total.get("n", 0),
                amount=total.get("total") or Decimal("0"),
                weighted=money(total.get("weighted")),
            )
        )
    return columns


CARD_FIELDS = (
    "id", "stage", "amount", "probability", "version", "accepted_at", "escalated_at",
    "contact__first_name", "contact__last_name", "product__name", "owner__first_name",
    "owner__email",
)  # fmt: skip  # in KanbanCard's order
TOTALS_CACHE_SECONDS = 15
GENERATION_KEY = "sales:generation"


def generation() -> int:
    """Bumped by every write to an opportunity (services.common.bump): cached figures
    keyed on it are never older than the last change, and at most 15 s old anyway."""
    return int(cache.get_or_set(GENERATION_KEY, 1, None) or 1)


def _kanban_totals(user: User, filters: OpportunityFilters, base: QuerySet[Opportunity]) -> Any:
    """Count, amount and weighted amount per column: an aggregate over the whole visible
    pipeline (the one part of the board that grows with it), cached per user and filter
    until the next write to an opportunity, 15 s at most, as the inbox badges are."""
    digest = hashlib.sha1(repr(sorted(filters.__dict__.items())).encode(), usedforsecurity=False)
    key = f"sales:kanban-totals:{generation()}:{user.pk}:{digest.hexdigest()}"
    totals = cache.get(key)
    if totals is None:
        totals = {
            row["stage"]: row
            for row in base.order_by()
            .values("stage")
            .annotate(n=Count("id"), total=Sum("amount"), weighted=_weighted_sum())
        }
        cache.set(key, totals, TOTALS_CACHE_SECONDS)
    return totals


class _Weighted(Func):
    """amount x probability / 100 per row. PostgreSQL divides numerics exactly; SQLite
    stores "1001.00" as the integer 1001 and would divide integers (1001 x 33 / 100 = 330,
    not 330.33), so there the divisor is a real."""

    arity = 2
    arg_joiner = " * "
    template = "((%(expressions)s) / 100)"
    output_field = DecimalField(max_digits=16, decimal_places=2)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="((%(expressions)s) / 100.0)", **extra)


def _weighted_sum() -> Any:
    return Sum(_Weighted(F("amount"), F("probability")))


def money(value: Any) -> Decimal:
    """A sum of amounts as euros and cents (SQLite sums in floating point)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


# --- Workspaces ---------------------------------------------------------------------------
def handoffs_to_accept(*, user: User) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(owner=user, stage=Stage.NEW, accepted_at__isnull=True)
        .select_related("contact", "product")
        .order_by("acceptance_due_at", "id")
    )


def my_pipeline(*, user: User) -> list[dict[str, Any]]:
    rows = {
        r["stage"]: r
        for r in Opportunity.objects.filter(owner=user, stage__in=OPEN_STAGES)
        .values("stage")
        .annotate(n=Count("id"), total=Sum("amount"), weighted=_weighted_sum())
        .order_by()
    }
    return [
        {
            "stage": s,
            "label": Stage(s).label,
            "count": rows.get(s, {}).get("n", 0),
            "amount": rows.get(s, {}).get("total") or Decimal("0"),
            "weighted": money(rows.get(s, {}).get("weighted")),
        }
        for s in OPEN_STAGES
    ]


def calls_today(*, user: User, today: dt.date | None = None, limit: int = 20) -> list[Opportunity]:
    """Open opportunities of the rep where the customer asked for a call, still agrees to
    be called, and today is one of their best days (no days given: any day), earliest
    best time first."""
    today = today or timezone.localdate()
    weekday = str(today.weekday())
    qs = (
        Opportunity.objects.filter(owner=user, stage__in=OPEN_STAGES, wants_call=True)
        .filter(Q(best_days="") | Q(best_days__contains=weekday))
        .alias(phone_consent=phone_consent_status())
        .filter(phone_consent="given")  # withdrawn since the flag: not a call to make
        .select_related("contact", "product")
        .order_by("best_time_from", "acceptance_due_at", "id")
    )
    return list(qs[:limit])


def my_flags(*, user: User) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(flagged_by=user)
        .select_related("contact", "product", "owner", "lost_reason")
        .order_by("-updated_at", "-id")
    )


def escalated_handoffs(*, user: User) -> QuerySet[Opportunity]:
    qs = visible_opportunities(user=user).filter(
        stage=Stage.NEW, accepted_at__isnull=True, escalated_at__isnull=False
    )
    return qs.select_related("contact", "product", "owner").order_by("escalated_at", "id")


def unassigned_handoffs(*, user: User) -> QuerySet[Opportunity]:
    qs = visible_opportunities(user=user).filter(stage__in=OPEN_STAGES, owner__isnull=True)
    return qs.select_related("contact", "product").order_by("created_at", "id")


def sales_reps() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, groups__name=Role.SALES, teams__kind=Team.Kind.SALES)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def saved_views(*, user: User) -> QuerySet[SavedView]:
    return SavedView.objects.filter(owner=user).order_by("name")


def contact_opportunities(*, user: User, contact_id: int, limit: int = 10) -> list[Opportunity]:
    return list(
        visible_opportunities(user=user)
        .filter(contact_id=contact_id)
        .select_related("product", "owner")
        .order_by("-created_at", "-id")[:limit]
    )


def aggregate_scope(*, user: User) -> QuerySet[Opportunity]:
    """What the KPI and forecast figures cover: all of sales for supervisors, marketing and
    sales leads (aggregates only for the first two); a rep's own visible pipeline."""
    if is_sales_lead(user) or has_role(user, Role.SUPERVISOR, Role.MARKETING):
        return Opportunity.objects.all()
    return visible_opportunities(user=user)
