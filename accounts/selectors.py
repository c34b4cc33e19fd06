"""Reads for staff accounts, teams and notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .identity import normalise_email
from .models import Notification, Team, User
from .roles import ROLE_ORDER, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def user_get_for_password_reset(*, email: str) -> User | None:
    """The active account with a usable password that this email names, if any.

    Accounts without a usable password (single sign-on, or disabled by an admin) are
    left out, as Django's own form does: a reset must not give them one.
    """
    user = User.objects.filter(email=normalise_email(email), is_active=True).first()
    if user is None or not user.has_usable_password():
        return None
    return user


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, without those held by the right to disconnect."""
    return (
        Notification.objects.filter(recipient=user)
        .filter(Q(deliver_after__isnull=True) | Q(deliver_after__lte=timezone.now()))
        .order_by("-created_at", "-id")
    )


def notification_list_unread(*, user: User) -> QuerySet[Notification]:
    return notification_list_for_user(user=user).filter(read_at__isnull=True)


def notification_unread_count(*, user: User) -> int:
    return notification_list_unread(user=user).count()


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """A user's own notification; anybody else's is a 404, not a 403, to hide its existence."""
    try:
        return Notification.objects.get(pk=pk, recipient=user)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc


def team_list_for_user(*, user: User) -> QuerySet[Team]:
    return (
        # Counted in a subquery: a Count("members") on this queryset would count the
        # join filtered by the user's own membership, always 1.
        Team.objects.filter(pk__in=Team.objects.filter(members=user).values("pk"))
        .select_related("lead")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name")
    )


def team_list() -> QuerySet[Team]:
    return Team.objects.select_related("lead").prefetch_related("members").order_by("name")


def user_roles_and_teams(*, user: User) -> User:
    """The user with groups and teams loaded in two queries (for /me/ and the profile)."""
    return User.objects.prefetch_related("groups", "teams").get(pk=user.pk)


def staff_counts_by_role() -> list[tuple[StrOrPromise, int]]:
    """Active staff per role, in the roles' display order: one query."""
    counts = dict(
        User.objects.filter(is_active=True, groups__name__in=ROLE_ORDER)
        .values_list("groups__name")
        .annotate(n=Count("id"))
        .values_list("groups__name", "n")
    )
    return [(Role(role).label, counts.get(role, 0)) for role in ROLE_ORDER]
