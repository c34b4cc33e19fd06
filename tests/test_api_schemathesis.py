"""Schemathesis over every operation of the published API (docs/security.md, "API
contract"; issue 8).

For each operation of the OpenAPI schema (the one /api/schema/ serves:
`test_the_schema_served_is_the_one_tested`), Schemathesis generates a few requests, valid
and invalid ones, and sends each, in-process through the WSGI application, with an
agent's token and with an admin's. Every response must pass every default check:

- no 5xx (`not_a_server_error`);
- the status code, its Content-Type and its body are documented, the body matching its
  schema (`status_code_conformance`, `content_type_conformance`,
  `response_schema_conformance`...);
- a request the schema says is valid is not refused with a 400 (`positive_data_acceptance`)
  and one it says is invalid is refused (`negative_data_rejection`): the schema
  describes what the API really takes.

Data: the objects of the role x URL matrix's world (relais.access), built once per module
and rolled back after it. The valid examples aim at real objects: the path's ids are those
of the matrix's URL, and the ids in a body or a query (queue, contact...) are replaced by
the world's (REFERENCES); the invalid ones keep what was generated. Every request runs
in a savepoint rolled back after it, so destructive operations (DELETE, merges,
transitions) run on throwaway data and each example starts from the same world.

Bounded: 5 examples per operation and phase (the schema's examples, then fuzzing),
derandomised (the same requests on every run), no shrinking, no stateful or coverage
phase; about a minute on two cores (docs/testing.md).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from relais import access

pytestmark = pytest.mark.django_db

ROLES = ("agent", "admin")
MAX_EXAMPLES = 5

CONFIG = SchemathesisConfig.from_dict(
    {
        # The requests go through the whole Django stack and the database: "too slow" for
        # Hypothesis' taste, by design.
        "suppress-health-check": [
            "too_slow",
            "filter_too_much",
            "data_too_large",
            "large_base_example",
        ],
        # No NUL character in generated strings: every DRF CharField refuses it
        # (ProhibitNullCharactersValidator), a rule of the whole API that the schema would
        # have to repeat as a pattern on each of its hundreds of strings; the hostile-input
        # tests (tests/test_hostile_input.py) send it everywhere instead.
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "no-shrink": True,
            "allow-x00": False,
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
    }
)

# The mail gateway posts a raw message: bytes, like any binary body.
schemathesis.serializer.alias("message/rfc822", "application/octet-stream")

RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


def _json_bodies_only(raw: dict[str, Any]) -> dict[str, Any]:
    """The schema, with request bodies in JSON only where an operation takes JSON.

    DRF's parsers also take the same fields form-encoded and as multipart (what the
    browsable API posts), but those encodings have no null, no number, no boolean and
    no empty list: Schemathesis sends `organisation=null` or an empty list as no part at
    all, and the API rightly refuses the string "null" for an id. The fields, their rules
    and the views are the same whatever the encoding; the operations that only take
    multipart (attachments, imports) keep it.
    """
    tested = copy.deepcopy(raw)
    for item in tested["paths"].values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                for media_type in list(content):
                    if media_type != "application/json":
                        del content[media_type]
    return tested


schema = schemathesis.openapi.from_dict(_json_bodies_only(RAW_SCHEMA), config=CONFIG)
schema.app = get_wsgi_application()

# Operations whose refusals of some schema-valid requests are business rules that a JSON
# Schema cannot say (a rule across two fields, or about the data's state). For them
# only, `positive_data_acceptance` is not run; every other check is, and each rule has
# its own tests in the app.
BUSINESS_RULES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/kpis/"): "`to` at most 400 days after `from` (two parameters).",
    ("GET", "/api/v1/staffing/erlang-c/"): "Erlang C gives up past a number of agents "
    "that depends on contacts x handling time together.",
    ("PATCH", "/api/v1/surveys/{id}/"): "a survey that has invitations keeps its kind.",
    ("POST", "/api/v1/tickets/"): "a ticket needs a contact or a staff requester, one of "
    "two optional fields.",
    ("POST", "/api/v1/tracking-numbers/"): "a number or a code, one of two optional fields.",
    ("POST", "/api/v1/telephony/lookup/"): "a phone number or a tracking code in one field.",
    ("POST", "/api/v1/segments/"): "`rules` is a nested rule tree checked by the segment "
    "engine (campaigns.segments), documented in its description.",
    ("POST", "/api/v1/inbound/email/"): "a raw RFC 822 message; an empty or unreadable one "
    "is refused (tests: channels/tests/test_api_inbound*.py).",
    # Check digits and reference lists.
    ("POST", "/api/v1/organisations/"): "SIREN/SIRET check digit; ISO 3166 country list.",
    ("PUT", "/api/v1/organisations/{id}/"): "SIREN/SIRET check digit; ISO 3166 country list.",
    ("PATCH", "/api/v1/organisations/{id}/"): "SIREN/SIRET check digit; ISO 3166 country list.",
    ("POST", "/api/v1/webhooks/endpoints/"): "an http(s) URL whose host resolves (SSRF guard).",
    ("PUT", "/api/v1/webhooks/endpoints/{id}/"): "an http(s) URL whose host resolves.",
    ("PATCH", "/api/v1/webhooks/endpoints/{id}/"): "an http(s) URL whose host resolves.",
    # Dates relative to today.
    ("POST", "/api/v1/telework/agreements/"): "a start date not in the past.",
    ("POST", "/api/v1/telework/reserve-pool/{id}/call-ups/"): "a start date not in the past.",
    ("PATCH", "/api/v1/opportunities/{id}/"): "a next step due at most a day in the past.",
    ("POST", "/api/v1/calls/"): "a call started between 1970 and now.",
    # The state of the object, or the caller's part in it (workflows).
    ("POST", "/api/v1/opportunities/"): "a call-back needs the customer's recorded consent.",
    ("POST", "/api/v1/opportunities/{id}/acknowledge-warning/"): "only with a service alert.",
    ("POST", "/api/v1/opportunities/{id}/move/"): "the pipeline's allowed stage moves.",
    ("POST", "/api/v1/opportunities/{id}/onboarding-ticket/"): "only a won opportunity.",
    ("POST", "/api/v1/opportunities/{id}/reassign/"): "another rep than the current one.",
    ("POST", "/api/v1/campaigns/{id}/start/"): "a campaign starts with its texts in both "
    "languages.",
    ("POST", "/api/v1/contacts/{id}/gdpr-erase/"): "the contact's exact full name confirms.",
    ("POST", "/api/v1/contacts/{id}/merge/"): "another contact the user may see.",
    ("POST", "/api/v1/tickets/{id}/merge/"): "another ticket the user may see.",
    ("PATCH", "/api/v1/tickets/{id}/"): "a closed ticket's fields, the category's queue.",
    ("POST", "/api/v1/surveys/"): "an NPS survey goes to contacts, not after tickets.",
    ("POST", "/api/v1/surveys/{id}/send/"): "only an NPS survey is sent to a list.",
    ("POST", "/api/v1/triage/assessments/{id}/correct/"): "an angry message is negative too.",
    ("POST", "/api/v1/telework/equipment/{id}/return/"): "only equipment lent to someone.",
    ("POST", "/api/v1/telework/onboarding-items/{id}/complete/"): "the step's own team.",
    ("POST", "/api/v1/campaigns/"): "`ends_on` on or after `starts_on` (two fields).",
    ("GET", "/api/v1/opportunities/kpis/"): "`to` not before `from` (two parameters).",
    ("GET", "/api/v1/contacts/{id}/timeline/"): "`cursor` is opaque: one a previous page gave.",
    **{
        (method, path): "each of `emails` and `phones` is checked by Django's email validator "
        "and the phonenumbers library (numbering plans), more than a format can say."
        for method, path in (
            ("POST", "/api/v1/contacts/"),
            ("PUT", "/api/v1/contacts/{id}/"),
            ("PATCH", "/api/v1/contacts/{id}/"),
        )
    },
    ("GET", "/api/v1/telework/allowance/"): "a month that has begun.",
    # The rota (quality/services/rota.py, tests: quality/tests/test_rota_*.py).
    **{
        (method, path): "a shift ends after it starts and lasts at most 16 hours, its agent "
        "is an active member of its team, its queue is the team's, it overlaps none of the "
        "agent's shifts, and it falls between 2000-01-03 and 2099-12-27."
        for method, path in (
            ("POST", "/api/v1/shifts/"),
            ("PUT", "/api/v1/shifts/{id}/"),
            ("PATCH", "/api/v1/shifts/{id}/"),
        )
    },
    ("GET", "/api/v1/shifts/"): "`from`/`to` within the rota's dates (2000-01-03 to "
    "2099-12-27), and a team, queue or agent the user may see.",
    ("POST", "/api/v1/shifts/copy-week/"): "a week within the rota's dates (2000-01-03 to "
    "2099-12-27) of a team the user schedules.",
    ("GET", "/api/v1/staffing/plan/"): "a week within the rota's dates (2000-01-03 to "
    "2099-12-27), of a queue the user may see.",
    # Bloctel (campaigns/telemarketing, tests: campaigns/tests/test_bloctel.py).
    ("POST", "/api/v1/bloctel/"): "`number` is a phone number by the phonenumbers "
    "library's numbering plans, more than a format can say.",
    ("POST", "/api/v1/bloctel/import/"): "`file` is a UTF-8 CSV whose every line is a "
    "phone number (a file with one bad line writes nothing).",
    ("POST", "/api/v1/channels/acknowledgements/"): "text that is only spaces is blank once "
    "trimmed (DRF's trim_whitespace, on every string of the API).",
    # Files: the JSON body the run sends cannot carry them (multipart only).
    ("POST", "/api/v1/support/requests/"): "`attachments` are files, sent as multipart.",
    ("POST", "/api/v1/tickets/{id}/messages/"): "`attachments` are files, sent as multipart.",
    **{
        ("POST", f"/api/v1/telework/agreements/{{id}}/{action}/"): "the agreement's "
        "lifecycle: which step its state allows, and whose part it is (docs/architecture.md)."
        for action in (
            "amend",
            "approve",
            "decline",
            "end",
            "refuse",
            "sign",
            "validate",
            "withdraw",
        )
    },
}

# Ids in bodies and query strings that name an object: the world's object of that kind.
REFERENCES: dict[str, Callable[[access.World], int]] = {
    "queue": lambda w: w.queue.pk,
    "default_queue": lambda w: w.queue.pk,
    "follow_up_queue": lambda w: w.queue.pk,
    "queues": lambda w: w.queue.pk,
    "contact": lambda w: w.contact.pk,
    "contact_ids": lambda w: w.contact.pk,
    "organisation": lambda w: w.organisation.pk,
    "ticket": lambda w: w.ticket.pk,
    "source_ticket": lambda w: w.ticket.pk,
    "segment": lambda w: w.segment.pk,
    "campaign": lambda w: w.campaign.pk,
    "survey": lambda w: w.survey.pk,
    "entity": lambda w: w.telework_entity.pk,
    "agreement": lambda w: w.agreement.pk,
    "owner": lambda w: w.users["agent"].pk,
    "assignee": lambda w: w.users["agent"].pk,
    "agent": lambda w: w.users["agent"].pk,
    "rep": lambda w: w.users["sales"].pk,
    "employee": lambda w: w.users["agent"].pk,
    "product": lambda w: w.opportunity.product_id,
    "topic": lambda w: w.channels["api-topic-detail"].pk,
}

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
SCHEMA_PARAMETER = re.compile(r"\{(\w+)\}")


def _routes() -> dict[str, str]:
    """Schema path shape (/api/v1/contacts/{}/) -> URL name, for the declared rows."""
    from django.urls import URLPattern, URLResolver, get_resolver

    shapes: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace != access.ADMIN_NAMESPACE:
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                shapes.setdefault("/" + PARAMETER.sub("{}", route), pattern.name)

    walk(get_resolver().url_patterns, "")
    return shapes


NAME_BY_SHAPE = _routes()
RULES = access.rules()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[access.World]:
    from accounts.tests.factories import UserFactory

    with django_db_blocker.unblock(), transaction.atomic():
        built = access.build_world(lambda role: UserFactory(roles=[role]))
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def tokens(world: access.World, django_db_blocker: Any) -> dict[str, str]:
    from accounts.services import api_token_issue

    with django_db_blocker.unblock():
        return {role: api_token_issue(user=world.users[role]).key for role in ROLES}


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Django's WSGI handler closes the database connection when a request ends; the test
    client does not (it disconnects the same signal), and neither must this: the test's
    transaction lives on that connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Query strings read leniently on purpose, where `negative_data_rejection` is not run: an
# empty parameter (`?assignee=`, what an HTML form sends for "any") means "not set", and a
# yes/no flag takes `1` as well as `true`.
LENIENT_QUERIES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/tickets/"): "`?assignee=` and `?breaching=` empty mean not set.",
    ("GET", "/api/v1/products/"): "`?all=1` is `?all=true`.",
    ("GET", "/api/v1/telework/onboarding-items/"): "`?owner=` empty means not set.",
}


def _real_path_parameters(path: str, world: access.World) -> dict[str, Any]:
    """The path's parameters as in the matrix's URL for it (real objects), or {}."""
    name = NAME_BY_SHAPE.get(SCHEMA_PARAMETER.sub("{}", path))
    rule = RULES.get(name or "")
    if rule is None or rule.kwargs is None:
        return {}
    url = reverse(name, kwargs=rule.kwargs(world))
    pattern = re.escape(path).replace(r"\{", "{").replace(r"\}", "}")
    regex = SCHEMA_PARAMETER.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", pattern)
    match = re.fullmatch(regex, url)
    return dict(match.groupdict()) if match else {}


def _aim_at_real_objects(case: Any, world: access.World) -> None:
    """Replace generated ids by the world's: in the path, and any integer (or list of
    integers) named in REFERENCES in the body or the query string."""
    if case.path_parameters:
        case.path_parameters.update(_real_path_parameters(case.path, world))
    for values in (case.body, case.query):
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if key not in REFERENCES:
                continue
            real = REFERENCES[key](world)
            if isinstance(value, bool):
                continue
            if isinstance(value, int):
                values[key] = real
            elif isinstance(value, list) and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value
            ):
                values[key] = [real] * min(len(value), 1)


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_keeps_its_contract(case, world, tokens, keep_connection):
    positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
    if positive:
        # Only valid requests: an invalid one must stay as invalid as it was made.
        _aim_at_real_objects(case, world)
    excluded = []
    if (case.method.upper(), case.path) in BUSINESS_RULES:
        excluded.append(positive_data_acceptance)
    if (case.method.upper(), case.path) in LENIENT_QUERIES:
        excluded.append(negative_data_rejection)
    for key in tokens.values():
        with transaction.atomic():
            case.call_and_validate(
                headers={"Authorization": f"Token {key}"}, excluded_checks=excluded
            )
            transaction.set_rollback(True)


def test_the_schema_served_is_the_one_tested(role_client):
    from django.utils import translation

    client = role_client("agent")
    language = translation.get_language()
    served = client.get(
        "/api/schema/",
        HTTP_ACCEPT="application/vnd.oai.openapi+json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert served.status_code == 200
    assert served.json() == RAW_SCHEMA
    assert len(RAW_SCHEMA["paths"]) > 100
