"""Surveys' rows for the generic erasure test (tests/test_erasure_dump.py): a CSAT
invitation emailed to the contact (the outbound email names them) and an answer whose
comment repeats their identifiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from crm import services as crm_services
from crm.models import Channel, Consent
from surveys import services
from surveys.models import Invitation, Survey, SurveyKind
from tickets.models import Queue
from tickets.tests.factories import QueueFactory


def create_activity(contact: Any, staff: dict[str, Any]) -> None:
    crm_services.consent_record(contact=contact, channel=Channel.EMAIL,
                                status=Consent.Status.GIVEN, source="Web", actor=None)  # fmt: skip
    queue = Queue.objects.filter(is_active=True).first() or QueueFactory()
    survey = Survey.objects.create(name="Recommandation", kind=SurveyKind.NPS,
                                   follow_up_queue=queue)  # fmt: skip
    services.nps_survey_send(survey=survey, contact_ids=[contact.pk])
    services.invitations_send_due(now=timezone.now() + dt.timedelta(seconds=1))
    invitation = Invitation.objects.get(survey=survey, contact=contact)
    email = contact.emails.first()
    phone = contact.phones.first()
    services.response_submit(
        invitation=invitation,
        score=3,
        comment=f"{contact.first_name} {contact.last_name}, {email.email if email else ''} "
        f"{phone.number if phone else ''} : pas content du tout.",
    )
