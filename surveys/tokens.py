"""The answer link's token: signed (Django's signing, the SECRET_KEY), naming the
invitation and its random nonce, so a forged, altered or guessed token is refused and a
token cannot be moved to another invitation. Expiry is the invitation's `expires_at`
(the survey's setting), checked by the caller, not the signature's age."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Invitation

SALT = "surveys.answer"
MAX_TOKEN_LENGTH = 300


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def answer_url(invitation: Invitation) -> str:
    path = reverse("surveys:answer", args=[invitation_token(invitation)])
    return settings.RELAIS_PUBLIC_URL.rstrip("/") + path


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation the token names, or None when it is forged or altered."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    pk, nonce = data.get("i"), data.get("n")
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    invitation = (
        Invitation.objects.select_related("survey", "contact", "ticket")
        .filter(pk=pk, nonce=nonce)
        .first()
    )
    return invitation
