"""The declared role x URL table: who may reach every URL of the project.

Each local app has an `<app>/access.py` with two names:

- `ROUTES`: URL name (with its namespace, or the DRF route name for the API) -> rule, a
  dict with `roles` (the logged-in roles allowed to GET it, a set, or "*" for every
  logged-in role), `anonymous` (True if anonymous users may reach it), `kwargs` (a
  function building the URL's kwargs from the world made by `objects()`) and `note`
  (optional, why). Two optional keys for the rare rows that need them: `query` (builds
  the query string a page needs, `?ticket=...`) and `ends_on_login` (its success is a
  redirect to the login page: logging out).
- `objects(w)`: creates that app's objects with factories and sets them on `w`. Apps run
  in `INSTALLED_APPS` order, so a later app finds the users, contact, ticket... made by
  earlier ones.

This module collects them (plus the project-level table below for the URLs `relais/`
wires itself) for `tests/test_url_matrix.py`, which walks the URL resolver and checks
each role against its row, and for `manage.py access_table`, which renders the table in
docs/permissions.md. Django's admin is covered by one generic rule (staff admins only),
checked on every registered ModelAdmin's changelist and add page.

"Allowed" means a 2xx or a redirect that is not to the login page; "refused" a 403 or
404 for a signed-in role, a redirect to the login page, a 401 or a 403 for an anonymous
client. OPTIONS needs the same permission as GET (relais.api.BaseAPIView).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings

# The role ids, in the order of accounts.roles.Role (kept literal: this module is read
# before any app model is loaded, by the docs command and the test's collection).
ROLES: tuple[str, ...] = (
    "agent",
    "supervisor",
    "sales",
    "marketing",
    "it",
    "hr",
    "admin",
    "integration",
)
EVERY_ROLE = "*"

# URL namespaces covered by a generic rule rather than a row per pattern.
ADMIN_NAMESPACE = "admin"


@dataclass(frozen=True)
class Rule:
    """One row of the table."""

    name: str
    app: str
    roles: frozenset[str]
    anonymous: bool = False
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    note: str = ""
    query: Callable[[Any], dict[str, Any]] | None = None
    ends_on_login: bool = False

    def allows(self, role: str | None) -> bool:
        """Whether `role` (None: an anonymous client) may reach the URL."""
        if role is None:
            return self.anonymous
        return role in self.roles


class World:
    """The objects the table's kwargs are built from: `w.users[role]`, `w.contact`..."""

    def __init__(self) -> None:
        self.users: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        # Only called for missing attributes: say which app should have made it.
        raise AttributeError(
            f"the world has no {name!r}: set it in the objects() of the app whose "
            "access.py rows use it"
        )


# --- The project's own URLs (relais/urls.py and what it includes from Django) ---------

ROUTES: dict[str, dict[str, Any]] = {
    "api-schema": {
        "roles": "*",
        "note": "RELAIS_API_DOCS_PUBLIC (off by default) opens it to anonymous readers.",
    },
    "api-docs": {
        "roles": "*",
        "note": "Swagger UI; same setting as the schema.",
    },
    "set_language": {
        "roles": "*",
        "anonymous": True,
        "note": "Django's i18n view: POST only, changes the session's language.",
    },
}


def objects(w: World) -> None:
    """The project makes no objects of its own; accounts makes the users."""


# --- Collecting the apps' tables ------------------------------------------------------


def local_app_labels() -> list[str]:
    """Labels of the apps of this repository (not Django's nor third parties'), in
    INSTALLED_APPS order."""
    base = Path(settings.BASE_DIR).resolve()
    labels = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            labels.append(config.label)
    return labels


def access_modules() -> Iterator[tuple[str, ModuleType]]:
    """(app label, its access module), the project's table first. An app without an
    access.py yields nothing: the matrix test then reports each of its URLs."""
    yield "relais", importlib.import_module("relais.access")
    for label in local_app_labels():
        config = apps.get_app_config(label)
        try:
            module = importlib.import_module(f"{config.name}.access")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.access":
                raise
            continue
        yield label, module


def _roles(value: Any, where: str) -> frozenset[str]:
    if value == EVERY_ROLE:
        return frozenset(ROLES)
    roles = frozenset(str(role) for role in (value or ()))
    unknown = roles - set(ROLES)
    if unknown:
        raise ValueError(f"{where}: unknown roles {sorted(unknown)} (known: {ROLES})")
    return roles


# "query" (optional): builds the query string a page needs (?ticket=...); "ends_on_login"
# (optional): its success is a redirect to the login page (logging out).
ALLOWED_KEYS = {"roles", "anonymous", "kwargs", "note", "query", "ends_on_login"}


def rules() -> dict[str, Rule]:
    """Every declared row, by URL name. Two apps declaring the same name is an error."""
    table: dict[str, Rule] = {}
    for app, module in access_modules():
        for name, row in getattr(module, "ROUTES", {}).items():
            where = f"{app}/access.py ROUTES[{name!r}]"
            extra = set(row) - ALLOWED_KEYS
            if extra:
                raise ValueError(f"{where}: unknown keys {sorted(extra)}")
            if name in table:
                raise ValueError(f"{where}: already declared by {table[name].app}/access.py")
            table[name] = Rule(
                name=name,
                app=app,
                roles=_roles(row.get("roles"), where),
                anonymous=bool(row.get("anonymous", False)),
                kwargs=row.get("kwargs"),
                note=str(row.get("note", "")),
                query=row.get("query"),
                ends_on_login=bool(row.get("ends_on_login", False)),
            )
    return table


def build_world(make_user: Callable[[str], Any]) -> World:
    """Users (one per role, made by `make_user(role)`), then every app's objects."""
    w = World()
    for role in ROLES:
        w.users[role] = make_user(role)
    for _app, module in access_modules():
        builder = getattr(module, "objects", None)
        if builder is not None:
            builder(w)
    return w


__all__ = [
    "ADMIN_NAMESPACE",
    "EVERY_ROLE",
    "ROLES",
    "ROUTES",
    "Rule",
    "World",
    "access_modules",
    "build_world",
    "local_app_labels",
    "objects",
    "rules",
]
