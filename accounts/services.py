"""Writes for staff accounts, teams, API tokens and notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from . import reachability, selectors
from .identity import normalise_email
from .models import ERROR_EMAIL_TAKEN, Notification, Team, User
from .roles import ROLE_ORDER, Role

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
    email = normalise_email(email)
    validate_email(email)
    if User.objects.filter(email=email).exists():
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


def user_set_notification_emails(*, user: User, enabled: bool) -> User:
    """Whether the user's notifications (SLA warnings and breaches) are emailed too."""
    user.notification_emails = bool(enabled)
    user.save(update_fields=["notification_emails"])
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


def password_reset_request(*, email: str, domain: str, use_https: bool) -> bool:
    """Queue a password-reset email for the account this email names, if there is one.

    The answer the user sees never depends on the result (no account enumeration), and
    neither does the time it takes: the email is rendered and sent by a task after
    commit, so a known address costs the request one query, like an unknown one.
    Returns whether an email was queued, for the callers' logs and tests only.
    """
    from .tasks import password_reset_email_task

    user = selectors.user_get_for_password_reset(email=email)
    if user is None:
        return False
    user_id = user.pk
    transaction.on_commit(
        lambda: password_reset_email_task.delay(user_id=user_id, domain=domain, use_https=use_https)
    )
    return True


def password_reset_email_send(*, user_id: int, domain: str, use_https: bool) -> bool:
    """Email a one-use reset link, in the recipient's language. False if nobody to email.

    The token is Django's: it embeds the password hash and last login, so it stops
    working once the password changes or the user logs in, and after
    PASSWORD_RESET_TIMEOUT.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None or selectors.user_get_for_password_reset(email=user.email) != user:
        return False
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "reset_url": f"{'https' if use_https else 'http'}://{domain}{path}",
        "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    }
    with translation.override(user.language):
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        body = render_to_string("accounts/email/password_reset_body.txt", context)
        html = render_to_string("accounts/email/password_reset_body.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def login_lockout_clear(*, user: User) -> int:
    """Lift django-axes' lockout of this account (after it proved it owns the mailbox)."""
    from axes.utils import reset

    return int(reset(username=normalise_email(user.email)))


def _validate_internal_url(url: str) -> None:
    # Only same-site paths: a notification link must never send staff elsewhere.
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValidationError({"url": ERROR_UNSAFE_URL})


def notification_send(
    *,
    recipient: User,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = False,
    urgent: bool = False,
) -> Notification:
    """Notify a member of staff. Outside their contact hours (accounts.reachability) a
    notification that is not urgent is held: shown and emailed when they can be reached."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": ERROR_TITLE_REQUIRED})
    _validate_internal_url(url)
    notification = Notification(
        recipient=recipient, title=title[:200], body=body, url=url, send_email=email, urgent=urgent
    )
    notification.full_clean()
    notifications_apply_holds([notification])
    with transaction.atomic():
        notification.save()
        if email and notification.deliver_after is None:
            from .tasks import notification_email_task

            transaction.on_commit(lambda: notification_email_task.delay(notification.pk))
    return notification


def notifications_apply_holds(
    notifications: list[Notification], *, now: dt.datetime | None = None
) -> list[Notification]:
    """Set `deliver_after` on the unsaved notifications whose recipient cannot be reached
    now (one provider call for all of them); urgent ones go through. For bulk creators."""
    now = now or timezone.now()
    waiting = [n for n in notifications if not n.urgent]
    held = reachability.unreachable_until([n.recipient_id for n in waiting], now)
    for notification in waiting:
        notification.deliver_after = held.get(notification.recipient_id)
    return notifications


def notifications_email_preferences(notifications: list[Notification]) -> list[Notification]:
    """Set `send_email` on unsaved notifications from each recipient's preference
    (`User.notification_emails`), in one query. For bulk creators (the SLA sweep)."""
    wanted = set(
        User.objects.filter(
            pk__in={n.recipient_id for n in notifications}, notification_emails=True
        ).values_list("pk", flat=True)
    )
    for notification in notifications:
        notification.send_email = notification.recipient_id in wanted
    return notifications


def notifications_email_after_commit(notifications: Iterable[Notification]) -> None:
    """Queue the email of saved notifications that want one and are not held (held ones
    are emailed by notifications_release when they come due)."""
    from .tasks import notification_email_task

    ids = [n.pk for n in notifications if n.send_email and n.deliver_after is None and n.pk]
    if ids:
        transaction.on_commit(lambda: [notification_email_task.delay(pk) for pk in ids])


def notifications_release(*, now: dt.datetime | None = None) -> int:
    """The every-minute task: held notifications whose moment came are released (a
    conditional UPDATE claims them, so two sweeps never email twice)."""
    from .tasks import notification_email_task

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(deliver_after__isnull=False, deliver_after__lte=now)
            .values_list("pk", "send_email")[:5000]
        )
        ids = [pk for pk, _email in due]
        Notification.objects.filter(pk__in=ids).update(deliver_after=None)
        to_email = [pk for pk, email in due if email]
        transaction.on_commit(lambda: [notification_email_task.delay(pk) for pk in to_email])
    return len(ids)


class NotificationEmailBusy(Exception):
    """Another run holds the claim on this notification's email; retry after `seconds`."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"claimed by another run, retry in {seconds} s")
        self.seconds = seconds


def notification_email_deliver(*, notification_id: int) -> bool:
    """Email a notification: claim, then send, then record. Returns False when there is
    nothing (left) to send.

    1. Claim: one conditional UPDATE, committed at once (no lock is held over SMTP).
    2. Send, with EMAIL_TIMEOUT bounding every socket operation. A failure releases the
       claim and raises, for the task's retry.
    3. Record `emailed_at`.
    A second run while the claim is fresh sends nothing (NotificationEmailBusy, so the
    task retries later and finds it recorded). A worker killed between claim and record
    leaves a claim that expires after NOTIFICATION_EMAIL_CLAIM_SECONDS: the redelivered
    task sends then. So: exactly one send in the normal re-run case, at least once (never
    lost, perhaps twice) after a kill between the SMTP answer and the record."""
    now = timezone.now()
    lease = dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_CLAIM_SECONDS)
    due = Notification.objects.filter(
        pk=notification_id, send_email=True, emailed_at__isnull=True
    ).filter(Q(deliver_after__isnull=True) | Q(deliver_after__lte=now))
    with transaction.atomic():  # one statement, committed before any SMTP traffic
        claimed = due.filter(
            Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lte=now - lease)
        ).update(email_claimed_at=now)
    if not claimed:
        held = due.values_list("email_claimed_at", flat=True).first()
        if held is not None:
            raise NotificationEmailBusy(max(1, int((held + lease - now).total_seconds()) + 1))
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not notification.recipient.is_active:
        return False
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{notification.url}".strip()
    try:
        send_mail(
            subject=f"[Relais] {notification.title}",
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id, email_claimed_at=now).update(
            email_claimed_at=None
        )
        raise
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
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
