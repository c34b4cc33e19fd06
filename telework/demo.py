"""Demo telework: one employer with its charter, HR files for every demo user, agreements
in every state (with their history), equipment, checklists, declarations, a reserve pool
and a past continuity activation. Past events are replayed with `as_of`, so their texts
and dates agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.demo import DemoContext
from accounts.models import User
from accounts.roles import Role

from . import services
from .models import Agreement, Asset, ContinuityActivation, Policy
from .services._common import as_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

CHARTER_FR = (
    "Le télétravail est ouvert aux conseillers, superviseurs et fonctions support "
    "après accord du manager et validation RH.\n"
    "Il est volontaire et réversible ; le refus du salarié n'est jamais un motif de "
    "sanction.\n"
    "Le temps de travail est suivi par les déclarations mensuelles ; aucune "
    "surveillance continue n'est mise en place.\n"
    "Les salariés en situation de handicap bénéficient d'un examen prioritaire de "
    "leur demande."
)
CHARTER_EN = (
    "Telework is open to agents, supervisors and support staff with the manager's "
    "approval and HR's validation.\n"
    "It is voluntary and reversible; an employee's refusal is never grounds for a "
    "sanction.\n"
    "Working time is followed through the monthly declarations; no continuous "
    "monitoring is in place.\n"
    "Requests from disabled workers are examined first."
)
RULES_FR = (
    "Verrouillez votre session dès que vous quittez votre poste. Connectez-vous "
    "uniquement par le VPN.\n"
    "Ne stockez aucune donnée client en dehors des outils de l'entreprise. Signalez "
    "toute perte ou vol au support IT sous 24 heures."
)
RULES_EN = (
    "Lock your session whenever you leave your desk. Connect through the VPN only.\n"
    "Never store customer data outside the company's tools. Report any loss or theft "
    "to IT support within 24 hours."
)

ASSETS = [
    ("laptop", "Lenovo ThinkPad T14", 12),
    ("headset", "Jabra Evolve2 65", 12),
    ("screen", "Dell P2423", 6),
    ("dock", "Lenovo USB-C Dock", 4),
    ("chair", "Steelcase Series 1", 2),
]


def _monday(day: dt.date, weeks: int = 0) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) + dt.timedelta(weeks=weeks)


def _sign(agreement: Agreement, employee: User, hr: User) -> None:
    for signer in (employee, hr):
        version = services.pending_version(agreement)
        if version is None:
            return
        services.agreement_sign(
            agreement=agreement,
            actor=signer,
            version_number=version.number,
            text_hash_seen=version.text_hash,
        )


def _checklist(agreement: Agreement, hr: User, *, all_items: bool = True) -> None:
    items = list(agreement.onboarding_items.filter(done_at__isnull=True).order_by("order"))
    for index, item in enumerate(items):
        if not all_items and index % 2:
            continue
        document = (
            SimpleUploadedFile("attestation.pdf", PDF, "application/pdf")
            if item.requires_document
            else None
        )
        services.onboarding_complete(item=item, actor=hr, document=document)


def seed_telework(ctx: DemoContext) -> None:
    if Policy.objects.exists():
        ctx.log("telework: already seeded")
        return
    users: dict[str, User] = ctx.registry["users"]
    agents: list[User] = ctx.registry["agents"]
    teams = ctx.registry["teams"]
    hr, supervisor = users["hr"], users["supervisor"]
    today = timezone.localdate()
    entity = services.legal_entity_save(name="Relais Services SAS", siren="552100554")
    services.policy_publish(
        legal_entity=entity,
        actor=users["admin"],
        title="Charte télétravail 2025",
        legal_basis=Policy.LegalBasis.CHARTER,
        cse_opinion_on=dt.date(2024, 11, 5),
        effective_from=dt.date(2025, 1, 1),
        text_fr=CHARTER_FR,
        text_en=CHARTER_EN,
        it_rules_fr=RULES_FR,
        it_rules_en=RULES_EN,
        eligible_roles=[Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.MARKETING, Role.IT, Role.HR],
        max_days_per_week=2,
        adaptation_months=3,
        notice_unit=Policy.NoticeUnit.WORKING,
        notice_during_adaptation=10,
        notice_after_adaptation=30,
        equipment=[
            (Role.AGENT, "laptop", 1),
            (Role.AGENT, "headset", 1),
            (Role.SUPERVISOR, "laptop", 1),
            (Role.SUPERVISOR, "screen", 1),
            (Role.SALES, "laptop", 1),
            (Role.IT, "laptop", 1),
            (Role.HR, "laptop", 1),
        ],
    )
    everyone = list({u.pk: u for u in [*users.values(), *agents]}.values())
    for number, user in enumerate(sorted(everyone, key=lambda u: u.pk), start=1):
        services.employee_file_save(
            user=user,
            legal_entity=entity,
            payroll_number=f"RS{number:05d}",
            carer=user.last_name == "Girard",
            disabled_worker=user.last_name == "Fontaine",
        )
    serial = 1000
    for kind, label, count in ASSETS:
        for _ in range(count):
            serial += 1
            services.asset_save(
                kind=kind,
                label=label,
                serial_number=f"RS-{kind[:3].upper()}-{serial}",
                cost=Decimal(ctx.rng.choice(["89.00", "149.00", "249.00", "1090.00"])),
                purchased_on=dt.date(2024, 9, 2),
                warranty_until=dt.date(2027, 9, 1),
            )
    by_name = {u.last_name: u for u in agents}
    address = "{n} rue {street}, {cp} Lyon"
    streets = ["des Lilas", "Garibaldi", "Paul Bert", "de la République", "Moncey"]

    def place() -> str:
        return address.format(n=ctx.rng.randint(2, 90), street=ctx.rng.choice(streets), cp=69003)

    def request(
        employee: User, start: dt.date, weekdays: list[int], kind: str = "regular", **kw
    ) -> Agreement:  # type: ignore[no-untyped-def]
        return services.agreement_request(
            employee=employee,
            actor=employee,
            kind=kind,
            start_date=start,
            weekdays=weekdays,
            address=place(),
            **kw,
        )

    # Camille (agent@): active since two months, Tuesdays and Thursdays, equipment delivered.
    camille = users["agent"]
    start = _monday(today, -8)
    with as_of(start - dt.timedelta(days=14)):
        a = request(camille, start, [1, 3])
        services.agreement_approve(agreement=a, actor=supervisor)
        services.agreement_validate(agreement=a, actor=hr)
        _checklist(a, hr)
        _sign(a, camille, hr)
    with as_of(start):
        services.agreement_activate(agreement=a, actor=None)
    for assignment in a.assignments.all():
        if assignment.provisioning_ticket_id:
            services.on_ticket_resolved(assignment.provisioning_ticket)
    # Nadia (supervisor): active Monday, amendment to Monday + Friday awaiting signatures.
    start = _monday(today, -30)
    with as_of(start - dt.timedelta(days=10)):
        b = request(supervisor, start, [0])
        services.agreement_approve(agreement=b, actor=hr)
        services.agreement_validate(agreement=b, actor=hr)
        _checklist(b, hr)
        _sign(b, supervisor, hr)
    with as_of(start):
        services.agreement_activate(agreement=b, actor=None)
    services.agreement_amend(
        agreement=b,
        actor=supervisor,
        effective_from=_monday(today, 2),
        weekdays=[0, 4],
        change_note="Ajout du vendredi après la réorganisation du planning.",
    )
    monday = _monday(today, 1)
    # Requests at each step.
    request(by_name["Petit"], monday, [0, 2])
    c = request(by_name["Roux"], monday, [4])
    services.agreement_approve(agreement=c, actor=supervisor)
    d = request(by_name["Haddad"], monday, [1, 2])
    services.agreement_approve(agreement=d, actor=supervisor)
    services.agreement_validate(agreement=d, actor=hr)
    version = services.pending_version(d)
    assert version is not None
    services.agreement_sign(
        agreement=d, actor=by_name["Haddad"], version_number=1, text_hash_seen=version.text_hash
    )
    e = request(by_name["Fournier"], _monday(today, 2), [0, 3])
    services.agreement_approve(agreement=e, actor=supervisor)
    services.agreement_validate(agreement=e, actor=hr)
    _checklist(e, hr, all_items=False)
    _sign(e, by_name["Fournier"], hr)
    f = request(by_name["Girard"], monday, [0, 1])
    services.agreement_refuse(
        agreement=f,
        actor=supervisor,
        reason="Planning du service trop tendu en décembre ; à revoir en janvier.",
    )
    g = request(by_name["Fontaine"], monday, [2])
    services.agreement_withdraw(agreement=g, actor=by_name["Fontaine"])
    # Chloé: ended during adaptation, with notice.
    start = _monday(today, -12)
    with as_of(start - dt.timedelta(days=7)):
        h = request(by_name["Bonnet"], start, [2, 4])
        services.agreement_approve(agreement=h, actor=supervisor)
        services.agreement_validate(agreement=h, actor=hr)
        _checklist(h, hr)
        _sign(h, by_name["Bonnet"], hr)
    with as_of(start):
        services.agreement_activate(agreement=h, actor=None)
    with as_of(start + dt.timedelta(days=21)):
        back = services.earliest_return(h)
        assert back is not None
        services.agreement_end(
            agreement=h,
            actor=by_name["Bonnet"],
            return_to_office_on=back,
            reason="Trop isolée à la maison.",
        )
    with as_of(back + dt.timedelta(days=1)):
        services.agreements_end_due()
    # Mehdi: occasional telework, with a declaration for last month awaiting approval.
    start = _monday(today, -10)
    with as_of(start - dt.timedelta(days=7)):
        m = request(by_name["Lambert"], start, [], kind="occasional", days_per_month=4)
        services.agreement_approve(agreement=m, actor=supervisor)
        services.agreement_validate(agreement=m, actor=hr)
        _checklist(m, hr)
        _sign(m, by_name["Lambert"], hr)
    with as_of(start):
        services.agreement_activate(agreement=m, actor=None)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    from .dates import WorkCalendar, days_in, month_end

    cal = WorkCalendar()
    workdays = [
        d for d in days_in(max(last_month, start), month_end(last_month)) if cal.is_working_day(d)
    ]
    if workdays:
        services.declaration_submit(
            employee=by_name["Lambert"],
            actor=by_name["Lambert"],
            month=last_month,
            days=workdays[:: max(1, len(workdays) // 3)][:3],
        )
    # A past continuity activation (snow storm): the service desk worked from home 3 days.
    storm = _monday(today, -5) + dt.timedelta(days=1)
    with as_of(storm):
        activation = services.continuity_activate(
            actor=hr,
            reason_kind=ContinuityActivation.Reason.FORCE_MAJEURE,
            reason="Épisode neigeux : accès au site impossible.",
            starts_on=storm,
            ends_on=storm + dt.timedelta(days=2),
            team=teams["Service client"],
        )
    with as_of(storm + dt.timedelta(days=3)):
        services.agreements_end_due()
    # The reserve pool.
    services.reserve_member_save(
        actor=hr,
        full_name="Sandrine Morel",
        category="former_agent",
        email="sandrine.morel@example.fr",
        phone="06 12 34 56 78",
        skills=["facturation", "réclamations"],
        languages=["français", "anglais"],
        consent=True,
        consent_note="Formulaire signé au départ, 2024-06-28",
        last_training_on=dt.date(2025, 3, 12),
    )
    services.reserve_member_save(
        actor=hr,
        full_name=str(users["sales"]),
        user=users["sales"],
        category="experienced",
        home_team=teams["Ventes"],
        skills=["offres fibre", "fidélisation"],
        languages=["français", "espagnol"],
        last_training_on=dt.date(2025, 9, 1),
    )
    volunteer = services.reserve_member_save(
        actor=hr,
        full_name=str(users["marketing"]),
        user=users["marketing"],
        category="volunteer",
        home_team=teams["Marketing"],
        skills=["réseaux sociaux"],
        languages=["français", "anglais", "italien"],
        availability="limited",
        availability_note="Mardis et jeudis seulement",
    )
    callup = services.callup_create(
        member=volunteer,
        actor=supervisor,
        needed_from=today,
        needed_until=today + dt.timedelta(days=2),
        reason="Pic d'appels après la panne réseau",
    )
    services.callup_answer(
        callup=callup, actor=supervisor, answer="accepted", note="Disponible mardi"
    )
    services.allowance_refresh(month=today)
    services.allowance_refresh(month=last_month)
    ctx.log(
        f"telework: 1 policy, {Agreement.objects.count()} agreements, "
        f"{Asset.objects.count()} assets, "
        f"{activation.employee_count} people in the past activation"
    )
