"""The API contract, for every operation of the published schema (docs/security.md,
"API contract"): generic tests that a new app's endpoints inherit.

- Every write operation (POST, PUT, PATCH) refuses a body with an unknown field with a
  400 that names it, and writes nothing: a misspelt field ("emial") used to be accepted
  and its value silently lost.
- No query parameter of any GET operation, given an id out of range, a negative number
  or a word, makes a 5xx: on SQLite an integer past 2**63 reached the database as an
  OverflowError.
- No path id out of range makes a 5xx either (a 404), on the API and on the pages.
- No filter of a web page (the fields of its GET forms), given an id out of range, makes
  a 5xx either.

The operations come from the OpenAPI schema; the URLs are filled with real objects
from the role x URL matrix's world (relais.access), and each operation is called with
the token of every role until one is let through.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from relais import access

pytestmark = pytest.mark.django_db

HARMLESS_TABLES = ("django_session", "axes_")
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
SCHEMA_PARAMETER = re.compile(r"\{\w+\}")
UNKNOWN = "emial"
OUT_OF_RANGE = "99999999999999999999"
HOSTILE_IDS = (OUT_OF_RANGE, "-1", "abc")
# Pagination clamps a page size past its maximum to the maximum (README, "The API").
CLAMPED = {"page_size"}
# Operations that cannot take the generic request, and the test that covers them.
OWN_TESTS = {
    # Signed webhook: refused 401 without the platform's signature; the signed body's
    # unknown fields are checked after the signature (test_telephony_event_refuses...).
    ("/api/v1/telephony/events/", "POST"),
    # The mail gateway posts a raw message (message/rfc822), not fields.
    ("/api/v1/inbound/email/", "POST"),
}


def _routes() -> Iterator[tuple[str, str]]:
    """(URL name with namespaces, route) of every pattern outside the admin."""

    def walk(patterns: list[Any], prefix: str, namespaces: tuple[str, ...]) -> Iterator[Any]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                if inner[:1] == (access.ADMIN_NAMESPACE,):
                    continue
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield ":".join((*namespaces, pattern.name)), route

    yield from walk(get_resolver().url_patterns, "", ())


ROUTES = dict(_routes())
RULES = access.rules()


def _shape(path: str) -> str:
    return SCHEMA_PARAMETER.sub("{}", path)


# Schema path shape (/api/v1/contacts/{}/) -> URL name.
NAME_BY_SHAPE = {"/" + PARAMETER.sub("{}", route): name for name, route in ROUTES.items()}


def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


SCHEMA = _schema()


def _operations(methods: set[str]) -> list[tuple[str, str]]:
    return sorted(
        (path, method.upper())
        for path, item in SCHEMA["paths"].items()
        for method in item
        if method.upper() in methods
    )


WRITE_OPERATIONS = _operations({"POST", "PUT", "PATCH"})
READ_OPERATIONS = _operations({"GET"})


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[access.World]:
    from accounts.tests.factories import UserFactory

    with django_db_blocker.unblock(), transaction.atomic():
        built = access.build_world(lambda role: UserFactory(roles=[role]))
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def clients(world: access.World) -> dict[str, Client]:
    from accounts.services import api_token_issue

    made = {}
    for role in access.ROLES:
        key = api_token_issue(user=world.users[role]).key
        made[role] = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {key}")
    return made


def _url(path: str, world: access.World) -> str:
    name = NAME_BY_SHAPE[_shape(path)]
    rule = RULES[name]
    return reverse(name, kwargs=rule.kwargs(world) if rule.kwargs is not None else {})


def _roles_to_try(path: str) -> list[str]:
    """The roles allowed to GET the URL first (they are the likeliest writers)."""
    rule = RULES[NAME_BY_SHAPE[_shape(path)]]
    return sorted(access.ROLES, key=lambda role: (not rule.allows(role), role != "admin"))


def _send(client: Client, method: str, url: str, **kwargs: Any) -> tuple[HttpResponse, list[str]]:
    """One request in a savepoint rolled back after it; the tables it wrote to."""
    connection.queries_log.clear()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = client.generic(method, url, **kwargs)
        transaction.set_rollback(True)
    written = []
    for query in queries.captured_queries:
        match = WRITE.match(query["sql"])
        if match and not match.group(2).lower().startswith(HARMLESS_TABLES):
            written.append(match.group(2))
    return response, written


def _body(path: str, method: str) -> dict[str, Any]:
    """The unknown field, in the operation's first content type (JSON when it has it)."""
    body = SCHEMA["paths"][path][method.lower()].get("requestBody", {})
    types = list(body.get("content", {})) or ["application/json"]
    if "application/json" in types:
        return {"data": json.dumps({UNKNOWN: "x"}), "content_type": "application/json"}
    content_type = types[0]
    if content_type == "multipart/form-data":
        boundary = "relaisboundary"
        data = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{UNKNOWN}"\r\n\r\nx\r\n'
            f"--{boundary}--\r\n"
        )
        return {"data": data, "content_type": f"multipart/form-data; boundary={boundary}"}
    return {"data": f"{UNKNOWN}=x", "content_type": content_type}


def test_the_schema_has_write_operations_and_every_one_has_a_url():
    assert len(WRITE_OPERATIONS) > 30
    assert [op for op in WRITE_OPERATIONS if _shape(op[0]) not in NAME_BY_SHAPE] == []


@pytest.mark.parametrize(("path", "method"), [op for op in WRITE_OPERATIONS if op not in OWN_TESTS])
def test_every_write_operation_refuses_an_unknown_field(path, method, world, clients):
    url = _url(path, world)
    answers = []
    for role in _roles_to_try(path):
        response, written = _send(clients[role], method, url, **_body(path, method))
        status = response.status_code
        answers.append(f"{role}: {status} {response.content[:200]!r}")
        assert status < 500, answers[-1]
        assert not 200 <= status < 300, f"{method} {url} accepted an unknown field: {answers}"
        if status in (401, 403, 404, 405):
            assert written == [], f"{role} was refused but wrote to {written}"
            continue
        assert status == 400, answers
        assert UNKNOWN in response.json(), f"the 400 does not name {UNKNOWN!r}: {answers}"
        assert written == [], f"{method} {url} refused the body but wrote to {written}"
        return
    pytest.fail(f"no role may {method} {url}, so the check never ran: {answers}")


def test_known_read_only_fields_sent_back_are_ignored_and_nested_unknowns_named(rf):
    from rest_framework import serializers

    from relais.api import unknown_fields

    class Line(serializers.Serializer):
        label = serializers.CharField()

    class Order(serializers.Serializer):
        id = serializers.IntegerField(read_only=True)
        name = serializers.CharField()
        lines = Line(many=True)
        address = Line()
        extra = serializers.JSONField()

    data = {
        "id": 3,
        "name": "x",
        "nmae": "y",
        "lines": [{"label": "a"}, {"label": "b", "lable": "c"}],
        "address": {"street": "1"},
        "extra": {"anything": 1},
    }
    assert unknown_fields(Order(), data) == ["nmae", "lines[1].lable", "address.street"]


# --- Ids out of range ----------------------------------------------------------------


def _query_parameters(path: str) -> list[dict[str, Any]]:
    operation = SCHEMA["paths"][path]["get"]
    return [p for p in operation.get("parameters", []) if p["in"] == "query"]


@pytest.mark.parametrize("path", [op[0] for op in READ_OPERATIONS if _query_parameters(op[0])])
def test_no_query_parameter_with_a_hostile_id_is_a_500(path, world, clients):
    url = _url(path, world)
    rule = RULES[NAME_BY_SHAPE[_shape(path)]]
    role = next(role for role in _roles_to_try(path) if rule.allows(role))
    failures = []
    for parameter in _query_parameters(path):
        schema = parameter.get("schema", {})
        integer = schema.get("type") == "integer" or (
            schema.get("type") == "array" and schema.get("items", {}).get("type") == "integer"
        )
        for value in HOSTILE_IDS:
            query = urlencode({parameter["name"]: value})
            response, _written = _send(clients[role], "GET", f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(f"?{parameter['name']}={value}: {response.status_code}")
            elif (
                integer
                and value == OUT_OF_RANGE
                and response.status_code == 200
                and parameter["name"] not in CLAMPED
            ):
                # Past every id: the answer is a refusal, not a silent "ignored".
                failures.append(f"?{parameter['name']}={value}: 200 (expected 400 or 404)")
    assert failures == [], f"GET {url} as {role}: {failures}"


def test_the_ticket_queue_filter_out_of_range_is_a_400(world, clients):
    response = clients["agent"].get("/api/v1/tickets/", {"queue": OUT_OF_RANGE})
    assert response.status_code == 400
    assert "queue" in response.json()


INT_ROUTES = sorted(
    name
    for name, route in ROUTES.items()
    if name in RULES and any(kind == "int" for kind, _ in PARAMETER.findall(route))
)


@pytest.mark.parametrize("name", INT_ROUTES)
def test_a_path_id_out_of_range_is_a_404_not_a_500(name, world, clients):
    rule = RULES[name]
    kwargs = dict(rule.kwargs(world)) if rule.kwargs is not None else {}
    route = ROUTES[name]
    for kind, key in PARAMETER.findall(route):
        if kind == "int":
            kwargs[key] = int(OUT_OF_RANGE)
    url = reverse(name, kwargs=kwargs)
    role = next((r for r in access.ROLES if rule.allows(r)), "admin")
    if route.startswith("api/"):
        client = clients[role]
    else:
        client = Client(raise_request_exception=False)
        client.force_login(world.users[role])
    response, _written = _send(client, "GET", url)
    if response.status_code == 405:
        response, _written = _send(client, "POST", url)
    assert response.status_code in (403, 404), (url, role, response.status_code)


# --- The same on the web pages' filters ----------------------------------------------


class _GetFormFields(HTMLParser):
    """The names of the fields of a page's GET forms (its filters)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self._in_get_form = (values.get("method") or "get").lower() == "get"
        elif (
            self._in_get_form
            and tag in ("input", "select")
            and values.get("name")
            and values.get("type") not in ("hidden", "submit", "checkbox", "radio")
        ):
            self.names.add(str(values["name"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_get_form = False


def test_no_web_page_filter_with_a_hostile_id_is_a_500(world):
    """Every page a role may open, every field of its GET forms (the inbox's `queue`,
    the lists' filters), given an id out of range: a 400 or the page with its error or
    an empty result, never a 5xx (issue 8: on SQLite an integer past 2**63 was one)."""
    failures, probed = [], set()
    for name, route in sorted(ROUTES.items()):
        rule = RULES.get(name)
        if rule is None or route.startswith("api/") or not rule.roles or rule.ends_on_login:
            continue
        role = "admin" if rule.allows("admin") else sorted(rule.roles)[0]
        client = Client(raise_request_exception=False)
        client.force_login(world.users[role])
        url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs is not None else {})
        query = rule.query(world) if rule.query is not None else {}
        page, _written = _send(client, "GET", f"{url}?{urlencode(query)}" if query else url)
        if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
            continue
        fields = _GetFormFields()
        fields.feed(page.content.decode())
        for field in sorted(fields.names):
            response, _written = _send(
                client, "GET", f"{url}?{urlencode({**query, field: OUT_OF_RANGE})}"
            )
            probed.add((name, field))
            if response.status_code >= 500:
                failures.append(f"{url}?{field}={OUT_OF_RANGE}: {response.status_code}")
    assert ("tickets:inbox", "queue") in probed
    assert len(probed) > 50
    assert failures == []
