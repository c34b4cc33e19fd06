from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Notification
from accounts.roles import Role
from accounts.services import ERROR_TITLE_REQUIRED, ERROR_UNSAFE_URL
from accounts.tasks import notification_email_task
from accounts.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example"]
)
def test_a_notification_link_must_stay_inside_relais(make_user, url):
    user = make_user(Role.AGENT)
    with pytest.raises(ValidationError) as excinfo:
        services.notification_send(recipient=user, title="SLA", url=url)
    assert str(ERROR_UNSAFE_URL) in str(excinfo.value)
    assert not Notification.objects.exists()


@pytest.mark.parametrize("title", ["", "   "])
def test_a_notification_needs_a_title(make_user, title):
    with pytest.raises(ValidationError) as excinfo:
        services.notification_send(recipient=make_user(Role.AGENT), title=title)
    assert str(ERROR_TITLE_REQUIRED) in str(excinfo.value)
    assert not Notification.objects.exists()


def test_email_is_queued_after_commit_and_sent_once(make_user, django_capture_on_commit_callbacks):
    user = make_user(Role.AGENT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = services.notification_send(
            recipient=user, title="Ticket T-1 breaches soon", url="/tickets/1/", email=True
        )
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/tickets/1/" in mail.outbox[0].body
    # Redelivered by the broker: the task runs again and sends nothing more.
    assert notification_email_task(notification.pk) is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_no_email_is_queued_unless_asked(make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.notification_send(recipient=make_user(Role.AGENT), title="FYI")
    assert callbacks == []


def test_inactive_staff_get_no_email(make_user):
    user = make_user(Role.AGENT, is_active=False)
    notification = NotificationFactory(recipient=user, send_email=True)
    assert services.notification_email_deliver(notification_id=notification.pk) is False
    assert mail.outbox == []


def test_opening_a_notification_marks_it_read_and_follows_its_link(role_client):
    client = role_client(Role.AGENT)
    notification = NotificationFactory(recipient=client.user, url="/notifications/?unread=1")
    response = client.post(reverse("accounts:notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/notifications/?unread=1"
    notification.refresh_from_db()
    assert notification.is_read


def test_nobody_opens_another_users_notification(role_client):
    client = role_client(Role.SUPERVISOR)
    other = NotificationFactory()
    response = client.post(reverse("accounts:notification_open", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert not other.is_read
    assert client.get(reverse("accounts:notification_open", args=[other.pk])).status_code == 405


def test_notification_list_is_paginated_bounded_and_htmx_aware(
    role_client, django_assert_max_num_queries
):
    client = role_client(Role.AGENT)
    NotificationFactory.create_batch(60, recipient=client.user)
    NotificationFactory.create_batch(3)  # someone else's
    with django_assert_max_num_queries(8):
        page = client.get(reverse("accounts:notifications"))
    assert page.status_code == 200
    assert page.content.decode().count('action="/notifications/') == 25 + 1  # rows + read-all
    more = client.get(reverse("accounts:notifications") + "?page=3", HTTP_HX_REQUEST="true")
    assert "<html" not in more.content.decode()
    assert more.content.decode().count("/open/") == 10
    assert client.get(reverse("accounts:notifications") + "?page=x").status_code == 200


def test_mark_all_read_touches_only_my_notifications(role_client):
    client = role_client(Role.AGENT)
    mine = NotificationFactory.create_batch(3, recipient=client.user)
    theirs = NotificationFactory()
    client.post(reverse("accounts:notifications_read_all"))
    assert all(n.is_read for n in Notification.objects.filter(pk__in=[m.pk for m in mine]))
    theirs.refresh_from_db()
    assert not theirs.is_read
    assert client.get(reverse("accounts:notifications_read_all")).status_code == 405


def test_unread_badge_counts_unread_notifications(role_client):
    client = role_client(Role.AGENT)
    NotificationFactory.create_batch(4, recipient=client.user)
    page = client.get(reverse("accounts:workspace", kwargs={"role": "agent"})).content.decode()
    assert 'data-testid="unread-count">4<' in page


def test_api_lists_and_marks_my_notifications_only(role_api_client, django_assert_max_num_queries):
    client = role_api_client(Role.AGENT)
    mine = NotificationFactory.create_batch(5, recipient=client.user)
    theirs = NotificationFactory()
    with django_assert_max_num_queries(3):
        listing = client.get("/api/v1/notifications/").json()
    assert listing["count"] == 5
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    read = client.post(f"/api/v1/notifications/{mine[0].pk}/read/")
    assert read.status_code == 200
    assert read.json()["is_read"] is True
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 4
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 4}
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_api_notifications_need_authentication(api_client):
    assert api_client.get("/api/v1/notifications/").status_code == 401
    assert api_client.post("/api/v1/notifications/read-all/").status_code == 401


def test_admin_marks_selected_notifications_read_in_bounded_queries(
    role_client, django_assert_max_num_queries
):
    from django.urls import reverse

    client = role_client(Role.ADMIN)
    selected = NotificationFactory.create_batch(20)
    untouched = NotificationFactory()
    with django_assert_max_num_queries(12):
        response = client.post(
            reverse("admin:accounts_notification_changelist"),
            {"action": "mark_read", "_selected_action": [n.pk for n in selected]},
        )
    assert response.status_code == 302
    assert (
        Notification.objects.filter(pk__in=[n.pk for n in selected], read_at__isnull=True).count()
        == 0
    )
    untouched.refresh_from_db()
    assert not untouched.is_read
