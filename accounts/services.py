"""Writes for staff accounts, teams, API tokens and notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from .models import Notification, Team, User
from .roles import ROLE_ORDER, Role

ERROR_EMAIL_TAKEN = _("A user with this email address already exists.")
ERROR_UNKNOWN_ROLE = _("Unknown role: %(role)s.")
ERROR_UNSAFE_URL = _("A notification link must be a path inside Relais, such as /tickets/12/.")
ERROR_TITLE_REQUIRED = _("A notification needs a title.")


def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    roles: Iterable[str] = (),
    language: str = User.Language.FRENCH,
    manager: User | None = None,
) -> User:
    email = email.strip().lower()
    validate_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ERROR_EMAIL_TAKEN})
    roles = list(roles)
    _validate_roles(roles)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            language=language,
            manager=manager,
        )
        user_set_roles(user=user, roles=roles)
    return user


def _validate_roles(roles: Iterable[str]) -> None:
    for role in roles:
        if role not in ROLE_ORDER:
            raise ValidationError({"roles": ERROR_UNKNOWN_ROLE % {"role": role}})


def user_set_roles(*, user: User, roles: Iterable[str]) -> User:
    """Give the user exactly these roles. Admins get the admin site; no one else does."""
    roles = sorted(set(roles))
    _validate_roles(roles)
    with transaction.atomic():
        groups = list(Group.objects.filter(name__in=roles))
        user.groups.set(groups)
        is_admin = Role.ADMIN in roles
        if user.is_staff != is_admin:
            user.is_staff = is_admin
            user.save(update_fields=["is_staff"])
    if hasattr(user, "_relais_roles"):
        del user._relais_roles
    return user


def user_set_language(*, user: User, language: str) -> User:
    if language not in User.Language.values:
        raise ValidationError({"language": _("Choose French or English.")})
    user.language = language
    user.save(update_fields=["language"])
    return user


def team_create(
    *, name: str, kind: str, lead: User | None = None, members: Iterable[User] = ()
) -> Team:
    team = Team(name=name.strip(), kind=kind, lead=lead)
    team.full_clean()
    with transaction.atomic():
        team.save()
        members = list(members)
        if lead is not None and lead not in members:
            members.append(lead)
        team.members.set(members)
    return team


def api_token_issue(*, user: User) -> Token:
    """The user's API token, created on first request."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


def api_token_revoke(*, user: User) -> bool:
    deleted, _details = Token.objects.filter(user=user).delete()
    return deleted > 0


def api_token_rotate(*, user: User) -> Token:
    with transaction.atomic():
        api_token_revoke(user=user)
        return Token.objects.create(user=user)


def _validate_internal_url(url: str) -> None:
    # Only same-site paths: a notification link must never send staff elsewhere.
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValidationError({"url": ERROR_UNSAFE_URL})


def notification_send(
    *, recipient: User, title: str, body: str = "", url: str = "", email: bool = False
) -> Notification:
    title = title.strip()
    if not title:
        raise ValidationError({"title": ERROR_TITLE_REQUIRED})
    _validate_internal_url(url)
    notification = Notification(
        recipient=recipient, title=title[:200], body=body, url=url, send_email=email
    )
    notification.full_clean()
    with transaction.atomic():
        notification.save()
        if email:
            from .tasks import notification_email_task

            transaction.on_commit(lambda: notification_email_task.delay(notification.pk))
    return notification


def notification_email_deliver(*, notification_id: int) -> bool:
    """Email a notification once. Returns False when there is nothing (left) to send."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, send_email=True, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.is_active:
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{notification.url}".strip()
        send_mail(
            subject=f"[Relais] {notification.title}",
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_read(*, notifications: QuerySet[Notification]) -> int:
    """Mark these notifications read in one query; returns how many were unread."""
    return notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def notification_mark_all_read(*, user: User) -> int:
    return notifications_mark_read(notifications=Notification.objects.filter(recipient=user))
