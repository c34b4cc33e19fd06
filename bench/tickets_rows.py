"""Rows of a realistic service desk, built in memory without touching a database.

Pure Python and deterministic for a given `TicketsPlan` and `DeskRefs` (seeded
`random.Random` instances, string seeds, a fixed anchor moment `plan.now`): the same plan
over the same desk gives the same rows. `bench.loader` writes them (COPY on PostgreSQL,
bulk_create elsewhere); `bench.tickets_generate` creates the desk (calendar, teams,
queues, policies) through the services first and passes its ids here.

Tickets get ids in creation order; their messages are generated with them, so the ticket
counters (`message_count`, `last_message_at`, `first_response_at`) are exact. SLA due
times are computed with `tickets.sla.Schedule.add` over the desk's real calendar (opening
hours and French public holidays), exactly as `services.sla_apply` computes them, and the
warning and breach flags are those a sweep running every minute up to `plan.now` leaves.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tickets.sla import Schedule

from .crm_rows import Table

# Generation works ticket by ticket in chunks of this many tickets, each with its own
# seeded generator: the rows do not depend on how the loader batches them.
CHUNK = 20_000
DAY = 86_400
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Shares of the active backlog, and how old those tickets are (mean age, seconds). Running
# clocks (new, open) are young: their SLA targets are a few business days at most.
ACTIVE_MIX = [("new", 0.18, 1.0 * DAY), ("open", 0.47, 3.0 * DAY),
              ("pending_customer", 0.25, 15.0 * DAY),
              ("pending_third_party", 0.10, 20.0 * DAY)]  # fmt: skip
ACTIVE_MAX_AGE = 120 * DAY
PRIORITIES = [1, 2, 3, 4]
PRIORITY_WEIGHTS = [10, 60, 22, 8]
CHANNELS = ["email", "phone", "web", "chat", "social"]
CHANNEL_WEIGHTS = [45, 20, 20, 10, 5]
ASSIGNED_RATE = {"new": 0.35, "open": 0.85, "pending_customer": 0.9, "pending_third_party": 0.9}
CATEGORY_RATE = 0.85
TAG_RATE = 0.12
IT_SHARE_OF_QUEUE_WEIGHT = 0.03
FREQUENT_CONTACTS = 2_000
FREQUENT_CONTACT_RATE = 0.10

RUNNING = ("new", "open")
PENDING = ("pending_customer", "pending_third_party")
ACTIVE = RUNNING + PENDING

Row = tuple[Any, ...]

TICKET_COLUMNS = (
    "id", "subject", "queue_id", "contact_id", "requester_user_id", "organisation_id",
    "status", "priority", "channel", "category_id", "assignee_id", "team_id", "created_at",
    "updated_at", "first_response_at", "resolved_at", "closed_at", "sla_policy_id",
    "first_response_due_at", "resolution_due_at", "sla_next_due_at", "sla_paused_at",
    "sla_paused_seconds", "sla_warn_at", "sla_warned_at", "sla_breached_at",
    "reopened_count", "version", "last_message_at", "message_count",
)  # fmt: skip
MESSAGE_COLUMNS = (
    "id", "ticket_id", "kind", "direction", "author_id", "author_contact_id", "body_html",
    "body_text", "created_at",
)  # fmt: skip


@dataclass(frozen=True)
class TicketsPlan:
    tickets: int = 1_000_000
    active: int = 200_000
    messages: int = 5_000_000
    heavy_ticket_messages: int = 500
    teams: int = 10
    agents_per_team: int = 20
    years: int = 3
    seed: int = 42
    # The moment the data describes: active tickets' clocks run up to it. The command
    # defaults it to the current hour so the inbox's "breaching soon" is live.
    now: datetime = datetime(2025, 10, 1, tzinfo=UTC)
    auto_close_days: int = 7

    def __post_init__(self) -> None:
        if self.active < 1 or self.active >= self.tickets:
            raise ValueError("--active must be at least 1 and below --tickets.")
        if self.teams < 2 or self.agents_per_team < 2:
            raise ValueError("Need at least 2 teams (one is IT) of 2 agents.")
        minimum = 2 * (self.tickets - 1) + self.heavy_ticket_messages
        if self.messages < minimum:
            raise ValueError(f"--messages must be at least {minimum} for this plan.")

    def rng(self, purpose: str) -> random.Random:
        return random.Random(f"relais-bench-tickets:{self.seed}:{purpose}")

    @property
    def start(self) -> datetime:
        return self.now - timedelta(days=365 * self.years)


@dataclass(frozen=True)
class QueueRef:
    id: int
    team_id: int
    kind: str  # "service" or "it"
    weight: float
    # priority -> (policy id, first response minutes, resolution minutes, warn minutes)
    policies: dict[int, tuple[int, int, int, int]]


@dataclass
class DeskRefs:
    """What the rows point to: created by the command (or the smoke test) beforehand."""

    schedule: Schedule
    queues: list[QueueRef]
    team_agents: dict[int, list[int]]
    categories: dict[str, list[int]]  # queue kind -> category ids
    contacts: list[tuple[int, int | None]]  # (contact id, organisation id)
    staff_requesters: list[int]
    tag_ids: list[int]
    heavy_assignee_id: int


@dataclass
class Skeleton:
    """Per ticket (index = id - 1): creation time (epoch seconds), status class, number of
    messages. Decided globally so that ids follow creation order and the message total
    is exact."""

    created: list[int]
    status: list[str]  # an active status, or "done" (resolved or closed, decided later)
    counts: list[int]
    heavy_ticket_id: int
    first_message_id: list[int] = field(default_factory=list)


# --- Vocabulary -------------------------------------------------------------------------
SERVICE_SUBJECTS = [
    "Box internet en panne depuis {d}", "Plus de connexion internet", "Facture incorrecte",
    "Double prélèvement sur ma facture de {m}", "Demande de remboursement",
    "Remboursement non reçu", "Résiliation de mon abonnement", "Changement d'adresse",
    "Déménagement le {d}", "Colis non livré", "Commande {n} incomplète",
    "Produit défectueux reçu", "Retour d'un article", "Réclamation suite à mon appel",
    "Mot de passe de l'espace client oublié", "Impossible de me connecter à mon compte",
    "Modification de mon RIB", "Question sur mon contrat", "Changement d'offre",
    "Portabilité de mon numéro", "Carte SIM bloquée", "Code PUK demandé",
    "Coupure de ligne fixe", "Débit très lent le soir", "Technicien absent au rendez-vous",
    "Rendez-vous d'installation à décaler", "Échéancier de paiement",
    "Relance de paiement injustifiée", "Frais de résiliation contestés",
    "Geste commercial demandé", "Attestation de domicile", "Mise à jour de mes coordonnées",
    "Suppression de mes données personnelles", "Garantie de mon appareil",
    "Réparation en cours, pas de nouvelles", "Devis pour {n} postes",
    "Ouverture d'un compte professionnel", "Erreur sur le nom du titulaire",
    "Consommation hors forfait anormale", "Roaming à l'étranger",
]  # fmt: skip
IT_SUBJECTS = [
    "Poste de travail très lent", "Casque audio défectueux", "Accès VPN refusé",
    "Création de compte pour un nouvel arrivant", "Réinitialisation du mot de passe",
    "Imprimante du plateau {n} hors service", "Softphone ne sonne plus",
    "Demande d'un second écran", "Accès au CRM en lecture seule", "Licence logicielle",
    "Messagerie ne synchronise plus", "Badge d'accès désactivé", "Mise à jour Windows bloquée",
]  # fmt: skip
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]  # fmt: skip

INBOUND_OPENINGS = ["Bonjour,", "Bonjour Madame, Monsieur,", "Bonjour, je vous contacte car",
                    "Madame, Monsieur,", "Bonsoir,", "Re-bonjour,"]  # fmt: skip
INBOUND_SENTENCES = [
    "je n'ai plus accès à internet depuis hier soir malgré plusieurs redémarrages de la box.",
    "ma dernière facture comporte un montant que je ne comprends pas.",
    "j'ai été prélevé deux fois ce mois-ci, merci de corriger rapidement.",
    "le colis indiqué comme livré n'est jamais arrivé chez moi.",
    "le technicien devait passer mardi matin mais personne n'est venu.",
    "je souhaite résilier mon abonnement à la fin du mois.",
    "pouvez-vous me rappeler en fin de journée, après 17 h ?",
    "j'ai déjà appelé trois fois et je n'ai toujours pas de solution.",
    "vous trouverez ci-dessous mon numéro client et la référence de la commande.",
    "le débit est très faible tous les soirs entre 19 h et 23 h.",
    "j'attends toujours le remboursement promis lors de mon dernier appel.",
    "je déménage le mois prochain et souhaite transférer ma ligne.",
    "l'application m'indique une erreur à chaque tentative de connexion.",
    "l'article reçu ne correspond pas à ma commande.",
    "merci de me confirmer la prise en compte de ma demande par écrit.",
    "je reste disponible par téléphone toute la journée.",
    "c'est la deuxième fois que cela arrive ce trimestre.",
    "je vous joins une capture d'écran du message d'erreur.",
]  # fmt: skip
INBOUND_CLOSINGS = ["Cordialement.", "Merci d'avance.", "Bien à vous.", "Merci de votre aide.",
                    "Dans l'attente de votre retour.", "Salutations."]  # fmt: skip
OUTBOUND_OPENINGS = ["Bonjour,", "Bonjour Madame,", "Bonjour Monsieur,",
                     "Bonjour, et merci pour votre message."]  # fmt: skip
OUTBOUND_SENTENCES = [
    "Je comprends tout à fait la gêne occasionnée et vous prie de nous en excuser.",
    "J'ai vérifié votre dossier : un incident est en cours sur votre secteur.",
    "Le remboursement a été validé et apparaîtra sur votre compte sous 5 jours ouvrés.",
    "Pourriez-vous redémarrer votre box en la débranchant une minute ?",
    "Un technicien passera chez vous jeudi entre 8 h et 12 h.",
    "J'ai corrigé votre facture ; un avoir vous sera adressé par courriel.",
    "Pour poursuivre, merci de nous indiquer votre numéro de client.",
    "Votre demande de résiliation est enregistrée, avec effet à la fin du mois.",
    "Le transporteur a ouvert une enquête ; nous revenons vers vous sous 48 h.",
    "J'ai transmis votre demande au service concerné, qui vous recontactera.",
    "Un geste commercial de 10 euros a été appliqué sur votre prochaine facture.",
    "Pouvez-vous nous confirmer que le problème est résolu de votre côté ?",
    "Sans retour de votre part sous 7 jours, nous considérerons la demande traitée.",
]  # fmt: skip
OUTBOUND_CLOSINGS = ["Bien cordialement,\nLe service client", "Belle journée,\nLe service client",
                     "Cordialement,\nVotre conseiller",
                     "À votre disposition,\nLe support"]  # fmt: skip
NOTES = [
    "Client rappelé, messagerie. Nouvel essai demain matin.",
    "Incident réseau confirmé par la supervision, ticket parent ouvert.",
    "Vu avec le N2 : attendre le retour du transporteur.",
    "Geste commercial validé par le superviseur.",
    "Client mécontent, deuxième relance : à traiter en priorité.",
    "Doublon probable avec une autre demande du même client.",
    "Facture vérifiée, écart dû à un prorata de changement d'offre.",
    "Escalade vers la facturation, en attente de leur analyse.",
    "Dossier complet, reste à envoyer la confirmation écrite.",
]  # fmt: skip
BODY_POOL = 2_000


def _body_pool(rng: random.Random, kind: str) -> list[tuple[str, str]]:
    """(body_html, body_text) pairs shaped as `tickets.content.render_body` leaves them:
    paragraphs, line breaks, no markup beyond <p> and <br>."""
    pool = []
    for _ in range(BODY_POOL):
        if kind == "note":
            paragraphs = [" ".join(rng.sample(NOTES, rng.randint(1, 2)))]
        elif kind == "in":
            sentences = rng.sample(INBOUND_SENTENCES, rng.randint(1, 3))
            paragraphs = [rng.choice(INBOUND_OPENINGS) + " " + " ".join(sentences)]
            paragraphs.append(rng.choice(INBOUND_CLOSINGS))
        else:
            paragraphs = [rng.choice(OUTBOUND_OPENINGS)]
            paragraphs.append(" ".join(rng.sample(OUTBOUND_SENTENCES, rng.randint(1, 3))))
            paragraphs.append(rng.choice(OUTBOUND_CLOSINGS))
        html = "\n".join("<p>" + p.replace("\n", "<br>\n") + "</p>" for p in paragraphs)
        text = "\n\n".join(paragraphs)
        pool.append((html, text))
    return pool


def subjects(rng: random.Random, kind: str, count: int) -> list[str]:
    templates = IT_SUBJECTS if kind == "it" else SERVICE_SUBJECTS
    out = []
    for _ in range(count):
        template = rng.choice(templates)
        out.append(
            template.format(
                d=f"le {rng.randint(1, 28)} {rng.choice(MONTHS)}",
                m=rng.choice(MONTHS),
                n=rng.randint(10_000, 99_999),
            )
        )
    return out


# --- The global skeleton ----------------------------------------------------------------
def build_skeleton(plan: TicketsPlan) -> Skeleton:
    rng = plan.rng("skeleton")
    now = int(plan.now.timestamp())
    start = int(plan.start.timestamp())
    rows: list[tuple[int, str]] = []
    active_left = plan.active - 1  # the heavy ticket is one of them
    for index, (status, share, mean_age) in enumerate(ACTIVE_MIX):
        count = round(share * (plan.active - 1)) if index < len(ACTIVE_MIX) - 1 else active_left
        active_left -= count
        for _ in range(count):
            age = min(rng.expovariate(1 / mean_age), ACTIVE_MAX_AGE)
            rows.append((max(start, now - int(age) - 60), status))
    for _ in range(plan.tickets - plan.active):
        # Closed history: created until a few hours before `now`, resolved before it.
        rows.append((rng.randint(start, now - 4 * 3600), "done"))
    heavy_created = now - 45 * DAY
    rows.append((heavy_created, "heavy"))
    rows.sort()
    created = [r[0] for r in rows]
    status = [r[1] for r in rows]
    heavy_index = status.index("heavy")
    status[heavy_index] = "open"

    counts = []
    for s in status:
        if s == "new":
            counts.append(1 + (rng.random() < 0.3))
        elif s == "done":
            counts.append(2 + min(int(rng.expovariate(1 / 3.2)), 60))
        else:
            counts.append(2 + min(int(rng.expovariate(1 / 3.0)), 60))
    counts[heavy_index] = plan.heavy_ticket_messages
    # Adjust to the exact total on tickets other than the heavy one and the new ones.
    adjustable = [i for i, s in enumerate(status) if s != "new" and i != heavy_index]
    floor = sum(counts) - sum(counts[i] - 2 for i in adjustable)
    if plan.messages < floor:
        raise ValueError(f"--messages must be at least {floor} for this plan.")
    difference = plan.messages - sum(counts)
    while difference != 0:
        i = adjustable[rng.randrange(len(adjustable))]
        if difference > 0:
            step = min(difference, rng.randint(1, 4))
            counts[i] += step
            difference -= step
        elif counts[i] > 2:
            counts[i] -= 1
            difference += 1
    first_ids = list(itertools.accumulate([1, *counts[:-1]]))
    return Skeleton(created, status, counts, heavy_index + 1, first_ids)


# --- Chunks -------------------------------------------------------------------------------
def iter_ticket_batches(
    plan: TicketsPlan, desk: DeskRefs, skeleton: Skeleton, *, chunk: int = CHUNK
) -> Iterator[list[Table]]:
    for chunk_start in range(0, plan.tickets, chunk):
        yield build_chunk(plan, desk, skeleton, chunk_start, min(plan.tickets, chunk_start + chunk))


def build_chunk(
    plan: TicketsPlan, desk: DeskRefs, skeleton: Skeleton, first: int, last: int
) -> list[Table]:
    """Rows for tickets with index in [first, last): tickets, their messages, tags and
    creation events."""
    rng = plan.rng(f"chunk:{first}")
    pools = {k: _body_pool(plan.rng(f"bodies:{k}"), k) for k in ("in", "out", "note")}
    schedule = desk.schedule
    now_s = int(plan.now.timestamp())
    now = plan.now.astimezone(UTC)
    close_after = plan.auto_close_days * DAY

    queue_cumulative = list(itertools.accumulate(q.weight for q in desk.queues))
    total_weight = queue_cumulative[-1]
    contacts = desk.contacts
    frequent = contacts[: min(FREQUENT_CONTACTS, len(contacts))]
    subject_cache = {k: subjects(plan.rng(f"subjects:{k}"), k, 5_000) for k in ("service", "it")}

    tickets = Table("tickets.Ticket", TICKET_COLUMNS)
    messages = Table("tickets.Message", MESSAGE_COLUMNS)
    tags = Table("tickets.Ticket_tags", ("ticket_id", "tag_id"))
    events = Table("tickets.TicketEvent", ("ticket_id", "kind", "actor_id", "occurred_at"))
    in_pool, out_pool, note_pool = pools["in"], pools["out"], pools["note"]
    random_ = rng.random

    def when(seconds: int) -> datetime:
        return EPOCH + timedelta(seconds=seconds)

    for index in range(first, last):
        ticket_id = index + 1
        status = skeleton.status[index]
        created_s = skeleton.created[index]
        count = skeleton.counts[index]
        heavy = ticket_id == skeleton.heavy_ticket_id
        queue = desk.queues[
            0 if heavy else bisect.bisect_right(queue_cumulative, random_() * total_weight)
        ]
        is_it = queue.kind == "it"
        priority = 2 if heavy else rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]
        policy_id, first_minutes, resolution_minutes, warn_minutes = queue.policies[priority]
        agents = desk.team_agents[queue.team_id]
        if heavy:
            assignee = desk.heavy_assignee_id
        elif status == "done" or random_() < ASSIGNED_RATE[status]:
            assignee = agents[int(random_() * len(agents))]
        else:
            assignee = None
        if is_it:
            contact_id, organisation_id = None, None
            requester = desk.staff_requesters[int(random_() * len(desk.staff_requesters))]
            channel = "internal"
        else:
            pool = frequent if random_() < FREQUENT_CONTACT_RATE else contacts
            contact_id, organisation_id = pool[int(random_() * len(pool))]
            requester = None
            channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        kind_categories = desk.categories.get(queue.kind) or []
        category = (
            kind_categories[int(random_() * len(kind_categories))]
            if kind_categories and random_() < CATEGORY_RATE
            else None
        )
        subject_pool = subject_cache["it" if is_it else "service"]
        subject = subject_pool[int(random_() * len(subject_pool))]

        # When the conversation ends.
        resolved_s = closed_s = None
        if status == "done":
            life = min(int(rng.expovariate(1 / (2.5 * DAY))) + 600, now_s - created_s - 60)
            resolved_s = created_s + max(life, 60)
            if resolved_s + close_after <= now_s:
                status, closed_s = "closed", resolved_s + close_after
            else:
                status = "resolved"
            end_s = resolved_s
        elif status in PENDING:
            end_s = now_s - int(random_() * (now_s - created_s) * 0.6) - 30
        else:
            end_s = now_s - 30
        end_s = max(end_s, created_s + count)
        # Message times: the request at creation, the rest spread until the end.
        times = sorted(
            created_s + 1 + int(random_() * (end_s - created_s)) for _ in range(count - 1)
        )
        agent = assignee or agents[int(random_() * len(agents))]
        first_response_s = None
        message_id = skeleton.first_message_id[index]
        inbound_author = requester
        messages.rows.append(
            (message_id, ticket_id, "public", "in", inbound_author, contact_id,
             *in_pool[int(random_() * BODY_POOL)], when(created_s))
        )  # fmt: skip
        for j, at in enumerate(times, start=1):
            last_one = j == count - 1
            roll = random_()
            if status == "new":
                kind, direction = ("note", "out") if roll < 0.4 else ("public", "in")
            elif last_one and status in ("pending_customer", "resolved", "closed"):
                kind, direction = "public", "out"  # the reply they wait on / the solution
            elif j % 2:
                kind, direction = ("note", "out") if roll < 0.2 else ("public", "out")
            else:
                kind, direction = ("note", "out") if roll < 0.15 else ("public", "in")
            if direction == "in":
                body = in_pool[int(random_() * BODY_POOL)]
                author, author_contact = requester, contact_id
            else:
                body = (note_pool if kind == "note" else out_pool)[int(random_() * BODY_POOL)]
                author, author_contact = agent, None
                if kind == "public" and first_response_s is None:
                    first_response_s = at
            messages.rows.append(
                (message_id + j, ticket_id, kind, direction, author, author_contact, *body,
                 when(at))
            )  # fmt: skip
        last_message_s = times[-1] if times else created_s

        # SLA, as sla_apply leaves it (no pause history: sla_paused_seconds = 0).
        created = when(created_s)
        first_due = schedule.add(created, first_minutes * 60)
        resolution_due = schedule.add(created, resolution_minutes * 60)
        next_due = warn_at = warned_at = breached_at = paused_at = None
        if status in RUNNING:
            candidates = [resolution_due]
            if first_response_s is None:
                candidates.append(first_due)
            dues = [d for d in candidates if d is not None]
            next_due = min(dues) if dues else None
            if next_due is not None:
                warn_at = next_due - timedelta(minutes=warn_minutes)
                # The sweep runs every minute: flags carry the minute after the moment.
                if warn_at <= now:
                    warned_at = min(warn_at + timedelta(seconds=int(random_() * 60)), now)
                if next_due <= now:
                    breached_at = min(next_due + timedelta(seconds=int(random_() * 60)), now)
        elif status in PENDING:
            paused_at = when(last_message_s)
        elif status == "resolved":
            paused_at = when(resolved_s)  # type: ignore[arg-type]

        if status == "closed":
            updated_s = closed_s
        elif status == "resolved":
            updated_s = resolved_s
        else:
            updated_s = min(now_s, last_message_s + int(random_() * 300))
        reopened = 1 if status in ("resolved", "closed") and random_() < 0.02 else 0
        tickets.rows.append(
            (
                ticket_id, subject, queue.id, contact_id, requester, organisation_id, status,
                priority, channel, category, assignee, queue.team_id, created, when(updated_s),
                when(first_response_s) if first_response_s is not None else None,
                when(resolved_s) if resolved_s is not None else None,
                when(closed_s) if closed_s is not None else None,
                policy_id, first_due, resolution_due, next_due, paused_at, 0, warn_at,
                warned_at, breached_at, reopened, count + (2 if resolved_s else 1),
                when(last_message_s), count,
            )
        )  # fmt: skip
        events.rows.append((ticket_id, "created", requester, created))
        if desk.tag_ids and random_() < TAG_RATE:
            for tag_id in rng.sample(desk.tag_ids, min(len(desk.tag_ids), rng.randint(1, 2))):
                tags.rows.append((ticket_id, tag_id))
    return [tickets, messages, tags, events]
