"""The erasure engine (crm.erasure) and its registry (crm.registry.PersonalData); the
whole-database proof is tests/test_erasure_dump.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.roles import Role
from crm import erasure, registry, services
from crm.models import Note
from crm.registry import PersonalData
from tickets.tests.factories import desk, open_ticket


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT)


def ids(first: str, last: str, emails=("zoe@exemple.fr",), phones=("+33612345678",)):
    full = {f"{first} {last}", f"{last} {first}"} if first and last else set()
    parts = {p for p in (first, last) if p and erasure.distinctive(p)}
    return erasure.Identifiers(
        emails=tuple(emails),
        phones=tuple(erasure.parse_phone(p) for p in phones),
        full_names=tuple(full),
        name_parts=tuple(parts),
    )


def scrub(identifiers: erasure.Identifiers, text: str) -> str:
    return erasure.Scrubber(identifiers, "[x]").text(text)


@pytest.mark.parametrize(
    "written",
    [
        "+33612345678",
        "+33 6 12 34 56 78",
        "0033 6 12 34 56 78",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 (0)6 12 34 56 78",
    ],
)
def test_every_written_form_of_the_phone_goes(written):
    assert scrub(ids("Zoé", "Lefèvre"), f"tel {written}.") == "tel [x]."


def test_a_longer_number_containing_the_phone_is_left_alone():
    assert scrub(ids("Zoé", "Lefèvre"), "ref 106123456789") == "ref 106123456789"


def test_names_go_whatever_their_case_and_accents_but_only_as_whole_words():
    identifiers = ids("Zoé", "Lefèvre")
    assert scrub(identifiers, "LEFEVRE Zoe, zoé lefèvre, Zoélie") == "[x], [x], Zoélie"
    assert scrub(identifiers, "Mme Lefevre a appelé") == "Mme [x] a appelé"


def test_emails_go_before_the_names_they_contain():
    identifiers = ids("Zoé", "Lefèvre", emails=("zoe.lefevre@exemple.fr",))
    assert scrub(identifiers, "<zoe.lefevre@exemple.fr>") == "<[x]>"
    assert scrub(identifiers, "mailto:zoe.lefevre%40exemple.fr") == "mailto:[x]"


def test_short_names_go_only_inside_the_full_name():
    identifiers = ids("Li", "Ng", phones=())
    assert identifiers.name_parts == ()
    assert scrub(identifiers, "Li Ng a écrit ; Lille") == "[x] a écrit ; Lille"
    assert not erasure.distinctive("de")
    assert not erasure.distinctive("Van")
    assert erasure.distinctive("Zoé")


def test_json_is_scrubbed_recursively_and_redacted_keys_go_whole():
    scrubber = erasure.Scrubber(ids("Zoé", "Lefèvre"), "[x]")
    data = {"subject": "Panne", "n": 3, "items": [{"who": "Zoé Lefèvre"}], "ok": None}
    assert scrubber.json(data, frozenset({"subject"})) == {
        "subject": "[x]",
        "n": 3,
        "items": [{"who": "[x]"}],
        "ok": None,
    }


def test_a_declaration_must_do_something():
    with pytest.raises(ValueError, match="nothing to scrub"):
        registry.register_personal_data(PersonalData(model="crm.Note", contact_path="contact"))
    with pytest.raises(ValueError, match="redact_keys needs json"):
        registry.register_personal_data(
            PersonalData(
                model="crm.Note", contact_path="contact", blank=("body",), redact_keys=("x",)
            )
        )


@pytest.mark.django_db
def test_every_declaration_names_real_fields_and_paths():
    from django.apps import apps

    for declaration in registry.personal_data():
        model = apps.get_model(declaration.model)
        for name in (
            *declaration.scrub_text,
            *declaration.blank,
            *declaration.replace,
            *declaration.json,
        ):
            model._meta.get_field(name)
        if declaration.contact_path:
            model._default_manager.filter(**{f"{declaration.contact_path}__in": [0]}).exists()


@pytest.mark.django_db
def test_erase_scrubs_other_records_quoting_the_person_and_keeps_their_other_words(agent):
    contact = services.contact_create(
        actor=agent,
        first_name="Zoé",
        last_name="Lefèvre",
        emails=["zoe@exemple.fr"],
        phones=["0612345678"],
    )
    other = services.contact_create(actor=agent, last_name="Voisin", emails=["v@exemple.fr"])
    services.note_add(contact=other, author=agent, body="Voisine : zoe@exemple.fr, gentille")
    services.note_add(contact=other, author=agent, body="Aucun rapport")
    services.contact_erase(contact=contact, actor=None, confirmation="Zoé Lefèvre")
    bodies = sorted(Note.objects.filter(contact=other).values_list("body", flat=True))
    assert bodies == ["Aucun rapport", f"Voisine : {erasure.marker()}, gentille"]


@pytest.mark.django_db
def test_the_ticket_timeline_stays_neutral(agent):
    d = desk()
    contact = services.contact_create(
        actor=agent, first_name="Zoé", last_name="Lefèvre", emails=["zoe@exemple.fr"]
    )
    ticket = open_ticket(d, contact=contact, subject="Zoé n'a plus internet au 3 rue X")
    services.contact_erase(contact=contact, actor=None, confirmation="Zoé Lefèvre")
    row = contact.activities.get(kind="ticket_created")
    assert ticket.number in row.summary
    assert "rue X" not in row.summary
    assert "rue X" not in str(row.data)


@pytest.mark.django_db
def test_the_export_puts_every_app_section_at_the_top_level(make_user):
    admin = make_user(Role.ADMIN)
    d = desk()
    contact = services.contact_create(actor=admin, last_name="Lefèvre", emails=["z@e.fr"])
    open_ticket(d, contact=contact)
    data = services.contact_export_data(contact=contact, actor=admin)
    assert isinstance(data["tickets"], list)
    assert data["tickets"][0]["subject"]
    assert isinstance(data["phone_calls"], list)
    assert isinstance(data["opportunities"], list)


@pytest.mark.django_db
def test_an_export_hook_cannot_reuse_a_section(make_user, monkeypatch):
    admin = make_user(Role.ADMIN)
    contact = services.contact_create(actor=admin, last_name="Lefèvre", emails=["z@e.fr"])
    monkeypatch.setitem(registry._export_hooks, "nested", lambda c: {"tickets": {"tickets": []}})
    with pytest.raises(ImproperlyConfigured):
        services.contact_export_data(contact=contact, actor=admin)
