"""`python -m bench campaigns-measure`: campaigns on a `campaigns-generate` database.

- Segment counts: `campaigns.selectors.segment_count` for a few representative rule sets
  (nearest-rank p50/p95 over `--runs`).
- A campaign to `--recipients` contacts: the start (audience snapshot, exclusions with
  their reasons) timed at the service, then the send by ONE Celery worker process
  (`celery worker --pool=solo`, on Redis) through Django's SMTP backend to an aiosmtpd
  server on loopback started by this script; the progress row is sampled every second
  (the figures the progress bar shows). `--inline` runs the send task in this process
  instead (the smoke test: no broker).
- The results page (`/campaigns/<id>/`) over HTTP under gunicorn (bench.harness), or in
  process with `--inline`.
- Attribution of an inbound call on a tracking number (`services.call_attribute`), in a
  transaction rolled back after each run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .djangoenv import configure
from .timing import percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGETS_MS = {"segment_count": 300.0, "results_page": 150.0, "attribution": 10.0}
SEND_TARGET_S = 180.0
TRACKING_NUMBER = "+33806123456"
SEGMENTS: dict[str, dict[str, Any]] = {
    "email consent + French": {"match": "all", "rules": [
        {"field": "consent", "op": "given", "value": ["email"]},
        {"field": "language", "op": "in", "value": ["fr"]},
    ]},
    "tags or VIP, Paris region": {"match": "all", "rules": [
        {"match": "any", "rules": [
            {"field": "tags", "op": "any_of", "value": ["vip", "client", "fidèle"]},
            {"field": "vip", "op": "is", "value": True},
        ]},
        {"field": "departement", "op": "in", "value": ["75", "92", "93", "94"]},
    ]},
    "email consent, contacted within 180 days, no open ticket": {"match": "all", "rules": [
        {"field": "consent", "op": "given", "value": ["email"]},
        {"field": "last_contact", "op": "within_days", "value": 180},
        {"field": "open_tickets", "op": "is", "value": False},
    ]},
}  # fmt: skip
SEND_SEGMENT = {"match": "all", "rules": [{"field": "consent", "op": "given", "value": ["email"]}]}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--redis-db", type=int, default=18)
    parser.add_argument("--inline", action="store_true", help="send and serve in process")
    parser.add_argument("--no-write", action="store_true", help="no results file")


def timed(call: Any, *, runs: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return {"runs": runs, "p50_ms": round(percentile(samples, 0.5), 2),
            "p95_ms": round(percentile(samples, 0.95), 2)}  # fmt: skip


def measure_segments(runs: int, warmup: int) -> dict[str, Any]:
    from campaigns import selectors

    out = {}
    for name, rules in SEGMENTS.items():
        result = timed(lambda r=rules: selectors.segment_count(rules=r), runs=runs, warmup=warmup)
        result["count"] = selectors.segment_count(rules=rules)
        print(f"  segment «{name}»: {result}", flush=True)
        out[name] = result
    return out


def _owner() -> Any:
    from accounts.models import User

    from .campaigns_generate import MARKETING_EMAIL, marketing_user

    marketing_user()
    return User.objects.get(email=MARKETING_EMAIL)


def _campaign(owner: Any, recipients: int) -> Any:
    """A draft email campaign on a segment of about `recipients` consenting contacts (the
    segment's rule keeps contacts up to an id; its count is what is sent)."""
    import datetime as dt

    from django.db.models import Max
    from django.utils import timezone

    from campaigns import services
    from campaigns.selectors import matching_contacts

    consenting = matching_contacts(SEND_SEGMENT).order_by("pk").values_list("pk", flat=True)
    last = consenting[recipients - 1 : recipients].first() if recipients else None
    last = last or consenting.aggregate(m=Max("pk"))["m"]
    segment = services.segment_create(
        name=f"bench {time.time():.0f}", rules=SEND_SEGMENT, actor=owner,
    )  # fmt: skip
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=owner, name=f"Bench {recipients}", channel="email", starts_on=today,
        ends_on=today + dt.timedelta(days=7), segment=segment, budget=5000,
        subject_fr="Bonjour {{ first_name }}", subject_en="Hello {{ first_name }}",
        body_fr="<style>p{color:#333}</style><p>Bonjour {{ first_name }}, une offre.</p>",
        body_en="<style>p{color:#333}</style><p>Hello {{ first_name }}, an offer.</p>",
    )  # fmt: skip
    return campaign, last


def measure_send(args: argparse.Namespace, owner: Any) -> tuple[dict[str, Any], Any]:
    from aiosmtpd.controller import Controller

    from campaigns import selectors
    from campaigns.models import Recipient
    from campaigns.services import lifecycle, sending

    class Count:
        messages = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            Count.messages += 1
            return "250 OK"

    from channels.tests.servers import free_port

    port = free_port()
    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    campaign, last_id = _campaign(owner, args.recipients)
    # Only the first `recipients` consenting contacts: the snapshot reads the segment.
    original = lifecycle.matching_contacts if hasattr(lifecycle, "matching_contacts") else None
    queued: list[int] = []
    real_queue = sending.queue_sending
    sending.queue_sending = queued.append  # type: ignore[assignment]  # started below
    try:
        _limit_segment(lifecycle, last_id)
        started = time.perf_counter()
        lifecycle.campaign_start(campaign=campaign, actor=owner)
        prepare_s = time.perf_counter() - started
    finally:
        sending.queue_sending = real_queue
        if original is not None:
            lifecycle.matching_contacts = original
    progress = selectors.campaign_progress(campaign=campaign)
    print(f"  start (snapshot): {prepare_s:.1f} s, {progress}", flush=True)
    samples: list[dict[str, Any]] = []
    started = time.perf_counter()
    worker = None
    if args.inline:
        from django.test import override_settings

        from campaigns.tasks import campaign_send_task

        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port, EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="", CAMPAIGNS_SEND_RATE_PER_SECOND=1_000_000,
            CAMPAIGNS_BATCH_SIZE=args.batch_size,
        ):  # fmt: skip
            campaign_send_task.apply(args=[campaign.pk])
    else:
        worker = _start_worker(args, port)
        from campaigns.tasks import campaign_send_task

        campaign_send_task.apply_async(args=[campaign.pk], queue=QUEUE)
    try:
        while True:
            p = selectors.campaign_progress(campaign=campaign)
            samples.append({"t_s": round(time.perf_counter() - started, 1), "sent": p.sent,
                            "left": p.left, "percent": p.percent})  # fmt: skip
            if p.left == 0:
                break
            if worker is not None and worker.poll() is not None:
                raise RuntimeError("the Celery worker stopped; see var/bench/celery-campaigns.log")
            if time.perf_counter() - started > 1800:
                raise RuntimeError("the send did not finish in 30 minutes")
            time.sleep(1.0)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        controller.stop()
    send_s = time.perf_counter() - started
    sent = Recipient.objects.filter(campaign=campaign, status="sent").count()
    excluded = Recipient.objects.filter(campaign=campaign, status="excluded").count()
    result = {
        "targeted": progress.total - progress.excluded, "excluded_at_start": progress.excluded,
        "sent": sent, "excluded": excluded, "smtp_messages": Count.messages,
        "prepare_s": round(prepare_s, 1), "send_s": round(send_s, 1),
        "total_s": round(prepare_s + send_s, 1), "target_s": SEND_TARGET_S,
        "batch_size": args.batch_size, "worker": "inline" if args.inline else "1 celery (solo)",
        "progress_samples": samples[:: max(1, len(samples) // 40)] + samples[-1:],
    }  # fmt: skip
    print(f"  send: {sent} sent in {send_s:.1f} s (+ {prepare_s:.1f} s start); "
          f"{len(samples)} progress samples", flush=True)  # fmt: skip
    return result, campaign


QUEUE = "bench-campaigns"


def _limit_segment(lifecycle: Any, last_id: int | None) -> None:
    """The snapshot of the bench campaign stops at the `recipients`-th consenting contact
    (the segment is the realistic one; the size is the benchmark's choice)."""
    if last_id is None or not hasattr(lifecycle, "matching_contacts"):
        return
    real = lifecycle.matching_contacts

    def limited(rules: Any) -> Any:
        return real(rules).filter(pk__lte=last_id)

    lifecycle.matching_contacts = limited


def _start_worker(args: argparse.Namespace, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update({
        "EMAIL_URL": f"smtp://127.0.0.1:{port}", "CAMPAIGNS_SEND_RATE_PER_SECOND": "1000000",
        "CAMPAIGNS_BATCH_SIZE": str(args.batch_size), "CAMPAIGNS_TASK_BUDGET_SECONDS": "600",
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
    })  # fmt: skip
    log = open(ROOT / "var" / "bench" / "celery-campaigns.log", "wb")  # noqa: SIM115
    return subprocess.Popen(  # noqa: S603 - fixed command
        [sys.executable, "-m", "celery", "-A", "relais", "worker", "--pool=solo",
         "--concurrency=1", "--loglevel=WARNING", "--without-mingle", "--without-gossip",
         "--without-heartbeat", f"--queues={QUEUE}", "-n", "bench-campaigns@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def measure_results_page(args: argparse.Namespace, campaign: Any, owner: Any) -> dict[str, Any]:
    from . import harness

    page = harness.Page(
        key="campaign_results", title="Campaign results", path=campaign.get_absolute_url(),
        user=owner.email, group="campaigns", budget=False,
        target_p95_ms=TARGETS_MS["results_page"],
    )  # fmt: skip
    if args.inline:
        runner: Any = harness.InProcessRunner()
        result = harness.measure_page(runner, page, runs=args.runs, warmup=args.warmup)
    else:
        config = harness.ServerConfig(database_url=args.database_url, workers=2)
        with harness.http_runner(config, log_name="gunicorn-campaigns") as runner:
            result = harness.measure_page(runner, page, runs=args.runs, warmup=args.warmup)
    print(f"  results page: {harness.describe(result)}", flush=True)
    return harness.result_dicts([result])[0]


def measure_attribution(args: argparse.Namespace, campaign: Any, owner: Any) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from campaigns import services
    from campaigns.models import TrackingNumber
    from telephony.models import PhoneCall

    if not TrackingNumber.objects.filter(number=TRACKING_NUMBER).exists():
        services.tracking_number_save(
            actor=owner, number=TRACKING_NUMBER, label="Bench", campaign=campaign
        )
    else:
        TrackingNumber.objects.filter(number=TRACKING_NUMBER).update(campaign=campaign)
    counter = iter(range(10**9))

    class Rollback(Exception):
        pass

    def attribute() -> None:
        try:
            with transaction.atomic():
                call = PhoneCall.objects.create(
                    external_id=f"bench-attr-{time.time_ns()}-{next(counter)}",
                    direction="inbound", caller_number="+33612345678",
                    dialled_number=TRACKING_NUMBER, offered_at=timezone.now(), talk_seconds=42,
                )  # fmt: skip
                started = time.perf_counter()
                attribution = services.call_attribute(call_id=call.pk)
                samples.append((time.perf_counter() - started) * 1000)
                assert attribution is not None
                assert attribution.is_conversion
                raise Rollback
        except Rollback:
            pass

    samples: list[float] = []
    for _ in range(args.warmup):
        attribute()
    samples.clear()
    for _ in range(max(args.runs, 20)):
        attribute()
    result = {"runs": len(samples), "p50_ms": round(percentile(samples, 0.5), 2),
              "p95_ms": round(percentile(samples, 0.95), 2)}  # fmt: skip
    print(f"  call attribution: {result}", flush=True)
    return result


def main(args: argparse.Namespace) -> None:
    os.environ.setdefault("BENCH_BROKER_URL", f"redis://127.0.0.1:6379/{args.redis_db}")
    os.environ.setdefault("BENCH_CACHE_URL", f"rediscache://127.0.0.1:6379/{args.redis_db + 1}")
    configure(args.database_url, plain_static=args.inline)
    from crm.models import Contact

    contacts = Contact.objects.count()
    print(f"campaigns-measure: {contacts} contacts", flush=True)
    owner = _owner()
    report: dict[str, Any] = {"contacts": contacts, "targets_ms": TARGETS_MS}
    report["segment_count"] = measure_segments(args.runs, args.warmup)
    report["send"], campaign = measure_send(args, owner)
    report["results_page"] = measure_results_page(args, campaign, owner)
    report["attribution"] = measure_attribution(args, campaign, owner)
    if not args.no_write:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"campaigns-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False))
        print(f"  written to {path}", flush=True)
    return None
