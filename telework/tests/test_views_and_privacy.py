"""Pages and endpoints: who sees what (HR, the employee and their manager; IT sees
equipment only), the HR read log, bad input, the PDF, query-count guards."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from telework import services
from telework.models import Agreement, ReadLog

from .factories import PDF_BYTES, active, next_monday, request, signed

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def agreement_urls(agreement: Agreement) -> list[str]:
    return [
        reverse("telework:agreement", args=[agreement.pk]),
        reverse("telework:pdf", args=[agreement.pk, 1]),
        reverse("telework:amend", args=[agreement.pk]),
        f"/api/v1/telework/agreements/{agreement.pk}/",
    ]


def test_hr_the_employee_and_the_manager_see_the_agreement_others_get_404(w):
    agreement = signed(w)
    for user in (w.hr, w.agent, w.manager):
        for url in agreement_urls(agreement):
            client = api_for(user) if url.startswith("/api/") else client_for(user)
            assert client.get(url).status_code == 200, (user, url)
    for user in (w.it, w.outsider, UserFactory(roles=["supervisor"])):
        for url in agreement_urls(agreement):
            client = api_for(user) if url.startswith("/api/") else client_for(user)
            assert client.get(url).status_code == 404, (user, url)


def test_lists_and_search_never_leak_other_peoples_agreements(w):
    agreement = signed(w)
    other = api_for(w.outsider).get("/api/v1/telework/agreements/", {"employee": w.agent.pk})
    assert other.json()["count"] == 0
    mine = api_for(w.agent).get("/api/v1/telework/agreements/")
    assert [row["id"] for row in mine.json()["results"]] == [agreement.pk]
    assert api_for(w.it).get("/api/v1/telework/agreements/").json()["count"] == 0
    assert (
        client_for(w.agent).get(reverse("telework:hr_agreements"), {"q": "Martin"}).status_code
        == 403
    )
    page = client_for(w.hr).get(
        reverse("telework:hr_agreements"), {"q": "Martin", "status": "signed"}
    )
    assert "Camille Martin" in page.content.decode()


def test_hr_reads_are_logged_and_shown_to_the_employee(w):
    agreement = signed(w)
    ReadLog.objects.all().delete()
    client_for(w.hr).get(reverse("telework:agreement", args=[agreement.pk]))
    client_for(w.hr).get(reverse("telework:pdf", args=[agreement.pk, 1]))
    api_for(w.hr).get("/api/v1/telework/agreements/")
    client_for(w.manager).get(
        reverse("telework:agreement", args=[agreement.pk])
    )  # not HR: not logged
    channels = sorted(
        ReadLog.objects.filter(agreement=agreement, reader=w.hr).values_list("channel", flat=True)
    )
    assert channels == ["api", "page", "pdf"]
    assert ReadLog.objects.count() == 3
    page = client_for(w.agent).get(reverse("telework:my")).content.decode()
    assert "Sophie Garnier" in page


def test_it_sees_equipment_but_not_the_agreements_personal_details(w):
    signed(w)
    page = client_for(w.it).get(reverse("telework:equipment"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "LAP-0" in body
    assert "Lilas" not in body
    data = api_for(w.it).get("/api/v1/telework/equipment/").json()
    assert data["count"] == 6
    holder = next(row["holder"] for row in data["results"] if row["holder"])
    assert set(holder) == {"employee", "status", "provisioning_ticket", "recovery_ticket"}
    for user in (w.agent, w.manager):
        assert client_for(user).get(reverse("telework:equipment")).status_code == 403
        assert api_for(user).get("/api/v1/telework/equipment/").status_code == 403


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("telework:hr", {"hr"}),
        ("telework:allowance", {"hr"}),
        ("telework:continuity", {"hr"}),
        ("telework:impose", {"hr"}),
        ("telework:reserve", {"hr", "manager"}),  # manager holds the supervisor role
        ("telework:equipment", {"hr", "it"}),
        ("telework:team", {"hr", "manager"}),
        ("telework:my", {"hr", "manager", "agent", "it"}),
    ],
)
def test_each_page_refuses_the_wrong_roles(w, url, allowed):
    people = {"hr": w.hr, "manager": w.manager, "agent": w.agent, "it": w.it}
    for name, user in people.items():
        status = client_for(user).get(reverse(url)).status_code
        assert (status == 200) == (name in allowed), (url, name, status)


def test_attestations_are_served_to_hr_and_the_employee_only(w, settings):
    agreement = request(w)
    services.agreement_approve(agreement=agreement, actor=w.manager)
    services.agreement_validate(agreement=agreement, actor=w.hr)
    item = agreement.onboarding_items.get(code="insurance")
    url = reverse("telework:item_complete", args=[item.pk])
    bad = client_for(w.agent).post(
        url, {"document": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")}
    )
    assert bad.status_code == 302
    item.refresh_from_db()
    assert item.done_at is None
    client_for(w.agent).post(
        url, {"document": SimpleUploadedFile("assurance.pdf", PDF_BYTES, "application/pdf")}
    )
    item.refresh_from_db()
    assert item.done_at is not None
    assert item.document_type == "application/pdf"
    download = reverse("telework:item_document", args=[item.pk])
    for user, status in (
        (w.agent, 200),
        (w.hr, 200),
        (w.manager, 404),
        (w.it, 404),
        (w.outsider, 404),
    ):
        assert client_for(user).get(download).status_code == status, user
    response = client_for(w.agent).get(download)
    assert response["Content-Security-Policy"] == "sandbox"


def test_the_pdf_holds_the_text_the_signatures_and_the_hash(w):
    agreement = signed(w)
    response = client_for(w.agent).get(reverse("telework:pdf", args=[agreement.pk, 1]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "12 rue des Lilas" in flat
    assert "Camille Martin" in flat
    assert agreement.current_version.text_hash[:20] in flat.replace(" ", "")
    names = {
        str(page["/Resources"]["/Font"][key].get_object()["/BaseFont"])
        for page in reader.pages
        for key in page["/Resources"]["/Font"]
    }
    # The project's fonts are embedded (subset), not whatever the system substitutes.
    assert names
    assert all("DejaVu" in name for name in names), names


def test_the_journey_through_the_pages(w):
    agent, manager, hr = client_for(w.agent), client_for(w.manager), client_for(w.hr)
    response = agent.post(
        reverse("telework:request"),
        {
            "kind": "regular",
            "start_date": next_monday().isoformat(),
            "weekdays": ["1", "3"],
            "address": "12 rue des Lilas, Lyon",
            "work_accident_place": "on",
        },
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert (
        manager.post(
            reverse("telework:action", args=[agreement.pk, "approve"]), {"reason": ""}
        ).status_code
        == 302
    )
    assert (
        hr.post(
            reverse("telework:action", args=[agreement.pk, "validate"]), {"reason": ""}
        ).status_code
        == 302
    )
    version = services.pending_version(agreement)
    for client in (agent, hr):
        response = client.post(
            reverse("telework:action", args=[agreement.pk, "sign"]),
            {"version_number": 1, "text_hash": version.text_hash, "accept": "on"},
        )
        assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "signed"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "regular", "start_date": "not a date", "address": "x"},
        {"kind": "regular", "start_date": "2020-01-01", "weekdays": ["1"], "address": "x"},
        {
            "kind": "regular",
            "start_date": "2099-01-05",
            "weekdays": ["0", "1", "2"],
            "address": "x",
        },
        {"kind": "regular", "start_date": "2099-01-05", "weekdays": ["9"], "address": "x"},
        {"kind": "exceptional", "start_date": "2099-01-05", "weekdays": ["1"], "address": "x"},
        {
            "kind": "regular",
            "start_date": "2099-01-05",
            "weekdays": ["1"],
            "address": "<script>alert(1)</script>" * 100,
        },
        {"kind": "regular", "start_date": "2099-01-05", "weekdays": ["1"], "address": "x\x00y"},
    ],
)
def test_bad_requests_on_the_form_get_a_400_and_write_nothing(w, data):
    response = client_for(w.agent).post(reverse("telework:request"), data)
    assert response.status_code == 400
    assert not Agreement.objects.exists()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_signing_through_the_form_with_a_stale_hash_is_refused(w):
    agreement = request(w)
    services.agreement_approve(agreement=agreement, actor=w.manager)
    services.agreement_validate(agreement=agreement, actor=w.hr)
    response = client_for(w.agent).post(
        reverse("telework:action", args=[agreement.pk, "sign"]),
        {"version_number": 1, "text_hash": "a" * 64, "accept": "on"},
    )
    assert response.status_code == 400
    assert (
        "no longer the one to sign" in response.content.decode()
        or "plus celui" in response.content.decode()
    )


def test_api_actions_and_bad_input(w):
    agent, manager, hr = api_for(w.agent), api_for(w.manager), api_for(w.hr)
    created = agent.post(
        "/api/v1/telework/agreements/",
        {
            "kind": "regular",
            "start_date": next_monday().isoformat(),
            "weekdays": [1, 3],
            "address": "12 rue des Lilas",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (
        agent.post(f"/api/v1/telework/agreements/{pk}/approve/", {}, format="json").status_code
        == 400
    )
    assert (
        manager.post(
            f"/api/v1/telework/agreements/{pk}/refuse/", {"reason": ""}, format="json"
        ).status_code
        == 400
    )
    assert (
        manager.post(f"/api/v1/telework/agreements/{pk}/approve/", {}, format="json").status_code
        == 200
    )
    assert (
        hr.post(f"/api/v1/telework/agreements/{pk}/validate/", {}, format="json").json()["status"]
        == "pending_signatures"
    )
    version = hr.get(f"/api/v1/telework/agreements/{pk}/").json()["current_version"]
    bad = agent.post(
        f"/api/v1/telework/agreements/{pk}/sign/",
        {"version": 1, "text_hash": "b" * 64},
        format="json",
    )
    assert bad.status_code == 400
    for client in (agent, hr):
        assert (
            client.post(
                f"/api/v1/telework/agreements/{pk}/sign/",
                {"version": 1, "text_hash": version["text_hash"]},
                format="json",
            ).status_code
            == 200
        )
    assert (
        api_for(w.outsider)
        .post(f"/api/v1/telework/agreements/{pk}/approve/", {}, format="json")
        .status_code
        == 404
    )
    overlap = agent.post(
        "/api/v1/telework/agreements/",
        {
            "kind": "regular",
            "start_date": next_monday().isoformat(),
            "weekdays": [1],
            "address": "x",
        },
        format="json",
    )
    assert overlap.status_code == 400
    assert Agreement.objects.count() == 1


def test_allowance_api_is_hr_only_and_refuses_future_months(w):
    hr = api_for(w.hr)
    assert (
        api_for(w.agent)
        .get("/api/v1/telework/allowance/", {"month": "2025-03", "entity": w.entity.pk})
        .status_code
        == 403
    )
    assert (
        hr.get(
            "/api/v1/telework/allowance/", {"month": "2999-01", "entity": w.entity.pk}
        ).status_code
        == 400
    )
    assert (
        hr.get("/api/v1/telework/allowance/", {"month": "March", "entity": w.entity.pk}).status_code
        == 400
    )
    assert (
        hr.get("/api/v1/telework/allowance/", {"month": "2025-03", "entity": 999999}).status_code
        == 400
    )
    ok = hr.get("/api/v1/telework/allowance/", {"month": "2025-03", "entity": w.entity.pk})
    assert ok.status_code == 200
    assert ok.json()["count"] == 0
    csv = hr.get(
        "/api/v1/telework/allowance/", {"month": "2025-03", "entity": w.entity.pk, "export": "csv"}
    )
    assert csv.status_code == 200
    assert csv.content.startswith(b"legal_entity,")


def test_reserve_pool_for_hr_and_supervisors_only(w):
    services.reserve_member_save(actor=w.hr, full_name="Sandrine Morel", category="volunteer")
    assert api_for(w.manager).get("/api/v1/telework/reserve-pool/").json()["count"] == 1
    assert api_for(w.agent).get("/api/v1/telework/reserve-pool/").status_code == 403
    assert (
        api_for(w.manager)
        .post(
            "/api/v1/telework/reserve-pool/",
            {"full_name": "X", "category": "volunteer"},
            format="json",
        )
        .status_code
        == 403
    )
    assert (
        api_for(w.hr)
        .post(
            "/api/v1/telework/reserve-pool/",
            {"full_name": "X", "category": "former_agent"},
            format="json",
        )
        .status_code
        == 400
    )


def _many(w, n: int) -> None:
    start = next_monday()
    for index in range(n):
        employee = UserFactory(roles=["agent"], manager=w.manager)
        services.employee_file_save(
            user=employee, legal_entity=w.entity, payroll_number=f"Q{index}"
        )
        w.team.members.add(employee)
        agreement = services.agreement_request(
            employee=employee,
            actor=employee,
            kind="regular",
            start_date=start,
            weekdays=[index % 5],
            address="x",
        )
        services.agreement_approve(agreement=agreement, actor=w.manager)


@pytest.mark.parametrize("n", [1, 6])
def test_dashboard_calendar_and_lists_have_constant_queries(w, n, django_assert_max_num_queries):
    _many(w, n)
    hr, manager, it = client_for(w.hr), client_for(w.manager), client_for(w.it)
    with django_assert_max_num_queries(22):
        assert hr.get(reverse("telework:hr")).status_code == 200
    with django_assert_max_num_queries(16):
        assert manager.get(reverse("telework:team"), {"view": "month"}).status_code == 200
    with django_assert_max_num_queries(16):
        assert hr.get(reverse("telework:hr_agreements")).status_code == 200
    with django_assert_max_num_queries(14):
        assert api_for(w.hr).get("/api/v1/telework/agreements/").status_code == 200
    with django_assert_max_num_queries(12):
        assert it.get(reverse("telework:equipment")).status_code == 200


def test_the_team_calendar_shows_places_not_addresses(w):
    active(w)
    week = next_monday() + dt.timedelta(days=7)
    page = client_for(w.manager).get(reverse("telework:team"), {"date": week.isoformat()})
    body = page.content.decode()
    assert "Camille Martin" in body
    assert "Lilas" not in body
    # Tuesdays and Thursdays at home (a public holiday may take one of them).
    assert body.count('<td class="table-primary"><i class="bi bi-house-door"') >= 1
    assert 'aria-label="Site"' in body
    assert client_for(w.outsider).get(reverse("telework:team")).status_code == 403
