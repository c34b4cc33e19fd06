from __future__ import annotations

import email
import json
from base64 import b64encode
from datetime import timedelta
from email import policy

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns import emails, selectors, services
from campaigns.models import Campaign, Recipient, Suppression
from crm.models import Consent
from crm.tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

BODY = (
    "<style>p { color: red }</style><p>Bonjour {{ first_name }}</p>"
    '<a href="{{ unsubscribe_url }}">stop</a>'
)


def make_campaign(marketer, rules=None, **fields):
    segment = services.segment_create(
        name="all",
        rules=rules
        or {"match": "all", "rules": [{"field": "created", "op": "within_days", "value": 1}]},
        actor=marketer,
    )
    values = dict(
        name="Printemps",
        channel="email",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=10),
        segment=segment,
        subject_fr="Bonjour {{ first_name }}",
        body_fr=BODY,
        subject_en="Hello {{ first_name }}",
        body_en=BODY.replace("Bonjour", "Hello"),
        budget=100,
    )
    values.update(fields)
    return services.campaign_create(actor=marketer, **values)


def start(campaign, actor, capture):
    with capture(execute=True):
        return services.campaign_start(campaign=campaign, actor=actor)


def test_an_unknown_placeholder_is_refused_at_save(marketer):
    with pytest.raises(ValidationError) as caught:
        make_campaign(marketer, body_fr="<p>{{ password }}</p>")
    assert "password" in caught.value.message_dict["body_fr"][0]
    assert not Campaign.objects.exists()


def test_start_snapshots_the_audience_with_every_reason(
    known_set, marketer, smtp_server, django_capture_on_commit_callbacks
):
    Suppression.objects.create(email=known_set["g"].emails.get().email, reason="bounced")
    campaign = make_campaign(marketer)
    start(campaign, marketer, django_capture_on_commit_callbacks)
    reasons = dict(
        Recipient.objects.filter(campaign=campaign).values_list("contact__first_name", "exclusion")
    )
    assert reasons == {
        "Anne": "",
        "Bob": "",
        "Dan": "",
        "F": "",
        "Chloé": "unsubscribed",
        "H": "unsubscribed",
        "I": "no_consent",
        "J": "no_consent",
        "Eve": "no_address",
        "G": "bounced",
    }
    # Sent inline (eager), through the real SMTP server, in the contact's language.
    received = smtp_server.wait_for(4)
    by_to = {
        m.rcpt_tos[0]: email.message_from_bytes(m.data, policy=policy.default) for m in received
    }
    bob = by_to[known_set["b"].emails.get().email]
    assert bob["Subject"] == "Hello Bob"
    assert bob["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/u/" in bob["List-Unsubscribe"]
    html = bob.get_body(("html",)).get_content()
    assert 'style="color: red;"' in html
    assert "<style>" not in html
    assert "Hello Bob" in bob.get_body(("plain",)).get_content()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED
    results = selectors.campaign_results(campaign=campaign)
    assert (results["targeted"], results["excluded"], results["sent"]) == (4, 6, 4)
    assert results["excluded_by_reason_codes"]["unsubscribed"] == 2
    assert results["cost_per_contact"] == 25


def test_double_start_and_empty_audience_are_refused(
    known_set, marketer, smtp_server, django_capture_on_commit_callbacks
):
    campaign = make_campaign(marketer)
    start(campaign, marketer, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        start(campaign, marketer, django_capture_on_commit_callbacks)
    nobody = make_campaign(
        marketer,
        rules={
            "match": "all",
            "rules": [{"field": "consent", "op": "not_given", "value": ["email"]}],
        },
    )
    with pytest.raises(ValidationError) as caught:
        services.campaign_start(campaign=nobody, actor=marketer)
    assert caught.value.messages == [str(services.lifecycle.ERROR_EMPTY_AUDIENCE)]
    assert not Recipient.objects.filter(campaign=nobody).exists()


def test_a_withdrawal_after_the_start_is_honoured_by_the_task(
    known_set, marketer, smtp_server, settings
):
    campaign = make_campaign(marketer)
    services.campaign_start(campaign=campaign, actor=marketer)  # sends after commit: not here
    from crm import services as crm_services

    crm_services.consent_record(
        contact=known_set["a"], channel="email", status="withdrawn", source="phone", actor=None
    )
    assert services.send_batch(campaign_id=campaign.pk, claim="t1") == 5  # a b d f g
    anne = Recipient.objects.get(campaign=campaign, contact=known_set["a"])
    assert (anne.status, anne.exclusion, anne.sent_at) == ("excluded", "no_consent", None)
    assert len(smtp_server.messages) == 4


def test_unsubscribe_link_withdraws_consent_once_without_login(
    known_set, marketer, smtp_server, client, django_capture_on_commit_callbacks
):
    campaign = make_campaign(marketer)
    start(campaign, marketer, django_capture_on_commit_callbacks)
    bob = Recipient.objects.get(campaign=campaign, contact=known_set["b"])
    url = reverse("campaigns_public:unsubscribe", args=[emails.unsubscribe_token(bob.pk)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    client.post(url, {"List-Unsubscribe": "One-Click"})
    consents = Consent.objects.filter(contact=known_set["b"], channel="email").order_by(
        "recorded_at"
    )
    assert [c.status for c in consents] == ["given", "withdrawn"]
    assert known_set["b"].activities.filter(kind="consent").count() >= 1
    bob.refresh_from_db()
    assert bob.unsubscribed_at is not None
    forged = reverse("campaigns_public:unsubscribe", args=[f"{bob.pk}:forged"])
    assert client.post(forged).status_code == 404


def test_unsubscribe_for_an_erased_contact_writes_nothing(
    known_set, marketer, smtp_server, client, django_capture_on_commit_callbacks
):
    campaign = make_campaign(marketer)
    start(campaign, marketer, django_capture_on_commit_callbacks)
    bob = Recipient.objects.get(campaign=campaign, contact=known_set["b"])
    type(known_set["b"]).objects.filter(pk=known_set["b"].pk).update(erased_at=timezone.now())
    url = reverse("campaigns_public:unsubscribe", args=[emails.unsubscribe_token(bob.pk)])
    response = client.post(url)
    assert response.status_code == 404
    assert str(services.delivery.ERROR_ERASED) in response.content.decode()
    assert Consent.objects.filter(contact=known_set["b"], status="withdrawn").count() == 0


def test_a_bounce_from_the_inbound_mail_suppresses_the_address(
    known_set, marketer, smtp_server, django_capture_on_commit_callbacks
):
    from channels.outbound.services import bounce_record

    campaign = make_campaign(marketer)
    start(campaign, marketer, django_capture_on_commit_callbacks)
    dan = Recipient.objects.get(campaign=campaign, contact=known_set["d"])
    bounce_record(message_ids=[dan.message_id], reason="550 no such user")
    dan.refresh_from_db()
    assert dan.bounced_at is not None
    assert Suppression.objects.filter(email=dan.email.lower()).exists()


def test_anymail_tracking_webhooks_record_events_once(
    known_set, marketer, smtp_server, client, settings, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "user:secret"}
    campaign = make_campaign(marketer, track_engagement=False)
    start(campaign, marketer, django_capture_on_commit_callbacks)
    anne = Recipient.objects.get(campaign=campaign, contact=known_set["a"])
    url = reverse("campaigns_public:anymail-postmark")
    auth = {"HTTP_AUTHORIZATION": "Basic " + b64encode(b"user:secret").decode()}

    def post(record_type, **extra):
        payload = {
            "RecordType": record_type,
            "MessageID": "pm-1",
            "Recipient": anne.email,
            "Metadata": {"relais_recipient": str(anne.pk)},
            **extra,
        }
        return client.post(url, json.dumps(payload), content_type="application/json", **auth)

    assert post("Delivery", DeliveredAt="2026-12-03T10:00:00Z").status_code == 200
    assert post("Delivery", DeliveredAt="2026-12-03T10:00:00Z").status_code == 200
    assert post("Open", ReceivedAt="2026-12-03T10:05:00Z").status_code == 200
    anne.refresh_from_db()
    assert anne.delivered_at is not None
    assert anne.events.filter(kind="delivered").count() == 1
    assert anne.opened_at is None  # no tracking consent for this campaign: not kept
    wrong = client.post(
        url,
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + b64encode(b"user:wrong").decode(),
    )
    assert wrong.status_code in (400, 403)
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    assert post("Delivery").status_code == 403


def test_frequency_cap_excludes_contacts_mailed_too_often(
    known_set, marketer, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.CAMPAIGNS_FREQUENCY_CAP = 1
    first = make_campaign(marketer)
    start(first, marketer, django_capture_on_commit_callbacks)
    second = make_campaign(marketer, name="Again")
    with pytest.raises(ValidationError):
        services.campaign_start(campaign=second, actor=marketer)
    assert not Recipient.objects.filter(campaign=second).exists()


@pytest.mark.parametrize("track", [False, True])
def test_no_open_pixel_or_click_rewriting_without_tracking_consent(
    known_set, marketer, settings, django_capture_on_commit_callbacks, track
):
    """Through anymail (an email provider), opens and clicks are tracked only for a
    campaign that records engagement and, per contact, only with the contact's consent
    for that purpose; otherwise the provider is told to add no pixel, rewrite no link."""
    from django.core import mail

    ConsentFactory(contact=known_set["a"], channel="opens", status=Consent.Status.GIVEN)
    ConsentFactory(contact=known_set["a"], channel="clicks", status=Consent.Status.GIVEN)
    ConsentFactory(contact=known_set["b"], channel="opens", status=Consent.Status.GIVEN)
    ConsentFactory(contact=known_set["d"], channel="clicks", status=Consent.Status.GIVEN)
    ConsentFactory(contact=known_set["d"], channel="clicks", status=Consent.Status.WITHDRAWN)
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    campaign = make_campaign(marketer, track_engagement=track)
    start(campaign, marketer, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == Recipient.objects.filter(campaign=campaign, status="sent").count()
    by_address = {m.to[0]: m.anymail_test_params for m in mail.outbox}
    expected = {"a": (True, True), "b": (True, False), "d": (False, False), "f": (False, False)}
    for key, (opens, clicks) in expected.items():
        address = Recipient.objects.get(campaign=campaign, contact=known_set[key]).email
        assert by_address[address]["track_opens"] is (opens and track)
        assert by_address[address]["track_clicks"] is (clicks and track)


def test_opens_and_clicks_are_kept_only_with_the_contacts_consent(
    known_set, marketer, smtp_server, django_capture_on_commit_callbacks
):
    ConsentFactory(contact=known_set["a"], channel="opens", status=Consent.Status.GIVEN)
    campaign = make_campaign(marketer, track_engagement=True)
    start(campaign, marketer, django_capture_on_commit_callbacks)
    anne = Recipient.objects.get(campaign=campaign, contact=known_set["a"])
    bob = Recipient.objects.get(campaign=campaign, contact=known_set["b"])
    assert services.delivery_event_record(recipient=anne, kind="opened", event_id="o-a")
    assert not services.delivery_event_record(recipient=anne, kind="clicked", event_id="c-a")
    assert not services.delivery_event_record(recipient=bob, kind="opened", event_id="o-b")
    assert services.delivery_event_record(recipient=bob, kind="delivered", event_id="d-b")
    assert services.delivery_event_record(recipient=bob, kind="unsubscribed", event_id="u-b")
    anne.refresh_from_db()
    bob.refresh_from_db()
    assert anne.opened_at is not None
    assert anne.clicked_at is None
    assert bob.opened_at is None
    assert bob.delivered_at is not None
    assert bob.unsubscribed_at is not None
    ConsentFactory(contact=known_set["a"], channel="opens", status=Consent.Status.WITHDRAWN)
    assert not services.delivery_event_record(recipient=anne, kind="opened", event_id="o-a2")


def test_the_fast_path_writes_what_django_would(settings):
    """Over plain SMTP the bytes come from the prepared template: the same headers, the
    same parts and a working unsubscribe link as Django's builder; an address or a line
    it cannot write plainly goes back to Django's builder."""
    settings.CAMPAIGNS_FROM_EMAIL = "Équipe Relais <news@relais.example>"
    prepared = emails.prepare("Bonjour {{ first_name }} é", BODY)
    values = {"first_name": "Chloé <b>", "last_name": "", "full_name": "", "organisation": ""}
    values["campaign"] = "C"
    ctx = emails.raw_context()
    raw = emails.raw_message(
        ctx=ctx,
        prepared=prepared,
        values=values,
        to="chloe@example.fr",
        message_id="7@relais",
        recipient_id=7,
        date="Fri, 04 Dec 2026 10:00:00 -0000",
    )
    assert raw is not None
    fast = email.message_from_bytes(raw, policy=policy.default)
    slow = email.message_from_bytes(
        emails.build_message(
            prepared=prepared, values=values, to="chloe@example.fr", message_id="7@relais",
            recipient_id=7,
        ).message().as_bytes(linesep="\r\n"),
        policy=policy.default,
    )  # fmt: skip
    for header in (
        "Subject",
        "From",
        "To",
        "Message-ID",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
    ):
        assert str(fast[header]).strip() == str(slow[header]).strip(), header
    assert fast["Subject"] == "Bonjour Chloé <b> é"
    for kind in ("plain", "html"):
        assert (
            fast.get_body((kind,)).get_content().strip()
            == slow.get_body((kind,)).get_content().strip()
        )
    assert "Chloé &lt;b&gt;" in fast.get_body(("html",)).get_content()
    token = fast["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    assert emails.unsubscribe_recipient_id(token) == 7
    common = dict(
        ctx=ctx, prepared=prepared, values=values, message_id="x", recipient_id=1, date=""
    )
    assert emails.raw_message(to="chloé@example.fr", **common) is None
    assert emails.raw_message(to="a@b.fr\r\nBcc: x@y.fr", **common) is None
    long = emails.prepare("S", "<p>" + "x" * 1200 + "</p>")
    assert emails.raw_message(**{**common, "prepared": long, "to": "a@b.fr"}) is None
