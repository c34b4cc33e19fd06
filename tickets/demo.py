"""Demo service desk: calendars with French public holidays, three queues (Service client,
Réclamations, Support IT), SLA policies, categories, macros, and a few thousand tickets
in every state, some breaching.

The recent tickets the demo logins work on go through the services (messages, events,
timeline, SLA clocks). The older history is written in bulk, with SLA fields computed by
the same `sla_apply`, so seeding stays quick on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN, DemoContext
from accounts.models import Team, User
from crm.models import Activity, Contact
from crm.timeline import get_kind

from . import services
from . import timeline as kinds
from .content import render_body
from .models import AgentPresence, Category, Message, Priority, Queue, SlaPolicy, Ticket

RECENT_TICKETS = 120
HISTORY_TICKETS = 2400
SERVICE_CATEGORIES = ["Facturation", "Livraison", "Panne", "Résiliation", "Information"]
IT_CATEGORIES = ["Mon matériel", "Mes accès", "Mes outils"]
REQUESTS = [
    ("Facture de mars incorrecte", "Bonjour, ma facture de mars compte deux fois l'abonnement."),
    ("Colis non reçu", "Ma commande devait arriver mardi, je n'ai toujours rien reçu."),
    ("Plus de connexion internet", "Depuis hier soir, la box clignote en rouge."),
    ("Demande de résiliation", "Je souhaite résilier mon contrat à la fin du mois."),
    ("Changement d'adresse", "Je déménage le 15, comment transférer mon contrat ?"),
    ("Remboursement en attente", "On m'a promis un remboursement il y a trois semaines."),
    ("Question sur l'offre fibre", "L'offre fibre est-elle disponible à Villeurbanne ?"),
    ("Invoice in English please", "Could you send my invoices in English from now on?"),
    ("Technicien absent", "Le technicien n'est pas venu au rendez-vous de ce matin."),
    ("Prélèvement refusé", "Ma banque a rejeté le prélèvement, que dois-je faire ?"),
]
COMPLAINTS = [
    ("Réclamation : troisième panne ce mois-ci", "C'est inadmissible, je veux un geste."),
    ("Réclamation : frais injustifiés", "Des frais de dossier m'ont été facturés sans raison."),
]
IT_REQUESTS = [
    ("Écran qui scintille", "Mon second écran scintille depuis ce matin."),
    ("Accès au CRM bloqué", "Mon compte est verrouillé après la mise à jour."),
    ("Casque micro défectueux", "Les clients ne m'entendent plus."),
]
REPLIES = [
    "Bonjour, merci pour votre message. Je regarde votre dossier et reviens vers vous.",
    "Bonjour, pourriez-vous nous indiquer votre numéro de client ?",
    "C'est corrigé de notre côté, pouvez-vous confirmer que tout fonctionne ?",
]
CUSTOMER_ANSWERS = ["Merci, voici mon numéro : 4521-889.", "Toujours le même problème."]


def _calendar(name: str, hours: list[tuple[int, dt.time, dt.time]]) -> Any:
    from .models import BusinessCalendar

    existing = BusinessCalendar.objects.filter(name=name).first()
    if existing is not None:
        return existing
    return services.calendar_create(name=name, hours=hours, holiday_country="FR")


def _policies(queue: Queue, targets: dict[int, tuple[int, int]]) -> None:
    for priority, (first, resolution) in targets.items():
        SlaPolicy.objects.get_or_create(
            queue=queue,
            priority=priority,
            defaults={"first_response_minutes": first, "resolution_minutes": resolution},
        )


def seed_service_desk(ctx: DemoContext) -> None:
    if Queue.objects.exists():
        ctx.log("service desk already present")
        return
    rng = ctx.rng
    teams: dict[str, Team] = ctx.registry["teams"]
    users: dict[str, User] = ctx.registry["users"]
    agents: list[User] = ctx.registry["agents"]

    office = _calendar(
        "Service client (France)",
        [(d, dt.time(8, 30), dt.time(19, 0)) for d in range(5)] + [(5, dt.time(9), dt.time(12))],
    )
    it_hours = _calendar("Support interne", [(d, dt.time(8), dt.time(18)) for d in range(5)])
    service = Queue.objects.create(
        name="Service client",
        team=teams["Service client"],
        email_address=f"service@{DEMO_DOMAIN}",
        calendar=office,
        auto_assign=True,
        agent_open_ticket_cap=15,
    )
    complaints = Queue.objects.create(
        name="Réclamations",
        team=teams["Service client"],
        email_address=f"reclamations@{DEMO_DOMAIN}",
        calendar=office,
        default_priority=Priority.HIGH,
    )
    complaints.visible_to.add(teams["Supervision"])
    it_queue = Queue.objects.create(
        name="Support IT", kind=Queue.Kind.IT, team=teams["Support IT"], calendar=it_hours
    )
    _policies(service, {4: (30, 240), 3: (60, 480), 2: (240, 1440), 1: (480, 2880)})
    _policies(complaints, {4: (30, 180), 3: (60, 360), 2: (120, 960), 1: (240, 1920)})
    _policies(it_queue, {4: (15, 120), 3: (60, 480), 2: (240, 960), 1: (480, 2400)})
    services.sla_forget()
    for name in SERVICE_CATEGORIES:
        Category.objects.create(name=name, queue_kind=Queue.Kind.SERVICE)
    for name in IT_CATEGORIES:
        Category.objects.create(name=name, queue_kind=Queue.Kind.IT)

    team = teams["Service client"]
    services.macro_save(
        name="Accusé de réception",
        body="Bonjour {{ contact.first_name }},\n\nNous avons bien reçu votre demande "
        "{{ ticket.number }} et revenons vers vous au plus vite.\n\n{{ agent.first_name }}",
        team=team,
    )
    services.macro_save(
        name="Demande d'informations",
        body="Bonjour {{ contact.first_name }},\n\nPour avancer sur {{ ticket.number }}, "
        "pourriez-vous nous envoyer votre numéro de client ?\n\n{{ agent.first_name }}",
        team=team,
        set_status=Ticket.Status.PENDING_CUSTOMER,
    )
    services.macro_save(
        name="Résolution confirmée",
        body="Bonjour {{ contact.first_name }},\n\nVotre demande {{ ticket.number }} est "
        "résolue. N'hésitez pas à répondre à ce message si besoin.\n\n{{ agent.first_name }}",
        team=team,
        set_status=Ticket.Status.RESOLVED,
        add_tags=["résolu-premier-contact"],
    )
    services.macro_save(
        name="Ma signature",
        body="Bien cordialement,\n\n{{ agent.full_name }}\nService client Relais",
        owner=users["agent"],
    )
    for agent in agents:
        services.presence_set(user=agent, status=AgentPresence.Status.AVAILABLE)

    contacts = list(Contact.objects.active().order_by("pk")[:300])
    _recent(rng, service, complaints, it_queue, contacts, agents, users, ctx)
    _history(rng, [service, service, service, complaints], contacts, agents)
    ctx.log(f"{Ticket.objects.count()} tickets, {Message.objects.count()} messages")


def _recent(
    rng: random.Random,
    service: Queue,
    complaints: Queue,
    it_queue: Queue,
    contacts: list[Contact],
    agents: list[User],
    users: dict[str, User],
    ctx: DemoContext,
) -> None:
    """Recent tickets through the services: what the demo logins open first."""
    now = timezone.now()
    camille = users["agent"]
    for i in range(RECENT_TICKETS):
        complaint = i % 8 == 0
        subject, body = rng.choice(COMPLAINTS if complaint else REQUESTS)
        created = now - dt.timedelta(minutes=rng.randint(5, 3 * 24 * 60))
        ticket = services.ticket_create(
            queue=complaints if complaint else service,
            subject=subject,
            body=body,
            channel=rng.choice(["email", "email", "phone", "web", "chat", "social"]),
            contact=rng.choice(contacts),
            priority=rng.choice([1, 2, 2, 2, 3, 4]) if not complaint else None,
            tags=rng.sample(["fibre", "mobile", "facture", "vip", "box"], k=rng.randint(0, 2)),
            created_at=created,
            assignee=camille if i < 12 else None,
        )
        step = rng.random()
        author = ticket.assignee or rng.choice(agents)
        if step < 0.25:
            continue  # still new
        if ticket.assignee_id is None:
            ticket = services.ticket_assign(ticket=ticket, assignee=author, actor=author)
        services.ticket_reply(ticket=ticket, author=author, body=rng.choice(REPLIES))
        if step < 0.45:
            continue  # open
        if step < 0.6:
            services.ticket_change_status(
                ticket=ticket, status=Ticket.Status.PENDING_CUSTOMER, actor=author
            )
            continue
        if step < 0.7:
            services.ticket_reply(
                ticket=ticket, author=author, body="Escaladé au transporteur.", kind="note",
                status=Ticket.Status.PENDING_THIRD_PARTY,
            )  # fmt: skip
            continue
        services.ticket_customer_message(ticket=ticket, body=rng.choice(CUSTOMER_ANSWERS))
        services.ticket_change_status(ticket=ticket, status=Ticket.Status.RESOLVED, actor=author)
    # Some recent tickets are late: their deadline has passed, the next sweep escalates.
    late = list(
        Ticket.objects.filter(status=Ticket.Status.NEW, sla_next_due_at__isnull=False).values_list(
            "pk", flat=True
        )[:8]
    )
    Ticket.objects.filter(pk__in=late).update(
        sla_next_due_at=now - dt.timedelta(minutes=20),
        first_response_due_at=now - dt.timedelta(minutes=20),
    )
    staff = [u for key, u in users.items() if key in ("sales", "marketing", "hr", "agent")]
    for requester in staff:
        subject, body = rng.choice(IT_REQUESTS)
        services.it_request_create(requester=requester, subject=subject, body=body)
    ctx.log(f"{RECENT_TICKETS} recent tickets and {len(staff)} IT requests")


def _history(
    rng: random.Random, queues: list[Queue], contacts: list[Contact], agents: list[User]
) -> None:
    """Months of older tickets, written in bulk; mostly resolved or closed."""
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Ticket)
    tickets: list[Ticket] = []
    for _ in range(HISTORY_TICKETS):
        queue = rng.choice(queues)
        contact = rng.choice(contacts)
        subject, _body = rng.choice(REQUESTS)
        status = rng.choices(
            ["closed", "resolved", "open", "pending_customer", "new"], [75, 15, 5, 4, 1]
        )[0]
        days = rng.uniform(0.5, 6) if status in Ticket.ACTIVE_STATUSES else rng.uniform(8, 180)
        created = now - dt.timedelta(days=days)
        first_response = created + dt.timedelta(minutes=rng.randint(10, 600))
        ticket = Ticket(
            subject=subject,
            queue=queue,
            contact=contact,
            organisation_id=contact.organisation_id,
            team_id=queue.team_id,
            priority=rng.choice([1, 2, 2, 2, 3, 4]),
            channel=rng.choice(["email", "email", "phone", "web", "chat"]),
            status=status,
            created_at=created,
            updated_at=first_response,
            assignee=rng.choice(agents) if status != "new" else None,
            first_response_at=first_response if status != "new" else None,
            last_message_at=first_response,
            message_count=2 if status != "new" else 1,
        )
        if status in ("resolved", "closed"):
            ticket.resolved_at = first_response + dt.timedelta(hours=rng.randint(1, 72))
            ticket.updated_at = ticket.resolved_at
        if status == "closed":
            ticket.closed_at = ticket.resolved_at + dt.timedelta(days=7)  # type: ignore[operator]
        services.sla_apply(ticket, now=ticket.updated_at, calendar_id=queue.calendar_id)
        tickets.append(ticket)
    Ticket.objects.bulk_create(tickets, batch_size=500)
    messages: list[Message] = []
    activities: list[Activity] = []
    created_kind = get_kind(kinds.TICKET_CREATED)
    for ticket in tickets:
        subject, body = next(r for r in REQUESTS if r[0] == ticket.subject)
        html, text = render_body(body)
        messages.append(
            Message(
                ticket=ticket,
                direction=Message.Direction.INBOUND,
                author_contact_id=ticket.contact_id,
                body_html=html,
                body_text=text,
                created_at=ticket.created_at,
            )
        )
        if ticket.first_response_at:
            html, text = render_body(rng.choice(REPLIES))
            messages.append(
                Message(
                    ticket=ticket,
                    author=ticket.assignee,
                    body_html=html,
                    body_text=text,
                    created_at=ticket.first_response_at,
                )
            )
        activity = Activity(
            contact_id=ticket.contact_id,
            organisation_id=ticket.organisation_id,
            kind=kinds.TICKET_CREATED,
            occurred_at=ticket.created_at,
            data={"number": ticket.number, "channel": ticket.channel, "subject": subject},
            source_type=content_type,
            source_id=ticket.pk,
        )
        activity.summary = created_kind.text(activity)[:300]
        activities.append(activity)
    Message.objects.bulk_create(messages, batch_size=1000)
    Activity.objects.bulk_create(activities, batch_size=1000)
