"""Outbound webhooks: every registered integration event becomes, for each endpoint that
asked for it, a delivery row and a Celery task. The request that caused the event only
queues one task after commit (the fan-out runs in the worker), so a slow or dead
endpoint never slows it.

Each delivery is JSON, signed: `X-Relais-Signature: t=<unix time>,v1=<hex>` where hex is
HMAC-SHA256(secret, "<t>.<body>"). Receivers recompute it and refuse old timestamps
(replays). Failures are retried with exponential backoff; every attempt is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais import events

from ..models import WebhookDelivery, WebhookEndpoint
from .ssrf import UnsafeURL, check_url

ERROR_EVENTS = _("Choose at least one event.")
ERROR_UNKNOWN_EVENT = _("Unknown event: %(code)s.")
ERROR_NAME = _("A name is required.")
SIGNATURE_HEADER = "X-Relais-Signature"
EXCERPT_CHARS = 2000
_ACTIVE_CACHE = "channels:webhook-events"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def signature_valid(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiver does (documented, and used by our tests)."""
    try:
        fields = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(fields["t"])
    except (ValueError, KeyError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, header)


def _validate(*, name: str, url: str, events_wanted: list[str]) -> list[str]:
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = ERROR_NAME
    known = {t.code for t in events.event_types()}
    wanted = sorted(set(events_wanted))
    if not wanted:
        errors["events"] = ERROR_EVENTS
    unknown = [code for code in wanted if code not in known]
    if unknown:
        errors["events"] = ERROR_UNKNOWN_EVENT % {"code": ", ".join(unknown)[:200]}
    try:
        check_url(url)
    except UnsafeURL as exc:
        errors["url"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return wanted


def endpoint_save(
    *,
    endpoint: WebhookEndpoint | None = None,
    name: str,
    url: str,
    events_wanted: list[str],
    is_active: bool = True,
) -> WebhookEndpoint:
    wanted = _validate(name=name, url=url, events_wanted=events_wanted)
    endpoint = endpoint or WebhookEndpoint(secret=secrets.token_urlsafe(32))
    endpoint.name = name.strip()[:100]
    endpoint.url = url
    endpoint.events = wanted
    endpoint.is_active = is_active
    endpoint.save()
    forget_active()
    return endpoint


def forget_active() -> None:
    cache.delete(_ACTIVE_CACHE)


def _active_events() -> set[str]:
    cached = cache.get(_ACTIVE_CACHE)
    if cached is None:
        cached = sorted(
            {
                code
                for codes in WebhookEndpoint.objects.filter(is_active=True).values_list(
                    "events", flat=True
                )
                for code in codes
            }
        )
        cache.set(_ACTIVE_CACHE, cached, 30)
    return set(cached)


def on_event(code: str, payload: dict[str, Any]) -> None:
    """The subscriber to relais.events: one cached lookup, then a task after commit."""
    if code not in _active_events():
        return
    body = {
        "id": str(uuid.uuid4()),
        "event": code,
        "occurred_at": timezone.now().isoformat(),
        "data": payload,
    }
    from ..tasks import webhook_fanout_task

    encoded = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    transaction.on_commit(lambda: webhook_fanout_task.delay(encoded))


def fanout(*, body: dict[str, Any]) -> list[int]:
    """Create one delivery per endpoint that wants the event; returns their ids."""
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(is_active=True) if body["event"] in e.events
    ]
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=e, event=body["event"], event_id=uuid.UUID(body["id"]), payload=body
            )
            for e in endpoints
        ]
    )
    return [d.pk for d in deliveries]


class DeliveryFailed(Exception):
    pass


def deliver(*, delivery_id: int, final: bool = False) -> WebhookDelivery | None:
    """One attempt. Raises DeliveryFailed when it should be retried; with `final`, marks
    the delivery failed instead."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == WebhookDelivery.Status.SUCCESS:
        return delivery
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), cls=DjangoJSONEncoder).encode()
    started = time.monotonic()
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    status_code: int | None = None
    excerpt = ""
    error = ""
    try:
        target = check_url(endpoint.url)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Relais-Webhooks/1",
            "Host": target.host_header,
            "X-Relais-Event": delivery.event,
            "X-Relais-Delivery": str(delivery.event_id),
            SIGNATURE_HEADER: signature(endpoint.secret, timestamp, body),
        }
        extensions = {"sni_hostname": target.server_name} if target.url.startswith("https") else {}
        with httpx.Client(
            timeout=settings.CHANNELS_WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False
        ) as client:
            request = client.build_request(
                "POST", target.url, content=body, headers=headers, extensions=extensions
            )
            response = client.send(request)
            status_code = response.status_code
            excerpt = response.text[:EXCERPT_CHARS]
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except UnsafeURL as exc:
        error = str(exc)
        final = True  # retrying will not make the address safe
    except httpx.HTTPError as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:1000]
    delivery.latency_ms = int((time.monotonic() - started) * 1000)
    delivery.response_status = status_code
    delivery.response_excerpt = excerpt
    delivery.error = error
    if not error:
        delivery.status = WebhookDelivery.Status.SUCCESS
        delivery.delivered_at = timezone.now()
    elif final or delivery.attempts >= settings.CHANNELS_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.status = WebhookDelivery.Status.RETRYING
    delivery.save()
    if delivery.status == WebhookDelivery.Status.RETRYING:
        raise DeliveryFailed(error)
    return delivery


def redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a logged delivery again, as a new attempt series (the admin's button)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING, attempts=0
    )
    from ..tasks import webhook_deliver_task

    transaction.on_commit(lambda: webhook_deliver_task.delay(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def backoff_seconds(attempt: int) -> int:
    """30 s, 1 min, 2 min, 4 min... capped at 6 h, with up to 20 % jitter."""
    base = min(30 * 2 ** max(attempt - 1, 0), 6 * 3600)
    return base + secrets.randbelow(max(base // 5, 1))
