"""crm's rows for the erase-and-dump test (tests/test_erasure_dump.py): notes, calls,
consents, external ids, a duplicate merged into the contact, and another contact's note
quoting the person. `identity()` gives every app's file the identifiers to write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from crm import services
from crm.models import Call, Channel, Consent, Contact


@dataclass(frozen=True)
class Identity:
    first_name: str
    last_name: str
    email: str  # the primary email
    emails: tuple[str, ...]
    phone: str  # E.164
    national: str  # "06 71 82 93 04"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def phone_forms(self) -> list[str]:
        """The phone as people write it: E.164, international with spaces, 00 prefix,
        national with spaces, dots, dashes and none."""
        pairs = self.national.split()
        return [
            self.phone,
            "+33 " + self.national[1:],
            "00" + self.phone[1:],
            self.national,
            ".".join(pairs),
            "-".join(pairs),
            "".join(pairs),
        ]

    def sentence(self) -> str:
        """A line a user could type, with every identifier in it."""
        return (
            f"{self.full_name} ({', '.join(self.emails)}) rappeler au "
            f"{' ou '.join(self.phone_forms())}, {self.last_name.upper()} {self.first_name}"
        )


def identity(contact: Contact) -> Identity:
    emails = tuple(contact.emails.order_by("-is_primary", "pk").values_list("email", flat=True))
    phone = contact.phones.order_by("-is_primary", "pk").first().number.as_e164
    digits = "0" + phone[3:]
    national = " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return Identity(contact.first_name, contact.last_name, emails[0], emails, phone, national)


def create_activity(contact: Contact, staff: dict[str, Any]) -> None:
    who = identity(contact)
    agent = staff["agent"]
    services.note_add(contact=contact, author=agent, body=f"Note : {who.sentence()}")
    services.call_log(
        contact=contact,
        agent=agent,
        direction=Call.Direction.INBOUND,
        started_at=timezone.now() - dt.timedelta(minutes=5),
        duration_seconds=90,
        outcome=Call.Outcome.ANSWERED,
        number=who.phone,
        topic=f"Appel de {who.full_name}",
    )
    services.consent_record(
        contact=contact,
        channel=Channel.EMAIL,
        status=Consent.Status.GIVEN,
        source=f"Formulaire signé par {who.full_name}",
        proof=who.sentence(),
        actor=agent,
    )
    # A duplicate with the old identity, merged into the contact: erased with it.
    duplicate = services.contact_create(
        actor=agent,
        first_name=who.first_name,
        last_name=who.last_name,
        emails=[f"ancien.{who.email}"],
        phones=[who.phone],
        allow_duplicate=True,
        external_ids={"erp": f"ERP-{who.last_name}"},
        address_line1="12 rue Quennehec-Lamotte",
    )
    services.note_add(contact=duplicate, author=agent, body=f"Doublon de {who.sentence()}")
    services.contact_merge(survivor=contact, duplicate=duplicate, actor=agent)
    # Someone else's record quoting the person.
    neighbour = services.contact_create(actor=agent, last_name="Voisin", emails=["v@exemple.org"])
    services.note_add(contact=neighbour, author=agent, body=f"Voisin de {who.sentence()}")
