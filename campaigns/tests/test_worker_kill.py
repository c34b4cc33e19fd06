"""A real worker killed in the middle of a campaign's send, then restarted: nobody is
mailed twice and nobody is missed (on Redis: the unacknowledged task comes back with its
id and resumes its claim; on the filesystem broker, which has no acknowledgements, the
stale sweep gives the claim back and queues the send again)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, Recipient
from crm.models import Consent
from crm.tests.factories import ConsentFactory, ContactFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def test_a_send_survives_its_worker_being_killed(celery_worker_process, smtp_server, make_user):
    worker = celery_worker_process
    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "CAMPAIGNS_BATCH_SIZE": "5",
        "CAMPAIGNS_SEND_RATE_PER_SECOND": "15",
        "CELERY_BROKER_VISIBILITY_TIMEOUT": "2",
    }
    worker.stop()
    worker.start(env=env)
    marketer = make_user("marketing")
    for _ in range(40):
        ConsentFactory(contact=ContactFactory(), channel="email", status=Consent.Status.GIVEN)
    segment = services.segment_create(
        name="all",
        actor=marketer,
        rules={"match": "all", "rules": [{"field": "consent", "op": "given", "value": ["email"]}]},
    )
    campaign = services.campaign_create(
        actor=marketer,
        name="Kill",
        channel="email",
        segment=segment,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=1),
        subject_fr="S",
        body_fr="<p>{{ first_name }}</p>",
        subject_en="S",
        body_en="<p>x</p>",
    )
    services.campaign_start(campaign=campaign, actor=marketer)  # queued after commit
    sent = Recipient.objects.filter(campaign=campaign, status="sent")
    worker.wait_for(lambda: sent.count() >= 8, timeout=60, what="the first batches")
    worker.kill()
    assert sent.count() < 40
    worker.start(env=env)
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        # No acknowledgements on the filesystem broker: the beat sweep's job.
        # A cutoff a minute ahead: every claim counts as stale (SQLite read the claim just
        # written by the killed worker as not older than "now"; see the hand-back note).
        queued = services.sending_resume_stale(stale_after=timedelta(seconds=-60))
        assert queued == [campaign.pk], (
            Recipient.objects.filter(campaign=campaign).values("status").annotate(n=Count("id"))
        )
    worker.wait_for(lambda: sent.count() == 40, timeout=90, what="the resumed send")
    counts = Counter(m.rcpt_tos[0] for m in smtp_server.messages)
    assert len(counts) == 40
    assert max(counts.values()) == 1
    worker.wait_for(
        lambda: Campaign.objects.get(pk=campaign.pk).status == "finished",
        timeout=30,
        what="the campaign to finish",
    )
