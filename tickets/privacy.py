"""Where the desk holds a contact's personal data, for erasure (crm.erasure,
docs/privacy.md). The ticket skeleton (number, dates, status, queue, counts) stays for
the statistics; what the person wrote, and what agents wrote quoting them, is scrubbed.
"""

from __future__ import annotations

from crm.registry import PersonalData, register_personal_data

DECLARATIONS = (
    # A subject is the person's own words whatever it says.
    PersonalData(model="tickets.Ticket", contact_path="contact", replace=("subject",)),
    # Replies and internal notes quote the name, the phone, the email. (Inbound bodies
    # are replaced whole by the erase hook below, an escape hatch a declaration cannot
    # say: it depends on the message's direction.)
    PersonalData(
        model="tickets.Message",
        contact_path="ticket__contact",
        scrub_text=("body_text", "body_html"),
    ),
    PersonalData(
        model="tickets.Message",
        contact_path="author_contact",
        scrub_text=("body_text", "body_html"),
    ),
    # Attachments are the person's documents: rows and files go.
    PersonalData(model="tickets.Attachment", contact_path="message__ticket__contact", delete=True),
    PersonalData(
        model="tickets.TicketEvent",
        contact_path="ticket__contact",
        json=("data",),
        redact_keys=("subject", "old_subject", "new_subject", "excerpt", "comment"),
    ),
)


def register() -> None:
    register_personal_data(*DECLARATIONS)
