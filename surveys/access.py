"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

MANAGE = {"marketing", "admin"}
RESULTS = {"supervisor", "marketing", "admin"}

ROUTES: dict[str, dict[str, Any]] = {
    "surveys:answer": {
        "roles": "*",
        "anonymous": True,
        "kwargs": lambda w: {"token": w.survey_token},
        "note": "The customer's signed link: no login.",
    },
    "surveys:list": {"roles": MANAGE},
    "surveys:create": {"roles": MANAGE},
    "surveys:results": {"roles": RESULTS},
    "surveys:detail": {"roles": MANAGE, "kwargs": lambda w: {"pk": w.survey.pk}},
    "surveys:edit": {"roles": MANAGE, "kwargs": lambda w: {"pk": w.survey.pk}},
    "surveys:send": {
        "roles": {"marketing", "admin"},
        "kwargs": lambda w: {"pk": w.survey.pk},
        "note": "POST only (marketing, admin): a GET is refused with 405.",
    },
    "api-surveys": {"roles": MANAGE},
    "api-survey-detail": {"roles": MANAGE, "kwargs": lambda w: {"pk": w.survey.pk}},
    "api-survey-send": {
        "roles": {"marketing", "admin"},
        "kwargs": lambda w: {"pk": w.survey.pk},
        "note": "POST only (marketing, admin).",
    },
    "api-survey-responses": {"roles": RESULTS},
}


def objects(w: Any) -> None:
    """An NPS survey sent to w.contact (consent given), so its answer link works."""
    from django.utils import timezone

    from crm import services as crm_services
    from crm.models import Channel, Consent
    from surveys import services
    from surveys.models import Invitation, Survey, SurveyKind
    from surveys.tokens import invitation_token

    crm_services.consent_record(contact=w.contact, channel=Channel.EMAIL,
                                status=Consent.Status.GIVEN, source="Web", actor=None)  # fmt: skip
    w.survey = Survey.objects.create(name="Matrice NPS", kind=SurveyKind.NPS)
    services.nps_survey_send(survey=w.survey, contact_ids=[w.contact.pk])
    services.invitations_send_due(now=timezone.now() + dt.timedelta(seconds=1))
    w.survey_invitation = Invitation.objects.get(survey=w.survey, contact=w.contact)
    w.survey_token = invitation_token(w.survey_invitation)
