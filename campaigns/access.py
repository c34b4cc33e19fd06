"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

from typing import Any

MANAGE = {"marketing", "admin"}
RESULTS = {"marketing", "admin", "sales", "supervisor"}
CALL = {"agent", "supervisor", "marketing", "admin"}
SURGE = {"supervisor", "marketing", "admin"}

ROUTES: dict[str, dict[str, Any]] = {
    "campaigns:list": {"roles": MANAGE},
    "campaigns:create": {"roles": MANAGE},
    "campaigns:detail": {"roles": RESULTS, "kwargs": lambda w: {"pk": w.campaign.pk}},
    "campaigns:edit": {"roles": MANAGE, "kwargs": lambda w: {"pk": w.campaign.pk}},
    "campaigns:progress": {"roles": RESULTS, "kwargs": lambda w: {"pk": w.campaign.pk}},
    "campaigns:results-csv": {"roles": RESULTS, "kwargs": lambda w: {"pk": w.campaign.pk}},
    "campaigns:transition": {
        "roles": MANAGE,
        "kwargs": lambda w: {"pk": w.campaign.pk},
        "note": "POST only",
    },
    "campaigns:test-send": {
        "roles": MANAGE,
        "kwargs": lambda w: {"pk": w.campaign.pk},
        "note": "POST only",
    },
    "campaigns:volume": {
        "roles": MANAGE,
        "kwargs": lambda w: {"pk": w.campaign.pk},
        "note": "POST only",
    },
    "campaigns:call-list": {"roles": CALL, "kwargs": lambda w: {"pk": w.phone_campaign.pk}},
    "campaigns:segments": {"roles": MANAGE},
    "campaigns:segment-create": {"roles": MANAGE},
    "campaigns:segment-edit": {"roles": MANAGE, "kwargs": lambda w: {"pk": w.segment.pk}},
    "campaigns:segment-live": {"roles": MANAGE, "note": "POST only (htmx live count)"},
    "campaigns:numbers": {"roles": MANAGE},
    "campaigns:number-edit": {"roles": MANAGE, "kwargs": lambda w: {"pk": w.tracking_number.pk}},
    "campaigns:calls": {"roles": CALL},
    "campaigns:call-outcome": {
        "roles": CALL,
        "kwargs": lambda w: {"pk": w.recipient.pk},
        "note": "POST only",
    },
    "campaigns:surge": {"roles": SURGE},
    "campaigns:bloctel": {"roles": MANAGE, "note": "POST imports a CSV file"},
    "campaigns:bloctel-add": {"roles": MANAGE, "note": "POST only"},
    "campaigns:bloctel-remove": {
        "roles": MANAGE,
        "kwargs": lambda w: {"pk": w.bloctel_number.pk},
        "note": "POST only",
    },
    "campaigns_public:unsubscribe": {
        "roles": "*",
        "anonymous": True,
        "kwargs": lambda w: {"token": w.unsubscribe_token},
    },
    "campaigns_public:anymail-postmark": {
        "roles": set(),
        "anonymous": False,
        "note": "provider webhook, POST with basic auth",
    },
    "campaigns_public:anymail-mailgun": {
        "roles": set(),
        "anonymous": False,
        "note": "provider webhook, POST with a signature",
    },
    "api-segments": {"roles": MANAGE},
    "api-segment-detail": {"roles": MANAGE, "kwargs": lambda w: {"pk": w.segment.pk}},
    "api-segment-count": {"roles": MANAGE, "kwargs": lambda w: {"pk": w.segment.pk}},
    "api-segment-preview": {"roles": MANAGE, "kwargs": lambda w: {"pk": w.segment.pk}},
    "api-campaigns": {"roles": MANAGE},
    "api-campaign-detail": {"roles": RESULTS, "kwargs": lambda w: {"pk": w.campaign.pk}},
    "api-campaign-start": {
        "roles": MANAGE,
        "kwargs": lambda w: {"pk": w.campaign.pk},
        "note": "POST only",
    },
    "api-campaign-cancel": {
        "roles": MANAGE,
        "kwargs": lambda w: {"pk": w.campaign.pk},
        "note": "POST only",
    },
    "api-campaign-results": {"roles": RESULTS, "kwargs": lambda w: {"pk": w.campaign.pk}},
    "api-tracking-numbers": {"roles": MANAGE},
    "api-call-list": {"roles": CALL, "kwargs": lambda w: {"pk": w.phone_campaign.pk}},
    "api-call-outcome": {
        "roles": CALL,
        "kwargs": lambda w: {"pk": w.recipient.pk},
        "note": "POST only",
    },
    "api-bloctel": {"roles": MANAGE},
    "api-bloctel-detail": {
        "roles": MANAGE,
        "kwargs": lambda w: {"pk": w.bloctel_number.pk},
        "note": "DELETE only",
    },
    "api-bloctel-import": {"roles": MANAGE, "note": "POST only (multipart)"},
}


def objects(w: Any) -> None:
    """A draft email campaign, a running phone campaign with w.contact on its call list,
    a segment and a tracking code."""
    from datetime import timedelta

    from django.utils import timezone

    from . import emails
    from .models import BloctelNumber, Campaign, Recipient, Segment, TrackingNumber

    owner = w.users["marketing"]
    today = timezone.localdate()
    w.segment = Segment.objects.create(
        name="Matrix",
        rules={"match": "all", "rules": [{"field": "vip", "op": "is", "value": True}]},
    )
    w.campaign = Campaign.objects.create(
        name="Matrix email",
        channel="email",
        owner=owner,
        starts_on=today,
        ends_on=today + timedelta(days=1),
        segment=w.segment,
    )
    w.phone_campaign = Campaign.objects.create(
        name="Matrix phone",
        channel="phone",
        owner=owner,
        starts_on=today,
        ends_on=today + timedelta(days=1),
        status="running",
        started_at=timezone.now(),
    )
    w.recipient = Recipient.objects.create(
        campaign=w.phone_campaign, contact=w.contact, status="targeted"
    )
    w.unsubscribe_token = emails.unsubscribe_token(w.recipient.pk)
    w.tracking_number = TrackingNumber.objects.create(code="MATRIX1", campaign=w.campaign)
    w.bloctel_number = BloctelNumber.objects.create(number="+33199000001")
