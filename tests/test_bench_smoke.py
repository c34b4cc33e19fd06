"""The benchmark's data generator, at toy size, so that `python -m bench` cannot rot.

Runs on SQLite (bulk_create) and PostgreSQL (COPY) alike, with every constraint checked;
the full-size run and its figures are in docs/benchmarks.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from django.db import connection

from bench.crm_generate import load_crm, source_types, staff_ids
from bench.crm_measure import misspell
from bench.crm_rows import CrmPlan, build_contacts, build_organisations, iter_timeline_batches
from bench.loader import Loader
from bench.timing import percentile
from crm import selectors, services, timeline
from crm.models import (
    Activity,
    Call,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    Note,
    Organisation,
)
from crm.search import normalise, organisation_search_text

pytestmark = pytest.mark.django_db

PLAN = CrmPlan(organisations=10, contacts=50, activities=500, heavy_contact_activities=120, seed=7)


@pytest.fixture
def loaded() -> dict[str, int]:
    report = load_crm(
        PLAN, loader=Loader(), staff=staff_ids(count=3), types=source_types(), batch_size=97
    )
    # Foreign keys are deferred on PostgreSQL and the test never commits: check them now.
    connection.check_constraints()
    return report.rows


def test_generator_writes_the_planned_rows_with_one_heavy_contact(loaded: dict[str, int]):
    assert Organisation.objects.count() == 10
    assert Contact.objects.count() == 50
    assert Activity.objects.count() == 500 == loaded["crm.Activity"]
    assert Activity.objects.filter(contact_id=PLAN.heavy_contact_id).count() == 120
    per_contact = Counter(
        Activity.objects.exclude(contact=None).values_list("contact_id", flat=True)
    )
    assert per_contact.most_common(1)[0] == (PLAN.heavy_contact_id, 120)
    assert len(per_contact) == 50  # every contact has at least its creation row
    assert Activity.objects.filter(kind=timeline.ORGANISATION_CREATED).count() == 10


def test_generated_contacts_look_like_the_services_wrote_them(loaded: dict[str, int]):
    stored = dict(Contact.objects.values_list("pk", "search_text"))
    contacts = Contact.objects.select_related("organisation").prefetch_related(
        "emails", "external_ids"
    )
    for contact in contacts:
        services.contact_refresh_search_text(contact)
    assert dict(Contact.objects.values_list("pk", "search_text")) == stored
    assert all(text == normalise(text) for text in stored.values())
    assert ContactEmail.objects.filter(is_primary=True).count() == 50
    mobiles = ContactPhone.objects.filter(kind="mobile").values_list("number", flat=True)
    assert len(mobiles) == 50
    assert all(n.as_e164.startswith("+336") and len(n.as_e164) == 12 for n in mobiles)
    organisations = Organisation.objects.all()
    assert all(
        o.search_text
        == organisation_search_text(name=o.name, legal_id=o.legal_id, city=o.city, sector=o.sector)
        for o in organisations
    )
    for organisation in organisations:
        organisation.full_clean()  # SIREN check digits, URL, country code


def test_timeline_rows_point_to_their_sources_and_denormalise_the_organisation(
    loaded: dict[str, int],
):
    assert Activity.objects.filter(kind=timeline.CALL).count() == Call.objects.count() > 0
    assert Activity.objects.filter(kind=timeline.NOTE).count() == Note.objects.count() > 0
    assert Activity.objects.filter(kind=timeline.CONSENT).count() == Consent.objects.count()
    organisation_of = dict(Contact.objects.values_list("pk", "organisation_id"))
    for contact_id, organisation_id in Activity.objects.exclude(contact=None).values_list(
        "contact_id", "organisation_id"
    ):
        assert organisation_id == organisation_of[contact_id]
    assert {kind for kind in Activity.objects.values_list("kind", flat=True)} <= {
        kind.code for kind in timeline.CRM_KINDS
    }


def test_generated_record_is_readable_through_the_selectors(loaded: dict[str, int]):
    heavy = Contact.objects.get(pk=PLAN.heavy_contact_id)
    first = selectors.timeline_page(contact=heavy, page_size=25)
    second = selectors.timeline_page(contact=heavy, cursor=first.next_cursor, page_size=25)
    assert len(first.rows) == len(second.rows) == 25
    assert not {a.pk for a in first.rows} & {a.pk for a in second.rows}
    assert first.rows[-1].occurred_at >= second.rows[0].occurred_at
    found = selectors.contact_search(query=heavy.last_name)
    assert heavy in found or len(found) == selectors.SEARCH_LIMIT


def test_rows_are_deterministic_for_a_seed():
    def fingerprint(plan: CrmPlan) -> list[object]:
        organisations = build_organisations(plan, staff_ids=[1, 2])
        contacts = build_contacts(plan, organisations, staff_ids=[1, 2])
        types = source_types()
        batches = iter_timeline_batches(
            plan, organisations, contacts, staff_ids=[1, 2], source_types=types
        )
        return [contacts.contacts.rows, [t.rows for batch in batches for t in batch]]

    assert fingerprint(PLAN) == fingerprint(PLAN)
    other = replace(PLAN, seed=8)
    assert fingerprint(PLAN)[0] != fingerprint(other)[0]


def test_plan_refuses_more_fixed_rows_than_activities():
    with pytest.raises(ValueError, match="at least"):
        CrmPlan(organisations=10, contacts=50, activities=100, heavy_contact_activities=60)


def test_measure_helpers():
    assert misspell("Lefèvre") == "Lefebre"
    assert normalise(misspell("Guérin")) != normalise("Guérin")
    assert percentile([float(v) for v in range(1, 201)], 0.95) == 190.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
