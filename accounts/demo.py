"""Demo data: `manage.py seed_demo` runs every registered seeder, in order.

Each app registers a seeder in its AppConfig.ready(); a seeder receives a seeded
`random.Random`, so the same `--seed` yields the same data, and the objects the earlier
seeders made (the demo users and teams are under "users" and "teams").
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .models import Team, User
from .roles import Role

DEMO_DOMAIN = "relais.example"


@dataclass
class DemoContext:
    rng: random.Random
    registry: dict[str, Any]
    log: Callable[[str], None]


Seeder = Callable[[DemoContext], None]
_seeders: list[tuple[int, str, Seeder]] = []


def register_seeder(name: str, seeder: Seeder, *, order: int = 50) -> None:
    _seeders[:] = [s for s in _seeders if s[1] != name]
    _seeders.append((order, name, seeder))


def seeders() -> list[tuple[int, str, Seeder]]:
    return sorted(_seeders, key=lambda s: (s[0], s[1]))


DEMO_PEOPLE: list[tuple[str, str, str, list[str]]] = [
    # (email local part, first name, last name, roles)
    ("agent", "Camille", "Martin", [Role.AGENT]),
    ("supervisor", "Nadia", "Benali", [Role.SUPERVISOR, Role.AGENT]),
    ("sales", "Hugo", "Lefèvre", [Role.SALES]),
    ("marketing", "Léa", "Dubois", [Role.MARKETING]),
    ("it", "Thomas", "Nguyen", [Role.IT]),
    ("hr", "Sophie", "Garnier", [Role.HR]),
    ("admin", "Alex", "Moreau", [Role.ADMIN]),
]

EXTRA_AGENTS = [
    ("Julien", "Petit"),
    ("Inès", "Roux"),
    ("Karim", "Haddad"),
    ("Emma", "Fournier"),
    ("Lucas", "Girard"),
    ("Chloé", "Bonnet"),
    ("Mehdi", "Lambert"),
    ("Manon", "Fontaine"),
]


def seed_users_and_teams(ctx: DemoContext) -> None:
    from .services import team_create, user_create, user_set_roles

    password = settings.RELAIS_DEMO_PASSWORD
    users: dict[str, User] = {}
    for local, first, last, roles in DEMO_PEOPLE:
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email, password=password, first_name=first, last_name=last, roles=roles
            )
        else:
            user_set_roles(user=user, roles=roles)
        users[local] = user
    admin = users["admin"]
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])

    extra_agents = []
    for first, last in EXTRA_AGENTS:
        email = (
            f"{first.lower()}.{last.lower()}@{DEMO_DOMAIN}".replace("è", "e")
            .replace("é", "e")
            .replace("ï", "i")
            .replace("î", "i")
        )
        user = User.objects.filter(email=email).first() or user_create(
            email=email,
            password=password,
            first_name=first,
            last_name=last,
            roles=[Role.AGENT],
            language=ctx.rng.choice(
                [User.Language.FRENCH, User.Language.FRENCH, User.Language.ENGLISH]
            ),
        )
        extra_agents.append(user)

    team_specs = [
        ("Service client", Team.Kind.SERVICE, "supervisor", ["agent", *range(len(extra_agents))]),
        ("Ventes", Team.Kind.SALES, "sales", ["sales"]),
        ("Marketing", Team.Kind.MARKETING, "marketing", ["marketing"]),
        ("Support IT", Team.Kind.IT, "it", ["it"]),
        ("Ressources humaines", Team.Kind.HR, "hr", ["hr"]),
        ("Supervision", Team.Kind.SUPERVISION, "supervisor", ["supervisor"]),
    ]
    teams: dict[str, Team] = {}
    for name, kind, lead_key, member_keys in team_specs:
        members = [extra_agents[k] if isinstance(k, int) else users[k] for k in member_keys]
        team = Team.objects.filter(name=name).first()
        if team is None:
            team = team_create(name=name, kind=kind, lead=users[lead_key], members=members)
        teams[name] = team
    # Managers see their reports' HR records (telework issue).
    User.objects.filter(pk__in=[u.pk for u in extra_agents] + [users["agent"].pk]).update(
        manager=users["supervisor"]
    )
    ctx.registry["users"] = users
    ctx.registry["agents"] = [users["agent"], *extra_agents]
    ctx.registry["teams"] = teams
    ctx.log(f"{len(users) + len(extra_agents)} staff users, {len(teams)} teams")
