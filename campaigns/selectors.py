"""Every read of campaigns: lists, the progress row, results, briefs, the call list, the
surge warning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import has_role
from crm.models import Contact

from .models import (
    Attribution,
    BloctelNumber,
    Campaign,
    ExpectedVolume,
    Recipient,
    Segment,
    TrackingNumber,
)
from .permissions import CAMPAIGNS_CALL, CAMPAIGNS_MANAGE, CAMPAIGNS_RESULTS
from .segments import matching_contacts

R = Recipient.Status
PREVIEW_ROWS = 10


def segment_list() -> QuerySet[Segment]:
    return Segment.objects.select_related("created_by").order_by("name", "id")


def segment_count(*, rules: Any) -> int:
    return matching_contacts(rules).count()


def segment_preview(*, rules: Any, limit: int = PREVIEW_ROWS) -> list[Contact]:
    return list(
        matching_contacts(rules).select_related("organisation").order_by("last_name", "pk")[:limit]
    )


def campaign_list(*, status: str = "") -> QuerySet[Campaign]:
    queryset = Campaign.objects.select_related("owner", "segment")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-starts_on", "-id")


def campaign_get_for_user(*, user: User, pk: int, call: bool = False) -> Campaign:
    """Marketing sees every campaign; callers (agents) only running phone campaigns;
    results readers every campaign. Anything else is a 404."""
    campaign = Campaign.objects.select_related("owner", "segment").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    if has_role(user, *CAMPAIGNS_MANAGE):
        return campaign
    running = campaign.status == Campaign.Status.RUNNING
    if call and running and campaign.calls and has_role(user, *CAMPAIGNS_CALL):
        return campaign
    if not call and has_role(user, *CAMPAIGNS_RESULTS):
        return campaign
    raise Http404


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    failed: int
    excluded: int
    left: int

    @property
    def percent(self) -> int:
        done = self.sent + self.failed
        to_send = done + self.left
        return 100 if to_send == 0 else int(100 * done / to_send)


def campaign_progress(*, campaign: Campaign) -> Progress:
    row = Recipient.objects.filter(campaign=campaign).aggregate(
        total=Count("id"),
        sent=Count("id", filter=Q(status=R.SENT)),
        failed=Count("id", filter=Q(status=R.FAILED)),
        excluded=Count("id", filter=Q(status=R.EXCLUDED)),
        left=Count("id", filter=Q(status__in=[R.PENDING, R.SENDING])),
    )
    return Progress(**row)


def campaign_results(*, campaign: Campaign) -> dict[str, Any]:
    """The campaign's figures; every one from the snapshot and the attributions (three
    aggregate queries and one for opportunities)."""
    recipients = Recipient.objects.filter(campaign=campaign).aggregate(
        targeted=Count("id", filter=~Q(status=R.EXCLUDED)),
        excluded=Count("id", filter=Q(status=R.EXCLUDED)),
        sent=Count("id", filter=Q(sent_at__isnull=False)),
        failed=Count("id", filter=Q(status=R.FAILED)),
        delivered=Count("id", filter=Q(delivered_at__isnull=False)),
        bounced=Count("id", filter=Q(bounced_at__isnull=False)),
        complained=Count("id", filter=Q(complained_at__isnull=False)),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
        clicked=Count("id", filter=Q(clicked_at__isnull=False)),
        unsubscribed=Count("id", filter=Q(unsubscribed_at__isnull=False)),
        reached=Count("id", filter=Q(outcome=Recipient.Outcome.REACHED)),
        called=Count("id", filter=~Q(outcome="")),
    )
    by_reason = dict(
        Recipient.objects.filter(campaign=campaign, status=R.EXCLUDED)
        .values_list("exclusion")
        .annotate(n=Count("id"))
        .values_list("exclusion", "n")
    )
    attributed = Attribution.objects.filter(campaign=campaign).aggregate(
        calls=Count("id", filter=Q(kind=Attribution.Kind.CALL)),
        converted_calls=Count("id", filter=Q(kind=Attribution.Kind.CALL, is_conversion=True)),
        tickets=Count("id", filter=Q(kind=Attribution.Kind.TICKET)),
    )
    opportunities = attributed_opportunities(campaign=campaign).aggregate(
        count=Count("id"),
        won=Count("id", filter=Q(stage="won")),
        won_revenue=Sum("amount", filter=Q(stage="won")),
    )
    conversions = attributed["converted_calls"] + attributed["tickets"] + opportunities["count"]
    budget = campaign.budget or Decimal("0")
    return {
        **recipients,
        "excluded_by_reason": {
            str(label): by_reason.get(value, 0) for value, label in Recipient.Exclusion.choices
        },
        "excluded_by_reason_codes": {
            value: by_reason.get(value, 0) for value in Recipient.Exclusion.values
        },
        **attributed,
        "opportunities": opportunities["count"],
        "opportunities_won": opportunities["won"],
        "won_revenue": opportunities["won_revenue"] or Decimal("0"),
        "conversions": conversions,
        "budget": budget,
        "cost_per_contact": _per(budget, recipients["targeted"]),
        "cost_per_conversion": _per(budget, conversions),
    }


def _per(budget: Decimal, count: int) -> Decimal | None:
    return (budget / count).quantize(Decimal("0.01")) if count else None


def attributed_opportunities(*, campaign: Campaign) -> QuerySet[Any]:
    """Opportunities flagged for a targeted contact between the start and
    CAMPAIGNS_ATTRIBUTION_DAYS after the end (or flagged from the call list)."""
    from sales.models import Opportunity

    if campaign.started_at is None:
        return Opportunity.objects.none()
    end = timezone.make_aware(datetime.combine(campaign.ends_on, datetime.min.time())) + timedelta(
        days=1 + settings.CAMPAIGNS_ATTRIBUTION_DAYS
    )
    targeted = Recipient.objects.filter(campaign=campaign).exclude(status=R.EXCLUDED)
    return Opportunity.objects.filter(
        contact_id__in=targeted.values("contact_id"),
        created_at__gte=campaign.started_at,
        created_at__lt=end,
    )


def briefs_for_contact(*, contact_id: int | None, limit: int = 5) -> list[Campaign]:
    """Running campaigns that target this customer, newest first (one query)."""
    if contact_id is None:
        return []
    return list(
        Campaign.objects.filter(
            status=Campaign.Status.RUNNING,
            pk__in=Recipient.objects.filter(contact_id=contact_id)
            .exclude(status=R.EXCLUDED)
            .values("campaign_id"),
        ).order_by("-started_at", "-id")[:limit]
    )


def call_list(*, campaign: Campaign, view: str = "todo") -> QuerySet[Recipient]:
    queryset = (
        Recipient.objects.filter(campaign=campaign)
        .exclude(status=R.EXCLUDED)
        .select_related("contact", "called_by")
    )
    if view == "callbacks":
        return queryset.filter(outcome=Recipient.Outcome.CALL_BACK).order_by("callback_at", "pk")
    if view == "done":
        return (
            queryset.exclude(outcome="")
            .exclude(outcome=Recipient.Outcome.CALL_BACK)
            .order_by("-called_at", "pk")
        )
    return queryset.filter(outcome__in=["", Recipient.Outcome.NO_ANSWER]).order_by(
        "called_at", "pk"
    )


def call_list_page(*, campaign: Campaign, view: str = "todo", limit: int = 100) -> list[Recipient]:
    """The call list's first rows, each with `call_status`: what the telemarketing rules
    hold it back for now (campaigns.telemarketing.checks), in a fixed number of queries."""
    from .telemarketing import checks

    rows = list(call_list(campaign=campaign, view=view)[:limit])
    statuses = checks.statuses_for(rows)
    for row in rows:
        row.call_status = statuses[row.pk]  # type: ignore[attr-defined]
    return rows


def bloctel_numbers(*, search: str = "") -> QuerySet[BloctelNumber]:
    queryset = BloctelNumber.objects.select_related("imported_by").order_by("number")
    if search:
        from crm.search import parse_phone

        queryset = queryset.filter(number__contains=parse_phone(search) or search.strip()[:20])
    return queryset


def callbacks_due(*, limit: int = 20) -> list[Recipient]:
    """The callback queue across running campaigns, earliest first."""
    return list(
        Recipient.objects.filter(
            outcome=Recipient.Outcome.CALL_BACK, campaign__status=Campaign.Status.RUNNING
        )
        .select_related("contact", "campaign")
        .order_by("callback_at", "pk")[:limit]
    )


def call_list_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(
        status=Campaign.Status.RUNNING, channel__in=[Campaign.Channel.PHONE, Campaign.Channel.MIXED]
    ).order_by("-started_at")


def expected_extra_volume(queue_id: int, date_from: date, date_to: date) -> dict[date, int]:
    """Extra contacts per day that scheduled and running campaigns are expected to bring
    to the queue, for every day of [date_from, date_to] (0 on quiet days)."""
    days = {date_from + timedelta(days=i): 0 for i in range((date_to - date_from).days + 1)}
    rows = ExpectedVolume.objects.filter(
        queue_id=queue_id,
        campaign__status__in=[Campaign.Status.SCHEDULED, Campaign.Status.RUNNING],
        campaign__starts_on__lte=date_to,
        campaign__ends_on__gte=date_from,
    ).values_list("per_day", "campaign__starts_on", "campaign__ends_on")
    for per_day, starts_on, ends_on in rows:
        for day in days:
            if starts_on <= day <= ends_on:
                days[day] += per_day
    return days


def surge_table(*, days: int = 14) -> list[dict[str, Any]]:
    """Per queue with any expected volume in the next `days` days: the daily figures."""
    from tickets.models import Queue

    today = timezone.localdate()
    end = today + timedelta(days=days - 1)
    queue_ids = (
        ExpectedVolume.objects.filter(
            campaign__status__in=[Campaign.Status.SCHEDULED, Campaign.Status.RUNNING],
            campaign__starts_on__lte=end,
            campaign__ends_on__gte=today,
        )
        .values_list("queue_id", flat=True)
        .distinct()
    )
    queues = Queue.objects.filter(pk__in=list(queue_ids)).order_by("name")
    usual = _usual_daily_volume([q.pk for q in queues])
    return [
        {
            "queue": queue,
            "usual": usual.get(queue.pk, 0),
            "days": expected_extra_volume(queue.pk, today, end),
        }
        for queue in queues
    ]


def _usual_daily_volume(queue_ids: list[int]) -> dict[int, int]:
    """Tickets per day over the last 28 days, per queue (the usual volume)."""
    from tickets.models import Ticket

    since = timezone.now() - timedelta(days=28)
    rows = (
        Ticket.objects.filter(queue_id__in=queue_ids, created_at__gte=since)
        .values("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
    )
    return {queue_id: round(n / 28) for queue_id, n in rows}


def tracking_number_list() -> QuerySet[TrackingNumber]:
    return TrackingNumber.objects.select_related("campaign", "queue").order_by("number", "code")


def running_and_scheduled(*, limit: int = 10) -> list[Campaign]:
    return list(
        Campaign.objects.filter(status__in=[Campaign.Status.RUNNING, Campaign.Status.SCHEDULED])
        .select_related("owner")
        .order_by("starts_on", "id")[:limit]
    )


def recently_finished(*, limit: int = 5) -> list[Campaign]:
    return list(
        Campaign.objects.filter(status=Campaign.Status.FINISHED).order_by("-finished_at")[:limit]
    )
