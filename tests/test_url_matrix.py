"""Every URL of the project, for every role and for an anonymous client, against the
declared table (`<app>/access.py`, collected by relais.access, rendered in
docs/permissions.md).

Generated from the URL resolver: a new pattern without a row fails here, and so does a
row whose pattern is gone. For each URL and each identity it checks:

- GET: an allowed identity gets a 2xx or a redirect that is not to the login page; a
  refused one a 403 or 404 (signed in) or a redirect to the login page, a 401 or a 403
  (anonymous). A URL that answers GET with 405 takes POST only: the same check is made
  with an empty POST (an allowed identity may then get a 400 or its form back, never a
  refusal or a 5xx).
- OPTIONS: refused exactly when GET is (relais.api.BaseAPIView); API routes answer an
  allowed identity 200.
- POST (and DELETE on the API) by every refused identity: refused, and nothing written
  (no INSERT, UPDATE or DELETE reaches the database).

The world (one user per role and every app's objects, from each access.py's
`objects()`) is built once per module and xdist worker inside a transaction rolled back
at the end; every request runs in a savepoint rolled back after it, so no request
changes what the next one sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from relais import access

pytestmark = pytest.mark.django_db

IDENTITIES: tuple[str | None, ...] = (*access.ROLES, None)  # None: anonymous
REDIRECTS = {301, 302, 303, 307, 308}
# What a refused request may still write: the session it is served with, the failed-
# login bookkeeping. Anything else is a leak.
HARMLESS_TABLES = ("django_session", "axes_")
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _patterns() -> Iterator[tuple[str, str]]:
    """(URL name with namespaces, route) of every pattern outside the admin."""

    def walk(patterns: list[Any], prefix: str, namespaces: tuple[str, ...]) -> Iterator[Any]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                if inner[:1] == (access.ADMIN_NAMESPACE,):
                    continue
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                yield ":".join((*namespaces, pattern.name or f"<unnamed {route}>")), route

    yield from walk(get_resolver().url_patterns, "", ())


PATTERNS = dict(_patterns())
RULES = access.rules()


def _is_api(route: str) -> bool:
    """API routes are called with the role's token (the Swagger page is for people)."""
    return route.startswith(("api/v1/", "api/schema/"))


# --- The table covers the resolver, and only it ---------------------------------------


def test_every_url_pattern_has_a_row():
    missing = sorted(set(PATTERNS) - set(RULES))
    assert missing == [], "\n".join(
        f"{name} (/{PATTERNS[name]}) has no row: add one to ROUTES in "
        f"{name.split(':')[0] if ':' in name else 'the app of this view'}/access.py "
        "saying which roles may reach it (see relais/access.py)"
        for name in missing
    )


def test_every_row_names_an_existing_url():
    stale = sorted(set(RULES) - set(PATTERNS))
    assert stale == [], "\n".join(
        f"{RULES[name].app}/access.py declares {name!r}, which no URL pattern has: "
        "remove the row (or fix its name)"
        for name in stale
    )


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def test_every_parameter_has_its_kwargs():
    missing = [
        f"{name} (/{route}): give its row a 'kwargs' building "
        f"{PARAMETER.findall(route)} from the world"
        for name, route in PATTERNS.items()
        if "<" in route and name in RULES and RULES[name].kwargs is None
    ]
    assert missing == []


# --- The world ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[access.World]:
    from accounts.tests.factories import UserFactory

    with django_db_blocker.unblock(), transaction.atomic():
        built = access.build_world(lambda role: UserFactory(roles=[role]))
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def clients(world: access.World) -> dict[str | None, Client]:
    """Pages are reached with a session; API routes with the role's API token."""
    from accounts.services import api_token_issue

    made: dict[str | None, Client] = {}
    for role in IDENTITIES:
        # A view that raises is answered 500, as in production, so the test reports it.
        client = Client(raise_request_exception=False)
        if role is not None:
            client.force_login(world.users[role])
        made[role] = client
        token_client = Client(raise_request_exception=False)
        if role is not None:
            key = api_token_issue(user=world.users[role]).key
            token_client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {key}")
        made[f"api:{role}"] = token_client  # type: ignore[index]
    return made


def _request(client: Client, method: str, url: str) -> tuple[HttpResponse, list[str]]:
    """One request in a savepoint rolled back after it; the tables it wrote to."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)  # a logout must not sign out the next request
    connection.queries_log.clear()  # a full log would make the capture below empty
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            response = getattr(client, method.lower())(url)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    written = []
    for query in queries.captured_queries:
        match = WRITE.match(query["sql"])
        if match and not match.group(2).lower().startswith(HARMLESS_TABLES):
            written.append(match.group(2))
    return response, written


LOGIN_PATHS: set[str] = set()


def _is_login_redirect(response: HttpResponse) -> bool:
    if response.status_code not in REDIRECTS:
        return False
    if not LOGIN_PATHS:
        LOGIN_PATHS.update({reverse("accounts:login"), reverse("admin:login")})
    return urlparse(response["Location"]).path in LOGIN_PATHS


def _allowed(response: HttpResponse) -> bool:
    status = response.status_code
    return 200 <= status < 300 or (status in REDIRECTS and not _is_login_redirect(response))


def _refused(response: HttpResponse, role: str | None) -> bool:
    if role is None:
        return response.status_code in (401, 403) or _is_login_redirect(response)
    return response.status_code in (403, 404)


def _describe(response: HttpResponse) -> str:
    if response.status_code in REDIRECTS:
        return f"{response.status_code} -> {response['Location']}"
    return str(response.status_code)


def _differs(expected: bool, refused: bool, reached: bool) -> bool:
    return (expected and (refused or not reached)) or (not expected and not refused)


def _options_differ(expected: bool, api: bool, options: HttpResponse, role: str | None) -> bool:
    refused = _refused(options, role)
    if expected:
        return refused or (api and options.status_code != 200)
    return not (refused or options.status_code == 405)


def _url(name: str, world: access.World) -> str:
    rule = RULES[name]
    kwargs = rule.kwargs(world) if rule.kwargs is not None else {}
    url = reverse(name, kwargs=kwargs)
    if rule.query is not None:
        url += "?" + urlencode(rule.query(world))
    return url


def check_url(name: str, world: access.World, clients: dict[str | None, Client]) -> list[str]:
    """What differs from the table for this URL, one line per identity and method."""
    rule = RULES[name]
    api = _is_api(PATTERNS[name])
    url = _url(name, world)
    failures: list[str] = []
    for role in IDENTITIES:
        who = role or "anonymous"
        client = clients[f"api:{role}" if api else role]  # type: ignore[index]
        expected = rule.allows(role)
        verb = "may" if expected else "may not"
        method = "GET"
        response, written = _request(client, "GET", url)
        if response.status_code == 405:
            method = "POST"
            response, written = _request(client, "POST", url)
        refused = _refused(response, role) or (not expected and response.status_code == 405)
        if rule.ends_on_login and expected and _is_login_redirect(response):
            refused = False
        if response.status_code >= 500:
            failures.append(f"{who} {method} {url}: {response.status_code}")
        elif _differs(expected, refused, _allowed(response) or method == "POST"):
            failures.append(f"{who} {verb} {method} {url}: got {_describe(response)}")
        if not expected and written:
            failures.append(f"{who} {method} {url} was refused but wrote to {written}")

        options, written = _request(client, "OPTIONS", url)
        if options.status_code >= 500:
            failures.append(f"{who} OPTIONS {url}: {options.status_code}")
        elif _options_differ(expected, api, options, role):
            failures.append(f"{who} {verb} OPTIONS {url}: got {_describe(options)}")
        if not expected and written:
            failures.append(f"{who} OPTIONS {url} was refused but wrote to {written}")

        if not expected:
            unsafe = ["POST", "DELETE"] if api else ["POST"]
            for other in unsafe:
                if other == method:
                    continue
                answer, written = _request(client, other, url)
                if not (_refused(answer, role) or answer.status_code == 405):
                    failures.append(f"{who} {verb} {other} {url}: got {_describe(answer)}")
                if written:
                    failures.append(f"{who} {other} {url} was refused but wrote to {written}")
    return failures


@pytest.mark.parametrize("name", sorted(set(PATTERNS) & set(RULES)))
def test_each_role_reaches_what_the_table_says(name, world, clients):
    failures = check_url(name, world, clients)
    rule = RULES[name]
    assert failures == [], (
        f"{name}: the answers differ from {rule.app}/access.py. Fix the view if it leaks, "
        "the row if the rule changed on purpose:\n  " + "\n  ".join(failures)
    )


# --- Django's admin: one generic rule -------------------------------------------------

ADMIN_PAGES = [
    "admin:index",
    *sorted(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
        for model in admin.site._registry
        for page in ("changelist", "add")
    ),
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_only_staff_admins_reach_the_admin(name, world, clients):
    url = reverse(name)
    failures = []
    for role in IDENTITIES:
        response, written = _request(clients[role], "GET", url)
        if response.status_code >= 500:
            failures.append(f"{role or 'anonymous'} GET {url}: {response.status_code}")
        elif role == "admin" and not _allowed(response) and response.status_code != 403:
            # 403: an add page the model's admin closes to everyone (read-only models).
            failures.append(f"admin GET {url}: got {_describe(response)}")
        elif role != "admin" and not (
            _is_login_redirect(response) or response.status_code in (403, 404)
        ):
            failures.append(f"{role or 'anonymous'} may not GET {url}: got {_describe(response)}")
        if role != "admin" and written:
            failures.append(f"{role or 'anonymous'} GET {url} wrote to {written}")
    assert failures == []


# --- docs/permissions.md is the table -------------------------------------------------


def test_docs_permissions_md_is_up_to_date():
    from relais.access_table import docs_path, render

    path = docs_path()
    assert path.exists(), "docs/permissions.md is missing: run manage.py access_table"
    assert path.read_text(encoding="utf-8") == render(), (
        "docs/permissions.md differs from the access.py tables: run "
        "`.venv/bin/python manage.py access_table` and commit the file"
    )
