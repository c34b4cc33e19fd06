from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, Recipient, Segment
from campaigns.tests.clock import at
from crm.models import Contact
from crm.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

ROLES = ["agent", "supervisor", "sales", "marketing", "it", "hr"]


def live(client, **fields):
    return client.post(reverse("campaigns:segment-live"), fields, HTTP_HX_REQUEST="true")


def test_the_builder_shows_the_live_count_and_a_preview(known_set, client, marketer):
    client.force_login(marketer)
    response = live(
        client,
        **{"g0-match": "all", "g0-r0-field": "tags", "g0-r0-op": "any_of", "g0-r0-value": "client"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="segment-count">2<' in body
    assert "Anne" in body
    assert "Bob" in body


@pytest.mark.parametrize(
    "fields",
    [
        {"g0-r0-field": "nope", "g0-r0-op": "in", "g0-r0-value": "x"},
        {"g0-r0-field": "vip", "g0-r0-op": "is", "g0-r0-value": "<script>alert(1)</script>"},
        {"g0-r0-field": "country", "g0-r0-op": "in", "g0-r0-value": "x" * 5000},
        {},
    ],
)
def test_bad_builder_input_gets_a_clear_message_never_a_500(client, marketer, fields):
    client.force_login(marketer)
    response = live(client, **fields)
    assert response.status_code == 200
    assert 'data-testid="segment-error"' in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    saved = client.post(reverse("campaigns:segment-create"), {"name": "x", **fields})
    assert saved.status_code == 400
    assert not Segment.objects.exists()


def test_a_segment_saved_from_the_form(known_set, client, marketer):
    client.force_login(marketer)
    response = client.post(
        reverse("campaigns:segment-create"),
        {
            "name": "Anglophones",
            "match": "any",
            "g0-match": "all",
            "g0-r0-field": "language",
            "g0-r0-op": "in",
            "g0-r0-value": "en",
        },
    )
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.rules["rules"][0]["rules"][0]["value"] == ["en"]
    assert client.get(reverse("campaigns:segment-edit", args=[segment.pk])).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_only_marketing_reaches_the_management_pages(client, make_user, role):
    client.force_login(make_user(role))
    expected = 200 if role == "marketing" else 403
    for name in ("campaigns:list", "campaigns:segments", "campaigns:numbers", "campaigns:create"):
        assert client.get(reverse(name)).status_code == expected, name
    assert client.get(reverse("api-segments")).status_code == (200 if role == "marketing" else 403)


def _campaign(marketer, **fields):
    today = timezone.localdate()
    values = dict(
        name="C",
        channel="phone",
        starts_on=today,
        ends_on=today + timedelta(days=3),
        brief_offer="Deux mois offerts",
    )
    values.update(fields)
    return services.campaign_create(actor=marketer, **values)


def test_the_campaign_page_and_its_progress_are_bounded(
    client, marketer, django_assert_max_num_queries
):
    campaign = _campaign(marketer)
    contacts = [ContactFactory() for _ in range(5)]
    Recipient.objects.bulk_create(
        Recipient(campaign=campaign, contact=c, status="sent") for c in contacts
    )
    client.force_login(marketer)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("campaigns:progress", args=[campaign.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("campaigns:list")).status_code == 200
    csv = client.get(reverse("campaigns:results-csv", args=[campaign.pk]))
    assert csv["Content-Type"].startswith("text/csv")


def test_an_agent_sees_the_brief_on_a_targeted_customers_ticket(client, marketer, make_user):
    from tickets.tests.factories import desk, open_ticket

    d = desk()
    contact = ContactFactory()
    campaign = _campaign(marketer)
    Campaign.objects.filter(pk=campaign.pk).update(status="running", started_at=timezone.now())
    Recipient.objects.create(campaign=campaign, contact=contact, status="targeted")
    ticket = open_ticket(d, contact=contact)
    client.force_login(d.agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Deux mois offerts" in page
    other = open_ticket(d, contact=ContactFactory())
    assert "Deux mois offerts" not in client.get(other.get_absolute_url()).content.decode()


def test_agents_work_the_call_list_and_others_may_not(client, marketer, make_user, monkeypatch):
    # Within the telemarketing hours: a Wednesday at 11:00 in Paris.
    at(monkeypatch, 2026, 7, 15, 11, 0)
    campaign = _campaign(marketer)
    Campaign.objects.filter(pk=campaign.pk).update(status="running", started_at=timezone.now())
    row = Recipient.objects.create(campaign=campaign, contact=ContactFactory(), status="targeted")
    agent = make_user("agent")
    client.force_login(agent)
    assert client.get(reverse("campaigns:call-list", args=[campaign.pk])).status_code == 200
    url = reverse("campaigns:call-outcome", args=[row.pk])
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"outcome": "call_back", "callback_at": past}).status_code == 400
    assert client.post(url, {"outcome": "bogus"}).status_code == 400
    row.refresh_from_db()
    assert row.outcome == ""
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"outcome": "call_back", "callback_at": later}).status_code == 302
    row.refresh_from_db()
    assert row.outcome == "call_back"
    assert row.called_by == agent
    client.force_login(make_user("hr"))
    assert client.get(reverse("campaigns:call-list", args=[campaign.pk])).status_code == 403
    assert client.post(url, {"outcome": "reached"}).status_code == 403


def test_api_start_refuses_without_consent_and_the_wrong_role(
    client, marketer, make_user, known_set
):
    segment = services.segment_create(
        name="No consent",
        actor=marketer,
        rules={
            "match": "all",
            "rules": [{"field": "consent", "op": "not_given", "value": ["email"]}],
        },
    )
    campaign = _campaign(
        marketer,
        channel="email",
        segment=segment,
        subject_fr="a",
        body_fr="<p>a</p>",
        subject_en="a",
        body_en="<p>a</p>",
    )
    url = reverse("api-campaign-start", args=[campaign.pk])
    client.force_login(make_user("agent"))
    assert client.post(url).status_code == 403
    client.force_login(marketer)
    response = client.post(url)
    assert response.status_code == 400
    assert not Recipient.objects.filter(campaign=campaign).exists()
    bad = client.post(
        reverse("api-segments"),
        {
            "name": "x",
            "rules": {"match": "all", "rules": [{"field": "salary", "op": "in", "value": [1]}]},
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "salary" in bad.content.decode()
    assert Contact.objects.count() == 10
