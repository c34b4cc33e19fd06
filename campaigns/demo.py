"""Demo data: a finished email campaign with its results, a running phone campaign with a
brief and a call list, tracking numbers with attributed calls.

The campaigns are made through the services (validation, transitions); the history of
the finished one (who received, opened, clicked, unsubscribed) is written in bulk rather
than sent: a demo database has no mail server."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from crm.models import Contact, ContactEmail

from .models import Attribution, Campaign, Recipient

R = Recipient.Status


def _owner() -> User | None:
    return (
        User.objects.filter(groups__name="marketing").first()
        or User.objects.filter(is_superuser=True).first()
    )


def seed_campaigns(ctx: Any) -> None:
    from . import services

    if Campaign.objects.exists():
        return
    owner = _owner()
    if owner is None:
        return
    now = timezone.now()
    today = timezone.localdate()
    everyone = services.segment_create(
        name="Clients (consentement email)",
        rules={"match": "all", "rules": [{"field": "consent", "op": "given", "value": ["email"]}]},
        actor=owner,
    )
    newsletter = services.campaign_create(
        actor=owner, name="Lettre d'automne : la fibre à -20 %", goal="Ventes fibre",
        channel="email", starts_on=today - timedelta(days=45),
        ends_on=today - timedelta(days=15), budget=1500, segment=everyone,
        subject_fr="{{ first_name }}, la fibre à -20 % cet automne",
        body_fr="<p>Bonjour {{ first_name }},</p><p>La fibre à -20 % pendant un an.</p>",
        subject_en="{{ first_name }}, fibre at -20% this autumn",
        body_en="<p>Hello {{ first_name }},</p><p>Fibre at -20% for a year.</p>",
        track_engagement=True, brief_offer="Fibre à -20 % pendant un an",
    )  # fmt: skip
    contacts = list(
        Contact.objects.active().filter(emails__isnull=False).distinct().order_by("id")[:150]
    )
    addresses = dict(
        ContactEmail.objects.filter(contact__in=contacts)
        .order_by("contact_id", "-is_primary", "id")
        .values_list("contact_id", "email")[::-1]
    )  # the first (primary) address of each contact wins
    sent_at = now - timedelta(days=44)
    rows = []
    for contact in contacts:
        roll = ctx.rng.random()
        email = addresses.get(contact.pk, "")
        row = Recipient(
            campaign=newsletter, contact=contact, email=email,
            language=contact.preferred_language or "fr", status=R.SENT, attempts=1,
            message_id=f"{uuid.uuid4().hex}@relais.example", sent_at=sent_at,
        )  # fmt: skip
        if roll < 0.04:
            row.bounced_at = sent_at + timedelta(minutes=2)
        else:
            row.delivered_at = sent_at + timedelta(minutes=1)
            if roll < 0.5:
                row.opened_at = sent_at + timedelta(hours=ctx.rng.randint(1, 72))
            if roll < 0.15:
                row.clicked_at = row.opened_at
            if roll > 0.95:
                row.unsubscribed_at = sent_at + timedelta(hours=5)
        rows.append(row)
    Recipient.objects.bulk_create(rows, batch_size=500)
    Campaign.objects.filter(pk=newsletter.pk).update(
        status=Campaign.Status.FINISHED,
        started_at=sent_at,
        finished_at=sent_at + timedelta(hours=1),
    )

    phone = services.campaign_create(
        actor=owner, name="Relance fidélité (appels)", goal="Renouvellements",
        channel="phone", starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=27),
        budget=3000, segment=everyone,
        brief_offer="-20 % sur le renouvellement de l'abonnement",
        brief_talking_points="Remercier de la fidélité ; proposer le renouvellement ; "
        "vérifier le débit constaté.",
        brief_faq="Engagement ? 12 mois, résiliable pour motif légitime.",
        call_script="Bonjour, je vous appelle de la part de Relais au sujet de votre abonnement.",
    )  # fmt: skip
    try:
        services.campaign_start(campaign=phone, actor=owner)
    except ValidationError as exc:  # a demo database without a callable audience
        ctx.log(f"campaigns: phone campaign left in draft ({exc})")
    called = list(
        Recipient.objects.filter(campaign=phone).exclude(status=R.EXCLUDED).order_by("pk")[:12]
    )
    outcomes = ["reached", "no_answer", "call_back", "not_interested", "reached", "no_answer"]
    for index, row in enumerate(called[:6]):
        row.outcome = outcomes[index]
        row.called_at = now - timedelta(hours=index + 1)
        row.called_by = owner
        if row.outcome == "call_back":
            row.callback_at = now + timedelta(days=1)
        row.save(update_fields=["outcome", "called_at", "called_by", "callback_at"])

    free = services.tracking_number_save(
        actor=owner, number="+33805123456", label="Relance fidélité (numéro vert)", campaign=phone
    )
    services.tracking_number_save(
        actor=owner, number="+33806654321", code="AUTOMNE20", label="Lettre d'automne",
        campaign=newsletter,
    )  # fmt: skip
    attributions = [
        Attribution(
            campaign=phone,
            tracking_number=free,
            kind=Attribution.Kind.CALL,
            contact=contacts[i % len(contacts)] if contacts else None,
            duration_seconds=(seconds := ctx.rng.choice([8, 40, 95, 180, 12, 300])),
            is_conversion=seconds >= 15,
            occurred_at=now - timedelta(hours=3 * i + 1),
        )
        for i in range(14)
    ]
    Attribution.objects.bulk_create(attributions)
    ctx.log(
        f"campaigns: 2 campaigns, {len(rows)} email recipients, "
        f"{len(attributions)} attributed calls"
    )
