"""Rows of a realistic customer record, built in memory without touching a database.

Everything here is pure Python and deterministic for a given `CrmPlan` (seeded
`random.Random` instances, string seeds, a fixed time window), so the same plan gives
byte-identical rows on every machine with the same Faker version. Faker is used only for
its bundled vocabularies (French and British names, job titles), never for its random
generator. `bench.loader` writes the rows (COPY on PostgreSQL, bulk_create elsewhere).

Ids are explicit and start at 1 in every table, so rows can reference each other without
a round trip; the generator empties the tables first and resets the sequences afterwards.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from faker.providers.job.en_US import Provider as EnglishJobs
from faker.providers.job.fr_FR import Provider as FrenchJobs
from faker.providers.person.en_GB import Provider as BritishNames
from faker.providers.person.fr_FR import Provider as FrenchNames
from stdnum import luhn

from crm import timeline
from crm.search import (
    contact_search_name,
    contact_search_text,
    organisation_search_text,
)

# A fixed window, not "now": the same seed must give the same rows next year too.
WINDOW_END = datetime(2025, 10, 1, tzinfo=UTC)
WINDOW_DAYS = 3 * 365
WINDOW_START = WINDOW_END - timedelta(days=WINDOW_DAYS)
_WINDOW_SECONDS = WINDOW_DAYS * 86_400

ORGANISATION_ATTACH_RATE = 0.70
FRENCH_RATE = 0.75
# Other contacts' activity counts follow a heavy-tailed law, capped well below the heavy
# contact so that it stays the one outlier the benchmark is about.
_SPREAD_WEIGHT_CAP = 40.0

Row = tuple[Any, ...]


@dataclass(frozen=True)
class CrmPlan:
    organisations: int = 20_000
    contacts: int = 100_000
    activities: int = 2_000_000
    heavy_contact_activities: int = 50_000
    seed: int = 42

    def __post_init__(self) -> None:
        if self.organisations < 1 or self.contacts < 2:
            raise ValueError("Need at least 1 organisation and 2 contacts.")
        if self.heavy_contact_activities < 1:
            raise ValueError("The heavy contact needs at least one activity.")
        if self.spread_activities < 0:
            minimum = self.organisations + self.contacts - 1 + self.heavy_contact_activities
            raise ValueError(
                f"--activities must be at least {minimum}: one row per organisation and per "
                "contact (their creation), plus the heavy contact's history."
            )

    @property
    def heavy_contact_id(self) -> int:
        return self.contacts // 2 + 1

    @property
    def spread_activities(self) -> int:
        """Activities left once every organisation and contact has its creation row and
        the heavy contact its whole history; spread over the other contacts."""
        return (
            self.activities
            - self.organisations
            - self.contacts
            - (self.heavy_contact_activities - 1)
        )

    def rng(self, purpose: str) -> random.Random:
        # String seeds are hashed with SHA-512 by `random`: stable across processes.
        return random.Random(f"relais-bench:{self.seed}:{purpose}")


@dataclass
class Table:
    """Rows for one model, as tuples in the order of `columns` (field attnames)."""

    model: str
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class SourceTypes:
    """ContentType ids of the models timeline rows point to."""

    organisation: int
    contact: int
    note: int
    call: int
    consent: int


@dataclass
class OrganisationsBuild:
    organisations: Table
    organisation_tags: Table
    names: list[str]
    domains: list[str]
    created_at: list[datetime]


@dataclass
class ContactsBuild:
    tags: Table
    contacts: Table
    emails: Table
    phones: Table
    external_ids: Table
    contact_tags: Table
    # Per contact (index = id - 1): what the timeline rows need.
    organisation_ids: list[int | None]
    created_seconds: list[int]
    mobiles: list[str]
    french: list[bool]

    def tables(self) -> list[Table]:
        return [
            self.tags,
            self.contacts,
            self.emails,
            self.phones,
            self.external_ids,
            self.contact_tags,
        ]


# --- Vocabulary -------------------------------------------------------------------------
FRENCH_LAST_NAMES: tuple[str, ...] = tuple(FrenchNames.last_names)
BRITISH_LAST_NAMES: tuple[str, ...] = tuple(BritishNames.last_names)
FRENCH_FIRST_NAMES_F: tuple[str, ...] = tuple(FrenchNames.first_names_female)
FRENCH_FIRST_NAMES_M: tuple[str, ...] = tuple(FrenchNames.first_names_male)
BRITISH_FIRST_NAMES_F: tuple[str, ...] = tuple(BritishNames.first_names_female)
BRITISH_FIRST_NAMES_M: tuple[str, ...] = tuple(BritishNames.first_names_male)
FRENCH_JOBS: tuple[str, ...] = tuple(job[:100] for job in FrenchJobs.jobs)
ENGLISH_JOBS: tuple[str, ...] = tuple(job[:100] for job in EnglishJobs.jobs)

# Faker lists surnames from most to least common: weight them so that "Martin" is
# frequent and the tail rare, as in a real customer base.
_FRENCH_LAST_WEIGHTS = [1 / (rank + 10) for rank in range(len(FRENCH_LAST_NAMES))]
_BRITISH_LAST_WEIGHTS = [float(w) for w in BritishNames.last_names.values()]

FRENCH_CITIES = [
    ("Paris", "75", "Île-de-France"), ("Lyon", "69", "Auvergne-Rhône-Alpes"),
    ("Marseille", "13", "Provence-Alpes-Côte d'Azur"), ("Toulouse", "31", "Occitanie"),
    ("Nice", "06", "Provence-Alpes-Côte d'Azur"), ("Nantes", "44", "Pays de la Loire"),
    ("Strasbourg", "67", "Grand Est"), ("Montpellier", "34", "Occitanie"),
    ("Bordeaux", "33", "Nouvelle-Aquitaine"), ("Lille", "59", "Hauts-de-France"),
    ("Rennes", "35", "Bretagne"), ("Reims", "51", "Grand Est"),
    ("Saint-Étienne", "42", "Auvergne-Rhône-Alpes"), ("Le Havre", "76", "Normandie"),
    ("Grenoble", "38", "Auvergne-Rhône-Alpes"), ("Dijon", "21", "Bourgogne-Franche-Comté"),
    ("Angers", "49", "Pays de la Loire"), ("Nîmes", "30", "Occitanie"),
    ("Orléans", "45", "Centre-Val de Loire"), ("Besançon", "25", "Bourgogne-Franche-Comté"),
    ("Clermont-Ferrand", "63", "Auvergne-Rhône-Alpes"), ("Brest", "29", "Bretagne"),
    ("Limoges", "87", "Nouvelle-Aquitaine"), ("Tours", "37", "Centre-Val de Loire"),
    ("Amiens", "80", "Hauts-de-France"), ("Perpignan", "66", "Occitanie"),
    ("Metz", "57", "Grand Est"), ("Béziers", "34", "Occitanie"),
    ("Évry-Courcouronnes", "91", "Île-de-France"), ("Créteil", "94", "Île-de-France"),
]  # fmt: skip
BRITISH_CITIES = [
    ("London", "EC1A", "England"), ("Manchester", "M1", "England"),
    ("Birmingham", "B1", "England"), ("Leeds", "LS1", "England"),
    ("Glasgow", "G1", "Scotland"), ("Edinburgh", "EH1", "Scotland"),
    ("Bristol", "BS1", "England"), ("Cardiff", "CF10", "Wales"),
]  # fmt: skip
FRENCH_STREETS = ["rue de la République", "avenue Jean-Jaurès", "boulevard Victor-Hugo",
                  "rue Pasteur", "place de l'Église", "rue des Écoles", "allée des Tilleuls",
                  "chemin du Moulin", "rue Émile-Zola", "quai de la Loire"]  # fmt: skip
BRITISH_STREETS = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"]
FRENCH_COMPANY_FORMS = ["{a} SA", "{a} SARL", "{a} SAS", "{a} et Fils", "{a} & Associés",
                        "Groupe {a}", "{a} Conseil", "{a} Services", "{a} et {b}",
                        "Établissements {a}", "{a} Distribution", "{a} Énergies"]  # fmt: skip
BRITISH_COMPANY_FORMS = ["{a} Ltd", "{a} & Sons", "{a} plc", "{a} Group", "{a} and {b}",
                         "{a} Holdings", "{a} Consulting"]  # fmt: skip
SECTORS_FR = ["Assurance", "Banque", "Énergie", "Télécoms", "Distribution", "Santé",
              "Transport", "Immobilier", "Industrie", "Tourisme", "Administration"]  # fmt: skip
SECTORS_EN = ["Insurance", "Banking", "Energy", "Telecoms", "Retail", "Health", "Transport"]
ORGANISATION_SIZES = ["micro", "small", "medium", "large", "huge"]
FREE_MAIL_DOMAINS_FR = ["orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr",
                        "hotmail.fr", "yahoo.fr", "outlook.fr", "wanadoo.fr"]  # fmt: skip
FREE_MAIL_DOMAINS_EN = ["gmail.com", "outlook.com", "btinternet.com", "yahoo.co.uk"]
CONTACT_TAGS = ["fidèle", "nouveau", "sensible", "premium", "b2b", "résiliation",
                "prospect", "réclamation", "vip-historique"]  # fmt: skip
ORGANISATION_TAGS = ["grand compte", "pme", "secteur public", "partenaire"]
# One tag table for both; a tag's id is its position here plus one.
TAGS = CONTACT_TAGS + ORGANISATION_TAGS

NOTES_FR = [
    "Client satisfait du dernier échange, souhaite être rappelé le matin.",
    "A signalé un retard de livraison ; geste commercial proposé.",
    "Intéressé par l'offre fibre pour son agence de Lyon.",
    "Demande une copie de sa facture de mars.",
    "Préfère être contacté par e-mail, pas de démarchage téléphonique.",
    "Changement d'adresse à prévoir au 1er du mois prochain.",
    "Réclamation sur la dernière échéance : dossier transmis au service facturation.",
    "Rappel programmé avec le conseiller habituel, créneau de 14 h à 16 h.",
]
NOTES_EN = [
    "Happy with the last call, prefers morning callbacks.",
    "Reported a late delivery; offered a goodwill credit.",
    "Asked for a copy of the March invoice.",
    "Moving office next month; update the billing address then.",
]
CALL_TOPICS = ["Facturation", "Livraison", "Résiliation", "Offre fibre", "Réclamation",
               "Déménagement", "Billing", "Delivery"]  # fmt: skip
CALL_OUTCOMES = ["answered", "no_answer", "voicemail", "busy", "abandoned"]
_CALL_OUTCOME_WEIGHTS = [70, 10, 10, 4, 6]
_OUTCOME_FR = {"answered": "répondu", "no_answer": "sans réponse", "voicemail": "messagerie",
               "busy": "occupé", "abandoned": "abandonné par l'appelant"}  # fmt: skip
CONSENT_CHANNELS = ["email", "phone", "sms", "post"]
CONSENT_SOURCES = ["formulaire web", "appel", "salon", "courrier", "espace client"]
_CHANNEL_FR = {"email": "e-mail", "phone": "téléphone", "sms": "SMS", "post": "courrier"}
IMPORT_FILES = ["contacts-2023-01.csv", "salon-vivatech-2024.csv", "crm-legacy-export.csv"]

# Timeline kinds of the rows spread over contacts (creation rows are written apart).
_SPREAD_KINDS = [timeline.CALL, timeline.NOTE, timeline.CONSENT, timeline.IMPORTED,
                 timeline.MERGED]  # fmt: skip
_SPREAD_KIND_WEIGHTS = [45, 38, 12, 4, 1]


# --- Helpers ----------------------------------------------------------------------------
def _ascii_slug(text: str, separator: str = "") -> str:
    """ "Lefèvre-Dupré" -> "lefevredupre": safe in an email local part or a domain."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = (ch for ch in decomposed if not unicodedata.combining(ch))
    kept = (ch if ch.isascii() and ch.isalnum() else " " for ch in bare)
    return separator.join("".join(kept).split())


def _siren(index: int) -> str:
    """A valid, unique SIREN (Luhn check digit) for the organisation at `index`."""
    # 7919 is prime, hence coprime with 9e7: the body is unique for every index.
    body = f"{10_000_000 + (index * 7919) % 90_000_000:08d}"
    return body + luhn.calc_check_digit(body)


def _french_mobile(index: int) -> str:
    """+336 and 8 digits, unique per index (48271 is coprime with 10**8)."""
    return f"+336{(index * 48271 + 12_345_678) % 100_000_000:08d}"


def _french_landline(index: int) -> str:
    return f"+331{(index * 69621 + 40_000_000) % 100_000_000:08d}"


def _moment(seconds: int) -> datetime:
    return WINDOW_START + timedelta(seconds=seconds)


# --- Organisations ----------------------------------------------------------------------
ORGANISATION_COLUMNS = (
    "id", "name", "legal_id", "sector", "size", "website", "owner_id", "address_line1",
    "address_line2", "postal_code", "city", "region", "country", "search_text",
    "created_at", "updated_at",
)  # fmt: skip


def build_organisations(plan: CrmPlan, *, staff_ids: Sequence[int]) -> OrganisationsBuild:
    rng = plan.rng("organisations")
    organisations = Table("crm.Organisation", ORGANISATION_COLUMNS)
    organisation_tags = Table("crm.Organisation_tags", ("id", "organisation_id", "tag_id"))
    names: list[str] = []
    domains: list[str] = []
    created: list[datetime] = []
    for index in range(plan.organisations):
        pk = index + 1
        french = rng.random() < FRENCH_RATE
        if french:
            first, second = rng.choices(FRENCH_LAST_NAMES, _FRENCH_LAST_WEIGHTS, k=2)
            name = rng.choice(FRENCH_COMPANY_FORMS).format(a=first, b=second)
            city, postcode_prefix, region = rng.choice(FRENCH_CITIES)
            postal_code = f"{postcode_prefix}{rng.randrange(1000):03d}"
            legal_id = _siren(index) if rng.random() < 0.9 else ""
            sector = rng.choice(SECTORS_FR)
            street = f"{rng.randint(1, 180)} {rng.choice(FRENCH_STREETS)}"
            country, tld = "FR", "fr"
        else:
            first, second = rng.choices(BRITISH_LAST_NAMES, _BRITISH_LAST_WEIGHTS, k=2)
            name = rng.choice(BRITISH_COMPANY_FORMS).format(a=first, b=second)
            city, postal_code, region = rng.choice(BRITISH_CITIES)
            postal_code = f"{postal_code} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}X"
            legal_id = ""
            sector = rng.choice(SECTORS_EN)
            street = f"{rng.randint(1, 180)} {rng.choice(BRITISH_STREETS)}"
            country, tld = "GB", "co.uk"
        created_at = _moment(rng.randrange(_WINDOW_SECONDS // 2))
        domain = f"{_ascii_slug(name, '-')}.{tld}"
        organisations.rows.append(
            (
                pk, name, legal_id, sector, rng.choice(ORGANISATION_SIZES),
                f"https://www.{domain}",
                rng.choice(staff_ids) if staff_ids and rng.random() < 0.6 else None,
                street, "", postal_code, city, region, country,
                organisation_search_text(name=name, legal_id=legal_id, city=city, sector=sector),
                created_at, created_at,
            )
        )  # fmt: skip
        names.append(name)
        domains.append(domain)
        created.append(created_at)
        if rng.random() < 0.2:
            tag_id = TAGS.index(rng.choice(ORGANISATION_TAGS)) + 1
            organisation_tags.rows.append((len(organisation_tags) + 1, pk, tag_id))
    return OrganisationsBuild(organisations, organisation_tags, names, domains, created)


# --- Contacts ---------------------------------------------------------------------------
CONTACT_COLUMNS = (
    "id", "title", "first_name", "last_name", "organisation_id", "job_title",
    "preferred_language", "preferred_channel", "owner_id", "is_vip", "merged_into_id",
    "erased_at", "search_text", "search_name", "address_line1", "address_line2",
    "postal_code", "city", "region", "country", "created_at", "updated_at",
)  # fmt: skip


def build_contacts(
    plan: CrmPlan, organisations: OrganisationsBuild, *, staff_ids: Sequence[int]
) -> ContactsBuild:
    rng = plan.rng("contacts")
    tags = Table("crm.Tag", ("id", "name"), [(i + 1, name) for i, name in enumerate(TAGS)])
    contacts = Table("crm.Contact", CONTACT_COLUMNS)
    emails = Table("crm.ContactEmail", ("id", "contact_id", "email", "label", "is_primary"))
    phones = Table("crm.ContactPhone", ("id", "contact_id", "number", "kind", "is_primary"))
    external_ids = Table("crm.ExternalId", ("id", "contact_id", "system", "value"))
    contact_tags = Table("crm.Contact_tags", ("id", "contact_id", "tag_id"))
    build = ContactsBuild(
        tags, contacts, emails, phones, external_ids, contact_tags, [], [], [], []
    )
    # Contacts join over the window's first 2.5 years; their history runs to its end.
    joined_span = _WINDOW_SECONDS * 5 // 6
    for index in range(plan.contacts):
        pk = index + 1
        heavy = pk == plan.heavy_contact_id
        french = rng.random() < FRENCH_RATE
        female = rng.random() < 0.5
        if french:
            last_name = rng.choices(FRENCH_LAST_NAMES, _FRENCH_LAST_WEIGHTS)[0]
            if rng.random() < 0.05:  # compound surnames: "Martin-Dubois"
                last_name += "-" + rng.choices(FRENCH_LAST_NAMES, _FRENCH_LAST_WEIGHTS)[0]
            first_name = rng.choice(FRENCH_FIRST_NAMES_F if female else FRENCH_FIRST_NAMES_M)
            job_title = rng.choice(FRENCH_JOBS) if rng.random() < 0.6 else ""
            city, postcode_prefix, region = rng.choice(FRENCH_CITIES)
            postal_code = f"{postcode_prefix}{rng.randrange(1000):03d}"
            street = f"{rng.randint(1, 180)} {rng.choice(FRENCH_STREETS)}"
            country = "FR"
        else:
            last_name = rng.choices(BRITISH_LAST_NAMES, _BRITISH_LAST_WEIGHTS)[0]
            first_name = rng.choice(BRITISH_FIRST_NAMES_F if female else BRITISH_FIRST_NAMES_M)
            job_title = rng.choice(ENGLISH_JOBS) if rng.random() < 0.6 else ""
            city, postal_code, region = rng.choice(BRITISH_CITIES)
            postal_code = f"{postal_code} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}X"
            street = f"{rng.randint(1, 180)} {rng.choice(BRITISH_STREETS)}"
            country = "GB"
        organisation_id: int | None = None
        organisation_name: str | None = None
        if heavy or rng.random() < ORGANISATION_ATTACH_RATE:
            organisation_id = rng.randrange(plan.organisations) + 1
            organisation_name = organisations.names[organisation_id - 1]
        created_seconds = 0 if heavy else rng.randrange(joined_span)
        created_at = _moment(created_seconds)

        local = f"{_ascii_slug(first_name)}.{_ascii_slug(last_name)}"
        if organisation_id is not None:
            domain = organisations.domains[organisation_id - 1]
        else:
            domain = rng.choice(FREE_MAIL_DOMAINS_FR if french else FREE_MAIL_DOMAINS_EN)
        # The id keeps addresses unique, as the duplicate check would in real life.
        contact_emails = [f"{local}{pk}@{domain}"]
        if rng.random() < 0.15:
            free_domain = rng.choice(FREE_MAIL_DOMAINS_FR if french else FREE_MAIL_DOMAINS_EN)
            contact_emails.append(f"{_ascii_slug(first_name)}{pk}@{free_domain}")
        for position, email in enumerate(contact_emails):
            label = "" if position == 0 else "perso"
            emails.rows.append((len(emails) + 1, pk, email, label, position == 0))

        mobile = _french_mobile(index)
        phones.rows.append((len(phones) + 1, pk, mobile, "mobile", True))
        if rng.random() < 0.1:
            phones.rows.append((len(phones) + 1, pk, _french_landline(index), "landline", False))

        contact_external_ids: list[str] = []
        if rng.random() < 0.6:
            contact_external_ids.append(f"C{1_000_000 + pk}")
            external_ids.rows.append((len(external_ids) + 1, pk, "erp", contact_external_ids[-1]))
        if rng.random() < 0.1:
            contact_external_ids.append(f"FAC-{pk:07d}")
            external_ids.rows.append(
                (len(external_ids) + 1, pk, "billing", contact_external_ids[-1])
            )

        for tag_id in sorted(
            rng.sample(range(1, len(CONTACT_TAGS) + 1), k=rng.choice((0, 0, 1, 2)))
        ):
            contact_tags.rows.append((len(contact_tags) + 1, pk, tag_id))

        contacts.rows.append(
            (
                pk,
                ("mrs" if female else "mr") if rng.random() < 0.9 else "",
                first_name, last_name, organisation_id, job_title,
                "fr" if french else "en",
                rng.choices(("email", "phone", "sms", "post"), (50, 35, 10, 5))[0],
                rng.choice(staff_ids) if staff_ids and rng.random() < 0.3 else None,
                rng.random() < 0.02, None, None,
                contact_search_text(
                    first_name=first_name, last_name=last_name, job_title=job_title,
                    organisation_name=organisation_name, emails=contact_emails,
                    external_ids=contact_external_ids,
                ),
                contact_search_name(first_name=first_name, last_name=last_name),
                street, "", postal_code, city, region, country, created_at, created_at,
            )
        )  # fmt: skip
        build.organisation_ids.append(organisation_id)
        build.created_seconds.append(created_seconds)
        build.mobiles.append(mobile)
        build.french.append(french)
    return build


# --- Timeline (and the notes, calls and consents its rows point to) --------------------
ACTIVITY_COLUMNS = (
    "id", "contact_id", "organisation_id", "kind", "occurred_at", "actor_id", "summary",
    "source_type_id", "source_id",
)  # fmt: skip
NOTE_COLUMNS = ("id", "contact_id", "author_id", "body", "created_at")
CALL_COLUMNS = (
    "id", "contact_id", "agent_id", "direction", "number", "started_at", "duration_seconds",
    "talk_seconds", "hold_seconds", "after_call_seconds", "outcome", "topic", "created_at",
)  # fmt: skip
CONSENT_COLUMNS = (
    "id", "contact_id", "channel", "status", "recorded_at", "source", "proof",
    "recorded_by_id",
)  # fmt: skip


def _timeline_events(
    plan: CrmPlan, contacts: ContactsBuild, rng: random.Random
) -> Iterator[tuple[int | None, str, int]]:
    """(contact index or None for an organisation row, kind, seconds into the window)."""
    for index in range(plan.organisations):
        yield None, timeline.ORGANISATION_CREATED, index
    for index in range(plan.contacts):
        yield index, timeline.CONTACT_CREATED, contacts.created_seconds[index]
    heavy_index = plan.heavy_contact_id - 1

    def later_than(index: int) -> int:
        start = contacts.created_seconds[index]
        return start + int(rng.random() * (_WINDOW_SECONDS - start))

    weights = [min(rng.paretovariate(1.3), _SPREAD_WEIGHT_CAP) for _ in range(plan.contacts)]
    weights[heavy_index] = 0.0
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def everyone_else() -> Iterator[tuple[int, str]]:
        population = range(plan.contacts)
        left = plan.spread_activities
        while left:
            chunk = min(left, 50_000)
            chosen = rng.choices(population, cum_weights=cumulative, k=chunk)
            kinds = rng.choices(_SPREAD_KINDS, _SPREAD_KIND_WEIGHTS, k=chunk)
            yield from zip(chosen, kinds, strict=True)
            left -= chunk

    # The heavy contact's rows are interleaved with everyone else's, as years of appends
    # leave them on disk, rather than written (and stored) together.
    heavy_rows = plan.heavy_contact_activities - 1
    slots = heavy_rows + plan.spread_activities
    heavy_slots = set(rng.sample(range(slots), heavy_rows))
    others = everyone_else()
    for slot in range(slots):
        if slot in heavy_slots:
            kind = rng.choices(_SPREAD_KINDS, _SPREAD_KIND_WEIGHTS)[0]
            yield heavy_index, kind, later_than(heavy_index)
        else:
            index, kind = next(others)
            yield index, kind, later_than(index)


def iter_timeline_batches(
    plan: CrmPlan,
    organisations: OrganisationsBuild,
    contacts: ContactsBuild,
    *,
    staff_ids: Sequence[int],
    source_types: SourceTypes,
    batch_size: int = 100_000,
) -> Iterator[list[Table]]:
    """Timeline rows with the notes, calls and consents they record, in batches of about
    `batch_size` timeline rows (one Table per model per batch).

    Organisation rows are denormalised from the contact, as crm.services.activity_record
    does; call, note and consent rows are linked through source_type/source_id.
    """
    rng = plan.rng("timeline")
    next_id = {"activity": 1, "note": 1, "call": 1, "consent": 1}

    def new_batch() -> list[Table]:
        return [
            Table("crm.Activity", ACTIVITY_COLUMNS),
            Table("crm.Note", NOTE_COLUMNS),
            Table("crm.Call", CALL_COLUMNS),
            Table("crm.Consent", CONSENT_COLUMNS),
        ]

    batch = new_batch()
    activities, notes, calls, consents = (table.rows for table in batch)
    for contact_index, kind, seconds in _timeline_events(plan, contacts, rng):
        when = _moment(seconds)
        actor = rng.choice(staff_ids) if staff_ids and rng.random() < 0.85 else None
        source_type: int | None = None
        source_id: int | None = None
        if contact_index is None:
            organisation_id = seconds + 1  # organisation rows carry their index
            when = organisations.created_at[seconds]
            contact_id = None
            summary = "Organisation créée"
            source_type, source_id = source_types.organisation, organisation_id
        else:
            contact_id = contact_index + 1
            organisation_id = contacts.organisation_ids[contact_index]
            french = contacts.french[contact_index]
            if kind == timeline.CONTACT_CREATED:
                summary = "Contact créé"
                source_type, source_id = source_types.contact, contact_id
            elif kind == timeline.CALL:
                source_id = next_id["call"]
                next_id["call"] += 1
                source_type = source_types.call
                summary = _call_row(calls, rng, source_id, contact_id, actor, when, contacts)
            elif kind == timeline.NOTE:
                source_id = next_id["note"]
                next_id["note"] += 1
                source_type = source_types.note
                body = rng.choice(NOTES_FR if french else NOTES_EN)
                notes.append((source_id, contact_id, actor, body, when))
                summary = body
            elif kind == timeline.CONSENT:
                source_id = next_id["consent"]
                next_id["consent"] += 1
                source_type = source_types.consent
                channel = rng.choice(CONSENT_CHANNELS)
                status = "given" if rng.random() < 0.8 else "withdrawn"
                source = rng.choice(CONSENT_SOURCES)
                consents.append(
                    (source_id, contact_id, channel, status, when, source,
                     "J'accepte d'être contacté(e) pour les offres Relais.", actor)
                )  # fmt: skip
                summary = (
                    f"Consentement {_CHANNEL_FR[channel]} "
                    f"{'donné' if status == 'given' else 'retiré'} ({source})"
                )
            elif kind == timeline.IMPORTED:
                summary = f"Importé depuis {rng.choice(IMPORT_FILES)}"
            else:
                summary = f"Doublon #{rng.randrange(1, plan.contacts + 1)} fusionné dans ce contact"
        activities.append(
            (next_id["activity"], contact_id, organisation_id, kind, when, actor, summary,
             source_type, source_id)
        )  # fmt: skip
        next_id["activity"] += 1
        if len(activities) >= batch_size:
            yield batch
            batch = new_batch()
            activities, notes, calls, consents = (table.rows for table in batch)
    if activities:
        yield batch


def _call_row(
    calls: list[Row],
    rng: random.Random,
    pk: int,
    contact_id: int,
    agent_id: int | None,
    when: datetime,
    contacts: ContactsBuild,
) -> str:
    duration = max(15, min(3600, int(rng.lognormvariate(5.3, 0.7))))
    talk = int(duration * rng.uniform(0.6, 0.95))
    hold = min(duration - talk, rng.randint(0, 60))
    outcome = rng.choices(CALL_OUTCOMES, _CALL_OUTCOME_WEIGHTS)[0]
    inbound = rng.random() < 0.7
    topic = rng.choice(CALL_TOPICS)
    calls.append(
        (pk, contact_id, agent_id, "inbound" if inbound else "outbound",
         contacts.mobiles[contact_id - 1], when, duration, talk, hold, rng.randint(10, 120),
         outcome, topic, when)
    )  # fmt: skip
    minutes, seconds = divmod(duration, 60)
    direction = "Appel entrant" if inbound else "Appel sortant"
    return f"{direction}, {minutes} min {seconds:02d} s, {_OUTCOME_FR[outcome]} · {topic}"
