"""The rota's writes: scheduling, moving and removing agents' shifts, and copying a
week. Every rule is here once (the page, the API and the admin call these):

- a shift ends after it starts, lasts at most MAX_SHIFT_HOURS, and its break is shorter
  than the shift;
- the agent is an active member of the shift's team, and the queue (optional) is one of
  that team's;
- an agent's shifts never overlap (checked under a lock on the agent's row, so two
  supervisors scheduling the same agent at once cannot both succeed);
- supervisors schedule the teams they belong to or lead, admins every team, nobody else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from tickets.models import Queue

from ..models import Shift
from ..selectors import supervision_scope

MAX_SHIFT_HOURS = 16
MAX_COPY = 1000  # shifts copied at once: a week of a large floor
# Dates a rota may hold: a week's arithmetic near datetime's limits would overflow.
FIRST_DAY = dt.date(2000, 1, 3)
LAST_DAY = dt.date(2099, 12, 27)

ERROR_ENDS_BEFORE = _("The shift must end after it starts.")
ERROR_TOO_LONG = _("A shift lasts at most %(hours)s hours.")
ERROR_BREAK = _("The break must be shorter than the shift.")
ERROR_OVERLAP = _("This agent already has a shift from %(start)s to %(end)s.")
ERROR_NOT_MEMBER = _("This agent is not an active member of the team.")
ERROR_QUEUE_TEAM = _("This queue is not one of the team's.")
ERROR_TEAM = _("Unknown team.")
ERROR_DATE_RANGE = _("Choose a date between %(first)s and %(last)s.")
ERROR_COPY_TOO_MANY = _("At most %(limit)s shifts can be copied at once.")


def _check_team(actor: User, team: Team) -> None:
    scope = supervision_scope(user=actor)
    if not scope.is_supervision:
        raise PermissionDenied
    if scope.team_ids is not None and team.pk not in scope.team_ids:
        raise ValidationError({"team": ERROR_TEAM})


def _validate(
    *,
    agent: User,
    team: Team,
    queue: Queue | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    break_minutes: int,
) -> None:
    errors: dict[str, Any] = {}
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not FIRST_DAY <= moment.date() <= LAST_DAY:
            errors[name] = date_range_error()
    if errors:
        raise ValidationError(errors)
    if ends_at <= starts_at:
        errors["ends_at"] = ERROR_ENDS_BEFORE
    elif ends_at - starts_at > dt.timedelta(hours=MAX_SHIFT_HOURS):
        errors["ends_at"] = ERROR_TOO_LONG % {"hours": MAX_SHIFT_HOURS}
    elif break_minutes < 0 or break_minutes * 60 >= (ends_at - starts_at).total_seconds():
        errors["break_minutes"] = ERROR_BREAK
    if queue is not None and queue.team_id != team.pk:
        errors["queue"] = ERROR_QUEUE_TEAM
    if not agent.is_active or not team.members.filter(pk=agent.pk).exists():
        errors["agent"] = ERROR_NOT_MEMBER
    if errors:
        raise ValidationError(errors)


def date_range_error() -> str:
    return str(ERROR_DATE_RANGE % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()})


def week_in_range(day: dt.date) -> None:
    """A week asked of the rota or the plan: a 400 outside the dates a rota may hold."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({"week": date_range_error()})


def _refuse_overlap(
    agent: User, starts_at: dt.datetime, ends_at: dt.datetime, exclude: int | None = None
) -> None:
    clash = Shift.objects.filter(agent=agent, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    found = clash.order_by("starts_at").first()
    if found is not None:
        zone = timezone.get_current_timezone()
        raise ValidationError(
            {
                "starts_at": ERROR_OVERLAP
                % {
                    "start": f"{found.starts_at.astimezone(zone):%d/%m %H:%M}",
                    "end": f"{found.ends_at.astimezone(zone):%d/%m %H:%M}",
                }
            }
        )


def _lock_agent(agent: User) -> None:
    User.objects.select_for_update().filter(pk=agent.pk).first()


def shift_check(
    *,
    actor: User,
    agent: User,
    team: Team,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    queue: Queue | None = None,
    break_minutes: int = 0,
    shift: Shift | None = None,
) -> None:
    """Every rule of a create or update, without writing (the admin's form shows the
    errors on its fields; the write checks again under the lock)."""
    if shift is not None:
        _check_team(actor, shift.team)
    _check_team(actor, team)
    _validate(
        agent=agent,
        team=team,
        queue=queue,
        starts_at=starts_at,
        ends_at=ends_at,
        break_minutes=break_minutes,
    )
    _refuse_overlap(agent, starts_at, ends_at, exclude=shift.pk if shift else None)


def shift_create(
    *,
    actor: User,
    agent: User,
    team: Team,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    queue: Queue | None = None,
    break_minutes: int = 0,
) -> Shift:
    _check_team(actor, team)
    _validate(
        agent=agent,
        team=team,
        queue=queue,
        starts_at=starts_at,
        ends_at=ends_at,
        break_minutes=break_minutes,
    )
    with transaction.atomic():
        _lock_agent(agent)
        _refuse_overlap(agent, starts_at, ends_at)
        return Shift.objects.create(
            agent=agent,
            team=team,
            queue=queue,
            starts_at=starts_at,
            ends_at=ends_at,
            break_minutes=break_minutes,
            created_by=actor,
        )


def shift_update(*, actor: User, shift: Shift, **changes: Any) -> Shift:
    """Change any of agent, team, queue, starts_at, ends_at, break_minutes."""
    allowed = {"agent", "team", "queue", "starts_at", "ends_at", "break_minutes"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown shift fields: {sorted(unknown)}")
    _check_team(actor, shift.team)  # the shift's current team must be the actor's too
    values = {name: changes.get(name, getattr(shift, name)) for name in allowed}
    if "team" in changes and "queue" not in changes and shift.queue_id is not None:
        values["queue"] = None if values["team"].pk != shift.team_id else shift.queue
    _check_team(actor, values["team"])
    _validate(**values)
    with transaction.atomic():
        _lock_agent(values["agent"])
        _refuse_overlap(values["agent"], values["starts_at"], values["ends_at"], exclude=shift.pk)
        for name, value in values.items():
            setattr(shift, name, value)
        shift.save()
    return shift


def shift_delete(*, actor: User, shift: Shift) -> None:
    _check_team(actor, shift.team)
    shift.delete()


def shifts_copy_week(
    *, actor: User, week_start: dt.date, team: Team | None = None
) -> tuple[int, int]:
    """Copy the previous week's shifts (of `team`, or of every team the actor schedules)
    into the week starting `week_start` (any day of it), one week later. A copy that would
    overlap a shift already there, or whose agent left the team, is skipped. Returns
    (copied, skipped)."""
    scope = supervision_scope(user=actor)
    if not scope.is_supervision:
        raise PermissionDenied
    if team is not None:
        _check_team(actor, team)
    week_in_range(week_start)
    week_start = week_start - dt.timedelta(days=week_start.weekday())
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=zone)
    source = Shift.objects.filter(
        starts_at__gte=start - dt.timedelta(weeks=1), starts_at__lt=start
    ).order_by("starts_at")
    if team is not None:
        source = source.filter(team=team)
    elif scope.team_ids is not None:
        source = source.filter(team_id__in=scope.team_ids)
    shifts = list(source[: MAX_COPY + 1])
    if len(shifts) > MAX_COPY:
        raise ValidationError({"week": ERROR_COPY_TOO_MANY % {"limit": MAX_COPY}})
    members = set(
        Team.objects.filter(pk__in={s.team_id for s in shifts}, members__is_active=True)
        .values_list("pk", "members")
        .distinct()
    )
    agent_ids = {s.agent_id for s in shifts}
    week_end = start + dt.timedelta(weeks=1, hours=MAX_SHIFT_HOURS)
    copied = skipped = 0
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk__in=agent_ids).order_by("pk"))
        taken: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        for agent_id, s, e in Shift.objects.filter(
            agent_id__in=agent_ids, starts_at__lt=week_end, ends_at__gt=start
        ).values_list("agent_id", "starts_at", "ends_at"):
            taken.setdefault(agent_id, []).append((s, e))
        new: list[Shift] = []
        for shift in shifts:
            # A week later in local time: the same wall-clock hours across a DST change.
            s = _plus_week(shift.starts_at, zone)
            e = _plus_week(shift.ends_at, zone)
            busy = taken.setdefault(shift.agent_id, [])
            if (shift.team_id, shift.agent_id) not in members or any(
                bs < e and be > s for bs, be in busy
            ):
                skipped += 1
                continue
            busy.append((s, e))
            new.append(
                Shift(
                    agent_id=shift.agent_id,
                    team_id=shift.team_id,
                    queue_id=shift.queue_id,
                    starts_at=s,
                    ends_at=e,
                    break_minutes=shift.break_minutes,
                    created_by=actor,
                )
            )
        Shift.objects.bulk_create(new)
        copied = len(new)
    return copied, skipped


def _plus_week(moment: dt.datetime, zone: Any) -> dt.datetime:
    local = moment.astimezone(zone).replace(tzinfo=None) + dt.timedelta(weeks=1)
    return local.replace(tzinfo=zone)
