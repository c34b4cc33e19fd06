"""triage's rows for the erase-and-dump test (tests/test_erasure_dump.py): an angry
message from the person (its trigger excerpts are stored) and a supervisor's correction
note naming them."""

from __future__ import annotations

from typing import Any

from crm.tests.erasure_activity import identity
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.tests.factories import QueueFactory
from triage import services
from triage.models import MessageAssessment


def create_activity(contact: Any, staff: dict[str, Any]) -> None:
    who = identity(contact)
    queue = QueueFactory(name="Erasure triage")
    message = ticket_services.customer_message_receive(
        ticket=None,
        queue=queue,
        contact=contact,
        channel=Ticket.Channel.EMAIL,
        subject=f"Scandaleux, {who.last_name}",
        body=(
            f"<p>C'est inadmissible, {who.full_name} exige un remboursement immédiat ! "
            f"Inacceptable, {who.last_name} est furieux, appelez le {who.national}.</p>"
        ),
    )
    assessment = MessageAssessment.objects.get(message=message)
    services.assessment_correct(
        assessment=assessment,
        actor=staff["supervisor"],
        negative=True,
        angry=True,
        note=f"{who.first_name} était vraiment en colère",
    )
