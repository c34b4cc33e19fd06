from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from crm import exports, imports, services, timeline
from crm.imports import (
    ERROR_BOOLEAN,
    ERROR_COMMIT_FAILED,
    ERROR_COUNTRY,
    ERROR_DUPLICATE_CONTACT,
    ERROR_DUPLICATE_IN_FILE,
    ERROR_EMAIL_OR_PHONE,
    ERROR_EXTERNAL_ID_TAKEN,
    ERROR_FILE_BINARY,
    ERROR_FILE_EMPTY,
    ERROR_FILE_SPREADSHEET,
    ERROR_FILE_TOO_LARGE,
    ERROR_LANGUAGE,
    ERROR_LEGAL_ID_TAKEN,
    ERROR_MISSING_COLUMNS,
    ERROR_NO_ROWS,
    ERROR_NOT_READY,
    ERROR_ORGANISATION_AMBIGUOUS,
    ERROR_ORGANISATION_EXISTS,
    ERROR_ORGANISATION_NOT_FOUND,
    ERROR_OWNER_NOT_FOUND,
    ERROR_REQUIRED,
    ERROR_TOO_LONG,
    ERROR_TOO_MANY_CELLS,
    jobs,
)
from crm.models import (
    Activity,
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
    ImportJob,
    Organisation,
    Tag,
)
from crm.search import normalise
from crm.services import ERROR_INVALID_EMAIL, ERROR_INVALID_PHONE
from crm.tasks import import_commit_task, import_validate_task
from crm.validators import ERROR_LEGAL_ID

pytestmark = pytest.mark.django_db

CONTACTS_HEADER = "Prénom,Nom,E-mail,Téléphone,Société\n"
VALID_SIREN = "732829320"  # Luhn-valid
VALID_SIRET = "73282932000074"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Staff users are made by the dozen here; a slow password hash is not what is tested.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def importer(make_user):
    return make_user(Role.SUPERVISOR, language="en")


def upload(content: str | bytes, *, name: str = "contacts.csv", encoding: str = "utf-8"):
    data = content.encode(encoding) if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def checked(actor, content, *, kind=ImportJob.Kind.CONTACTS, **kwargs) -> ImportJob:
    job = imports.import_job_create(
        actor=actor, kind=kind, file=upload(content, **kwargs), schedule=False
    )
    return imports.import_job_validate(job=job)


def en(message, params=None) -> str:
    """A message as the English-speaking importer reads it."""
    with translation.override("en"):
        return str(message % params) if params is not None else str(message)


def errors_of(job: ImportJob) -> list[tuple[int | None, str, str]]:
    return [(e["row"], e["field"], e["message"]) for e in job.errors]


# --- Encodings and separators -------------------------------------------------------------
def test_utf8_contacts_are_checked_then_imported_with_their_accents(importer):
    organisation = services.organisation_create(actor=None, name="Énergies Lefèvre")
    job = checked(
        importer,
        CONTACTS_HEADER
        + "Zoé,Lefèvre,Zoe.Lefevre@Example.fr,06 12 34 56 78,énergies lefèvre\n"
        + "Hélène,Müller,,+44 20 7946 0958,\n",
        name="clients été.csv",
    )
    assert job.status == ImportJob.Status.VALID, job.errors
    assert (job.encoding, job.total_rows, job.error_count) == ("utf-8", 2, 0)
    assert not Contact.objects.exists()

    job = imports.import_job_commit(job=job)

    assert (job.status, job.created_rows) == (ImportJob.Status.DONE, 2)
    zoe = Contact.objects.get(first_name="Zoé")
    assert zoe.last_name == "Lefèvre"
    assert zoe.organisation == organisation
    assert [(e.email, e.is_primary) for e in zoe.emails.all()] == [("zoe.lefevre@example.fr", True)]
    assert [(p.number.as_e164, p.is_primary) for p in zoe.phones.all()] == [("+33612345678", True)]
    # The same search text the services keep, so the list's search finds imported rows.
    assert zoe.search_text == normalise("Zoé Lefèvre  Énergies Lefèvre zoe.lefevre@example.fr")
    helene = Contact.objects.get(last_name="Müller")
    assert helene.organisation is None
    assert helene.phones.get().number.as_e164 == "+442079460958"
    activity = Activity.objects.get(contact=zoe)
    assert activity.kind == timeline.IMPORTED
    assert activity.summary == "Imported from clients été.csv"
    assert activity.organisation == organisation
    assert (activity.source_id, activity.actor) == (job.pk, importer)


def test_utf8_file_with_a_bom_is_recognised(importer):
    job = checked(importer, "\ufeff" + CONTACTS_HEADER + "Zoé,Lefèvre,zoe@example.fr,,\n")
    assert job.status == ImportJob.Status.VALID, job.errors
    assert job.encoding == "utf-8-sig"
    imports.import_job_commit(job=job)
    assert Contact.objects.get().first_name == "Zoé"


def test_latin1_file_from_excel_is_read_as_windows_1252(importer):
    content = CONTACTS_HEADER + "Zoé,Lefèvre,zoe@example.fr,,\nFrançois,Œuvray,f@example.fr,,\n"
    job = checked(importer, content, encoding="cp1252")
    assert job.status == ImportJob.Status.VALID, job.errors
    assert job.encoding == "cp1252"
    imports.import_job_commit(job=job)
    assert set(Contact.objects.values_list("first_name", "last_name")) == {
        ("Zoé", "Lefèvre"),
        ("François", "Œuvray"),
    }


def test_iso_8859_1_file_is_read_too(importer):
    job = checked(importer, CONTACTS_HEADER + "Zoé,Lefèvre,zoe@example.fr,,\n", encoding="latin-1")
    assert job.status == ImportJob.Status.VALID, job.errors
    imports.import_job_commit(job=job)
    assert Contact.objects.get().last_name == "Lefèvre"


def test_semicolon_separated_file_from_french_excel(importer):
    content = (
        "Civilité;Prénom;Nom;Fonction;Courriel;Tél\r\n"
        "Mme;Zoé;Lefèvre;Directrice, ventes;zoe@example.fr;06.12.34.56.78\r\n"
    )
    job = checked(importer, content, encoding="cp1252")
    assert job.status == ImportJob.Status.VALID, job.errors
    imports.import_job_commit(job=job)
    zoe = Contact.objects.get()
    assert (zoe.title, zoe.job_title) == (Contact.Title.MRS, "Directrice, ventes")
    assert zoe.phones.get().number.as_e164 == "+33612345678"


def test_utf16_tab_separated_unicode_text_from_excel(importer):
    content = "Prénom\tNom\tE-mail\nZoé\tLefèvre\tzoe@example.fr\n"
    job = checked(importer, content, encoding="utf-16")
    assert job.status == ImportJob.Status.VALID, job.errors
    assert job.encoding == "utf-16"
    imports.import_job_commit(job=job)
    assert Contact.objects.get().first_name == "Zoé"


@pytest.mark.parametrize(
    "header",
    [
        "first_name,last_name,email",
        "PRENOM,NOM,EMAIL",
        "First Name,Last Name,E-Mail Address",
        "prénom ,  nom de famille,adresse e-mail",
    ],
)
def test_headers_match_whatever_the_case_accents_and_language(importer, header):
    job = checked(importer, f"{header}\nZoé,Lefèvre,zoe@example.fr\n")
    assert job.status == ImportJob.Status.VALID, job.errors


def test_unknown_columns_are_ignored_and_listed(importer):
    job = checked(importer, "Nom,E-mail,Fax,Remarque\nLefèvre,zoe@example.fr,0102,vu\n")
    assert job.status == ImportJob.Status.VALID
    assert imports.import_job_columns(job=job).ignored == ["Fax", "Remarque"]


# --- Refused files ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "header", "missing"),
    [
        (ImportJob.Kind.CONTACTS, "Prénom,Ville", ["last name", "email"]),
        (ImportJob.Kind.CONTACTS, "Nom,Ville", ["email", "phone"]),
        (ImportJob.Kind.ORGANISATIONS, "SIRET,Ville", ["name"]),
    ],
)
def test_missing_columns_are_named_and_nothing_is_stored(importer, kind, header, missing):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        imports.import_job_create(
            actor=importer, kind=kind, file=upload(f"{header}\na,b\n"), schedule=False
        )
    message = " ".join(excinfo.value.messages).lower()
    assert en(ERROR_MISSING_COLUMNS).split("%")[0].lower() in message
    for column in missing:
        assert column in message
    assert not ImportJob.objects.exists()


def test_two_columns_for_the_same_field_are_refused(importer):
    # The message is built in the active language (the upload form's request).
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        imports.import_job_create(
            actor=importer,
            kind=ImportJob.Kind.CONTACTS,
            file=upload("Nom,last_name,E-mail\na,b,c@d.fr\n"),
        )
    assert "“Nom” and “last_name”" in excinfo.value.messages[0]


def test_file_over_the_size_limit_is_refused_before_reading(importer):
    limit = settings.RELAIS_IMPORT_MAX_BYTES
    assert limit == 50 * 1024 * 1024
    too_big = SimpleUploadedFile("big.csv", b"a" * (limit + 1), content_type="text/csv")
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        imports.import_job_create(actor=importer, kind=ImportJob.Kind.CONTACTS, file=too_big)
    assert excinfo.value.messages == [en(ERROR_FILE_TOO_LARGE, {"limit": "50.0\xa0MB"})]
    assert not ImportJob.objects.exists()


def test_size_is_judged_without_reading_the_file(importer):
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the file was read")

    upload_ = UploadedFile(Unreadable(), name="big.csv", size=settings.RELAIS_IMPORT_MAX_BYTES + 1)
    with pytest.raises(ValidationError):
        imports.import_job_create(actor=importer, kind=ImportJob.Kind.CONTACTS, file=upload_)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Nom,E-mail\n\x00\x01\x02\x03binary", ERROR_FILE_BINARY),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ERROR_FILE_BINARY),
        (b"PK\x03\x04\x14\x00\x06\x00xl/workbook.xml", ERROR_FILE_SPREADSHEET),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", ERROR_FILE_SPREADSHEET),
        (b"", ERROR_FILE_EMPTY),
        (b"\n\n  \n", ERROR_FILE_EMPTY),
    ],
)
def test_binary_spreadsheet_and_empty_files_are_refused(importer, content, message):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        imports.import_job_create(
            actor=importer, kind=ImportJob.Kind.CONTACTS, file=upload(content)
        )
    assert excinfo.value.messages == [str(message)]
    assert not ImportJob.objects.exists()


def test_header_without_rows_is_invalid(importer):
    job = checked(importer, CONTACTS_HEADER + "\n,,,,\n")
    assert job.status == ImportJob.Status.INVALID
    assert errors_of(job) == [(None, "", en(ERROR_NO_ROWS))]


# --- Row errors -------------------------------------------------------------------------------
def test_bad_rows_are_reported_with_their_row_numbers_and_nothing_is_written(importer):
    services.organisation_create(actor=None, name="Acme")
    long_name = "L" * 101
    content = (
        "Prénom,Nom,E-mail,Téléphone,Langue,Société,VIP,Pays\n"
        "Ann,Martin,not-an-email,,fr,,,\n"  # 2
        "Bob,Martin,,12,,,,\n"  # 3
        "Cléo,Martin,cleo@example.fr,,de,,,\n"  # 4
        f"Dan,{long_name},dan@example.fr,,,,,\n"  # 5
        "Eve,Martin,,,,,,\n"  # 6
        "Fay,Martin,fay@example.fr,,,Nowhere Ltd,,\n"  # 7
        "Gus,,gus@example.fr,,,,,\n"  # 8
        "Hal,Martin,CLEO@example.fr,,,,peut-être,France\n"  # 9
        "Ivy,Martin,ivy@example.fr,,en,acme,oui,Francia\n"  # 10
        "Jo,Martin,jo@example.fr,,,,,\n"  # 11: fine
    )
    job = checked(importer, content)

    assert job.status == ImportJob.Status.INVALID
    assert errors_of(job) == [
        (2, "E-mail", en(ERROR_INVALID_EMAIL, {"value": "not-an-email"})),
        (3, "Téléphone", en(ERROR_INVALID_PHONE, {"value": "12"})),
        (4, "Langue", en(ERROR_LANGUAGE, {"value": "de"})),
        (5, "Nom", en(ERROR_TOO_LONG, {"limit": 100, "length": 101})),
        (6, "E-mail", en(ERROR_EMAIL_OR_PHONE)),
        (7, "Société", en(ERROR_ORGANISATION_NOT_FOUND, {"value": "Nowhere Ltd"})),
        (8, "Nom", en(ERROR_REQUIRED)),
        (9, "VIP", en(ERROR_BOOLEAN, {"value": "peut-être"})),
        (9, "E-mail", en(ERROR_DUPLICATE_IN_FILE, {"value": "cleo@example.fr", "row": 4})),
        (10, "Pays", en(ERROR_COUNTRY, {"value": "Francia"})),
    ]
    assert job.error_count == 10
    assert not Contact.objects.exists()
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            imports.import_job_commit_schedule(job=job, actor=importer)
        # Read in English too: the error keeps the message untranslated until then.
        assert excinfo.value.messages == [en(ERROR_NOT_READY)]
    assert imports.import_job_commit(job=job).status == ImportJob.Status.INVALID
    assert not Contact.objects.exists()


def test_row_errors_are_written_in_the_uploaders_language(make_user):
    french = make_user(Role.SUPERVISOR, language="fr")
    job = checked(french, "Nom,E-mail\nMartin,pas-un-email\n")
    with translation.override("fr"):
        expected = str(ERROR_INVALID_EMAIL % {"value": "pas-un-email"})
    assert job.errors[0]["message"] == expected
    assert expected != en(ERROR_INVALID_EMAIL, {"value": "pas-un-email"})


def test_contacts_already_known_by_email_phone_or_external_id_are_duplicates(importer):
    known = services.contact_create(
        actor=None,
        last_name="Known",
        emails=["zoe@example.fr"],
        phones=["06 12 34 56 78"],
        external_ids={"erp": "C-1"},
    )
    job = checked(
        importer,
        "Nom,E-mail,Téléphone,ID externe ERP\n"
        "A,ZOE@example.fr,,\n"
        "B,,+33 6 12 34 56 78,\n"
        "C,c@example.fr,,C-1\n",
    )
    assert errors_of(job) == [
        (2, "E-mail", en(ERROR_DUPLICATE_CONTACT, {"value": "zoe@example.fr", "id": known.pk})),
        (3, "Téléphone", en(ERROR_DUPLICATE_CONTACT, {"value": "+33612345678", "id": known.pk})),
        (4, "ID externe ERP", en(ERROR_EXTERNAL_ID_TAKEN, {"value": "C-1", "id": known.pk})),
    ]


def test_duplicates_inside_the_file_are_caught_across_batches(importer, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 3)
    rows = [f"N{i},n{i}@example.fr" for i in range(7)] + ["Again,n1@example.fr"]
    job = checked(importer, "Nom,E-mail\n" + "\n".join(rows) + "\n")
    assert errors_of(job) == [
        (9, "E-mail", en(ERROR_DUPLICATE_IN_FILE, {"value": "n1@example.fr", "row": 3}))
    ]


def test_only_the_first_thousand_errors_are_kept_but_all_are_counted(importer):
    content = "Nom,E-mail\n" + "".join(f"N{i},bad-{i}\n" for i in range(1100))
    job = checked(importer, content)
    assert job.error_count == 1100
    assert len(job.errors) == imports.MAX_STORED_ERRORS == 1000
    assert job.errors[-1]["row"] == 1001


def test_row_with_more_cells_than_the_header_is_reported(importer):
    job = checked(importer, "Nom,E-mail\nMartin,m@example.fr,extra\nDurand,d@example.fr,\n")
    assert errors_of(job) == [(2, "", en(ERROR_TOO_MANY_CELLS, {"found": 3, "expected": 2}))]


def test_html_is_stored_as_inert_text_and_shown_escaped(importer, role_client):
    payload = '<script>alert("x")</script>'
    job = checked(importer, f"Nom,Fonction,E-mail\nMartin,{payload},m@example.fr\n")
    imports.import_job_commit(job=job)
    assert Contact.objects.get().job_title == payload

    bad = checked(importer, "Nom,E-mail\nMartin,<script>alert(1)</script>\n")
    assert bad.errors[0]["message"] == en(
        ERROR_INVALID_EMAIL, {"value": "<script>alert(1)</script>"}
    )
    client = role_client(Role.SUPERVISOR)
    response = client.get(reverse("crm:import_detail", args=[bad.pk]))
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


# --- Other columns ------------------------------------------------------------------------------
def test_every_contact_column_is_read(importer, make_user):
    owner = make_user(Role.SALES, email="owner@staff.example")
    organisation = services.organisation_create(actor=None, name="Acme", legal_id=VALID_SIRET)
    content = (
        "Civilité;Prénom;Nom;E-mail;E-mail 2;Mobile;Téléphone fixe;SIRET;Fonction;Langue;"
        "Canal préféré;Propriétaire;VIP;Étiquettes;ID externe ERP;Adresse;Code postal;"
        "Ville;Pays;Date de création\n"
        "Dr;Zoé;Lefèvre;zoe@example.fr;zoe@perso.fr;06 12 34 56 78;01 23 45 67 89;"
        f"{VALID_SIRET[:3]} {VALID_SIRET[3:6]} {VALID_SIRET[6:9]} {VALID_SIRET[9:]};"
        "Acheteuse;English;Téléphone;OWNER@staff.example;oui;Grands comptes, Lyon ;"
        "C-42;1 rue de la Paix;69001;Lyon;be;25/12/2020\n"
    )
    job = checked(importer, content)
    assert job.status == ImportJob.Status.VALID, job.errors
    assert not Tag.objects.exists()  # the dry run writes nothing, tags included
    imports.import_job_commit(job=job)

    zoe = Contact.objects.get()
    assert (zoe.title, zoe.job_title, zoe.organisation) == ("dr", "Acheteuse", organisation)
    assert (zoe.preferred_language, zoe.preferred_channel) == ("en", "phone")
    assert (zoe.owner, zoe.is_vip) == (owner, True)
    assert (zoe.address_line1, zoe.postal_code, zoe.city, zoe.country) == (
        "1 rue de la Paix",
        "69001",
        "Lyon",
        "BE",
    )
    assert timezone.localtime(zoe.created_at).date().isoformat() == "2020-12-25"
    assert [e.email for e in zoe.emails.all()] == ["zoe@example.fr", "zoe@perso.fr"]
    assert [(p.number.as_e164, p.kind, p.is_primary) for p in zoe.phones.all()] == [
        ("+33612345678", ContactPhone.Kind.MOBILE, True),
        ("+33123456789", ContactPhone.Kind.LANDLINE, False),
    ]
    assert sorted(t.name for t in zoe.tags.all()) == ["grands comptes", "lyon"]
    assert list(ExternalId.objects.values_list("system", "value")) == [("erp", "C-42")]
    assert "c-42" in zoe.search_text
    assert "acme" in zoe.search_text


def test_unknown_owner_and_future_date_are_errors(importer):
    job = checked(
        importer, "Nom,E-mail,Propriétaire,Créé le\nMartin,m@example.fr,ghost@x.fr,01/01/2999\n"
    )
    assert errors_of(job) == [
        (2, "Créé le", en(imports.ERROR_DATE_FUTURE)),
        (2, "Propriétaire", en(ERROR_OWNER_NOT_FOUND, {"value": "ghost@x.fr"})),
    ]


def test_organisation_is_found_by_siren_or_exact_name_never_created(importer):
    acme = services.organisation_create(actor=None, name="Électricité Acme", legal_id=VALID_SIREN)
    services.organisation_create(actor=None, name="Twin")
    services.organisation_create(actor=None, name="TWIN")
    job = checked(
        importer,
        "Nom,E-mail,Société\n"
        f"A,a@example.fr,{VALID_SIREN}\n"
        "B,b@example.fr,électricité acme\n"
        "C,c@example.fr,Electricite Acme\n"
        "D,d@example.fr,twin\n",
    )
    assert errors_of(job) == [
        (4, "Société", en(ERROR_ORGANISATION_NOT_FOUND, {"value": "Electricite Acme"})),
        (5, "Société", en(ERROR_ORGANISATION_AMBIGUOUS, {"value": "twin"})),
    ]
    job = checked(
        importer, f"Nom,E-mail,Société\nA,a@example.fr,{VALID_SIREN}\nB,b@x.fr,ÉLECTRICITÉ ACME\n"
    )
    imports.import_job_commit(job=job)
    assert set(Contact.objects.values_list("organisation", flat=True)) == {acme.pk}
    assert Organisation.objects.count() == 3


def test_organisations_are_imported_with_search_text_tags_and_timeline(importer):
    job = checked(
        importer,
        "Raison sociale;SIRET;Secteur;Effectif;Site web;Ville;Étiquettes\n"
        f"Énergies Zoé;{VALID_SIRET};Énergie;120;www.zoe.example;Lyon;clé\n"
        "Boulangerie Lefèvre;;Alimentation;TPE (1-9 salariés);;Paris;\n",
        kind=ImportJob.Kind.ORGANISATIONS,
        name="organisations.csv",
    )
    assert job.status == ImportJob.Status.VALID, job.errors
    imports.import_job_commit(job=job)
    zoe = Organisation.objects.get(legal_id=VALID_SIRET)
    assert (zoe.name, zoe.size, zoe.website) == (
        "Énergies Zoé",
        "medium",
        "https://www.zoe.example",
    )
    assert zoe.search_text == normalise(f"Énergies Zoé {VALID_SIRET} Lyon Énergie")
    assert [t.name for t in zoe.tags.all()] == ["clé"]
    assert Organisation.objects.get(name="Boulangerie Lefèvre").size == "micro"
    assert Activity.objects.filter(kind=timeline.IMPORTED, organisation__isnull=False).count() == 2


def test_bad_organisation_rows_are_reported(importer):
    services.organisation_create(actor=None, name="Known", legal_id=VALID_SIRET)
    services.organisation_create(actor=None, name="Homonyme")
    job = checked(
        importer,
        "Nom,SIRET,Site web,Taille\n"
        "Bad,12345678901234,,\n"
        f"Copy,{VALID_SIRET},,\n"
        "homonyme,,,\n"
        ",,,micro\n"
        "Web,,not a url,\n"
        "Web2,,,énorme\n"
        "Same,,,\nsame,,,\n",
        kind=ImportJob.Kind.ORGANISATIONS,
    )
    rows = errors_of(job)
    assert rows[:4] == [
        (2, "SIRET", en(ERROR_LEGAL_ID)),
        (3, "SIRET", en(ERROR_LEGAL_ID_TAKEN, {"name": "Known"})),
        (4, "Nom", en(ERROR_ORGANISATION_EXISTS, {"value": "homonyme"})),
        (5, "Nom", en(ERROR_REQUIRED)),
    ]
    assert [(row, field) for row, field, _message in rows[4:]] == [
        (6, "Site web"),
        (7, "Taille"),
        (9, "Nom"),
    ]
    assert Organisation.objects.count() == 2


# --- Commit ---------------------------------------------------------------------------------------
def test_commit_is_all_or_nothing(importer, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    calls = []

    def failing_second_batch(created):
        calls.append(created)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    content = "Nom,E-mail,Tags\n" + "".join(f"N{i},n{i}@example.fr,t{i}\n" for i in range(5))
    job = checked(importer, content)
    assert job.status == ImportJob.Status.VALID

    with pytest.raises(RuntimeError, match="disk full"):
        imports.import_job_commit(job=job, on_batch_written=failing_second_batch)

    assert calls == [2, 2]
    for model in (Contact, ContactEmail, Activity, Tag, Contact.tags.through):
        assert not model.objects.exists(), model
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert errors_of(job) == [(None, "", en(ERROR_COMMIT_FAILED))]


def test_commit_checks_the_rows_again(importer):
    job = checked(importer, "Nom,E-mail\nA,a@example.fr\nB,b@example.fr\n")
    assert job.status == ImportJob.Status.VALID
    meanwhile = services.contact_create(actor=None, last_name="B", emails=["b@example.fr"])

    job = imports.import_job_commit(job=job)

    assert job.status == ImportJob.Status.INVALID
    assert errors_of(job) == [
        (3, "E-mail", en(ERROR_DUPLICATE_CONTACT, {"value": "b@example.fr", "id": meanwhile.pk}))
    ]
    assert list(Contact.objects.all()) == [meanwhile]


def test_tasks_do_nothing_for_a_job_in_another_status(importer):
    job = checked(importer, "Nom,E-mail\nA,a@example.fr\n")
    import_commit_task(job.pk)
    import_commit_task(job.pk)  # delivered twice
    import_validate_task(job.pk)  # late duplicate of the check
    job.refresh_from_db()
    assert (job.status, job.created_rows) == (ImportJob.Status.DONE, 1)
    assert Contact.objects.count() == 1
    import_validate_task(999_999)  # a deleted job
    import_commit_task(999_999)


def test_a_check_that_breaks_marks_the_job_failed(importer):
    job = imports.import_job_create(
        actor=importer,
        kind=ImportJob.Kind.CONTACTS,
        file=upload("Nom,E-mail\nA,a@example.fr\n"),
        schedule=False,
    )
    job.file.storage.delete(job.file.name)
    with pytest.raises(FileNotFoundError):
        imports.import_job_validate(job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert errors_of(job) == [(None, "", en(ERROR_COMMIT_FAILED))]


def test_import_of_several_batches_writes_every_row(importer, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 50)
    content = "Nom,E-mail,Téléphone,Tags\n" + "".join(
        f"N{i},n{i}@example.fr,+336{10_000_000 + i},{'vip' if i % 2 else 'std'}\n"
        for i in range(230)
    )
    job = imports.import_job_commit(job=checked(importer, content))
    assert (job.status, job.created_rows, job.total_rows) == (ImportJob.Status.DONE, 230, 230)
    assert ContactEmail.objects.count() == ContactPhone.objects.count() == 230
    assert Contact.tags.through.objects.count() == 230
    assert Activity.objects.filter(kind=timeline.IMPORTED).count() == 230
    assert Tag.objects.count() == 2


def test_template_and_export_files_import_back(importer, role_client):
    client = role_client(Role.SUPERVISOR)
    template = client.get(reverse("crm:import_template", args=["contacts"]))
    assert template.status_code == 200
    text = template.content.decode("utf-8-sig")
    delimiter = ";" if ";" in text else ","
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    header_map = imports.map_header(kind=ImportJob.Kind.CONTACTS, header=header)
    assert not header_map.problems
    assert not header_map.ignored
    export_map = imports.map_header(
        kind=ImportJob.Kind.CONTACTS, header=exports.contact_export_header()
    )
    assert not export_map.problems
    assert {c.field for c in export_map.columns} >= {"first_name", "last_name", "email", "phone"}


# --- Pages --------------------------------------------------------------------------------------
def test_upload_check_and_import_through_the_pages(role_client, django_capture_on_commit_callbacks):
    client = role_client(Role.SUPERVISOR)
    assert client.get(reverse("crm:import_create")).status_code == 200
    content = (CONTACTS_HEADER + "Zoé,Lefèvre,zoe@example.fr,,\nAl,Bon,al@example.fr,,\n").encode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("crm:import_create"),
            {"kind": "contacts", "file": SimpleUploadedFile("c.csv", content)},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:import_detail", args=[job.pk])
    assert len(callbacks) == 1  # the check ran in the (eager) Celery task
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID

    partial = client.get(
        reverse("crm:import_detail", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert b"every 1s" not in partial.content
    assert b"<html" not in partial.content
    assert reverse("crm:import_commit", args=[job.pk]).encode() in partial.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("crm:import_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_rows) == (ImportJob.Status.DONE, 2)
    assert Contact.objects.count() == 2
    # A second click finds nothing to do.
    client.post(reverse("crm:import_commit", args=[job.pk]))
    assert Contact.objects.count() == 2


def test_refused_upload_shows_the_message_on_the_form(role_client, settings):
    settings.RELAIS_IMPORT_MAX_BYTES = 100
    client = role_client(Role.ADMIN)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("crm:import_create"),
        {"kind": "contacts", "file": SimpleUploadedFile("c.csv", b"a" * 101)},
    )
    assert response.status_code == 400
    assert en(ERROR_FILE_TOO_LARGE, {"limit": "100\xa0bytes"}).encode() in response.content
    missing = client.post(
        reverse("crm:import_create"),
        {"kind": "contacts", "file": SimpleUploadedFile("c.csv", b"Ville\nLyon\n")},
    )
    assert missing.status_code == 400
    assert not ImportJob.objects.exists()


def test_progress_polls_every_second_while_running_and_stops_when_finished(importer, role_client):
    client = role_client(Role.SUPERVISOR)
    job = imports.import_job_create(
        actor=importer,
        kind=ImportJob.Kind.CONTACTS,
        file=upload("Nom,E-mail\nA,a@example.fr\nB,b@example.fr\n"),
        schedule=False,
    )
    url = reverse("crm:import_detail", args=[job.pk])
    running = client.get(url, headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in running.content

    imports.import_job_validate(job=job)
    imports.import_job_commit_schedule(job=job, actor=importer)  # now IMPORTING
    cache.set(f"crm:import:{job.pk}:progress", {"processed": 1, "total": 2})
    importing = client.get(url, headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in importing.content
    assert b'aria-valuenow="50"' in importing.content

    imports.import_job_commit(job=job)
    done = client.get(url, headers={"HX-Request": "true"})
    assert b"every 1s" not in done.content
    assert b'aria-valuenow="100"' in done.content
    page = client.get(url)
    assert b"<html" in page.content
    assert b"every 1s" not in page.content


def test_errors_can_be_downloaded(importer, role_client):
    job = checked(importer, "Nom,E-mail\nMartin,=cmd|x\n")
    response = role_client(Role.SUPERVISOR).get(reverse("crm:import_errors", args=[job.pk]))
    text = response.content.decode("utf-8-sig")
    assert "Martin" not in text
    assert "'=cmd|x" in text or "“=cmd|x”" in text


IMPORT_PAGES = [
    ("get", "crm:import_list", []),
    ("get", "crm:import_create", []),
    ("post", "crm:import_create", []),
    ("get", "crm:import_detail", ["job"]),
    ("post", "crm:import_commit", ["job"]),
    ("get", "crm:import_errors", ["job"]),
    ("get", "crm:import_template", ["contacts"]),
]


@pytest.mark.parametrize(("method", "name", "args"), IMPORT_PAGES)
@pytest.mark.parametrize("role", [Role.AGENT, Role.HR, Role.IT, Role.MARKETING])
def test_only_import_roles_reach_the_import_pages(importer, role_client, method, name, args, role):
    job = checked(importer, "Nom,E-mail\nA,a@example.fr\n")
    url = reverse(name, args=[job.pk if a == "job" else a for a in args])
    response = getattr(role_client(role), method)(url)
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID
    assert not Contact.objects.exists()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("crm:import_list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("jobs", [2, 20])
def test_import_list_query_count_does_not_grow(
    importer, role_client, django_assert_max_num_queries, jobs
):
    for i in range(jobs):
        ImportJob.objects.create(
            kind=ImportJob.Kind.CONTACTS,
            file="x.csv",
            original_name=f"f{i}.csv",
            created_by=importer,
        )
    client = role_client(Role.ADMIN)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("crm:import_list"))
    assert response.status_code == 200
    assert b"f1.csv" in response.content


def test_import_detail_query_count_is_bounded(importer, role_client, django_assert_max_num_queries):
    job = checked(importer, "Nom,E-mail\n" + "".join(f"N{i},bad{i}\n" for i in range(300)))
    client = role_client(Role.SUPERVISOR)
    url = reverse("crm:import_detail", args=[job.pk])
    with django_assert_max_num_queries(8):
        page = client.get(url)
    with django_assert_max_num_queries(8):
        partial = client.get(url, headers={"HX-Request": "true"})
    assert page.status_code == partial.status_code == 200
    assert page.content.count(b"<tr><td>") == 100
