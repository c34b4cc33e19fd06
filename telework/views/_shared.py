"""What the telework views share: running a service behind a form, and the 403/404
rules that keep HR data to HR, the employee and their manager."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form

from accounts.forms import apply_service_errors
from accounts.http import HtmxHttpRequest


def run_service(
    request: HtmxHttpRequest,
    form: Form,
    call: Callable[[], Any],
    success: str | None = None,
    rename: dict[str, str] | None = None,
) -> Any:
    """Call the service; on a ValidationError show it on the form and return None."""
    try:
        result = call()
    except ValidationError as exc:
        apply_service_errors(form, exc, rename)
        return None
    if success:
        messages.success(request, success)
    return result


def status_for(form: Form, request: HtmxHttpRequest) -> int:
    return 400 if request.method == "POST" and form.errors else 200
