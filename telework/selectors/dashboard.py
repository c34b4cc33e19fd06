"""The HR dashboard's figures and lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Team

from ..dates import month_start
from ..models import (
    Agreement,
    AllowanceLine,
    Asset,
    OnboardingItem,
)
from .agreements import Status

PENDING_STATUSES = (Status.PENDING_MANAGER, Status.PENDING_HR, Status.PENDING_SIGNATURES)


def hr_dashboard(*, on: dt.date | None = None, limit: int = 10) -> dict[str, Any]:
    """Counts and short lists; constant in the number of agreements."""
    on = on or timezone.localdate()
    by_kind = dict(
        Agreement.objects.filter(status=Status.ACTIVE)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    by_team_rows = (
        Team.objects.annotate(
            regular=Count(
                "members__telework_agreements",
                filter=Q(
                    members__telework_agreements__status=Status.ACTIVE,
                    members__telework_agreements__kind="regular",
                ),
            ),
            occasional=Count(
                "members__telework_agreements",
                filter=Q(
                    members__telework_agreements__status=Status.ACTIVE,
                    members__telework_agreements__kind="occasional",
                ),
            ),
            exceptional=Count(
                "members__telework_agreements",
                filter=Q(
                    members__telework_agreements__status=Status.ACTIVE,
                    members__telework_agreements__kind="exceptional",
                ),
            ),
        )
        .filter(Q(regular__gt=0) | Q(occasional__gt=0) | Q(exceptional__gt=0))
        .order_by("name")
        .values("pk", "name", "regular", "occasional", "exceptional")[:50]
    )
    pending = Agreement.objects.filter(status__in=PENDING_STATUSES)
    pending_counts = dict(
        pending.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    approvals = list(
        pending.filter(status__in=[Status.PENDING_MANAGER, Status.PENDING_HR])
        .select_related("employee")
        .order_by("created_at", "pk")[:limit]
    )
    signatures = list(
        pending.filter(status=Status.PENDING_SIGNATURES)
        .select_related("employee")
        .order_by("hr_validated_at", "pk")[:limit]
    )
    flagged = list(
        Agreement.objects.filter(refusal_flagged=True, status=Status.REFUSED)
        .select_related("employee", "refused_by")
        .order_by("-refused_at")[:limit]
    )
    late_items = OnboardingItem.objects.filter(
        done_at__isnull=True,
        due_on__lt=on,
        agreement__status__in=[Status.PENDING_SIGNATURES, Status.SIGNED, Status.ACTIVE],
    )
    late_list = list(
        late_items.select_related("agreement__employee").order_by("due_on", "pk")[:limit]
    )
    equipment_out = Asset.objects.filter(state__in=Asset.OUT_STATES).count()
    month = month_start(on)
    allowance = AllowanceLine.objects.filter(month=month).aggregate(
        total=models_sum("amount"), people=Count("id")
    )
    return {
        "by_kind": {kind: by_kind.get(kind, 0) for kind in Agreement.Kind.values},
        "active_total": sum(by_kind.values()),
        "by_team": list(by_team_rows),
        "pending_counts": {s: pending_counts.get(s, 0) for s in PENDING_STATUSES},
        "approvals": approvals,
        "signatures": signatures,
        "flagged": flagged,
        "late_count": late_items.count(),
        "late_items": late_list,
        "equipment_out": equipment_out,
        "allowance_month": month,
        "allowance_total": allowance["total"] or Decimal("0.00"),
        "allowance_people": allowance["people"],
    }


def models_sum(name: str) -> Any:
    from django.db.models import Sum

    return Sum(name)
