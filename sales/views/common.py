from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.http import HtmxHttpRequest


def safe_next(request: HtmxHttpRequest, value: str | None, default: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


def close_dialog(response: HttpResponse, message: str = "") -> HttpResponse:
    import json

    triggers: dict[str, Any] = {"relais:dialog-close": True}
    if message:
        triggers["relais:toast"] = message
    response["HX-Trigger"] = json.dumps(triggers)
    return response
