from __future__ import annotations

import pytest
from django.core.management import call_command

from campaigns.models import Attribution, Campaign, Recipient, TrackingNumber
from surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_campaigns_with_results_calls_and_survey_answers(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--seed", "5")
    finished = Campaign.objects.get(status="finished", channel="email")
    assert Recipient.objects.filter(campaign=finished, status="sent").count() > 20
    assert Recipient.objects.filter(campaign=finished, opened_at__isnull=False).exists()
    phone = Campaign.objects.get(status="running", channel="phone")
    assert phone.brief_offer
    assert Recipient.objects.filter(campaign=phone).exclude(status="excluded").exists()
    assert Recipient.objects.filter(campaign=phone, outcome="call_back").exists()
    assert TrackingNumber.objects.filter(campaign=phone, range_class="free").exists()
    assert Attribution.objects.filter(campaign=phone, kind="call", is_conversion=True).exists()
    answers = SurveyResponse.objects.all()
    assert answers.filter(kind="csat").exists()
    assert answers.filter(kind="nps").exists()
    days = {a.answered_at.date() for a in answers}
    assert (max(days) - min(days)).days > 120  # spread over about six months
