from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from crm import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts():
    return [
        services.contact_create(
            actor=None, first_name=f"Zoé{n}", last_name="Lefèvre", emails=[f"z{n}@example.fr"]
        )
        for n in range(3)
    ]


def _action(client, action, contacts):
    return client.post(
        reverse("admin:crm_contact_changelist"),
        {"action": action, "_selected_action": [c.pk for c in contacts[:2]]},
    )


def test_admin_exports_the_selected_contacts_as_csv(role_client, contacts):
    response = _action(role_client(Role.ADMIN), "export_csv", contacts)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "z0@example.fr" in body
    assert "z1@example.fr" in body
    assert "z2@example.fr" not in body


def test_admin_exports_the_selected_contacts_as_excel(role_client, contacts):
    response = _action(role_client(Role.ADMIN), "export_xlsx", contacts)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "z0@example.fr" in values
    assert "z2@example.fr" not in values


def test_admin_contact_list_links_to_the_csv_import(role_client, contacts):
    page = role_client(Role.ADMIN).get(reverse("admin:crm_contact_changelist"))
    assert reverse("crm:import_create") in page.content.decode()
