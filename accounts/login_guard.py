"""What stands between a password guesser and an account (docs/security.md).

Two counters, both in the shared cache or database, both keyed by normalised values:

- per account (django-axes): RELAIS_LOGIN_FAILURE_LIMIT failures lock that account for
  RELAIS_LOGIN_LOCKOUT_MINUTES, whatever address they came from;
- per client address (this module, on django-ratelimit's counters): failed logins from
  one address, to any accounts, are limited by RELAIS_LOGIN_ADDRESS_RATES, sized for a
  contact centre whose whole floor shares one NAT address.

Failures are counted where Django reports them (the `user_login_failed` signal), so the
web form, the admin's login and the API token endpoint share one budget. Only failures
count: a floor of agents logging in at the start of a shift spends nothing.

The same module limits password-reset requests, per address and per email.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from relais.errors import is_api_request, json_error

from .identity import normalise_email

ERROR_ACCOUNT_LOCKED = _(
    "Too many failed logins for this account: it is locked for a while. Try again later "
    "or reset your password."
)
ERROR_ADDRESS_LIMITED = _(
    "Too many failed logins from your network. Wait a few minutes before trying again."
)
ERROR_RESET_LIMITED = _(
    "Too many password reset requests from your network. Wait a while before asking again."
)

LOGIN_FAILURES = "relais.login.address-failures"
RESET_BY_ADDRESS = "relais.password-reset.address"
RESET_BY_EMAIL = "relais.password-reset.email"


# --- Who is asking -------------------------------------------------------------------
def client_address(request: HttpRequest) -> str:
    """The client's IP address, seen through RELAIS_TRUSTED_PROXY_COUNT proxies.

    With no trusted proxy, REMOTE_ADDR. Behind N proxies that each append to
    X-Forwarded-For, the address the outermost of ours received the connection from: the
    N-th entry from the right, the same rule as DRF's NUM_PROXIES, so the API throttle,
    the login limit and django-axes' logs agree on who the client is. Entries further left
    are written by the client and never trusted.
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = int(getattr(settings, "RELAIS_TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            candidate = forwarded[-min(proxies, len(forwarded))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def address_key(request: HttpRequest) -> str:
    """The rate-limit key of an address: IPv4 as is, IPv6 by /64 (one subscriber)."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


# --- Counting ------------------------------------------------------------------------
def _retry_after(
    request: HttpRequest, *, group: str, value: str, rates: Iterable[str], increment: bool
) -> int | None:
    """Seconds until every window of `rates` has room again, or None if one is free now.

    Each rate is a django-ratelimit window ("30/5m"). Limited means the window already
    holds `limit` hits, so the next attempt is the first refused.
    """
    waits = []
    for rate in rates:
        usage = get_usage(
            request, group=group, key=lambda _group, _request: value, rate=rate, increment=increment
        )
        if usage is None:
            continue
        hits = usage["count"] - (1 if increment else 0)
        if hits >= usage["limit"]:
            waits.append(max(1, int(usage["time_left"])))
    return max(waits) if waits else None


def login_address_retry_after(request: HttpRequest) -> int | None:
    """Is this address out of failed logins? Checked before any password is."""
    return _retry_after(
        request,
        group=LOGIN_FAILURES,
        value=address_key(request),
        rates=settings.RELAIS_LOGIN_ADDRESS_RATES,
        increment=False,
    )


def login_failure_record(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """`user_login_failed` receiver: one more failure for the client's address."""
    if request is None:
        return
    key = address_key(request)
    for rate in settings.RELAIS_LOGIN_ADDRESS_RATES:
        get_usage(
            request,
            group=LOGIN_FAILURES,
            key=lambda _group, _request: key,
            rate=rate,
            increment=True,
        )


def password_reset_retry_after(request: HttpRequest, *, email: str) -> tuple[int | None, bool]:
    """Count one reset request. Returns (address wait, whether this email may get a mail).

    The address limit is answered openly (429): it says nothing about any account. The
    email limit is silent: the page reads the same, only no further mail is sent, so it
    neither floods a mailbox nor tells whether the address is a member of staff.
    """
    address_wait = _retry_after(
        request,
        group=RESET_BY_ADDRESS,
        value=address_key(request),
        rates=settings.RELAIS_PASSWORD_RESET_ADDRESS_RATES,
        increment=True,
    )
    if address_wait is not None:
        return address_wait, False
    email_wait = _retry_after(
        request,
        group=RESET_BY_EMAIL,
        value=normalise_email(email),
        rates=settings.RELAIS_PASSWORD_RESET_EMAIL_RATES,
        increment=True,
    )
    return None, email_wait is None


# --- Answering -----------------------------------------------------------------------
def refusal_response(
    request: HttpRequest, *, message: str, retry_after: int, status: int = 429
) -> HttpResponse:
    """429 with Retry-After: the API's JSON error on /api/, the lockout page elsewhere."""
    headers = {"Retry-After": str(retry_after)}
    if is_api_request(request):
        return json_error(str(message), status=status, headers=headers)
    minutes = max(1, -(-retry_after // 60))
    response = render(
        request,
        "accounts/lockout.html",
        {"message": message, "retry_after_minutes": minutes},
        status=status,
    )
    for name, value in headers.items():
        response.headers[name] = value
    return response


def axes_lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a locked account, in the same shape as an address limit.

    A failure during the lockout restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_
    DURING_LOCKOUT), and this answer follows such a failure, so the whole cool-off is
    the honest wait.
    """
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return refusal_response(request, message=str(ERROR_ACCOUNT_LOCKED), retry_after=retry_after)


def address_limited(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Refuse a login POST from an address that is out of failed attempts.

    Wraps the web login and the admin's: checked before the password, so a guesser gets
    no answer about it, and before django-axes, so refused attempts do not lock the
    accounts they name.
    """

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            retry_after = login_address_retry_after(request)
            if retry_after is not None:
                return refusal_response(
                    request, message=str(ERROR_ADDRESS_LIMITED), retry_after=retry_after
                )
        return view(request, *args, **kwargs)

    wrapped.__name__ = getattr(view, "__name__", "login")
    wrapped.__doc__ = view.__doc__
    return wrapped
