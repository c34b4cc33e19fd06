"""The telework benchmark at toy size, so that `python -m bench telework-*` cannot rot:
the generator on the test database (SQLite or PostgreSQL), then the measured pages and
the export with the in-process query counts the benchmark reports."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team, User
from bench.telework_generate import generate
from bench.timing import PhaseTimer
from telework.models import Agreement, AllowanceLine, Declaration, LegalEntity

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated() -> dict:
    args = argparse.Namespace(employees=60, team_size=20, years=1, seed=3)
    outcome = generate(args, PhaseTimer())
    connection.check_constraints()
    return outcome


def test_generator_writes_history_and_the_measured_pages_answer(generated: dict):
    counts = generated["counts"]
    assert counts["employees"] == 60
    assert counts["teams"] == 3
    assert Agreement.objects.filter(status="active").exists()
    assert Agreement.objects.filter(status="ended").exists()
    assert Declaration.objects.count() == counts["declarations"] > 0
    assert AllowanceLine.objects.count() == counts["allowance_lines"] > 0
    hr = User.objects.get(email="bench-tw-hr-0@relais.example")
    team = Team.objects.filter(name__startswith="Télétravail bench ").order_by("name").first()
    client, manager = Client(), Client()
    client.force_login(hr)
    manager.force_login(team.lead)
    for who, path in ((client, "/telework/hr/"), (manager, "/telework/team/?view=month"),
                      (client, "/api/v1/telework/agreements/?status=active")):  # fmt: skip
        who.get(path)
        with CaptureQueriesContext(connection) as captured:
            assert who.get(path).status_code == 200
        assert len(captured) <= 16, path
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    entity = LegalEntity.objects.get(name="Relais Services SAS")
    export = client.get(f"/api/v1/telework/allowance/?month={month}&entity={entity.pk}&export=csv")
    assert export.status_code == 200
    assert export.content.startswith(b"legal_entity,")
