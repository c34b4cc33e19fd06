"""Where accounts holds a customer's personal data, for erasure (crm.erasure,
docs/privacy.md). accounts knows nothing of contacts (crm depends on it, not the other
way round): its notifications have no link to one, so erasure finds them by the
identifiers their title and body contain. Declared from crm's ready() through this
module's constant, since accounts may not import crm.registry.
"""

from __future__ import annotations

from typing import Any

NOTIFICATION_FIELDS: dict[str, Any] = {
    "model": "accounts.Notification",
    "contact_path": None,
    "scrub_text": ("title", "body"),
}
