"""The mail gateway's endpoint and the configuration API."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from channels.models import InboundEmail, Mailbox, WebhookEndpoint
from tickets.models import Ticket

from .factories import eml, simple_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(role_api_client):
    return role_api_client(Role.INTEGRATION)


def post_raw(client, raw: bytes, content_type: str = "message/rfc822"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("api-inbound-email"), data=raw, content_type=content_type)


def test_gateway_posts_raw_mail_and_a_second_delivery_is_a_no_op(gateway, maildesk):
    first = post_raw(gateway, eml("multipart_alternative_en.eml"))
    assert first.status_code == 202
    body = first.json()
    assert body["duplicate"] is False
    again = post_raw(gateway, eml("multipart_alternative_en.eml"))
    assert again.status_code == 200
    assert again.json() == {
        **body,
        "status": "processed",
        "duplicate": True,
    }
    assert Ticket.objects.count() == 1


def test_octet_stream_is_accepted_too(gateway, maildesk):
    assert post_raw(gateway, simple_email(), "application/octet-stream").status_code == 202


@pytest.mark.parametrize("raw", [b"", b"   \r\n"])
def test_an_empty_body_is_a_clear_400(gateway, maildesk, raw):
    response = post_raw(gateway, raw)
    assert response.status_code == 400
    assert InboundEmail.objects.count() == 0


def test_a_json_body_is_refused_with_415(gateway, maildesk):
    response = gateway.post(reverse("api-inbound-email"), data={"x": 1}, format="json")
    assert response.status_code == 415


def test_oversized_mail_is_quarantined_and_far_too_large_refused(gateway, maildesk, settings):
    settings.CHANNELS_EMAIL_MAX_BYTES = 5_000
    response = post_raw(gateway, simple_email(body="x" * 6_000))
    assert response.status_code == 202
    assert response.json()["status"] == "quarantined"
    refused = post_raw(gateway, simple_email(body="x" * 20_000))
    assert refused.status_code == 400
    assert InboundEmail.objects.count() == 1


def test_supervisor_reingests_through_the_api(role_api_client, db):
    from tickets.tests.factories import desk

    d = desk()
    supervisor = role_api_client(Role.SUPERVISOR)
    gateway = role_api_client(Role.INTEGRATION)
    post_raw(gateway, simple_email(to="nobody@nowhere.example"))
    row = InboundEmail.objects.get()
    assert row.status == "quarantined"
    from channels.models import InboundAddress

    InboundAddress.objects.create(address="nobody@nowhere.example", queue=d.queue)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = supervisor.post(reverse("api-inbound-reingest", args=[row.pk]))
    assert response.status_code == 202
    row.refresh_from_db()
    assert row.status == "processed"
    again = supervisor.post(reverse("api-inbound-reingest", args=[row.pk]))
    assert again.status_code == 400


def test_mailbox_password_is_write_only_and_stored_encrypted(role_api_client, maildesk):
    admin = role_api_client(Role.ADMIN)
    response = admin.post(
        reverse("api-mailboxes"),
        {
            "name": "Support",
            "host": "imap.example.com",
            "port": 993,
            "security": "ssl",
            "username": "support",
            "password": "s3cret-pass",
            "folder": "INBOX",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert "password" not in response.json()
    assert response.json()["has_password"] is True
    box = Mailbox.objects.get()
    assert "s3cret-pass" not in box.password_encrypted
    from channels.inbound.imap import mailbox_password

    assert mailbox_password(box) == "s3cret-pass"


def test_webhook_endpoints_through_the_api_refuse_private_targets(role_api_client, db):
    admin = role_api_client(Role.ADMIN)
    refused = admin.post(
        reverse("api-webhooks"),
        {"name": "x", "url": "https://10.1.2.3/hook", "events": ["ticket.created"]},
        format="json",
    )
    assert refused.status_code == 400
    assert "url" in refused.json()
    assert WebhookEndpoint.objects.count() == 0
    events = admin.get(reverse("api-webhook-events")).json()
    assert {"ticket.created", "ticket.updated", "ticket.resolved", "message.received"} <= {
        e["code"] for e in events
    }
