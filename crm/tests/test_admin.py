from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from crm import selectors, services, timeline
from crm.admin import ERROR_MERGE_SELECT_TWO, ERROR_TAG_EXISTS
from crm.models import (
    Activity,
    Call,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
    ImportJob,
    Note,
    Organisation,
    PrivacyLog,
    Tag,
)
from crm.tests.factories import (
    ActivityFactory,
    CallFactory,
    ConsentFactory,
    ContactFactory,
    NoteFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

ROWS = 30
CRM_MODELS = [
    Activity, Call, Consent, Contact, ContactEmail, ContactPhone, ExternalId, ImportJob, Note,
    Organisation, PrivacyLog, Tag,
]  # fmt: skip


def admin_url(model: type[Any], view: str, *args: Any) -> str:
    return reverse(f"admin:crm_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(role_client):
    return role_client(Role.ADMIN)


@pytest.fixture
def many_rows() -> None:
    """ROWS of every crm model, each pointing at distinct related rows (no shared cache)."""
    users = UserFactory.create_batch(3)
    for n in range(ROWS):
        organisation = OrganisationFactory(owner=users[n % 3], tags=["client", f"t{n}"])
        contact = ContactFactory(
            organisation=organisation,
            owner=users[n % 3],
            tags=[f"t{n}"],
            external_ids={"erp": f"E{n}"},
        )
        ConsentFactory(contact=contact, recorded_by=users[n % 3])
        NoteFactory(contact=contact, author=users[n % 3])
        CallFactory(contact=contact, agent=users[n % 3])
        ActivityFactory(contact=contact, actor=users[n % 3])
        ImportJob.objects.create(
            kind=ImportJob.Kind.CONTACTS,
            file=f"crm/imports/file{n}.csv",
            original_name=f"file{n}.csv",
            created_by=users[n % 3],
        )
        PrivacyLog.objects.create(
            action=PrivacyLog.Action.EXPORT,
            contact=contact,
            contact_reference=f"#{contact.pk}",
            performed_by=users[n % 3],
        )


def _contact_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "",
        "first_name": "Zoé",
        "last_name": "Lefèvre",
        "organisation": "",
        "job_title": "",
        "owner": "",
        "preferred_language": "fr",
        "preferred_channel": "email",
        "address_line1": "",
        "address_line2": "",
        "postal_code": "",
        "city": "",
        "region": "",
        "country": "FR",
        "_save": "Save",
    }
    for prefix in ("emails", "phones", "external_ids"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


# --- Pages load, with bounded queries ---------------------------------------------------
def test_every_crm_model_is_registered_in_the_admin():
    for model in CRM_MODELS:
        assert django_admin.site.is_registered(model), model


@pytest.mark.parametrize("model", CRM_MODELS, ids=lambda m: m.__name__)
def test_every_crm_changelist_loads_for_the_admin_with_bounded_queries(
    admin_client, many_rows, model, django_assert_max_num_queries
):
    assert model.objects.count() >= ROWS
    with django_assert_max_num_queries(16):
        response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count()


@pytest.mark.parametrize("model", CRM_MODELS, ids=lambda m: m.__name__)
def test_every_crm_change_page_loads_for_the_admin_with_bounded_queries(
    admin_client, many_rows, model, django_assert_max_num_queries
):
    obj = model.objects.order_by("pk").last()
    with django_assert_max_num_queries(18):
        response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", [Contact, Organisation], ids=lambda m: m.__name__)
def test_contact_and_organisation_history_pages_load(admin_client, model):
    obj = ContactFactory() if model is Contact else OrganisationFactory()
    response = admin_client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200


def test_admin_search_of_contacts_with_markup_and_quotes_is_harmless(admin_client, many_rows):
    for query in ["' OR 1=1 --", "<script>alert(1)</script>", "é" * 300, "E1"]:
        response = admin_client.get(admin_url(Contact, "changelist"), {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


# --- Who may enter ----------------------------------------------------------------------
@pytest.mark.parametrize("role", [r.value for r in Role if r != Role.ADMIN])
def test_roles_other_than_admin_cannot_reach_the_crm_admin(role_client, role):
    contact = ContactFactory()
    client = role_client(role)
    for url in [admin_url(Contact, "changelist"), admin_url(Contact, "change", contact.pk)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- Saves go through the services ------------------------------------------------------
def test_adding_a_contact_in_the_admin_sets_its_search_text_so_search_finds_it(admin_client):
    data = _contact_form(
        **{
            "emails-TOTAL_FORMS": "1",
            "emails-0-email": " Zoe.Lefevre@Example.FR ",
            "emails-0-is_primary": "on",
            "phones-TOTAL_FORMS": "1",
            "phones-0-number": "06 12 34 56 78",
            "phones-0-kind": "mobile",
            "phones-0-is_primary": "on",
            "external_ids-TOTAL_FORMS": "1",
            "external_ids-0-system": "erp",
            "external_ids-0-value": "C-4242",
        }
    )
    response = admin_client.post(admin_url(Contact, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    contact = Contact.objects.get()
    assert contact.search_text == "zoe lefevre zoe.lefevre@example.fr c-4242"
    assert contact.emails.get().email == "zoe.lefevre@example.fr"
    assert contact.phones.get().number.as_e164 == "+33612345678"
    for query in ["lefèvre", "zoe.lefevre@example.fr", "06 12 34 56 78", "C-4242"]:
        assert list(selectors.contact_list(search=query)) == [contact], query
    changelist = admin_client.get(admin_url(Contact, "changelist"), {"q": "lefevre"})
    assert list(changelist.context["cl"].result_list) == [contact]
    created = Activity.objects.get(contact=contact)
    assert created.kind == timeline.CONTACT_CREATED
    assert created.actor == admin_client.user
    assert contact.history.earliest().history_user == admin_client.user


def test_adding_a_contact_in_the_admin_ignores_duplicates_on_purpose(admin_client):
    ContactFactory(last_name="Lefèvre", emails=["zoe@example.fr"])
    data = _contact_form(
        **{
            "emails-TOTAL_FORMS": "1",
            "emails-0-email": "zoe@example.fr",
            "emails-0-is_primary": "on",
        }
    )
    response = admin_client.post(admin_url(Contact, "add"), data)
    assert response.status_code == 302
    assert Contact.objects.filter(last_name="Lefèvre").count() == 2


def test_changing_a_contact_in_the_admin_refreshes_search_text_and_history(admin_client):
    contact = services.contact_create(
        actor=None, first_name="Zoé", last_name="Lefèvre", emails=["zoe@example.fr"]
    )
    email = contact.emails.get()
    data = _contact_form(
        last_name="Martin",
        job_title="Buyer",
        **{
            "emails-TOTAL_FORMS": "1",
            "emails-INITIAL_FORMS": "1",
            "emails-0-id": str(email.pk),
            "emails-0-contact": str(contact.pk),
            "emails-0-email": "zoe.martin@example.fr",
            "emails-0-is_primary": "on",
        },
    )
    response = admin_client.post(admin_url(Contact, "change", contact.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    contact.refresh_from_db()
    assert contact.last_name == "Martin"
    assert contact.search_text == "zoe martin buyer zoe.martin@example.fr"
    assert contact.history.latest().history_user == admin_client.user
    assert list(selectors.contact_list(search="zoe.martin@example.fr")) == [contact]


def test_a_merged_contact_is_read_only_in_the_admin(admin_client):
    survivor = ContactFactory()
    duplicate = ContactFactory()
    services.contact_merge(survivor=survivor, duplicate=duplicate, actor=None)
    response = admin_client.post(
        admin_url(Contact, "change", duplicate.pk), _contact_form(last_name="Changed")
    )
    assert response.status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.last_name != "Changed"
    assert admin_client.get(admin_url(Contact, "change", duplicate.pk)).status_code == 200


def test_contacts_and_organisations_cannot_be_deleted_in_the_admin(admin_client):
    contact = ContactFactory()
    organisation = OrganisationFactory()
    assert admin_client.get(admin_url(Contact, "delete", contact.pk)).status_code == 403
    assert admin_client.get(admin_url(Organisation, "delete", organisation.pk)).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_adding_an_organisation_in_the_admin_goes_through_the_service(admin_client):
    data = {
        "name": "Société Générale",
        "legal_id": "732 829 320",
        "sector": "Banque",
        "size": "",
        "website": "",
        "owner": "",
        "address_line1": "",
        "address_line2": "",
        "postal_code": "",
        "city": "Paris",
        "region": "",
        "country": "fr",
        "_save": "Save",
    }
    response = admin_client.post(admin_url(Organisation, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get()
    assert organisation.legal_id == "732829320"
    assert organisation.country == "FR"
    assert organisation.search_text == "societe generale 732829320 paris banque"
    assert Activity.objects.filter(
        organisation=organisation, kind=timeline.ORGANISATION_CREATED
    ).exists()

    # A second one with the same SIREN, typed differently, is a form error, not a crash.
    response = admin_client.post(admin_url(Organisation, "add"), {**data, "legal_id": "732829320"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Organisation.objects.count() == 1


def test_changing_an_organisation_in_the_admin_refreshes_its_contacts_search_text(admin_client):
    organisation = services.organisation_create(actor=None, name="Acme")
    contact = services.contact_create(actor=None, last_name="Durand", organisation=organisation)
    data = {
        "name": "Globex",
        "legal_id": "",
        "sector": "",
        "size": "",
        "website": "",
        "owner": "",
        "address_line1": "",
        "address_line2": "",
        "postal_code": "",
        "city": "",
        "region": "",
        "country": "FR",
        "_save": "Save",
    }
    response = admin_client.post(admin_url(Organisation, "change", organisation.pk), data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.search_text == "globex"
    assert organisation.history.latest().history_user == admin_client.user
    contact.refresh_from_db()
    assert "globex" in contact.search_text


def test_recording_a_consent_in_the_admin_writes_the_timeline(admin_client):
    contact = ContactFactory()
    data = {
        "contact": contact.pk,
        "channel": "sms",
        "status": "given",
        "recorded_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "recorded_at_1": timezone.localtime().strftime("%H:%M:%S"),
        "source": "Paper form",
        "proof": "Form #12",
        "_save": "Save",
    }
    response = admin_client.post(admin_url(Consent, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    consent = Consent.objects.get()
    assert consent.recorded_by == admin_client.user
    assert Activity.objects.filter(contact=contact, kind=timeline.CONSENT).exists()


def test_adding_a_note_in_the_admin_writes_the_timeline(admin_client):
    contact = ContactFactory()
    response = admin_client.post(
        admin_url(Note, "add"), {"contact": contact.pk, "body": "Called", "_save": "Save"}
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.author == admin_client.user
    assert Activity.objects.filter(contact=contact, kind=timeline.NOTE, source_id=note.pk).exists()


def test_a_call_starting_in_the_future_is_a_form_error_in_the_admin(admin_client):
    contact = ContactFactory()
    later = timezone.localtime() + timedelta(days=1)
    data = {
        "contact": contact.pk,
        "agent": "",
        "direction": "inbound",
        "number": "",
        "started_at_0": later.strftime("%Y-%m-%d"),
        "started_at_1": later.strftime("%H:%M:%S"),
        "duration_seconds": "60",
        "talk_seconds": "0",
        "hold_seconds": "0",
        "after_call_seconds": "0",
        "outcome": "answered",
        "topic": "",
        "_save": "Save",
    }
    response = admin_client.post(admin_url(Call, "add"), data)
    assert response.status_code == 200
    assert "started_at" in response.context["adminform"].form.errors
    assert not Call.objects.exists()

    earlier = timezone.localtime() - timedelta(hours=1)
    data["started_at_0"] = earlier.strftime("%Y-%m-%d")
    data["started_at_1"] = earlier.strftime("%H:%M:%S")
    response = admin_client.post(admin_url(Call, "add"), data)
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.agent == admin_client.user
    assert Activity.objects.filter(kind=timeline.CALL, source_id=call.pk).exists()


@pytest.mark.parametrize(
    "model", [Activity, ImportJob, PrivacyLog, ContactEmail, ContactPhone, ExternalId]
)
def test_rows_written_by_the_services_are_read_only_in_the_admin(admin_client, many_rows, model):
    obj = model.objects.first()
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert admin_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", [Consent, Note, Call])
def test_timeline_sources_cannot_be_edited_or_deleted_in_the_admin(admin_client, many_rows, model):
    obj = model.objects.first()
    assert admin_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 403


def test_tags_added_in_the_admin_are_trimmed_and_lower_cased(admin_client):
    response = admin_client.post(admin_url(Tag, "add"), {"name": "  Grand   Compte ", "_save": "1"})
    assert response.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["grand compte"]
    response = admin_client.post(admin_url(Tag, "add"), {"name": "GRAND COMPTE", "_save": "1"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name": [str(ERROR_TAG_EXISTS)]}


# --- Merge action -----------------------------------------------------------------------
def _merge(client: Any, *contacts: Contact) -> Any:
    return client.post(
        admin_url(Contact, "changelist"),
        {"action": "merge_two", "_selected_action": [c.pk for c in contacts]},
        follow=True,
    )


def test_the_merge_action_keeps_the_older_contact(admin_client):
    older = services.contact_create(actor=None, last_name="Lefèvre", emails=["a@example.fr"])
    newer = services.contact_create(actor=None, last_name="Lefevre", emails=["b@example.fr"])
    services.note_add(contact=newer, author=admin_client.user, body="Newer's note")
    response = _merge(admin_client, newer, older)
    assert response.status_code == 200
    newer.refresh_from_db()
    assert newer.merged_into == older
    assert Note.objects.get().contact == older
    assert set(older.emails.values_list("email", flat=True)) == {"a@example.fr", "b@example.fr"}
    assert Activity.objects.filter(contact=older, kind=timeline.MERGED, actor=admin_client.user)


@pytest.mark.parametrize("count", [1, 3])
def test_the_merge_action_needs_exactly_two_contacts(admin_client, count):
    contacts = ContactFactory.create_batch(count)
    response = _merge(admin_client, *contacts)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert str(ERROR_MERGE_SELECT_TWO) in messages
    assert not Contact.objects.filter(merged_into__isnull=False).exists()
    assert not Activity.objects.filter(kind=timeline.MERGED).exists()


def test_the_merge_action_reports_a_refused_merge(admin_client):
    survivor, duplicate, third = ContactFactory.create_batch(3)
    services.contact_merge(survivor=survivor, duplicate=duplicate, actor=None)
    response = _merge(admin_client, duplicate, third)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert str(services.ERROR_MERGE_INACTIVE) in messages
    third.refresh_from_db()
    assert third.merged_into is None


def test_the_merge_action_is_offered_only_to_the_merge_roles(rf, make_user):
    model_admin = django_admin.site._registry[Contact]
    staff_agent = make_user(Role.AGENT)
    staff_agent.is_staff = True
    staff_agent.save()
    staff_agent.user_permissions.add(Permission.objects.get(codename="change_contact"))
    request = rf.get("/")
    request.user = staff_agent
    assert "merge_two" not in model_admin.get_actions(request)

    request.user = make_user(Role.ADMIN)
    assert "merge_two" in model_admin.get_actions(request)
    request.user = make_user(Role.SUPERVISOR)
    assert "merge_two" in model_admin.get_actions(request)
