"""The Bloctel list: CSV import (page, API), E.164 normalisation, bad files write nothing,
the wrong role is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .. import services
from ..models import BloctelNumber
from ..services import bloctel


def upload(text: str | bytes, name: str = "bloctel.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_import_normalises_to_e164_and_skips_the_header(db):
    result = services.bloctel_import(
        upload=upload("numero;date\n06 12 34 56 78;2026-01-01\n+33 1 42 68 53 00;x\n0612345678\n"),
        actor=None,
    )
    assert set(BloctelNumber.objects.values_list("number", flat=True)) == {
        "+33612345678",
        "+33142685300",
    }
    assert (result.read, result.added, result.already) == (2, 2, 0)
    again = services.bloctel_import(upload=upload("0612345678\n0699999999\n"), actor=None)
    assert (again.added, again.already) == (1, 1)
    replaced = services.bloctel_import(upload=upload("0699999999\n"), actor=None, replace=True)
    assert replaced.removed == 2
    assert list(BloctelNumber.objects.values_list("number", flat=True)) == ["+33699999999"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("0612345678\nnot a number\n0699999999\n", "bad_lines"),
        ("", "empty"),
        ("numero\n", "empty"),
        (b"\xff\xfe0\x006\x00", "encoding"),
    ],
)
def test_a_bad_file_writes_nothing(db, content, code):
    with pytest.raises(ValidationError) as caught:
        services.bloctel_import(upload=upload(content), actor=None)
    assert caught.value.error_dict["file"][0].code == code
    assert not BloctelNumber.objects.exists()


def test_an_oversized_file_writes_nothing(db, settings):
    settings.CAMPAIGNS_BLOCTEL_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        services.bloctel_import(upload=upload("0612345678\n" * 20), actor=None)
    assert caught.value.error_dict["file"][0].code == "too_large"
    assert not BloctelNumber.objects.exists()


def test_the_page_imports_and_shows_errors(client, make_user):
    client.force_login(make_user("marketing"))
    url = reverse("campaigns:bloctel")
    response = client.post(url, {"file": upload("0612345678\n0000\n")})
    assert response.status_code == 400
    assert str(bloctel.ERROR_BAD_LINES) % {"lines": "2"} in response.content.decode()
    assert not BloctelNumber.objects.exists()
    assert client.post(url, {"file": upload("0612345678\n")}).status_code == 302
    page = client.get(url).content.decode()
    assert "+33612345678" in page
    bad = client.post(reverse("campaigns:bloctel-add"), {"number": "hello"})
    assert bad.status_code == 400
    assert str(bloctel.ERROR_NUMBER) in bad.content.decode()
    assert (
        client.post(reverse("campaigns:bloctel-add"), {"number": "01 42 68 53 00"}).status_code
        == 302
    )
    row = BloctelNumber.objects.get(number="+33142685300")
    assert client.post(reverse("campaigns:bloctel-remove", args=[row.pk])).status_code == 302
    assert BloctelNumber.objects.count() == 1


def test_the_list_page_is_bounded(client, make_user, django_assert_max_num_queries):
    BloctelNumber.objects.bulk_create(BloctelNumber(number=f"+336123456{i:02d}") for i in range(60))
    client.force_login(make_user("marketing"))
    with django_assert_max_num_queries(10):
        page = client.get(reverse("campaigns:bloctel")).content.decode()
    assert "+33612345600" in page
    assert "+33612345659" not in page


def test_the_wrong_role_is_refused(client, make_user, role_api_client):
    client.force_login(make_user("agent"))
    assert client.get(reverse("campaigns:bloctel")).status_code == 403
    assert (
        client.post(
            reverse("campaigns:bloctel"), {"file": upload("0612345678\n")}, format="multipart"
        ).status_code
        == 403
    )
    api = role_api_client("agent")
    assert (
        api.post(
            reverse("api-bloctel-import"), {"file": upload("0612345678\n")}, format="multipart"
        ).status_code
        == 403
    )
    assert not BloctelNumber.objects.exists()


def test_the_api_imports_adds_and_refuses_bad_input(role_api_client):
    api = role_api_client("marketing")
    response = api.post(
        reverse("api-bloctel-import"), {"file": upload("06 12 34 56 78\n")}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["added"] == 1
    response = api.post(
        reverse("api-bloctel-import"), {"file": upload("06 12\n")}, format="multipart"
    )
    assert response.status_code == 400
    assert api.post(reverse("api-bloctel"), {"number": "x"}, format="json").status_code == 400
    response = api.post(reverse("api-bloctel"), {"number": "0142685300"}, format="json")
    assert response.status_code == 201
    assert response.json()["number"] == "+33142685300"
    assert api.get(reverse("api-bloctel")).json()["count"] == 2
    pk = response.json()["id"]
    assert api.delete(reverse("api-bloctel-detail", args=[pk])).status_code == 204
    assert BloctelNumber.objects.count() == 1


def test_the_admin_normalises_one_number(client, make_user):
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:campaigns_bloctelnumber_add")
    assert client.post(url, {"number": "06 12 34 56 78"}).status_code == 302
    assert BloctelNumber.objects.get().number == "+33612345678"
    assert client.post(url, {"number": "nope"}).status_code == 200
    assert BloctelNumber.objects.count() == 1
