"""A ready-made telework world built through the real services.

`world()` gives a legal entity with its active policy (2 days a week, 3-month
adaptation, 15 calendar days' notice then mutual agreement, a laptop and a headset for
agents), an agent with a manager, HR, IT with an IT helpdesk queue, and stock. Tests
change only what they are about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from telework import services
from telework.models import Agreement, Asset, LegalEntity, Policy
from tickets.models import Queue
from tickets.tests.factories import QueueFactory, calendar

POLICY_TEXT_FR = "Charte de télétravail : le télétravail est volontaire et réversible."
POLICY_TEXT_EN = "Telework charter: telework is voluntary and reversible."
RULES_FR = "Règles d'usage : verrouillez votre session, n'utilisez que le VPN."
RULES_EN = "Usage rules: lock your session, use the VPN only."


@dataclass
class World:
    entity: LegalEntity
    policy: Policy
    agent: User
    manager: User
    hr: User
    other_hr: User
    it: User
    outsider: User  # an agent with another manager: sees nothing of `agent`
    team: Team
    it_queue: Queue


def publish_policy(entity: LegalEntity, **overrides: Any) -> Policy:
    options: dict[str, Any] = {
        "legal_entity": entity,
        "actor": None,
        "title": "Charte télétravail",
        "legal_basis": Policy.LegalBasis.CHARTER,
        "cse_opinion_on": dt.date(2024, 11, 5),
        "effective_from": dt.date(2025, 1, 1),
        "text_fr": POLICY_TEXT_FR,
        "text_en": POLICY_TEXT_EN,
        "it_rules_fr": RULES_FR,
        "it_rules_en": RULES_EN,
        "equipment": [(Role.AGENT, "laptop", 1), (Role.AGENT, "headset", 1)],
    }
    options.update(overrides)
    return services.policy_publish(**options)


def world(**policy_overrides: Any) -> World:
    entity = services.legal_entity_save(name="Relais Services SAS", siren="552100554")
    policy = publish_policy(entity, **policy_overrides)
    manager = UserFactory(
        roles=[Role.SUPERVISOR, Role.AGENT], first_name="Nadia", last_name="Benali"
    )
    agent = UserFactory(
        roles=[Role.AGENT], first_name="Camille", last_name="Martin", manager=manager
    )
    outsider = UserFactory(roles=[Role.AGENT], first_name="Oscar", last_name="Ailleurs")
    hr = UserFactory(roles=[Role.HR], first_name="Sophie", last_name="Garnier")
    other_hr = UserFactory(roles=[Role.HR], first_name="Paul", last_name="Rh")
    it = UserFactory(roles=[Role.IT], first_name="Thomas", last_name="Nguyen")
    team = TeamFactory(name="Plateau Lyon", members=[agent, manager, outsider], lead=manager)
    it_team = TeamFactory(name="Informatique (télétravail)", kind=Team.Kind.IT, members=[it])
    it_queue = QueueFactory(
        name="Support IT (télétravail)", kind=Queue.Kind.IT, team=it_team, calendar=calendar()
    )
    for n, user in enumerate([agent, manager, outsider, hr, other_hr, it], start=1):
        services.employee_file_save(user=user, legal_entity=entity, payroll_number=f"P{n:04d}")
    for n in range(3):
        services.asset_save(kind="laptop", label="ThinkPad T14", serial_number=f"LAP-{n}")
        services.asset_save(kind="headset", label="Jabra Evolve", serial_number=f"HS-{n}")
    return World(entity, policy, agent, manager, hr, other_hr, it, outsider, team, it_queue)


def next_monday(after: dt.date | None = None) -> dt.date:
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != 0:
        day += dt.timedelta(days=1)
    return day


def request(w: World, *, start: dt.date | None = None, **kwargs: Any) -> Agreement:
    defaults: dict[str, Any] = {
        "employee": w.agent,
        "actor": w.agent,
        "kind": Agreement.Kind.REGULAR,
        "start_date": start or next_monday(),
        "weekdays": [1, 3],
        "address": "12 rue des Lilas, 69003 Lyon",
    }
    defaults.update(kwargs)
    return services.agreement_request(**defaults)


def sign_both(w: World, agreement: Agreement) -> Agreement:
    for signer in (w.agent, w.hr):
        version = services.pending_version(agreement)
        assert version is not None
        services.agreement_sign(
            agreement=agreement,
            actor=signer,
            version_number=version.number,
            text_hash_seen=version.text_hash,
        )
    agreement.refresh_from_db()
    return agreement


def complete_checklist(w: World, agreement: Agreement) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    for item in agreement.onboarding_items.filter(mandatory=True, done_at__isnull=True):
        document = None
        if item.requires_document:
            document = SimpleUploadedFile("attestation.pdf", PDF_BYTES, "application/pdf")
        services.onboarding_complete(item=item, actor=w.hr, document=document)


def signed(w: World, **kwargs: Any) -> Agreement:
    """A regular agreement approved, validated and signed (not started yet)."""
    agreement = request(w, **kwargs)
    services.agreement_approve(agreement=agreement, actor=w.manager)
    services.agreement_validate(agreement=agreement, actor=w.hr)
    return sign_both(w, agreement)


def active(w: World, *, start: dt.date | None = None, **kwargs: Any) -> Agreement:
    """An active agreement that started on `start` (default: today)."""
    start = start or timezone.localdate()
    agreement = request(w, start=max(start, timezone.localdate()), **kwargs)
    if start < timezone.localdate():
        Agreement.objects.filter(pk=agreement.pk).update(start_date=start)
        agreement.refresh_from_db()
    services.agreement_approve(agreement=agreement, actor=w.manager)
    services.agreement_validate(agreement=agreement, actor=w.hr)
    complete_checklist(w, agreement)
    agreement = sign_both(w, agreement)
    if agreement.status == Agreement.Status.SIGNED:
        services.agreement_activate(
            agreement=agreement, actor=w.hr, on=max(start, timezone.localdate())
        )
        agreement.refresh_from_db()
    return agreement


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)

__all__ = ["Asset"]
