"""Pages without login: the one-click unsubscribe (RFC 8058: the mail client POSTs
`List-Unsubscribe=One-Click`, a person clicks the button) and the provider's webhooks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import emails, services
from ..models import Recipient


@csrf_exempt  # a mail client's one-click POST carries no CSRF token (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    recipient_id = emails.unsubscribe_recipient_id(token)
    if request.method == "GET":
        recipient = (
            Recipient.objects.select_related("contact", "campaign").filter(pk=recipient_id).first()
            if recipient_id
            else None
        )
        error = None
        if recipient is None:
            error = services.delivery.ERROR_BAD_TOKEN
        elif recipient.contact is None or recipient.contact.erased_at is not None:
            error = services.delivery.ERROR_ERASED
        return render(
            request,
            "campaigns/unsubscribe.html",
            {"recipient": recipient, "error": error, "token": token},
            status=200 if error is None else 404,
        )
    try:
        recipient = services.unsubscribe(recipient_id=recipient_id)
    except ValidationError as exc:
        return render(
            request, "campaigns/unsubscribe.html", {"error": " ".join(exc.messages)}, status=404
        )
    return render(request, "campaigns/unsubscribe.html", {"recipient": recipient, "done": True})


def _anymail_view(name: str, required: str) -> Any:
    """anymail's tracking view for one provider, refused (403) until its secret is set:
    anymail would otherwise accept unauthenticated posts with a warning."""

    @csrf_exempt
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        conf = getattr(settings, "ANYMAIL", {})
        if not conf.get("WEBHOOK_SECRET") or (required and not conf.get(required)):
            raise PermissionDenied
        from anymail.webhooks import mailgun, postmark

        views = {
            "postmark": postmark.PostmarkTrackingWebhookView,
            "mailgun": mailgun.MailgunTrackingWebhookView,
        }
        return views[name].as_view()(request, *args, **kwargs)

    return view


anymail_postmark = _anymail_view("postmark", "")
anymail_mailgun = _anymail_view("mailgun", "MAILGUN_WEBHOOK_SIGNING_KEY")
