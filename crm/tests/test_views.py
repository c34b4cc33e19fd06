from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from crm import services, timeline
from crm.forms.contacts import ERROR_UNKNOWN_ORGANISATION
from crm.models import Activity, Call, Consent, Contact, Note, Organisation

pytestmark = pytest.mark.django_db

READERS = [Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.MARKETING, Role.ADMIN]
NON_READERS = [Role.IT, Role.HR]


def make_contact(**kwargs):
    defaults = {"first_name": "Zoé", "last_name": "Lefèvre", "emails": ["zoe@example.fr"],
                "phones": ["06 12 34 56 78"]}  # fmt: skip
    return services.contact_create(actor=None, **{**defaults, **kwargs})


@pytest.fixture
def contact():
    return make_contact()


def contact_url(name, contact):
    return reverse(f"crm:{name}", args=[contact.pk])


# --- Who may see what --------------------------------------------------------------------
@pytest.mark.parametrize("role", NON_READERS)
def test_roles_without_customer_access_are_refused_every_crm_page(role_client, contact, role):
    client = role_client(role)
    org = services.organisation_create(actor=None, name="ACME")
    for url in [
        reverse("crm:contact_list"), reverse("crm:contact_create"), reverse("crm:search"),
        contact_url("contact_detail", contact), contact_url("contact_edit", contact),
        contact_url("contact_history", contact), reverse("crm:organisation_list"),
        reverse("crm:organisation_detail", args=[org.pk]), contact_url("contact_merge", contact),
        contact_url("contact_privacy_export", contact),
    ]:  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert client.post(contact_url("note_add", contact), {"body": "x"}).status_code == 403
    assert not Note.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_customer_facing_roles_read_the_customer_page(role_client, contact, role):
    response = role_client(role).get(contact_url("contact_detail", contact))
    assert response.status_code == 200
    assert "Lefèvre" in response.content.decode()


def test_marketing_reads_but_cannot_write(role_client, contact):
    client = role_client(Role.MARKETING)
    page = client.get(contact_url("contact_detail", contact)).content.decode()
    assert 'id="note-form"' not in page
    assert client.post(contact_url("note_add", contact), {"body": "hello"}).status_code == 403
    assert client.get(reverse("crm:contact_create")).status_code == 403
    assert not Note.objects.exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.SALES, Role.MARKETING])
def test_only_supervisors_and_admins_merge(role_client, contact, role):
    other = make_contact(first_name="Zoe", allow_duplicate=True)
    client = role_client(role)
    response = client.post(contact_url("contact_merge", contact), {"duplicate": other.pk})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.merged_into is None


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.MARKETING])
def test_only_admins_export_or_erase_personal_data(role_client, contact, role):
    client = role_client(role)
    assert client.get(contact_url("contact_privacy_export", contact)).status_code == 403
    response = client.post(
        contact_url("contact_privacy_erase", contact), {"confirmation": "Zoé Lefèvre"}
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.erased_at is None


# --- The customer page ---------------------------------------------------------------------
def _heavy_contact(n):
    contact = make_contact()
    Activity.objects.filter(contact=contact).delete()  # only the generated rows below
    start = timezone.now() - timedelta(days=1)
    Activity.objects.bulk_create(
        Activity(contact=contact, kind=timeline.NOTE, summary=f"Entry {i}",
                 occurred_at=start + timedelta(seconds=i))
        for i in range(n)
    )  # fmt: skip
    return contact


@pytest.mark.parametrize("history", [5, 300])
def test_contact_page_query_count_does_not_grow_with_history(
    role_client, django_assert_max_num_queries, history
):
    contact = _heavy_contact(history)
    client = role_client(Role.AGENT)
    # 12 for the record and the tickets panel, one more for each panel plugged in through
    # the registry: sales, campaigns (the briefs), surveys (the answers).
    with django_assert_max_num_queries(15):
        response = client.get(contact_url("contact_detail", contact))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="list-group-item px-0" data-kind=') == min(history, 25)


def test_timeline_pages_follow_each_other_newest_first_without_overlap(role_client):
    contact = _heavy_contact(60)
    client = role_client(Role.AGENT)
    first = client.get(contact_url("contact_detail", contact)).context["timeline_rows"]
    next_url = client.get(contact_url("contact_detail", contact)).context["timeline_next_url"]
    second = client.get(next_url, HTTP_HX_REQUEST="true")
    assert second.status_code == 200
    fragment = second.content.decode()
    assert "<html" not in fragment
    # Rows are "Entry N", newer N first: page two continues exactly where page one stopped.
    first_numbers = [int(row["text"].split()[1]) for row in first]
    second_numbers = [int(n) for n in re.findall(r">Entry (\d+)<", fragment)]
    assert first_numbers == list(range(59, 34, -1))
    assert second_numbers == list(range(34, 9, -1))


def test_a_forged_cursor_is_a_400(role_client, contact):
    client = role_client(Role.AGENT)
    for cursor in ["garbage", "%00", "MjAyNnx4", "'--"]:
        response = client.get(contact_url("contact_detail", contact) + f"?cursor={cursor}")
        assert response.status_code == 400


def test_timeline_filters_by_kind(role_client, contact):
    services.note_add(contact=contact, author=None, body="a note")
    client = role_client(Role.AGENT)
    response = client.get(contact_url("contact_detail", contact) + "?kind=note&kind=bogus")
    kinds = {row["activity"].kind for row in response.context["timeline_rows"]}
    assert kinds == {"note"}


def test_merged_duplicate_page_leads_to_the_survivor(role_client, contact):
    duplicate = make_contact(first_name="Zoe", allow_duplicate=True)
    services.contact_merge(survivor=contact, duplicate=duplicate, actor=None)
    response = role_client(Role.AGENT).get(contact_url("contact_detail", duplicate))
    assert response.status_code == 302
    assert response.url == contact.get_absolute_url()


def test_timeline_speaks_the_readers_language(role_client, contact):
    services.call_log(contact=contact, agent=None, direction="inbound", outcome="answered",
                      started_at=timezone.now(), duration_seconds=65, topic="Facture")  # fmt: skip
    client = role_client(Role.AGENT)
    french = client.get(contact_url("contact_detail", contact)).content.decode()
    assert "Appel entrant, 1 min 05 s, décroché · Facture" in french
    client.cookies["django_language"] = "en"
    english = client.get(contact_url("contact_detail", contact)).content.decode()
    assert "Inbound call, 1 min 05 s, answered · Facture" in english


# --- Writing from the page ---------------------------------------------------------------
def test_agent_adds_a_note_with_htmx_and_it_tops_the_timeline(role_client, contact):
    client = role_client(Role.AGENT)
    response = client.post(
        contact_url("note_add", contact), {"body": "Rappeler jeudi"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith('\n<section id="timeline"') or 'id="timeline"' in fragment[:200]
    summaries = re.findall(r'timeline-summary">([^<]*)<', fragment)
    assert summaries == ["Rappeler jeudi", "Contact créé"]
    assert Note.objects.get().author == client.user


def test_note_without_javascript_redirects_back(role_client, contact):
    response = role_client(Role.AGENT).post(contact_url("note_add", contact), {"body": "Merci"})
    assert response.status_code == 302
    assert Note.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_bad_note_gets_an_error_and_writes_nothing(role_client, contact, body):
    client = role_client(Role.AGENT)
    htmx = client.post(contact_url("note_add", contact), {"body": body}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 422
    assert htmx["HX-Retarget"] == "#note-form"
    plain = client.post(contact_url("note_add", contact), {"body": body})
    assert plain.status_code == 400
    assert not Note.objects.exists()


def test_script_in_a_note_is_shown_as_text(role_client, contact):
    client = role_client(Role.AGENT)
    client.post(contact_url("note_add", contact), {"body": "<script>alert(1)</script>"})
    page = client.get(contact_url("contact_detail", contact)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_agent_logs_a_call(role_client, contact):
    client = role_client(Role.AGENT)
    response = client.post(
        contact_url("call_log", contact),
        {"direction": "outbound", "number": "06 12 34 56 78", "started_at": "2026-01-05T10:30",
         "duration_seconds": "120", "talk_seconds": "100", "hold_seconds": "10",
         "after_call_seconds": "30", "outcome": "answered", "topic": "Devis"},
    )  # fmt: skip
    assert response.status_code == 302
    call = Call.objects.get()
    assert (call.agent, call.talk_seconds, call.number.as_e164) == (
        client.user,
        100,
        "+33612345678",
    )


@pytest.mark.parametrize(
    "override",
    [
        {"duration_seconds": "-1"}, {"duration_seconds": "abc"}, {"talk_seconds": "500"},
        {"started_at": "yesterday"}, {"started_at": "2999-01-01T10:00"}, {"number": "not a phone"},
        {"outcome": "exploded"}, {"topic": "x" * 201},
    ],
)  # fmt: skip
def test_bad_call_gets_a_clear_error_and_writes_nothing(role_client, contact, override):
    data = {"direction": "inbound", "number": "", "started_at": "2026-01-05T10:30",
            "duration_seconds": "120", "talk_seconds": "100", "hold_seconds": "0",
            "after_call_seconds": "0", "outcome": "answered", "topic": ""}  # fmt: skip
    response = role_client(Role.AGENT).post(contact_url("call_log", contact), {**data, **override})
    assert response.status_code == 400
    assert (
        "invalid-feedback" in response.content.decode()
        or "alert-danger" in response.content.decode()
    )
    assert not Call.objects.exists()


def test_consent_is_recorded_and_bad_consent_refused(role_client, contact):
    client = role_client(Role.AGENT)
    ok = client.post(
        contact_url("consent_record", contact),
        {"channel": "email", "status": "withdrawn", "source": "appel", "proof": ""},
    )
    assert ok.status_code == 302
    bad = client.post(contact_url("consent_record", contact),
                      {"channel": "fax", "status": "given", "source": "appel"})  # fmt: skip
    assert bad.status_code == 400
    assert Consent.objects.count() == 1


# --- Creating and editing ----------------------------------------------------------------
def _contact_form(**override):
    data = {"title": "", "first_name": "Hugo", "last_name": "Lefebvre", "organisation": "",
            "job_title": "", "emails": "hugo@example.fr", "phones": "07 81 23 45 69",
            "preferred_language": "fr", "preferred_channel": "email", "tags": "nouveau",
            "address_line1": "", "postal_code": "", "city": "", "country": "FR",
            "external_ids": ""}  # fmt: skip
    return {**data, **override}


def test_agent_creates_a_contact_linked_to_an_organisation_by_name(role_client):
    org = services.organisation_create(actor=None, name="Boulangerie Dupont")
    client = role_client(Role.AGENT)
    response = client.post(
        reverse("crm:contact_create"),
        _contact_form(organisation="boulangerie dupont", external_ids="erp:C9"),
    )
    assert response.status_code == 302
    contact = Contact.objects.get(last_name="Lefebvre")
    assert contact.organisation == org
    assert contact.external_ids.get().value == "C9"


def test_duplicate_is_offered_before_creating_and_can_be_overridden(role_client, contact):
    client = role_client(Role.AGENT)
    response = client.post(reverse("crm:contact_create"), _contact_form(emails="ZOE@example.fr"))
    assert response.status_code == 409
    assert contact.get_absolute_url() in response.content.decode()
    assert Contact.objects.count() == 1
    forced = client.post(
        reverse("crm:contact_create"), _contact_form(emails="zoe@example.fr", allow_duplicate="1")
    )
    assert forced.status_code == 302
    assert Contact.objects.count() == 2


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"emails": "bad@"}, "adresse e-mail"),
        ({"phones": "12"}, "numéro de téléphone"),
        ({"last_name": ""}, "obligatoire"),
        ({"organisation": "Nowhere Ltd"}, "Nowhere Ltd"),
        ({"preferred_language": "de"}, "valide"),
        ({"country": "FRA"}, "FRA"),
        ({"country": "QQ"}, "«\u00a0QQ\u00a0» n’est pas un code de pays ISO"),
        ({"external_ids": "no-colon"}, "système:valeur"),
        ({"last_name": "x" * 500}, "100"),
    ],
)
def test_bad_contact_input_is_explained_in_french_and_nothing_is_written(
    role_client, override, message
):
    response = role_client(Role.AGENT).post(
        reverse("crm:contact_create"), _contact_form(**override)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Contact.objects.exists()


def test_unknown_organisation_message_names_it():
    assert "%(value)s" in str(ERROR_UNKNOWN_ORGANISATION)


def test_edit_updates_fields_and_keeps_history(role_client, contact):
    client = role_client(Role.AGENT)
    form = client.get(contact_url("contact_edit", contact)).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(job_title="Directrice", is_vip="on")
    response = client.post(contact_url("contact_edit", contact), data)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.job_title, contact.is_vip) == ("Directrice", True)
    history = client.get(contact_url("contact_history", contact))
    assert "Directrice" in history.content.decode()
    assert client.user.get_full_name() in history.content.decode()


def test_merge_from_the_page(role_client, contact):
    duplicate = make_contact(first_name="Zoe", allow_duplicate=True)
    client = role_client(Role.SUPERVISOR)
    page = client.get(contact_url("contact_merge", contact))
    assert duplicate in page.context["candidates"]
    bad = client.post(contact_url("contact_merge", contact), {"duplicate": 999999})
    assert bad.status_code == 400
    self_merge = client.post(contact_url("contact_merge", contact), {"duplicate": contact.pk})
    assert self_merge.status_code == 400
    ok = client.post(contact_url("contact_merge", contact), {"duplicate": duplicate.pk})
    assert ok.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == contact


def test_admin_exports_and_erases_after_typing_the_name(role_client, contact):
    client = role_client(Role.ADMIN)
    json_export = client.get(contact_url("contact_privacy_export", contact) + "?format=json")
    assert json_export["Content-Disposition"].startswith("attachment")
    assert json_export.json()["contact"]["emails"] == ["zoe@example.fr"]
    assert (
        "zoe@example.fr"
        in client.get(contact_url("contact_privacy_export", contact)).content.decode()
    )
    wrong = client.post(contact_url("contact_privacy_erase", contact), {"confirmation": "Zoe"})
    assert wrong.status_code == 400
    contact.refresh_from_db()
    assert contact.erased_at is None
    ok = client.post(contact_url("contact_privacy_erase", contact), {"confirmation": "Zoé Lefèvre"})
    assert ok.status_code == 302
    contact.refresh_from_db()
    assert contact.erased_at is not None


# --- Lists and search --------------------------------------------------------------------
def test_contact_list_is_paginated_and_bounded(role_client, django_assert_max_num_queries):
    org = services.organisation_create(actor=None, name="ACME")
    for i in range(60):
        make_contact(first_name=f"P{i}", emails=[f"p{i}@x.fr"], phones=[], organisation=org,
                     tags=["t"])  # fmt: skip
    client = role_client(Role.AGENT)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("crm:contact_list"))
    assert len(response.context["page"].object_list) == 50
    more = client.get(reverse("crm:contact_list") + "?page=2", HTTP_HX_REQUEST="true")
    assert "<html" not in more.content.decode()
    assert len(more.context["page"].object_list) == 10


@pytest.mark.parametrize(
    "query",
    ["06 12 34 56 78", "+33612345678", "0033 6 12 34 56 78", "lefevre", "Zoé", "zoe@example"],
)
def test_search_finds_a_contact_by_any_phone_format_name_or_email(role_client, contact, query):
    make_contact(first_name="Paul", last_name="Martin", emails=["paul@x.fr"], phones=["0781234568"])
    response = role_client(Role.AGENT).get(reverse("crm:search"), {"q": query})
    assert response.status_code == 200
    assert response.context["contacts"] == [contact]


def test_search_finds_organisations_and_external_ids(role_client):
    org = services.organisation_create(actor=None, name="Société Générale des Eaux", city="Lyon")
    contact = make_contact(external_ids={"erp": "C-77812"})
    client = role_client(Role.AGENT)
    assert client.get(reverse("crm:search"), {"q": "societe generale"}).context[
        "organisations"
    ] == [org]
    assert client.get(reverse("crm:search"), {"q": "c-77812"}).context["contacts"] == [contact]


def test_hostile_search_input_is_harmless(role_client, contact):
    client = role_client(Role.AGENT)
    for query in ["' OR 1=1 --", "a & b | !c", "<script>", "x" * 5000, ":*", "\\"]:
        response = client.get(reverse("crm:search"), {"q": query})
        assert response.status_code == 200
        response = client.get(reverse("crm:contact_list"), {"q": query})
        assert response.status_code in (200, 400)
    assert client.get(reverse("crm:search") + "?q=%00").status_code == 400


def test_organisation_pages(role_client, django_assert_max_num_queries):
    org = services.organisation_create(actor=None, name="Boulangerie Dupont", legal_id="732829320")
    for i in range(30):
        contact = make_contact(
            first_name=f"P{i}", emails=[f"p{i}@x.fr"], phones=[], organisation=org
        )
        services.note_add(contact=contact, author=None, body=f"note {i}")
    client = role_client(Role.AGENT)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("crm:organisation_detail", args=[org.pk]))
    assert response.status_code == 200
    assert len(response.context["timeline_rows"]) == 25
    with django_assert_max_num_queries(8):
        assert client.get(reverse("crm:organisation_list")).status_code == 200
    datalist = client.get(
        reverse("crm:organisation_list"), {"format": "datalist", "organisation": "boul"}
    )
    assert "Boulangerie Dupont" in datalist.content.decode()


def test_organisation_create_and_bad_siret(role_client):
    client = role_client(Role.AGENT)
    bad = client.post(reverse("crm:organisation_create"),
                      {"name": "ACME", "legal_id": "12345678901234", "country": "FR"})  # fmt: skip
    assert bad.status_code == 400
    assert "SIRET" in bad.content.decode()
    assert not Organisation.objects.exists()
    ok = client.post(
        reverse("crm:organisation_create"),
        {"name": "ACME", "legal_id": "73282932000074", "country": "FR", "tags": "b2b"},
    )
    assert ok.status_code == 302
    assert Organisation.objects.get().tags.get().name == "b2b"
