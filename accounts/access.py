"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

from typing import Any

ROUTES: dict[str, dict[str, Any]] = {
    "accounts:home": {"roles": "*", "note": "Sends each user to their first workspace."},
    "accounts:workspace": {
        "roles": {"agent"},
        "kwargs": lambda w: {"role": "agent"},
        "note": "A workspace is open to the users holding its role.",
    },
    "accounts:login": {"roles": "*", "anonymous": True},
    "accounts:logout": {
        "roles": "*",
        "anonymous": True,
        "ends_on_login": True,
        "note": "POST only; answers with the login page.",
    },
    "accounts:password_change": {"roles": "*"},
    "accounts:password_change_done": {"roles": "*"},
    "accounts:password_reset": {"roles": "*", "anonymous": True},
    "accounts:password_reset_done": {"roles": "*", "anonymous": True},
    "accounts:password_reset_confirm": {
        "roles": "*",
        "anonymous": True,
        "kwargs": lambda w: {"uidb64": w.reset_uidb64, "token": w.reset_token},
        "note": "Whoever holds the emailed link.",
    },
    "accounts:password_reset_complete": {"roles": "*", "anonymous": True},
    "accounts:profile": {"roles": "*"},
    "accounts:api_token": {"roles": "*", "note": "POST only: one's own token."},
    "accounts:notification_emails": {
        "roles": "*",
        "note": "POST only: one's own notification email preference.",
    },
    "accounts:notifications": {"roles": "*", "note": "One's own notifications."},
    "accounts:notification_open": {
        "roles": {"agent"},
        "kwargs": lambda w: {"pk": w.notification.pk},
        "note": "Its recipient only (the world's notification is the agent's).",
    },
    "accounts:notifications_read_all": {"roles": "*", "note": "POST only: one's own."},
    "api-auth-token": {"roles": "*", "anonymous": True, "note": "POST only: email + password."},
    "api-me": {"roles": "*"},
    "api-teams": {"roles": "*"},
    "api-notifications": {"roles": "*", "note": "One's own notifications."},
    "api-notification-read": {
        "roles": {"agent"},
        "kwargs": lambda w: {"pk": w.notification.pk},
        "note": "POST only; its recipient only.",
    },
    "api-notifications-read-all": {"roles": "*", "note": "POST only: one's own."},
}


def objects(w: Any) -> None:
    """A notification for the agent, a password-reset link for the agent."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from accounts.tests.factories import NotificationFactory

    agent = w.users["agent"]
    w.notification = NotificationFactory(recipient=agent)
    w.reset_uidb64 = urlsafe_base64_encode(force_bytes(agent.pk))
    w.reset_token = default_token_generator.make_token(agent)
