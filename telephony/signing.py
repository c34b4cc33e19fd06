"""Signed requests from the telephony platform (HMAC-SHA256 with a timestamp).

The platform sends two headers:

    X-Relais-Timestamp: 1764669600            (Unix seconds when it signed)
    X-Relais-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>

A request is accepted when one of the configured secrets (several, so a secret can be
rotated without downtime) gives the same signature and the timestamp is within the
tolerance of our clock. An old request replayed later fails on the timestamp; replayed
within the tolerance, it fails on idempotency (the same event is stored once).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

TIMESTAMP_HEADER = "X-Relais-Timestamp"
SIGNATURE_HEADER = "X-Relais-Signature"
SCHEME = "v1"

ERROR_NOT_CONFIGURED = _("Telephony events are not enabled: no shared secret is configured.")
ERROR_MISSING = _("The request is not signed (X-Relais-Timestamp and X-Relais-Signature).")
ERROR_BAD_TIMESTAMP = _("The signature timestamp is not a Unix time in seconds.")
ERROR_STALE = _(
    "The signature timestamp is too far from our clock (more than %(seconds)d s): "
    "an old or replayed request is refused."
)
ERROR_BAD_SIGNATURE = _("The signature does not match the request body.")


class SignatureError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Verified:
    timestamp: int


def secrets() -> list[bytes]:
    configured = getattr(settings, "TELEPHONY_WEBHOOK_SECRETS", ()) or ()
    return [s.encode() for s in configured if s]


def tolerance() -> int:
    return int(getattr(settings, "TELEPHONY_SIGNATURE_TOLERANCE_SECONDS", 300))


def sign(body: bytes, secret: str | bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers a platform sends (used by the tests, the benchmark and the docs)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: f"{SCHEME}={digest}"}


def verify(*, body: bytes, timestamp: str | None, signature: str | None) -> Verified:
    keys = secrets()
    if not keys:
        raise SignatureError(str(ERROR_NOT_CONFIGURED))
    if not timestamp or not signature:
        raise SignatureError(str(ERROR_MISSING))
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureError(str(ERROR_BAD_TIMESTAMP))
    stamp = int(timestamp)
    limit = tolerance()
    if abs(time.time() - stamp) > limit:
        raise SignatureError(str(ERROR_STALE % {"seconds": limit}))
    given = [
        part.split("=", 1)[1]
        for part in signature.split(",")
        if part.strip().startswith(f"{SCHEME}=")
    ]
    message = f"{stamp}.".encode() + body
    for key in keys:
        expected = hmac.new(key, message, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, g.strip()) for g in given):
            return Verified(timestamp=stamp)
    raise SignatureError(str(ERROR_BAD_SIGNATURE))
