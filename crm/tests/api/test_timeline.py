"""The timeline, notes and consents of a contact through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from crm import services, timeline
from crm.api import ERROR_INVALID_CURSOR
from crm.models import (
    Activity,
    Consent,
    Note,
)
from crm.tests.factories import (
    ActivityFactory,
    ConsentFactory,
    ContactFactory,
    NoteFactory,
)

from .support import SCRIPT, contact_url, create_contact, follow_pages, row_counts

pytestmark = pytest.mark.django_db


def test_timeline_pages_are_disjoint_newest_first_and_cover_every_row(agent):
    contact = ContactFactory()
    now = timezone.now()
    # Pairs of rows share a timestamp: the id breaks the tie, across page boundaries too.
    for n in range(60):
        ActivityFactory(contact=contact, occurred_at=now - timedelta(minutes=n // 2))
    ActivityFactory()  # another contact's row

    pages = follow_pages(agent, contact_url(contact, "timeline/"))
    assert [len(page) for page in pages] == [25, 25, 10]
    rows = [row for page in pages for row in page]
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == 60
    assert set(ids) == set(Activity.objects.filter(contact=contact).values_list("id", flat=True))
    expected = list(
        Activity.objects.filter(contact=contact)
        .order_by("-occurred_at", "-id")
        .values_list("id", flat=True)
    )
    assert ids == expected


def test_timeline_rows_carry_kind_label_actor_and_summary(agent):
    contact = create_contact()
    services.note_add(contact=contact, author=agent.user, body="Rappeler demain")
    response = agent.get(contact_url(contact, "timeline/"))
    newest = response.json()["results"][0]
    assert newest["kind"] == timeline.NOTE
    assert newest["kind_label"] == str(timeline.get_kind(timeline.NOTE).label)
    assert newest["actor"] == {"id": agent.user.pk, "name": agent.user.get_full_name()}
    assert newest["summary"] == "Rappeler demain"
    assert newest["source_url"] is None
    assert response.json()["next"] is None


def test_timeline_filters_by_kind_and_keeps_the_filter_in_the_next_link(agent):
    contact = ContactFactory()
    for n in range(30):
        ActivityFactory(contact=contact, kind=timeline.NOTE if n % 2 else timeline.CALL)
    ActivityFactory(contact=contact, kind=timeline.CONSENT)
    url = contact_url(contact, f"timeline/?kind={timeline.NOTE}&kind={timeline.CONSENT}")
    pages = follow_pages(agent, url)
    kinds = {row["kind"] for page in pages for row in page}
    assert kinds == {timeline.NOTE, timeline.CONSENT}
    assert sum(len(page) for page in pages) == 16


@pytest.mark.parametrize(
    "cursor", ["garbage", "%%%", "MjAyNC0wMS0wMQ", "bm90fGEtZGF0ZQ", "x" * 200]
)
def test_an_invalid_timeline_cursor_is_a_400_with_a_clear_message(agent, cursor):
    contact = ContactFactory()
    response = agent.get(contact_url(contact, "timeline/"), {"cursor": cursor})
    assert response.status_code == 400
    assert response.json() == {"cursor": [str(ERROR_INVALID_CURSOR)]}


def test_an_unknown_timeline_kind_is_a_400(agent):
    contact = ContactFactory()
    response = agent.get(
        contact_url(contact, "timeline/"), {"kind": "nonsense"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    with translation.override("en"):
        message = str(services.ERROR_UNKNOWN_KIND % {"kind": "nonsense"})
    assert response.json() == {"kind": [message]}


def test_timeline_query_count_does_not_grow_with_rows(agent, django_assert_max_num_queries):
    contact = ContactFactory()
    actors = UserFactory.create_batch(3)
    for n in range(40):
        ActivityFactory(contact=contact, actor=actors[n % 3])
    with django_assert_max_num_queries(7):
        response = agent.get(contact_url(contact, "timeline/"))
    assert len(response.json()["results"]) == 25
    assert all(row["actor"] for row in response.json()["results"])


def test_adding_a_note_writes_it_and_its_timeline_row(agent):
    contact = create_contact()
    response = agent.post(contact_url(contact, "notes/"), {"body": "  Rappeler demain  "})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["body"] == "Rappeler demain"
    assert body["author"]["id"] == agent.user.pk
    note = Note.objects.get(pk=body["id"])
    assert Activity.objects.filter(contact=contact, kind=timeline.NOTE, source_id=note.pk).exists()


def test_notes_are_listed_newest_first_with_bounded_queries(agent, django_assert_max_num_queries):
    contact = ContactFactory()
    now = timezone.now()
    for n in range(35):
        NoteFactory(contact=contact, created_at=now - timedelta(minutes=n))
    NoteFactory()  # another contact's note
    with django_assert_max_num_queries(8):
        response = agent.get(contact_url(contact, "notes/"))
    body = response.json()
    assert body["count"] == 35
    created = [row["created_at"] for row in body["results"]]
    assert created == sorted(created, reverse=True)
    assert all(row["author"] for row in body["results"])


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"body": ""},
        {"body": "   "},
        {"body": "x" * 10_001},
        {"body": ["a note"]},
        {"body": "a\x00b"},
        {"body": None},
    ],
)
def test_bad_note_input_is_a_400_naming_the_body_and_writes_nothing(agent, payload):
    contact = ContactFactory()
    before = row_counts()
    response = agent.post(contact_url(contact, "notes/"), payload)
    assert response.status_code == 400
    assert "body" in response.json()
    assert row_counts() == before


def test_a_note_with_markup_is_stored_as_text(agent):
    contact = ContactFactory()
    response = agent.post(contact_url(contact, "notes/"), {"body": SCRIPT})
    assert response.status_code == 201
    assert Note.objects.get().body == SCRIPT
    assert agent.get(contact_url(contact, "notes/")).json()["results"][0]["body"] == SCRIPT


def test_consents_show_the_current_state_per_channel_and_the_history(agent):
    contact = ContactFactory()
    now = timezone.now()
    given = ConsentFactory(contact=contact, recorded_at=now - timedelta(days=2))
    withdrawn = ConsentFactory(
        contact=contact, status=Consent.Status.WITHDRAWN, recorded_at=now - timedelta(days=1)
    )
    sms = ConsentFactory(contact=contact, channel="sms", recorded_by=agent.user)
    response = agent.get(contact_url(contact, "consents/"))
    assert response.status_code == 200
    body = response.json()
    assert body["current"]["email"]["id"] == withdrawn.pk
    assert body["current"]["email"]["status"] == "withdrawn"
    assert body["current"]["sms"]["recorded_by"]["id"] == agent.user.pk
    assert body["current"]["phone"] is None
    assert body["current"]["post"] is None
    assert [row["id"] for row in body["history"]] == [sms.pk, withdrawn.pk, given.pk]


def test_recording_a_consent_goes_through_the_service(agent):
    contact = ContactFactory()
    response = agent.post(
        contact_url(contact, "consents/"),
        {"channel": "sms", "status": "given", "source": "call", "proof": "Call #42"},
    )
    assert response.status_code == 201, response.json()
    consent = Consent.objects.get(pk=response.json()["id"])
    assert consent.recorded_by == agent.user
    assert Activity.objects.filter(contact=contact, kind=timeline.CONSENT).exists()
    current = agent.get(contact_url(contact, "consents/")).json()["current"]
    assert current["sms"]["id"] == consent.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"channel": "fax", "status": "given", "source": "call"}, "channel"),
        ({"channel": "email", "status": "maybe", "source": "call"}, "status"),
        ({"channel": "email", "status": "given"}, "source"),
        ({"channel": "email", "status": "given", "source": "s" * 101}, "source"),
        ({"channel": "email", "status": "given", "source": "call", "proof": "p" * 5001}, "proof"),
        ({"channel": ["email"], "status": "given", "source": "call"}, "channel"),
        ({"channel": "email", "status": "given", "source": "c\x00ll"}, "source"),
    ],
)
def test_bad_consent_input_is_a_400_naming_the_field_and_writes_nothing(agent, payload, field):
    contact = ContactFactory()
    before = row_counts()
    response = agent.post(contact_url(contact, "consents/"), payload)
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_consents_query_count_does_not_grow_with_rows(agent, django_assert_max_num_queries):
    contact = ContactFactory()
    users = UserFactory.create_batch(3)
    purposes = ["email", "sms", "phone", "post", "opens", "clicks"]
    for n in range(36):
        ConsentFactory(
            contact=contact,
            channel=purposes[n % 6],
            recorded_by=users[n % 3],
        )
    with django_assert_max_num_queries(8):
        response = agent.get(contact_url(contact, "consents/"))
    assert len(response.json()["history"]) == 36
    assert all(response.json()["current"].values())
