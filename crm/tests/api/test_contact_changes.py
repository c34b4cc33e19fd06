"""Contact detail and updates, merges and GDPR export and erasure through the API."""

from __future__ import annotations

import pytest

from crm import services, timeline
from crm.models import (
    Activity,
    ContactEmail,
    ContactPhone,
    Note,
    PrivacyLog,
)
from crm.tests.factories import (
    CallFactory,
    ContactFactory,
)

from .support import contact_url, create_contact, follow_pages, row_counts

pytestmark = pytest.mark.django_db


def test_contact_detail_is_bounded_in_queries(agent, django_assert_max_num_queries):
    contact = ContactFactory(emails=[f"e{n}@example.fr" for n in range(10)], tags=["a", "b"])
    with django_assert_max_num_queries(6):
        response = agent.get(contact_url(contact))
    assert len(response.json()["emails"]) == 10


def test_patch_changes_only_the_given_fields_and_refreshes_the_search_text(agent):
    contact = create_contact(job_title="Buyer", tags=["vip"])
    response = agent.patch(
        contact_url(contact), {"last_name": "Martin", "emails": ["zoe.martin@example.fr"]}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["last_name"] == "Martin"
    assert body["job_title"] == "Buyer"
    assert body["emails"] == ["zoe.martin@example.fr"]
    assert body["phones"] == ["+33612345678"]
    assert body["tags"] == ["vip"]
    contact.refresh_from_db()
    assert contact.search_text == "zoe martin buyer zoe.martin@example.fr"


def test_put_requires_the_last_name_and_keeps_lists_not_sent(agent):
    contact = create_contact()
    response = agent.put(contact_url(contact), {"first_name": "Anna"})
    assert response.status_code == 400
    assert "last_name" in response.json()
    response = agent.put(contact_url(contact), {"last_name": "Martin", "phones": []})
    assert response.status_code == 200, response.json()
    assert response.json()["phones"] == []
    assert response.json()["emails"] == ["zoe@example.fr"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"emails": ["bad"]}, "emails"),
        ({"phones": ["bad"]}, "phones"),
        ({"last_name": "L" * 101}, "last_name"),
        ({"preferred_language": "xx"}, "preferred_language"),
        ({"organisation": 999_999}, "organisation"),
        ({"last_name": "\x00"}, "last_name"),
    ],
)
def test_bad_update_is_a_400_and_changes_nothing(agent, payload, field):
    contact = create_contact()
    response = agent.patch(contact_url(contact), payload)
    assert response.status_code == 400
    assert field in response.json()
    contact.refresh_from_db()
    assert contact.last_name == "Lefèvre"
    assert list(contact.emails.values_list("email", flat=True)) == ["zoe@example.fr"]


def test_allow_duplicate_is_not_an_update_field(agent):
    contact = create_contact()
    response = agent.patch(contact_url(contact), {"allow_duplicate": True, "city": "Paris"})
    # Not a field of an update: refused by name, not silently dropped (API contract).
    assert response.status_code == 400
    assert "allow_duplicate" in response.json()
    contact.refresh_from_db()
    assert contact.city != "Paris"


def test_a_merged_duplicate_is_returned_with_its_survivor_and_cannot_be_updated(supervisor):
    survivor = create_contact()
    duplicate = create_contact(first_name="Zoe", emails=["z@example.fr"], phones=[])
    services.contact_merge(survivor=survivor, duplicate=duplicate, actor=None)
    response = supervisor.get(contact_url(duplicate))
    assert response.status_code == 200
    assert response.json()["merged_into"] == survivor.pk

    response = supervisor.patch(contact_url(duplicate), {"job_title": "CEO"})
    assert response.status_code == 400
    assert response.json() == {"detail": [str(services.ERROR_UPDATE_MERGED)]}
    duplicate.refresh_from_db()
    assert duplicate.job_title == ""


def test_an_erased_contact_cannot_be_updated(admin):
    contact = create_contact()
    services.contact_erase(contact=contact, actor=None, confirmation="Zoé Lefèvre")
    response = admin.put(contact_url(contact), {"last_name": "Lefèvre", "emails": ["z@e.fr"]})
    assert response.status_code == 400
    assert response.json() == {"detail": [str(services.ERROR_UPDATE_ERASED)]}
    response = admin.patch(contact_url(contact), {"job_title": "CEO"})
    assert response.status_code == 400
    # Its own message, not the merge's.
    assert response.json() == {"detail": [str(services.ERROR_UPDATE_ERASED)]}
    contact.refresh_from_db()
    assert contact.last_name == services.ERASED_NAME
    assert not contact.emails.exists()


def test_merge_moves_notes_calls_and_timeline_to_the_survivor(supervisor):
    survivor = create_contact()
    duplicate = create_contact(first_name="Zoe", emails=["z.lefevre@example.fr"], phones=[])
    services.note_add(contact=duplicate, author=supervisor.user, body="Duplicate's note")
    call = CallFactory(contact=duplicate)
    duplicate_rows = set(Activity.objects.filter(contact=duplicate).values_list("id", flat=True))

    response = supervisor.post(contact_url(survivor, "merge/"), {"duplicate": duplicate.pk})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == survivor.pk
    assert set(body["emails"]) == {"zoe@example.fr", "z.lefevre@example.fr"}
    assert Note.objects.get(body="Duplicate's note").contact == survivor
    call.refresh_from_db()
    assert call.contact == survivor
    timeline_ids = {
        row["id"]
        for page in follow_pages(supervisor, contact_url(survivor, "timeline/"))
        for row in page
    }
    assert duplicate_rows <= timeline_ids
    assert supervisor.get(contact_url(duplicate)).json()["merged_into"] == survivor.pk
    assert Activity.objects.filter(contact=survivor, kind=timeline.MERGED).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"duplicate": 999_999}, "duplicate"),
        ({"duplicate": "someone"}, "duplicate"),
        ({"duplicate": [1]}, "duplicate"),
        ({}, "duplicate"),
    ],
)
def test_merging_an_unknown_duplicate_is_a_400_naming_the_field(supervisor, payload, field):
    survivor = create_contact()
    before = row_counts()
    response = supervisor.post(contact_url(survivor, "merge/"), payload)
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_a_contact_cannot_be_merged_into_itself(supervisor):
    contact = create_contact()
    response = supervisor.post(contact_url(contact, "merge/"), {"duplicate": contact.pk})
    assert response.status_code == 400
    assert response.json() == {"detail": [str(services.ERROR_MERGE_SELF)]}
    contact.refresh_from_db()
    assert contact.merged_into is None


def test_an_already_merged_duplicate_cannot_be_merged_again(supervisor):
    survivor = create_contact()
    duplicate = create_contact(emails=["other@example.fr"], phones=[])
    third = create_contact(emails=["third@example.fr"], phones=[])
    services.contact_merge(survivor=survivor, duplicate=duplicate, actor=None)
    response = supervisor.post(contact_url(third, "merge/"), {"duplicate": duplicate.pk})
    assert response.status_code == 400
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor


def test_gdpr_export_returns_everything_and_logs_who_asked(admin):
    contact = create_contact(external_ids={"erp": "C42"})
    services.note_add(contact=contact, author=admin.user, body="Private note")
    CallFactory(contact=contact)
    response = admin.get(contact_url(contact, "gdpr-export/"))
    assert response.status_code == 200
    data = response.json()
    assert data["contact"]["emails"] == ["zoe@example.fr"]
    assert data["contact"]["external_ids"] == {"erp": "C42"}
    assert [note["body"] for note in data["notes"]] == ["Private note"]
    assert len(data["calls"]) == 1
    assert data["timeline"]
    log = PrivacyLog.objects.get()
    assert log.action == PrivacyLog.Action.EXPORT
    assert log.performed_by == admin.user
    assert log.contact == contact


def test_gdpr_erase_requires_the_exact_full_name(admin):
    contact = create_contact()
    before = row_counts()
    for confirmation in ["Zoe Lefevre", "Lefèvre", "", "zoé lefèvre"]:
        response = admin.post(
            contact_url(contact, "gdpr-erase/"), {"confirmation": confirmation, "reason": "asked"}
        )
        assert response.status_code == 400
        assert "confirmation" in response.json()
    assert row_counts() == before
    contact.refresh_from_db()
    assert contact.erased_at is None


def test_gdpr_erase_removes_identity_emails_and_phones_but_keeps_call_rows(admin):
    contact = create_contact(external_ids={"erp": "C42"})
    call = CallFactory(contact=contact, topic="Résiliation")
    response = admin.post(
        contact_url(contact, "gdpr-erase/"),
        {"confirmation": "  Zoé   Lefèvre ", "reason": "Request by letter"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["erased_at"]
    assert body["last_name"] == services.ERASED_NAME
    assert body["emails"] == []
    assert body["phones"] == []
    assert body["external_ids"] == {}
    assert not ContactEmail.objects.filter(contact=contact).exists()
    assert not ContactPhone.objects.filter(contact=contact).exists()
    call.refresh_from_db()
    assert call.contact == contact
    assert call.duration_seconds == 300
    assert call.topic == ""
    log = PrivacyLog.objects.get(action=PrivacyLog.Action.ERASE)
    assert log.reason == "Request by letter"
    assert log.performed_by == admin.user
    # Erasing twice is refused.
    response = admin.post(contact_url(contact, "gdpr-erase/"), {"confirmation": "—"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "confirmation"),
        ({"confirmation": ["Zoé Lefèvre"]}, "confirmation"),
        ({"confirmation": "Zoé Lefèvre", "reason": "r" * 301}, "reason"),
        ({"confirmation": "Zoé\x00Lefèvre"}, "confirmation"),
    ],
)
def test_bad_erase_input_is_a_400_and_erases_nothing(admin, payload, field):
    contact = create_contact()
    before = row_counts()
    response = admin.post(contact_url(contact, "gdpr-erase/"), payload)
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before
