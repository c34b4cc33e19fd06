"""Helpers the telework services share: who a user is to an agreement, labels, and the
notifications that keep each party informed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role, has_role

from .. import errors
from ..dates import WorkCalendar
from ..models import Agreement, Party
from ..permissions import TELEWORK_HR

WEEKDAY_NAMES = {
    0: "Monday",
    1: "Tuesday",
    2: "Wednesday",
    3: "Thursday",
    4: "Friday",
    5: "Saturday",
    6: "Sunday",
}


_as_of: ContextVar[dt.date | None] = ContextVar("telework_as_of", default=None)


def today() -> dt.date:
    """Today, or the date `as_of` pins (demo data and benchmarks replay past years)."""
    return _as_of.get() or timezone.localdate()


def now() -> dt.datetime:
    """The current time, on the `as_of` day when one is pinned."""
    pinned = _as_of.get()
    current = timezone.now()
    if pinned is None:
        return current
    local = timezone.localtime(current)
    return local.replace(year=pinned.year, month=pinned.month, day=pinned.day)


@contextmanager
def as_of(day: dt.date) -> Iterator[None]:
    token = _as_of.set(day)
    try:
        yield
    finally:
        _as_of.reset(token)


def parties_for(user: User, agreement: Agreement) -> frozenset[str]:
    """What `user` may act as on this agreement. HR and the manager never act on their
    own agreement; HR stands in for a missing manager."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    employee = agreement.employee
    if user.pk == employee.pk:
        return frozenset({Party.EMPLOYEE})
    held: set[str] = set()
    if employee.manager_id == user.pk:
        held.add(Party.MANAGER)
    if has_role(user, *TELEWORK_HR):
        held.add(Party.HR)
        if employee.manager_id is None or employee.manager_id == employee.pk:
            held.add(Party.MANAGER)
    return frozenset(held)


def weekday_labels(weekdays: Iterable[int]) -> str:
    from django.utils.dates import WEEKDAYS

    return ", ".join(str(WEEKDAYS[d]) for d in sorted(set(weekdays)))


def format_date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def work_calendar(agreement: Agreement) -> WorkCalendar:
    entity = agreement.policy.legal_entity
    return WorkCalendar(entity.holiday_country, entity.holiday_subdivision)


def check_text(value: str, field: str, limit: int, *, required_error: Any = None) -> str:
    value = (value or "").strip()
    if required_error is not None and not value:
        raise ValidationError({field: required_error})
    if len(value) > limit:
        raise ValidationError({field: errors.ERROR_TOO_LONG % {"limit": limit}})
    return value


def notify(
    recipients: Iterable[User | None],
    *,
    title: str,
    url: str = "",
    body: str = "",
    email: bool = False,
    **params: Any,
) -> None:
    """Notify each recipient in their own language, after commit (a refused write sends
    nothing). `title` and `body` are English msgids translated per recipient."""
    from accounts.services import notification_send

    people = {u.pk: u for u in recipients if u is not None and u.is_active}

    def send() -> None:
        for user in people.values():
            with translation.override(user.language or "fr"):
                # Callables are evaluated in the recipient's language (dates, titles).
                values = {k: v() if callable(v) else v for k, v in params.items()}
                notification_send(
                    recipient=user,
                    title=gettext(title) % values if values else gettext(title),
                    body=(gettext(body) % values if values else gettext(body)) if body else "",
                    url=url,
                    email=email,
                )

    if people:
        transaction.on_commit(send)


def hr_users() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.HR).order_by("pk").distinct()[:50]
    )


def it_users() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.IT).order_by("pk").distinct()[:50]
    )
