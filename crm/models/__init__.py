"""The customer record: organisations, contacts and what happened with them.

Workflows live in `services.py`; here are fields, constraints and the indexes the
selectors use, one module per concern. Import from here (`from crm.models import Contact`).

- `base`: `Language`, `Channel`, `Tag` and the abstract postal `Address`.
- `contacts`: `Organisation`, `Contact` (and its queryset), `ContactEmail`, `ContactPhone`,
  `ExternalId`.
- `consents`: `Consent` per channel and the `PrivacyLog`.
- `activity`: the timeline's `Activity` rows, `Note`, `Call`.
- `import_jobs`: `ImportJob`.
"""

from .activity import Activity, Call, Note
from .base import Address, Channel, ConsentPurpose, Language, Tag, country_code_validator
from .consents import Consent, PrivacyLog
from .contacts import Contact, ContactEmail, ContactPhone, ContactQuerySet, ExternalId, Organisation
from .import_jobs import ImportJob

__all__ = [
    "Activity",
    "Address",
    "Call",
    "Channel",
    "Consent",
    "ConsentPurpose",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "ContactQuerySet",
    "ExternalId",
    "ImportJob",
    "Language",
    "Note",
    "Organisation",
    "PrivacyLog",
    "Tag",
    "country_code_validator",
]
