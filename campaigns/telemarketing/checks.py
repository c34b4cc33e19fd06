"""Why a contact of a call list is held back now, in words the agent and marketing read.

`statuses_for(rows)` answers for a page of `Recipient` rows (their `contact` selected) in
four queries whatever the number of rows: the settings, the call attempts of the last
days, the Bloctel numbers among the rows' phones, and the won opportunities (a *current
contract*: a won opportunity of the contact, or of its organisation, closed within
`contract_days`). Contacts of an organisation are professionals, exempt from the consumer
rules while `exempt_business_contacts` is on (the default)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.db.models import Q
from django.utils import dates, formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..models import BloctelNumber, CallAttempt, Recipient, TelemarketingSettings
from ..models.telemarketing import parse_weekdays
from . import rules

MESSAGE_HOURS = _("Outside calling hours (%(days)s, %(hours)s).")
MESSAGE_HOLIDAY = _("Public holiday (%(name)s): no calls today.")
MESSAGE_CAP = _("%(count)s calls in %(days)s days: next call allowed on %(date)s.")
MESSAGE_REFUSED = _("Refused on %(date)s: no call until %(until)s.")
MESSAGE_BLOCTEL = _("On Bloctel (national opt-out list) and no current contract.")
NOTE_CONTRACT = _("On Bloctel, but may be called: current contract (won on %(date)s).")
NOTE_BUSINESS = _("Organisation contact: the consumer rules do not apply.")
ERROR_CALLBACK_HOURS = _("Choose a call-back time within the calling hours (%(days)s, %(hours)s).")


@dataclass
class CallStatus:
    holds: list[rules.Hold] = field(default_factory=list)
    reasons: list[dict[str, str]] = field(default_factory=list)  # {"code", "message"}
    notes: list[str] = field(default_factory=list)

    @property
    def may_call(self) -> bool:
        return not self.holds

    @property
    def message(self) -> str:
        return " ".join(r["message"] for r in self.reasons)


@dataclass(frozen=True)
class Context:
    settings: TelemarketingSettings
    rules: rules.Rules
    zone: ZoneInfo


def context() -> Context:
    s = TelemarketingSettings.current()
    return Context(
        settings=s,
        rules=rules.Rules(
            weekdays=parse_weekdays(s.weekdays),
            windows=((s.morning_start, s.morning_end), (s.afternoon_start, s.afternoon_end)),
            max_calls=s.max_calls,
            max_calls_days=s.max_calls_days,
            refusal_days=s.refusal_days,
        ),
        zone=ZoneInfo(s.time_zone),
    )


@lru_cache(maxsize=64)
def _holidays(country: str, year: int, language: str) -> dict[Any, str]:
    if not country:
        return {}
    try:
        table = holidays_lib.country_holidays(country, years=[year], language=language)
    except (NotImplementedError, KeyError, ValueError, AttributeError):
        return {}
    return dict(table.items())


def holiday_name(ctx: Context, local: datetime) -> str | None:
    language = "fr" if (get_language() or "fr").startswith("fr") else "en_US"
    return _holidays(ctx.settings.holiday_country, local.year, language).get(local.date())


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def hours_text(ctx: Context) -> dict[str, str]:
    days = sorted(ctx.rules.weekdays)
    names = [str(dates.WEEKDAYS_ABBR[d - 1]) for d in days]
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        day_text = f"{names[0]}\u2013{names[-1]}"
    else:
        day_text = ", ".join(names)
    hours = ", ".join(f"{_clock(a)}\u2013{_clock(b)}" for a, b in ctx.rules.windows)
    return {"days": day_text, "hours": hours}


def _day(ctx: Context, moment: datetime) -> str:
    return formats.date_format(moment.astimezone(ctx.zone).date(), "SHORT_DATE_FORMAT")


def describe(ctx: Context, hold: rules.Hold) -> str:
    if hold.code == rules.HOURS:
        return str(MESSAGE_HOURS) % hours_text(ctx)
    if hold.code == rules.HOLIDAY:
        return str(MESSAGE_HOLIDAY) % {"name": hold.holiday}
    if hold.code == rules.CAP:
        assert hold.until is not None
        return str(MESSAGE_CAP) % {
            "count": hold.count,
            "days": ctx.rules.max_calls_days,
            "date": _day(ctx, hold.until),
        }
    if hold.code == rules.REFUSED:
        assert hold.since is not None
        assert hold.until is not None
        return str(MESSAGE_REFUSED) % {
            "date": _day(ctx, hold.since),
            "until": _day(ctx, hold.until),
        }
    return str(MESSAGE_BLOCTEL)


def is_consumer(ctx: Context, row: Recipient) -> bool:
    """Whether the rules apply: not a contact of an organisation while those are exempt."""
    return not (
        ctx.settings.exempt_business_contacts and row.contact and row.contact.organisation_id
    )


def callback_allowed(ctx: Context, moment: datetime) -> bool:
    local = moment.astimezone(ctx.zone)
    return rules.window_hold(local, ctx.rules, holiday_name(ctx, local)) is None


def statuses_for(
    rows: Sequence[Recipient], *, now: datetime | None = None, ctx: Context | None = None
) -> dict[int, CallStatus]:
    """For each row's pk: what holds it back now (empty when it may be called)."""
    ctx = ctx or context()
    now = now or timezone.now()
    local = now.astimezone(ctx.zone)
    window = rules.window_hold(local, ctx.rules, holiday_name(ctx, local))
    consumers = [r for r in rows if is_consumer(ctx, r)]
    consumer_pks = {r.pk for r in consumers}
    contact_ids = {r.contact_id for r in consumers if r.contact_id}
    org_ids = {
        r.contact.organisation_id for r in consumers if r.contact and r.contact.organisation_id
    }
    attempts: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    if contact_ids:
        since = now - timedelta(days=max(ctx.rules.max_calls_days, ctx.rules.refusal_days))
        for cid, at, outcome in CallAttempt.objects.filter(
            contact_id__in=contact_ids, called_at__gt=since
        ).values_list("contact_id", "called_at", "outcome"):
            attempts[cid].append((at, outcome))
    phones = {r.phone for r in consumers if r.phone}
    listed = (
        set(BloctelNumber.objects.filter(number__in=phones).values_list("number", flat=True))
        if phones
        else set()
    )
    contracts = _contracts(ctx, now, contact_ids, org_ids) if listed else {}
    result: dict[int, CallStatus] = {}
    for row in rows:
        status = CallStatus()
        result[row.pk] = status
        if row.pk not in consumer_pks:
            status.notes.append(str(NOTE_BUSINESS))
            continue
        tried = attempts.get(row.contact_id or 0, [])
        holds = [
            rules.refusal_hold(
                now, [at for at, o in tried if o == Recipient.Outcome.NOT_INTERESTED], ctx.rules
            ),
            rules.cap_hold(now, [at for at, _o in tried], ctx.rules),
            window,
        ]
        if row.phone in listed:
            won = contracts.get(("c", row.contact_id)) or (
                contracts.get(("o", row.contact.organisation_id)) if row.contact else None
            )
            if won is None:
                holds.insert(0, rules.Hold(rules.BLOCTEL))
            else:
                status.notes.append(str(NOTE_CONTRACT) % {"date": _day(ctx, won)})
        status.holds = [h for h in holds if h is not None]
        status.reasons = [{"code": h.code, "message": describe(ctx, h)} for h in status.holds]
    return result


def _contracts(
    ctx: Context, now: datetime, contact_ids: set[int], org_ids: set[int]
) -> dict[tuple[str, int | None], datetime]:
    """The latest won opportunity within `contract_days`, per contact and organisation."""
    from sales.models import Opportunity, Stage

    since = now - timedelta(days=ctx.settings.contract_days)
    found: dict[tuple[str, int | None], datetime] = {}
    rows = Opportunity.objects.filter(
        Q(contact_id__in=contact_ids) | Q(organisation_id__in=org_ids),
        stage=Stage.WON,
        closed_at__gt=since,
    ).values_list("contact_id", "organisation_id", "closed_at")
    for cid, oid, closed in rows:
        if closed is None:
            continue
        for key in (("c", cid), ("o", oid)):
            if key[1] is not None and (key not in found or found[key] < closed):
                found[key] = closed
    return found
