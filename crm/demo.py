"""Demo customers: a few hundred French and English organisations and contacts with
phones, consents, notes and calls, all written through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from faker import Faker

from accounts.demo import DemoContext

from . import services, timeline
from .models import Activity, Call, Channel, Consent, Contact, Organisation
from .search import normalise

ORGANISATIONS = 120
CONTACTS = 360
SECTORS_FR = ["Assurance", "Banque", "Énergie", "Télécoms", "Distribution", "Santé", "Transport",
              "Immobilier", "Industrie", "Tourisme"]  # fmt: skip
SECTORS_EN = ["Insurance", "Banking", "Energy", "Telecoms", "Retail", "Health", "Transport"]
NOTES_FR = [
    "Client satisfait du dernier échange, souhaite être rappelé le matin.",
    "A signalé un retard de livraison ; geste commercial proposé.",
    "Intéressé par l'offre fibre pour son agence de Lyon.",
    "Demande une copie de sa facture de mars.",
    "Préfère être contacté par e-mail, pas de démarchage téléphonique.",
]
NOTES_EN = [
    "Happy with the last call, prefers morning callbacks.",
    "Reported a late delivery; offered a goodwill credit.",
    "Asked for a copy of the March invoice.",
]
TOPICS = ["Facturation", "Livraison", "Résiliation", "Offre fibre", "Réclamation", "Billing",
          "Delivery"]  # fmt: skip


def _siren(fake: Faker) -> str:
    # Faker's fr_FR siren() has a valid Luhn check digit; compact it.
    return fake.siren().replace(" ", "")


def seed_customers(ctx: DemoContext) -> None:
    if Organisation.objects.exists():
        ctx.log("customers already present")
        return
    rng = ctx.rng
    fake_fr, fake_en = Faker("fr_FR"), Faker("en_GB")
    fake_fr.seed_instance(rng.randint(0, 10**9))
    fake_en.seed_instance(rng.randint(0, 10**9))
    agents = ctx.registry.get("agents") or []
    owners = agents or [None]
    organisations = []
    for i in range(ORGANISATIONS):
        french = i % 4 != 3
        fake = fake_fr if french else fake_en
        organisations.append(
            services.organisation_create(
                actor=None,
                name=fake.company(),
                legal_id=_siren(fake_fr) if french else "",
                sector=rng.choice(SECTORS_FR if french else SECTORS_EN),
                size=rng.choice([s.value for s in Organisation.Size]),
                website=f"https://www.{fake.domain_name()}",
                city=fake.city(),
                postal_code=fake.postcode(),
                address_line1=fake.street_address(),
                country="FR" if french else "GB",
                owner=rng.choice(owners),
                tags=rng.sample(["grand compte", "pme", "secteur public", "partenaire"], k=1),
            )
        )
    now = timezone.now()
    for n, organisation in enumerate(organisations):  # before their contacts (below)
        since = now - timedelta(days=900 + (n * 13) % 100)
        Organisation.objects.filter(pk=organisation.pk).update(created_at=since)
        Activity.objects.filter(
            organisation=organisation, contact=None, kind=timeline.ORGANISATION_CREATED
        ).update(occurred_at=since)
    created = 0
    for i in range(CONTACTS):
        french = i % 4 != 3
        fake = fake_fr if french else fake_en
        first, last = fake.first_name(), fake.last_name()
        organisation = rng.choice(organisations) if rng.random() < 0.7 else None
        domain = (
            organisation.website.removeprefix("https://www.") if organisation else "example.org"
        )
        local = ".".join(normalise(part).replace(" ", "") for part in (first, last))
        email = f"{local}{i}@{domain}"
        phone = (
            # Ranges that exist in the numbering plans (06 1x... and 07 7x...).
            f"+3361{rng.randint(1_000_000, 9_999_999)}"
            if french
            else f"+4477{rng.randint(10_000_000, 99_999_999)}"
        )
        contact = services.contact_create(
            actor=None,
            first_name=first,
            last_name=last,
            title=rng.choice([t.value for t in Contact.Title]),
            organisation=organisation,
            job_title=fake.job()[:100],
            preferred_language="fr" if french else "en",
            preferred_channel=rng.choice([c.value for c in Channel]),
            emails=[email],
            phones=[phone],
            city=fake.city(),
            postal_code=fake.postcode(),
            country="FR" if french else "GB",
            is_vip=rng.random() < 0.05,
            owner=rng.choice(owners),
            tags=rng.sample(
                ["fidèle", "nouveau", "sensible", "premium", "b2b"], k=rng.randint(0, 2)
            ),
            external_ids={"erp": f"C{100000 + i}"},
        )
        created += 1
        # Customers of long standing: created before anything of theirs the demo writes
        # (consents go back 700 days, calls 300, tickets 180), so that "contact created"
        # opens their timeline. Derived from `i`, not the generator: the rest of the demo
        # stays the same draw.
        since = now - timedelta(days=720 + (i * 37) % 180, minutes=(i * 101) % 1440)
        Contact.objects.filter(pk=contact.pk).update(created_at=since)
        Activity.objects.filter(contact=contact, kind=timeline.CONTACT_CREATED).update(
            occurred_at=since
        )
        if rng.random() < 0.8:
            services.consent_record(
                contact=contact, channel=Channel.EMAIL,
                status=Consent.Status.GIVEN if rng.random() < 0.8 else Consent.Status.WITHDRAWN,
                source=rng.choice(["formulaire web", "appel", "salon"]),
                proof="J'accepte de recevoir les offres par e-mail.", actor=None,
                recorded_at=now - timedelta(days=rng.randint(30, 700)),
            )  # fmt: skip
        for _ in range(rng.randint(0, 3)):
            services.note_add(
                contact=contact,
                author=rng.choice(agents) if agents else None,
                body=rng.choice(NOTES_FR if french else NOTES_EN),
            )
        for _ in range(rng.randint(0, 3)):
            duration = rng.randint(20, 900)
            talk = int(duration * rng.uniform(0.6, 0.95))
            services.call_log(
                contact=contact,
                agent=rng.choice(agents) if agents else None,
                direction=rng.choice([d.value for d in Call.Direction]),
                number=phone,
                started_at=now - timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 600)),
                duration_seconds=duration,
                talk_seconds=talk,
                hold_seconds=min(duration - talk, rng.randint(0, 60)),
                after_call_seconds=rng.randint(10, 120),
                outcome=rng.choice([o.value for o in Call.Outcome]),
                topic=rng.choice(TOPICS),
            )
    ctx.registry["organisations"] = organisations
    ctx.log(f"{len(organisations)} organisations, {created} contacts")
