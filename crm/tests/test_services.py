from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from accounts.roles import Role
from crm import services, timeline
from crm.models import (
    Activity,
    Call,
    Consent,
    Contact,
    ContactEmail,
    Note,
    Organisation,
    PrivacyLog,
)
from crm.registry import register_erase_hook, register_merge_hook
from crm.selectors import consent_current
from crm.validators import ERROR_LEGAL_ID

pytestmark = pytest.mark.django_db

VALID_SIREN = "732829320"  # Luhn-valid
VALID_SIRET = "73282932000074"


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT)


def make_contact(actor=None, **kwargs):
    defaults = {"first_name": "Zoé", "last_name": "Lefèvre", "emails": ["zoe@example.fr"],
                "phones": ["06 12 34 56 78"]}  # fmt: skip
    defaults.update(kwargs)
    return services.contact_create(actor=actor, **defaults)


def test_contact_create_normalises_emails_and_phones_and_writes_the_timeline(agent):
    contact = make_contact(
        agent, emails=[" Zoe@Example.FR ", "zoe@example.fr", "z2@example.fr"],
        phones=["06 12 34 56 78", "+33612345678", "01.23.45.67.89"],
        tags=["VIP ", "vip", "Fidèle"], external_ids={"erp": "C42"},
    )  # fmt: skip
    assert [e.email for e in contact.emails.all()] == ["zoe@example.fr", "z2@example.fr"]
    assert [p.number.as_e164 for p in contact.phones.all()] == ["+33612345678", "+33123456789"]
    assert contact.emails.get(is_primary=True).email == "zoe@example.fr"
    assert sorted(t.name for t in contact.tags.all()) == ["fidèle", "vip"]
    contact.refresh_from_db()
    assert contact.search_text == "zoe lefevre zoe@example.fr z2@example.fr c42"
    activity = Activity.objects.get(contact=contact)
    assert activity.kind == timeline.CONTACT_CREATED
    assert activity.actor == agent


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"emails": ["not-an-email"]}, "emails"),
        ({"phones": ["12"]}, "phones"),
        ({"phones": ["call me maybe"]}, "phones"),
        ({"last_name": ""}, "last_name"),
        ({"last_name": "x" * 101}, "last_name"),
        ({"preferred_language": "de"}, "preferred_language"),
        ({"country": "France"}, "country"),
        ({"emails": [f"a{i}@example.fr" for i in range(11)]}, "emails"),
    ],
)
def test_contact_create_refuses_bad_input_and_writes_nothing(agent, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        make_contact(agent, **kwargs)
    assert field in excinfo.value.message_dict
    assert not Contact.objects.exists()
    assert not Activity.objects.exists()


def test_contact_create_warns_about_a_duplicate_email_or_phone(agent):
    existing = make_contact(agent)
    with pytest.raises(services.DuplicateContactError) as excinfo:
        make_contact(agent, first_name="Other", emails=["ZOE@example.fr"], phones=[])
    assert excinfo.value.duplicates == [existing]
    with pytest.raises(services.DuplicateContactError):
        make_contact(agent, emails=[], phones=["+33 6 12 34 56 78"])
    assert Contact.objects.count() == 1
    make_contact(agent, allow_duplicate=True)
    assert Contact.objects.count() == 2


def test_organisation_legal_id_is_checked_and_unique(agent):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=agent, name="ACME", legal_id="732829321")
    assert str(ERROR_LEGAL_ID) in excinfo.value.message_dict["legal_id"]
    org = services.organisation_create(actor=agent, name="ACME", legal_id="732 829 320")
    assert org.legal_id == VALID_SIREN
    assert services.organisation_create(actor=agent, name="ACME Lyon", legal_id=VALID_SIRET)
    with pytest.raises(ValidationError):
        services.organisation_create(actor=agent, name="Copy", legal_id=VALID_SIREN)
    assert Organisation.objects.count() == 2


def test_renaming_an_organisation_updates_its_contacts_search_text(agent):
    org = services.organisation_create(actor=agent, name="Boulangerie Dupont")
    contact = make_contact(agent, organisation=org)
    services.organisation_update(organisation=org, actor=agent, name="Pâtisserie Martin")
    contact.refresh_from_db()
    assert "patisserie martin" in contact.search_text
    assert "dupont" not in contact.search_text


def test_consent_history_is_kept_and_the_latest_decision_wins(agent):
    contact = make_contact(agent)
    now = timezone.now()
    services.consent_record(contact=contact, channel="email", status="given", source="web",
                            actor=agent, recorded_at=now - timedelta(days=10))  # fmt: skip
    services.consent_record(contact=contact, channel="email", status="withdrawn", source="call",
                            actor=agent, recorded_at=now)  # fmt: skip
    current = consent_current(contact=contact)
    assert current["email"].status == Consent.Status.WITHDRAWN
    assert current["sms"] is None
    assert Consent.objects.filter(contact=contact).count() == 2
    assert Activity.objects.filter(contact=contact, kind=timeline.CONSENT).count() == 2


def test_consent_needs_a_known_channel_and_a_source(agent):
    contact = make_contact(agent)
    for kwargs in ({"channel": "pigeon", "status": "given", "source": "web"},
                   {"channel": "email", "status": "maybe", "source": "web"},
                   {"channel": "email", "status": "given", "source": ""}):  # fmt: skip
        with pytest.raises(ValidationError):
            services.consent_record(contact=contact, actor=agent, **kwargs)
    assert not Consent.objects.exists()


def test_note_lands_on_the_timeline_and_empty_notes_are_refused(agent):
    contact = make_contact(agent)
    note = services.note_add(contact=contact, author=agent, body="  Rappeler lundi <b>matin</b> ")
    assert note.body == "Rappeler lundi <b>matin</b>"
    top = Activity.objects.filter(contact=contact).first()
    assert (top.kind, top.summary, top.source_id) == (timeline.NOTE, note.body, note.pk)
    with pytest.raises(ValidationError):
        services.note_add(contact=contact, author=agent, body="   ")
    with pytest.raises(ValidationError):
        services.note_add(contact=contact, author=agent, body="x" * 10_001)
    assert Note.objects.count() == 1


def test_call_log_checks_durations_number_and_date(agent):
    contact = make_contact(agent)
    base = {
        "contact": contact,
        "agent": agent,
        "direction": "inbound",
        "outcome": "answered",
        "started_at": timezone.now() - timedelta(minutes=5),
        "duration_seconds": 200,
    }
    call = services.call_log(**base, number="0612345678", talk_seconds=150, hold_seconds=20,
                             after_call_seconds=30, topic="Facture")  # fmt: skip
    assert call.handling_seconds == 200
    assert call.number.as_e164 == "+33612345678"
    summary = Activity.objects.get(kind=timeline.CALL).summary
    assert "3 min 20 s" in summary
    assert "Facture" in summary
    for bad in ({"talk_seconds": 201}, {"hold_seconds": 500}, {"number": "abc"},
                {"started_at": timezone.now() + timedelta(days=1)}, {"direction": "sideways"},
                {"outcome": "great"}):  # fmt: skip
        with pytest.raises(ValidationError):
            services.call_log(**{**base, **bad})
    assert Call.objects.count() == 1


def test_merge_moves_everything_to_the_survivor_and_leaves_a_pointer(agent, make_user):
    survivor = make_contact(agent)
    duplicate = make_contact(agent, first_name="Zoe", emails=["zoe.pro@example.fr"],
                             phones=["06 12 34 56 78", "07 81 23 45 67"], allow_duplicate=True,
                             tags=["pro"], external_ids={"crm-old": "99"})  # fmt: skip
    services.note_add(contact=duplicate, author=agent, body="old note")
    services.consent_record(contact=duplicate, channel="sms", status="given", source="web",
                            actor=agent)  # fmt: skip
    moved = []
    register_merge_hook("test", lambda s, d: moved.append((s.pk, d.pk)))
    supervisor = make_user(Role.SUPERVISOR)
    services.contact_merge(survivor=survivor, duplicate=duplicate, actor=supervisor)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert moved == [(survivor.pk, duplicate.pk)]
    assert set(survivor.emails.values_list("email", flat=True)) == {
        "zoe@example.fr",
        "zoe.pro@example.fr",
    }
    assert survivor.phones.count() == 2  # the shared number is not doubled
    assert survivor.emails.filter(is_primary=True).count() == 1
    assert Note.objects.get().contact == survivor
    assert consent_current(contact=survivor)["sms"].status == "given"
    assert not Activity.objects.filter(contact=duplicate).exists()
    merged = Activity.objects.filter(contact=survivor, kind=timeline.MERGED).get()
    assert merged.data == {"id": duplicate.pk}
    assert str(duplicate.pk) in merged.summary
    assert list(Contact.objects.active()) == [survivor]
    survivor.refresh_from_db()
    assert "zoe.pro@example.fr" in survivor.search_text
    with pytest.raises(ValidationError):
        services.contact_merge(survivor=survivor, duplicate=duplicate, actor=supervisor)
    with pytest.raises(ValidationError):
        services.contact_merge(survivor=survivor, duplicate=survivor, actor=supervisor)


def test_erase_needs_the_exact_name_then_removes_identity_but_keeps_figures(agent, make_user):
    contact = make_contact(agent, external_ids={"erp": "C1"}, address_line1="1 rue de la Paix")
    duplicate = make_contact(agent, first_name="Zoé", last_name="Lefèvre-Old",
                             emails=["old@example.fr"], phones=[])  # fmt: skip
    services.contact_merge(survivor=contact, duplicate=duplicate, actor=agent)
    services.note_add(contact=contact, author=agent, body="Zoé habite à Lyon")
    services.call_log(contact=contact, agent=agent, direction="inbound", outcome="answered",
                      started_at=timezone.now(), duration_seconds=90, talk_seconds=80,
                      number="0612345678", topic="Zoé")  # fmt: skip
    services.consent_record(contact=contact, channel="email", status="given", source="web",
                            proof="Zoé Lefèvre accepte", actor=agent)  # fmt: skip
    erased_hooks = []
    register_erase_hook("test", erased_hooks.append)
    admin = make_user(Role.ADMIN)
    activities_before = Activity.objects.filter(contact=contact).count()
    with pytest.raises(ValidationError):
        services.contact_erase(contact=contact, actor=admin, confirmation="Zoe Lefevre")
    assert contact.emails.exists()

    services.contact_erase(contact=contact, actor=admin, confirmation="Zoé  Lefèvre", reason="R-1")
    contact.refresh_from_db()
    duplicate.refresh_from_db()
    assert contact.erased_at is not None
    assert (contact.first_name, contact.last_name, contact.address_line1) == ("", "—", "")
    assert (duplicate.first_name, duplicate.last_name) == ("", "—")
    assert not ContactEmail.objects.filter(contact__in=[contact, duplicate]).exists()
    assert not contact.phones.exists()
    assert not contact.external_ids.exists()
    assert Note.objects.get().body == gettext("[erased]")
    call = Call.objects.get()
    assert (call.duration_seconds, str(call.number), call.topic) == (90, "", "")
    assert Consent.objects.get().proof == ""
    assert not Contact.history.filter(id__in=[contact.pk, duplicate.pk]).exists()
    # Every row that counts stays, plus the erasure entry; nothing says "Zoé" any more.
    assert Activity.objects.filter(contact=contact).count() == activities_before + 1
    assert not Activity.objects.filter(summary__icontains="zoé").exists()
    assert erased_hooks == [contact]
    assert PrivacyLog.objects.get(action="erase").reason == "R-1"
    with pytest.raises(ValidationError):
        services.contact_erase(contact=contact, actor=admin, confirmation="—")


def test_gdpr_export_gathers_the_data_and_is_logged(agent, make_user):
    contact = make_contact(agent)
    services.note_add(contact=contact, author=agent, body="Préfère le matin")
    data = services.contact_export_data(contact=contact, actor=make_user(Role.ADMIN))
    assert data["contact"]["last_name"] == "Lefèvre"
    assert data["contact"]["phones"] == ["+33612345678"]
    assert data["notes"][0]["body"] == "Préfère le matin"
    assert PrivacyLog.objects.filter(action="export", contact=contact).count() == 1


def test_activity_record_refuses_unknown_kinds(agent):
    contact = make_contact(agent)
    with pytest.raises(ValidationError):
        services.activity_record(kind="teleportation", summary="x", contact=contact)


def test_external_ids_are_unique_per_system(agent):
    make_contact(agent, external_ids={"erp": "C1"})
    with pytest.raises(ValidationError):
        make_contact(agent, first_name="Other", emails=["o@x.fr"], phones=[],
                     external_ids={"erp": "C1"})  # fmt: skip
    assert Contact.objects.count() == 1
