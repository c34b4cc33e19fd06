"""Demo data: a CSAT survey on the service queue (follow-ups to complaints) and an NPS
survey, with answers spread over six months.

The history is written in bulk (invitations sent, answers) rather than through the
sending sweep: six months of emails would only fill the outbox. The scores and the
copied queue, team, agent and channel are what the sweep and the answer page write."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.demo import DemoContext
from crm.models import Contact
from tickets.models import Queue, Ticket

from .models import Invitation, Survey, SurveyKind, SurveyResponse

CSAT_WEIGHTS = [1, 1, 2, 4, 6]  # scores 1..5
NPS_WEIGHTS = [1, 1, 1, 1, 1, 2, 2, 4, 6, 5, 4]  # scores 0..10


def seed_surveys(ctx: DemoContext) -> None:
    if Survey.objects.exists():
        return
    service = Queue.objects.filter(name="Service client").first()
    complaints = Queue.objects.filter(name="Réclamations").first()
    csat = Survey.objects.create(
        name="Satisfaction après résolution",
        kind=SurveyKind.CSAT,
        delay_minutes=60,
        follow_up_queue=complaints or service,
    )
    if service is not None:
        csat.queues.set([service])
    nps = Survey.objects.create(name="Recommandation 2026", kind=SurveyKind.NPS,
                                follow_up_queue=complaints or service)  # fmt: skip
    now = timezone.now()
    tickets = list(
        Ticket.objects.filter(contact__isnull=False, contact__erased_at__isnull=True)
        .only("id", "contact_id", "queue_id", "team_id", "assignee_id", "channel")
        .order_by("id")[:300]
    )
    responses: list[SurveyResponse] = []
    for ticket in tickets:
        if ctx.rng.random() > 0.7:
            continue
        sent = now - dt.timedelta(days=ctx.rng.randint(1, 182), hours=ctx.rng.randint(0, 20))
        invitation = Invitation.objects.create(
            survey=csat, contact_id=ticket.contact_id, ticket=ticket, status="sent",
            send_after=sent, sent_at=sent, expires_at=sent + dt.timedelta(days=30),
        )  # fmt: skip
        if ctx.rng.random() < 0.6:
            score = ctx.rng.choices(range(1, 6), CSAT_WEIGHTS)[0]
            responses.append(SurveyResponse(
                invitation=invitation, survey=csat, kind="csat", contact_id=ticket.contact_id,
                ticket=ticket, queue_id=ticket.queue_id, team_id=ticket.team_id,
                agent_id=ticket.assignee_id, channel=ticket.channel, score=score,
                answered_at=sent + dt.timedelta(hours=ctx.rng.randint(1, 48)),
            ))  # fmt: skip
    contacts = list(Contact.objects.active().order_by("id").values_list("id", flat=True)[:200])
    for contact_id in contacts:
        sent = now - dt.timedelta(days=ctx.rng.randint(1, 182))
        invitation = Invitation.objects.create(
            survey=nps, contact_id=contact_id, status="sent", send_after=sent, sent_at=sent,
            expires_at=sent + dt.timedelta(days=30),
        )  # fmt: skip
        if ctx.rng.random() < 0.5:
            score = ctx.rng.choices(range(0, 11), NPS_WEIGHTS)[0]
            responses.append(SurveyResponse(
                invitation=invitation, survey=nps, kind="nps", contact_id=contact_id,
                channel="email", score=score,
                answered_at=sent + dt.timedelta(hours=ctx.rng.randint(1, 72)),
            ))  # fmt: skip
    SurveyResponse.objects.bulk_create(responses, batch_size=500)
    ctx.log(f"surveys: {len(responses)} answers over six months")
