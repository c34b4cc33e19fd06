"""Demo telephony: two numbers, the agents' extensions, and a week of calls played
through the same event service the platform uses (so the demo data is what real events
would have written: calls on the timeline, abandoned calls, a ticket from a call)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.utils import timezone

from accounts.demo import DemoContext
from accounts.models import User
from crm.models import ContactPhone
from tickets.models import Queue

from .models import AgentExtension, PhoneCall, PhoneLine
from .services import EventIn, call_close_pop, call_create_ticket, event_receive

DEMO_LINES = [("+33180000001", "Service client", "Service client"),
              ("+33180000002", "Réclamations", "Réclamations")]  # fmt: skip


def _send(
    call_id: str, caller: str, dialled: str, kind: str, at: dt.datetime, **extra: Any
) -> PhoneCall:
    event = EventIn(kind=kind, call_id=call_id, occurred_at=at, caller=caller, dialled=dialled,
                    **extra)  # fmt: skip
    return event_receive(event=event, payload={"event": kind, "demo": True})[0]


def seed_calls(ctx: DemoContext) -> None:
    if PhoneLine.objects.exists():
        ctx.log("telephony already present")
        return
    rng = ctx.rng
    names = [queue for _number, _label, queue in DEMO_LINES]
    queues = {q.name: q for q in Queue.objects.filter(name__in=names)}
    for number, label, queue_name in DEMO_LINES:
        PhoneLine.objects.create(number=number, label=label, queue=queues.get(queue_name))
    agents: list[User] = list(ctx.registry.get("agents") or [])
    agents = agents or list(User.objects.filter(groups__name="agent")[:5])
    for index, agent in enumerate(agents):
        AgentExtension.objects.get_or_create(user=agent, defaults={"extension": str(201 + index)})
    # Callers known for a week at least: the calls go back six days, and a customer's
    # timeline opens with "contact created".
    known = timezone.now() - dt.timedelta(days=7)
    numbers = list(
        ContactPhone.objects.filter(contact__created_at__lt=known).values_list("number", flat=True)[
            :400
        ]
    )
    if not agents or not numbers:
        return
    now = timezone.now()
    made = 0
    for n in range(60):
        ago = rng.randint(0, 6) * 86400 + rng.randint(0, 8) * 3600 + rng.randint(60, 3599)
        start = now - dt.timedelta(seconds=ago)
        caller = str(rng.choice(numbers)) if rng.random() < 0.85 else "+33698765432"
        dialled = DEMO_LINES[0][0] if rng.random() < 0.8 else DEMO_LINES[1][0]
        agent = rng.choice(agents)
        call_id = f"demo-{n:04d}"

        send = partial(_send, call_id, caller, dialled)
        send("queued", start)
        wait = rng.randint(3, 120)
        if rng.random() < 0.15:  # the caller hangs up while waiting
            send("ended", start + dt.timedelta(seconds=wait), reason="caller_hangup")
            continue
        ext = {"agent_extension": agent.phone_extension.extension}
        send("ringing", start + dt.timedelta(seconds=wait - 2), **ext)
        answered = start + dt.timedelta(seconds=wait)
        send("answered", answered, **ext)
        talk = rng.randint(40, 600)
        if rng.random() < 0.3:
            send("hold", answered + dt.timedelta(seconds=talk // 3), sequence=1)
            send("unhold", answered + dt.timedelta(seconds=talk // 3 + 45), sequence=2)
        ended = answered + dt.timedelta(seconds=talk)
        call = send("ended", ended, reason="agent_hangup")
        send("wrapup_end", ended + dt.timedelta(seconds=rng.randint(10, 120)))
        if call.contact_id and call.queue and rng.random() < 0.3:
            call_create_ticket(
                call=call,
                actor=agent,
                subject="Appel : question sur la facture",
                note="Le client appelle au sujet de sa dernière facture.",
            )
        call_close_pop(call=PhoneCall.objects.get(pk=call.pk), actor=agent, now=ended)
        made += 1
    ctx.log(f"{made} answered demo calls")
