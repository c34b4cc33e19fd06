from __future__ import annotations

import codecs
import csv
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.roles import Role
from crm import exports, services
from crm.models import Contact
from crm.views.exports import ERROR_EXPORT_FILTERS

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("crm:contact_export")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def exporter(role_client):
    client = role_client(Role.MARKETING)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def zoe():
    acme = services.organisation_create(actor=None, name="Énergies Acme")
    return services.contact_create(
        actor=None,
        title="mrs",
        first_name="Zoé",
        last_name="Lefèvre",
        organisation=acme,
        job_title="Directrice",
        emails=["zoe@example.fr", "zoe@perso.fr"],
        phones=["06 12 34 56 78"],
        tags=["grands comptes", "lyon"],
        preferred_language="en",
        preferred_channel="phone",
        is_vip=True,
        city="Lyon",
        country="FR",
    )


def en(message, params) -> str:
    with translation.override("en"):
        return str(message % params)


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    text = content.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_xlsx(response):
    content = b"".join(response.streaming_content)
    return content, load_workbook(io.BytesIO(content)).active


def test_csv_export_has_a_bom_a_header_and_the_contact_columns(exporter, zoe):
    response = exporter.get(EXPORT_URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="contacts-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [
        "ID", "Title", "First name", "Last name", "Organisation", "Job title", "Primary email",
        "Primary phone", "Language", "Preferred channel", "VIP", "Tags", "City", "Country",
        "Created at",
    ]  # fmt: skip
    created = timezone.localtime(zoe.created_at).strftime("%Y-%m-%d %H:%M")
    assert rows[1:] == [
        [
            str(zoe.pk), "Mrs", "Zoé", "Lefèvre", "Énergies Acme", "Directrice",
            "zoe@example.fr", "'+33612345678", "English", "Phone", "Yes",
            "grands comptes, lyon", "Lyon", "FR", created,
        ]
    ]  # fmt: skip


def test_csv_export_uses_semicolons_for_french_excel(role_client, zoe):
    client = role_client(Role.SUPERVISOR)
    client.cookies["django_language"] = "fr"
    content = b"".join(client.get(EXPORT_URL).streaming_content).decode("utf-8-sig")
    header = content.split("\r\n", 1)[0]
    assert header.startswith("ID;")
    assert header.count(";") == 14
    assert "Lefèvre" in content


def test_formula_like_cells_are_neutralised_in_csv(exporter):
    services.contact_create(
        actor=None,
        first_name='=HYPERLINK("http://evil.example","x")',
        last_name="@SUM(A1)",
        job_title="-2+3",
        city="+cmd|' /C calc'!A0",
        emails=["a@example.fr"],
    )
    row = read_csv(exporter.get(EXPORT_URL, {"format": "csv"}))[1]
    assert row[2] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[3] == "'@SUM(A1)"
    assert row[5] == "'-2+3"
    assert row[12] == "'+cmd|' /C calc'!A0"


def test_xlsx_export_holds_the_same_rows(exporter, zoe):
    response = exporter.get(EXPORT_URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="contacts-' in response["Content-Disposition"]
    _content, sheet = read_xlsx(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("ID", "Title", "First name", "Last name")
    values = rows[1]
    assert values[:8] == (
        zoe.pk, "Mrs", "Zoé", "Lefèvre", "Énergies Acme", "Directrice", "zoe@example.fr",
        "+33612345678",
    )  # fmt: skip
    assert values[10:14] == ("Yes", "grands comptes, lyon", "Lyon", "FR")
    expected = timezone.localtime(zoe.created_at).replace(tzinfo=None, second=0, microsecond=0)
    assert values[14].replace(second=0, microsecond=0) == expected


def test_formula_like_cells_are_text_in_xlsx(exporter):
    services.contact_create(
        actor=None,
        first_name='=HYPERLINK("http://evil.example","x")',
        last_name="@SUM(A1)",
        emails=["a@example.fr"],
        phones=["06 12 34 56 78"],
    )
    content, sheet = read_xlsx(exporter.get(EXPORT_URL, {"format": "xlsx"}))
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere in the workbook
    first_name, last_name, phone = sheet["C2"], sheet["D2"], sheet["H2"]
    assert first_name.value == '=HYPERLINK("http://evil.example","x")'
    assert (first_name.data_type, first_name.quotePrefix) == ("s", True)
    assert (last_name.value, last_name.quotePrefix) == ("@SUM(A1)", True)
    assert (phone.value, phone.data_type) == ("+33612345678", "s")


def test_too_many_contacts_for_excel_are_refused_with_a_message(exporter, zoe, monkeypatch):
    services.contact_create(actor=None, last_name="Martin", emails=["m@example.fr"])
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 1)
    response = exporter.get(EXPORT_URL, {"format": "xlsx", "vip": ""}, follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('crm:contact_list')}?vip="
    assert (
        en(exports.ERROR_XLSX_TOO_MANY, {"count": "2", "limit": "1"}) in response.content.decode()
    )
    # The CSV export streams and has no such limit.
    assert len(read_csv(exporter.get(EXPORT_URL, {"format": "csv"}))) == 3


def test_export_follows_the_list_filters(exporter, zoe):
    other_org = services.organisation_create(actor=None, name="Other")
    services.contact_create(
        actor=None, last_name="Martin", emails=["m@example.fr"], organisation=other_org
    )
    owned = services.contact_create(
        actor=None, last_name="Owned", emails=["o@example.fr"], owner=exporter.user
    )

    def last_names(**params):
        rows = read_csv(exporter.get(EXPORT_URL, {"format": "csv", **params}))
        return sorted(row[3] for row in rows[1:])

    assert last_names() == ["Lefèvre", "Martin", "Owned"]
    assert last_names(q="lefevre") == ["Lefèvre"]
    assert last_names(tag="Lyon") == ["Lefèvre"]
    assert last_names(vip="1") == ["Lefèvre"]
    assert last_names(vip="0") == ["Martin", "Owned"]
    assert last_names(language="en") == ["Lefèvre"]
    assert last_names(organisation=other_org.pk) == ["Martin"]
    assert last_names(owner=exporter.user.pk) == ["Owned"]
    assert last_names(mine="on") == [owned.last_name]


def test_erased_and_merged_contacts_are_not_exported(exporter, zoe):
    duplicate = services.contact_create(actor=None, last_name="Dup", emails=["d@example.fr"])
    services.contact_merge(survivor=zoe, duplicate=duplicate, actor=None)
    rows = read_csv(exporter.get(EXPORT_URL))
    assert [row[3] for row in rows[1:]] == ["Lefèvre"]


@pytest.mark.parametrize("params", [{"format": "pdf"}, {"organisation": "x"}, {"vip": "maybe"}])
def test_bad_export_parameters_are_a_400(exporter, params):
    response = exporter.get(EXPORT_URL, params)
    assert response.status_code == 400
    with translation.override("en"):
        assert response.content.decode() == str(ERROR_EXPORT_FILTERS)


@pytest.mark.parametrize("role", [Role.AGENT, Role.HR, Role.IT, Role.SALES])
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_roles_without_export_rights_are_refused(role_client, zoe, role, export_format):
    response = role_client(role).get(EXPORT_URL, {"format": export_format})
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.MARKETING, Role.ADMIN])
def test_export_roles_may_export(role_client, zoe, role):
    assert role_client(role).get(EXPORT_URL).status_code == 200


def _contacts(count: int, start: int = 0) -> None:
    organisation = services.organisation_create(actor=None, name=f"Org {start}")
    for i in range(start, start + count):
        services.contact_create(
            actor=None,
            first_name="Zoé",
            last_name=f"N{i:03d}",
            organisation=organisation,
            emails=[f"n{i}@example.fr"],
            phones=[f"+336{10_000_000 + i}"],
            tags=["t1", "t2"],
        )


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_query_count_does_not_grow_with_the_rows(
    exporter, django_assert_max_num_queries, export_format
):
    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = exporter.get(EXPORT_URL, {"format": export_format})
            content = b"".join(response.streaming_content)
        assert content
        return len(captured)

    _contacts(5)
    with django_assert_max_num_queries(10):
        small = queries_for_export()
    _contacts(45, start=5)
    assert Contact.objects.count() == 50
    with django_assert_max_num_queries(10):
        large = queries_for_export()
    assert large == small


def test_export_rows_service_reads_in_chunks(monkeypatch):
    _contacts(7)
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 3)
    from crm.selectors import contact_list

    with translation.override("en"):
        rows = list(exports.contact_export_rows(contacts=contact_list()))
    assert [row[3] for row in rows] == [f"N{i:03d}" for i in range(7)]
    assert all(row[6].endswith("@example.fr") and row[7].startswith("+336") for row in rows)
