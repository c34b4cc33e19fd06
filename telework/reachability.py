"""The right to disconnect, as accounts' reachability registry asks: for these staff
members at this moment, who is outside their telework contact hours, and until when.
Registered in TeleworkConfig.ready(); notifications and round robin consult it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, Q
from django.utils import timezone

from .dates import WorkCalendar
from .disconnect import ContactHours, earliest
from .models import Agreement, AgreementVersion


def unreachable_until(user_ids: Iterable[int], at: dt.datetime) -> dict[int, dt.datetime]:
    """{user id: next contact time} for the users with an active agreement who are
    outside its contact hours at `at`. Two queries whatever the number of users."""
    ids = list(user_ids)
    if not ids:
        return {}
    day = timezone.localdate(at)
    agreements = (
        Agreement.objects.filter(
            employee_id__in=ids, status=Agreement.Status.ACTIVE, start_date__lte=day
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("policy__legal_entity")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.filter(
                    status__in=AgreementVersion.IN_FORCE, effective_from__lte=day
                ).order_by("-effective_from", "-number"),
                to_attr="versions_in_force",
            )
        )
    )
    times: dict[int, list[dt.datetime | None]] = defaultdict(list)
    for agreement in agreements:
        versions = agreement.versions_in_force  # type: ignore[attr-defined]
        if not versions:
            continue
        version = versions[0]
        entity = agreement.policy.legal_entity
        hours = ContactHours(
            starts_at=version.contact_starts_at,
            ends_at=version.contact_ends_at,
            weekdays=frozenset(version.contact_weekdays),
            calendar=WorkCalendar(entity.holiday_country, entity.holiday_subdivision),
        )
        times[agreement.employee_id].append(hours.next_contact(at))
    out = {}
    for user_id, values in times.items():
        moment = earliest(values)
        if moment is not None:
            out[user_id] = moment
    return out
