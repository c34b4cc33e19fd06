from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import segments, selectors, services
from campaigns.models import Segment

pytestmark = pytest.mark.django_db


def rule(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


def count(*rules: dict[str, Any], match: str = "all") -> int:
    return selectors.segment_count(rules={"match": match, "rules": list(rules)})


@pytest.mark.parametrize(
    ("r", "expected"),
    [
        (rule("tags", "any_of", ["client"]), 2),
        (rule("tags", "none_of", ["client"]), 8),
        (rule("language", "in", ["en"]), 2),
        (rule("country", "in", ["FR"]), 8),
        (rule("country", "not_in", "fr"), 2),
        (rule("departement", "in", ["75"]), 6),
        (rule("departement", "in", ["2A", "69"]), 2),
        (rule("postcode", "starts_with", "750"), 6),
        (rule("org_sector", "in", ["retail"]), 2),
        (rule("org_size", "in", ["micro"]), 2),
        (rule("consent", "given", ["email"]), 6),
        (rule("consent", "not_given", ["email"]), 4),
        (rule("consent", "given", ["phone"]), 1),
        (rule("vip", "is", True), 2),
        (rule("created", "within_days", 1), 10),
        (rule("created", "before", "2000-01-01"), 0),
        (rule("open_tickets", "is", False), 10),
        (rule("opportunity_stage", "in", ["won"]), 0),
    ],
)
def test_each_field_counts_exactly_on_the_known_set(known_set, r, expected):
    assert count(r) == expected


def test_groups_combine_with_and_and_or(known_set):
    french_clients = {
        "match": "all",
        "rules": [rule("tags", "any_of", ["client"]), rule("language", "in", ["fr"])],
    }
    vip = {"match": "all", "rules": [rule("vip", "is", "true")]}
    assert selectors.segment_count(rules={"match": "any", "rules": [french_clients, vip]}) == 2
    assert selectors.segment_count(rules={"match": "all", "rules": [french_clients, vip]}) == 1
    assert count(rule("language", "in", ["en"]), rule("vip", "is", True), match="any") == 4


def test_a_segment_is_one_query_whatever_its_rules(known_set):
    rules = {
        "match": "all",
        "rules": [
            rule("tags", "any_of", ["client"]),
            rule("consent", "given", ["email"]),
            rule("open_tickets", "is", False),
            rule("opportunity_stage", "not_in", ["lost"]),
            rule("last_contact", "not_within_days", 400),
            rule("departement", "in", ["75"]),
        ],
    }
    with CaptureQueriesContext(connection) as queries:
        assert selectors.segment_count(rules=rules) == 1
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            {"match": "all", "rules": [rule("shoe_size", "in", ["42"])]},
            segments.ERROR_UNKNOWN_FIELD,
        ),
        ({"match": "all", "rules": [rule("vip", "between", True)]}, segments.ERROR_UNKNOWN_OP),
        ({"match": "all", "rules": [rule("language", "in", ["de"])]}, segments.ERROR_BAD_VALUE),
        (
            {"match": "all", "rules": [rule("created", "before", "yesterday")]},
            segments.ERROR_BAD_VALUE,
        ),
        ({"match": "all", "rules": [rule("departement", "in", ["99"])]}, segments.ERROR_BAD_VALUE),
        (
            {"match": "all", "rules": [rule("country", "in", ["<script>"])]},
            segments.ERROR_BAD_VALUE,
        ),
        ({"match": "xor", "rules": []}, segments.ERROR_SHAPE),
        ({"match": "all", "rules": []}, segments.ERROR_EMPTY_GROUP),
        ("DROP TABLE", segments.ERROR_SHAPE),
        ({"match": "all", "rules": [rule("vip", "is", True)] * 51}, segments.ERROR_TOO_MANY),
    ],
)
def test_bad_rules_are_refused_clearly_and_nothing_is_written(marketer, rules, message):
    with pytest.raises(ValidationError) as caught:
        services.segment_create(name="x", rules=rules, actor=marketer)
    first = str(message).split("%")[0].split("«")[0].strip()
    assert first in " ".join(caught.value.messages)
    assert not Segment.objects.exists()


def test_a_saved_segment_keeps_its_cleaned_rules(known_set, marketer):
    segment = services.segment_create(
        name="FR",
        rules={"match": "all", "rules": [rule("country", "in", "fr, be")]},
        actor=marketer,
    )
    assert segment.rules["rules"][0]["value"] == ["FR", "BE"]
    assert selectors.segment_count(rules=segment.rules) == 9
