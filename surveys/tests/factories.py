"""Survey fixtures: a desk (tickets.tests.factories.desk) with a CSAT survey on its queue,
follow-ups to the complaints queue, and customers who agreed to email."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from crm import services as crm_services
from crm.models import Channel, Consent, Contact
from crm.tests.factories import ContactFactory
from surveys import services
from surveys.models import Invitation, Survey, SurveyKind
from tickets.models import Ticket
from tickets.tests.factories import Desk, open_ticket


def consenting(contact: Contact | None = None, **kwargs: Any) -> Contact:
    contact = contact or ContactFactory(**kwargs)
    crm_services.consent_record(
        contact=contact, channel=Channel.EMAIL, status=Consent.Status.GIVEN, source="Web",
        actor=None,
    )  # fmt: skip
    return contact


def csat_survey(desk: Desk, **fields: Any) -> Survey:
    values: dict[str, Any] = {"name": "CSAT", "kind": SurveyKind.CSAT, "delay_minutes": 60,
                              "follow_up_queue": desk.other_queue}  # fmt: skip
    values.update(fields)
    return services.survey_create(actor=None, queues=[desk.queue], **values)


def nps_survey(desk: Desk, **fields: Any) -> Survey:
    values: dict[str, Any] = {"name": "NPS", "kind": SurveyKind.NPS,
                              "follow_up_queue": desk.other_queue}  # fmt: skip
    values.update(fields)
    return services.survey_create(actor=None, **values)


def resolved_ticket(desk: Desk, contact: Contact) -> Ticket:
    from tickets import services as ticket_services

    ticket = open_ticket(desk, contact=contact, assignee=desk.agent)
    return ticket_services.ticket_change_status(
        ticket=ticket, status=Ticket.Status.RESOLVED, actor=desk.agent
    )


def sent_invitation(desk: Desk, contact: Contact | None = None) -> Invitation:
    """A CSAT invitation sent for a resolved ticket of a consenting customer."""
    contact = contact or consenting()
    survey = Survey.objects.filter(kind="csat", queues=desk.queue).first() or csat_survey(desk)
    ticket = resolved_ticket(desk, contact)
    services.invitations_send_due(now=timezone.now() + dt.timedelta(minutes=survey.delay_minutes))
    return Invitation.objects.get(ticket=ticket, survey=survey)
