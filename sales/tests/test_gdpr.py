"""GDPR export and erasure of a contact cover its opportunities; merges move them."""

from __future__ import annotations

import pytest

from crm import services as crm_services
from crm.tests.factories import ContactFactory
from sales import services
from sales.models import Opportunity, OpportunityEvent, Stage
from sales.tests.factories import accepted, flag, floor, with_call_consent

pytestmark = pytest.mark.django_db


def test_export_lists_the_contacts_opportunities():
    f = floor()
    flag(f, need="Souhaite la fibre à domicile")
    data = crm_services.contact_export_data(contact=f.customer, actor=None)
    rows = data["opportunities"]
    assert len(rows) == 1
    assert rows[0]["need"] == "Souhaite la fibre à domicile"
    assert rows[0]["product"] == "Fibre Pro"


def test_erasure_scrubs_the_words_and_keeps_the_figures():
    f = floor()
    opportunity = accepted(f, need="Zoé veut la fibre au 3 rue X")
    services.opportunity_update(opportunity=opportunity, actor=opportunity.owner,
                                next_step="Appeler Zoé au 06…")  # fmt: skip
    services.opportunity_hand_back(opportunity=opportunity, actor=opportunity.owner,
                                   reason="Zoé préfère Rose")  # fmt: skip
    crm_services.contact_erase(contact=f.customer, actor=None, confirmation=f.customer.full_name)
    opportunity.refresh_from_db()
    assert "Zoé" not in opportunity.need
    assert opportunity.next_step == ""
    assert opportunity.amount > 0
    assert opportunity.stage == Stage.NEW
    for event in OpportunityEvent.objects.filter(opportunity=opportunity):
        assert "Zoé" not in str(event.data)


def test_merge_moves_opportunities_to_the_survivor():
    f = floor()
    duplicate = with_call_consent(ContactFactory())
    flag(f, contact=duplicate)
    crm_services.contact_merge(survivor=f.customer, duplicate=duplicate, actor=None)
    assert Opportunity.objects.get().contact == f.customer
