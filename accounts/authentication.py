from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

# DRF's tokens are 40 hex characters; anything else cannot match, and some bytes (NUL)
# would make PostgreSQL raise instead of simply not finding the row.
TOKEN_FORMAT = re.compile(r"[0-9a-f]{40}")
ERROR_MALFORMED_TOKEN = _("Invalid token.")


class RelaisTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if not TOKEN_FORMAT.fullmatch(key):
            raise AuthenticationFailed(ERROR_MALFORMED_TOKEN)
        return super().authenticate_credentials(key)

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        """`Authorization: Token <key>`, or `Bearer <key>` (the same token) for clients
        that only know the OAuth-style scheme."""
        parts = get_authorization_header(request).split()
        if len(parts) == 2 and parts[0].lower() == b"bearer":
            try:
                key = parts[1].decode()
            except UnicodeError:
                raise AuthenticationFailed(ERROR_MALFORMED_TOKEN) from None
            return self.authenticate_credentials(key)
        return super().authenticate(request)
