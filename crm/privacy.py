"""Where crm holds a contact's personal data, for erasure (crm.erasure, docs/privacy.md).

The contact row itself keeps its id, its organisation, its dates and its consents' dates
(they feed counts); its name becomes "—" and `erased_at` is set by
`crm.services.contact_erase`.
"""

from __future__ import annotations

from accounts.privacy import NOTIFICATION_FIELDS

from .registry import PersonalData, register_personal_data

# Keys of a timeline row's data that hold someone's own words, whatever other app wrote
# them: replaced whole, so the row reads "Ticket T-12 opened (Email): [erased]".
TIMELINE_REDACT_KEYS = (
    "subject",
    "excerpt",
    "topic",
    "source",
    "reason",
    "comment",
    "note",
    "need",
    "next_step",
    "body",
    "text",
    "title",
    "name",
    "warnings",
)

DECLARATIONS = (
    PersonalData(
        model="crm.Contact",
        contact_path="",
        blank=(
            "title",
            "first_name",
            "job_title",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "region",
            "search_text",
            "search_name",
        ),
    ),
    PersonalData(model="crm.ContactEmail", contact_path="contact", delete=True),
    PersonalData(model="crm.ContactPhone", contact_path="contact", delete=True),
    PersonalData(model="crm.ExternalId", contact_path="contact", delete=True),
    PersonalData(model="crm.Contact_tags", contact_path="contact", delete=True),
    # The change history holds copies of everything above.
    PersonalData(model="crm.HistoricalContact", contact_path="id", delete=True),
    PersonalData(model="crm.HistoricalContactEmail", contact_path="contact", delete=True),
    PersonalData(model="crm.HistoricalContactPhone", contact_path="contact", delete=True),
    PersonalData(model="crm.Note", contact_path="contact", replace=("body",)),
    PersonalData(model="crm.Call", contact_path="contact", blank=("number", "topic")),
    PersonalData(
        model="crm.Consent", contact_path="contact", blank=("proof",), replace=("source",)
    ),
    PersonalData(
        model="crm.Activity",
        contact_path="contact",
        scrub_text=("summary",),
        json=("data",),
        redact_keys=TIMELINE_REDACT_KEYS,
    ),
    # Another contact's or an organisation's timeline may quote the person.
    PersonalData(model="crm.Activity", contact_path=None, scrub_text=("summary",), json=("data",)),
    PersonalData(model="crm.Note", contact_path=None, scrub_text=("body",)),
    # The erase request's own reason may name the person; an import's error report may
    # quote their row.
    PersonalData(model="crm.PrivacyLog", contact_path="contact", scrub_text=("reason",)),
    PersonalData(model="crm.ImportJob", contact_path=None, json=("errors",)),
    # accounts cannot import crm: its declaration is made here (accounts/privacy.py).
    PersonalData(**NOTIFICATION_FIELDS),
)


def register() -> None:
    register_personal_data(*DECLARATIONS)
