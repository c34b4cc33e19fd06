"""The telephony benchmark's client, at toy size against the live test server, so that
`python -m bench telephony-measure` cannot rot (full-size figures: docs/benchmarks.md)."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from bench.telephony_measure import Client, Timings, formats, run_calls, run_lookups
from crm.tests.factories import ContactFactory
from telephony.models import AgentExtension, PhoneCall, PhoneLine

pytestmark = pytest.mark.django_db(transaction=True)


def test_benchmark_client_looks_up_and_plays_calls(live_server, settings):
    settings.TELEPHONY_WEBHOOK_SECRETS = ["bench-secret"]
    numbers = [f"+336{n:08d}" for n in range(12345670, 12345675)]
    for number in numbers:
        ContactFactory(phones=[number])
    platform = UserFactory(roles=[Role.INTEGRATION])
    agent = UserFactory(roles=[Role.AGENT])
    AgentExtension.objects.create(user=agent, extension="9901")
    PhoneLine.objects.create(number="+33180009999", label="Bench")
    url = urlsplit(live_server.url)
    client = Client(
        url.hostname or "localhost", url.port or 80, Token.objects.create(user=platform).key
    )
    rng = random.Random(3)
    timings = Timings()
    asked = [formats(rng.choice(numbers), rng) for _ in range(8)] + ["+33612000000"]
    assert run_lookups(client, asked, timings, warmup=2) == 8
    run_calls(client, asked[:4], "bench-secret", "9901", "+33180009999", timings, warmup=0)
    assert PhoneCall.objects.filter(outcome="answered").count() == 4
    summary = timings.summary()
    assert summary["lookup"]["n"] == 7
    assert summary["event ringing"]["n"] == 4
