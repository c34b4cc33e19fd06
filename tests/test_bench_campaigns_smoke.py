"""The campaigns benchmark at toy size, in process (`--inline`: the send task runs here,
to the script's own aiosmtpd on loopback; the results page through django.test.Client),
so that `python -m bench campaigns-measure` cannot rot (full size: docs/benchmarks.md)."""

from __future__ import annotations

import argparse

import pytest

from bench import campaigns_measure
from campaigns.models import Attribution, Recipient
from crm.models import Consent
from crm.tests.factories import ConsentFactory, ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_campaigns_benchmark_measures_every_scenario_at_toy_size(settings):
    settings.MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *settings.MIDDLEWARE]
    contacts = [ContactFactory(preferred_language="fr", tags=["client"]) for _ in range(8)]
    for contact in contacts[:6]:
        ConsentFactory(contact=contact, channel="email", status=Consent.Status.GIVEN)
    args = argparse.Namespace(
        database_url="", recipients=4, runs=3, warmup=1, batch_size=2, redis_db=18,
        inline=True, no_write=True,
    )  # fmt: skip
    segments = campaigns_measure.measure_segments(args.runs, args.warmup)
    assert segments["email consent + French"]["count"] == 6
    assert all(s["p95_ms"] >= s["p50_ms"] > 0 for s in segments.values())
    owner = campaigns_measure._owner()
    send, campaign = campaigns_measure.measure_send(args, owner)
    assert send["sent"] == send["smtp_messages"] == 4
    assert send["progress_samples"][-1]["left"] == 0
    assert Recipient.objects.filter(campaign=campaign, status="sent").count() == 4
    page = campaigns_measure.measure_results_page(args, campaign, owner)
    assert page["status"] == "ok", page
    attribution = campaigns_measure.measure_attribution(args, campaign, owner)
    assert attribution["runs"] == 20
    assert not Attribution.objects.exists()  # every run rolled back
