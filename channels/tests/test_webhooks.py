"""Outbound webhooks: signing, retries with backoff, the delivery log, SSRF refusal, and a
fan-out that never slows the request that caused it."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from channels.models import WebhookDelivery
from channels.webhooks import services, ssrf
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []  # answers to give, then 200

    def handler(self):  # type: ignore[no-untyped-def]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers), body))
                code = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
                return

        return Handler


@pytest.fixture
def receiver(settings):
    settings.CHANNELS_WEBHOOK_ALLOW_PRIVATE = True
    settings.CHANNELS_WEBHOOK_ALLOW_HTTP = True
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), state.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"  # type: ignore[attr-defined]
    yield state
    server.shutdown()
    server.server_close()


def test_ticket_created_is_delivered_signed_with_a_timestamp(maildesk, receiver):
    endpoint = services.endpoint_save(
        name="CRM", url=receiver.url, events_wanted=["ticket.created"]
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        ticket = open_ticket(maildesk)
    headers, body = receiver.requests[0]
    payload = json.loads(body)
    assert payload["event"] == "ticket.created"
    assert payload["data"]["ticket"]["number"] == ticket.number
    assert headers["X-Relais-Event"] == "ticket.created"
    assert services.signature_valid(endpoint.secret, headers["X-Relais-Signature"], body)
    assert not services.signature_valid("other-secret", headers["X-Relais-Signature"], body)
    assert not services.signature_valid(endpoint.secret, headers["X-Relais-Signature"], body + b" ")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCESS
    assert delivery.response_status == 200
    assert delivery.latency_ms is not None
    assert "ok" in delivery.response_excerpt


def test_an_old_signature_is_refused_as_a_replay():
    body = b"{}"
    old = services.signature("s", int(time.time()) - 3600, body)
    assert not services.signature_valid("s", old, body)


def test_failures_are_retried_with_exponential_backoff_then_logged_failed(
    maildesk, receiver, settings
):
    settings.CHANNELS_WEBHOOK_MAX_ATTEMPTS = 3
    services.endpoint_save(name="CRM", url=receiver.url, events_wanted=["ticket.created"])
    receiver.statuses = [500, 503, 500]
    ids = services.fanout(
        body={"id": "6f1c4b8e-0000-4000-8000-000000000001", "event": "ticket.created", "data": {}}
    )
    with pytest.raises(services.DeliveryFailed):
        services.deliver(delivery_id=ids[0])
    with pytest.raises(services.DeliveryFailed):
        services.deliver(delivery_id=ids[0])
    delivery = services.deliver(delivery_id=ids[0])
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3
    assert delivery.response_status == 500
    delays = [services.backoff_seconds(n) for n in (1, 2, 3, 4)]
    assert 30 <= delays[0] < 37
    assert 60 <= delays[1] < 73
    assert 120 <= delays[2] < 145
    assert delays[3] >= 240


def test_redeliver_sends_a_logged_delivery_again(maildesk, receiver):
    services.endpoint_save(name="CRM", url=receiver.url, events_wanted=["ticket.created"])
    receiver.statuses = [500]
    with TestCase.captureOnCommitCallbacks(execute=True):
        open_ticket(maildesk)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED  # eager tests: no retry loop
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.redeliver(delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCESS
    assert len(receiver.requests) == 2
    assert receiver.requests[0][1] == receiver.requests[1][1]  # the same event, same id


def test_events_nobody_subscribed_cost_no_task(
    maildesk, receiver, django_capture_on_commit_callbacks
):
    services.endpoint_save(name="CRM", url=receiver.url, events_wanted=["ticket.resolved"])
    with django_capture_on_commit_callbacks() as callbacks:
        open_ticket(maildesk)
    from channels import tasks

    assert not any("webhook" in repr(c) for c in callbacks)
    assert tasks  # imported for the repr check above


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://172.16.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://2130706433/hook",
    ],
)
def test_private_loopback_and_link_local_targets_are_refused(db, url):
    with pytest.raises(ValidationError) as info:
        services.endpoint_save(name="x", url=url, events_wanted=["ticket.created"])
    assert "url" in info.value.message_dict


@pytest.mark.parametrize(
    "url", ["http://example.com/hook", "ftp://example.com/", "https://u:p@example.com/"]
)
def test_plain_http_other_schemes_and_credentials_are_refused(db, url):
    with pytest.raises(ValidationError) as info:
        services.endpoint_save(name="x", url=url, events_wanted=["ticket.created"])
    assert "url" in info.value.message_dict


def test_the_setting_allows_private_targets(settings):
    settings.CHANNELS_WEBHOOK_ALLOW_PRIVATE = True
    target = ssrf.check_url("https://127.0.0.1:8443/hook")
    assert target.url == "https://127.0.0.1:8443/hook"


def test_delivery_time_check_refuses_an_address_that_became_private(maildesk, receiver, settings):
    endpoint = services.endpoint_save(
        name="CRM", url=receiver.url, events_wanted=["ticket.created"]
    )
    settings.CHANNELS_WEBHOOK_ALLOW_PRIVATE = False  # the host now resolves to loopback
    ids = services.fanout(
        body={"id": "6f1c4b8e-0000-4000-8000-000000000002", "event": "ticket.created", "data": {}}
    )
    delivery = services.deliver(delivery_id=ids[0])
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert receiver.requests == []
    assert endpoint.pk


def test_unknown_events_and_missing_events_are_refused(db, settings):
    settings.CHANNELS_WEBHOOK_ALLOW_PRIVATE = True
    with pytest.raises(ValidationError) as info:
        services.endpoint_save(name="x", url="https://127.0.0.1/", events_wanted=["nope.event"])
    assert "events" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.endpoint_save(name="x", url="https://127.0.0.1/", events_wanted=[])
