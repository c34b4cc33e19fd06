"""Every telework model in the admin: lists, searches and forms answer for an admin;
an admin reading an agreement is logged; the activation action goes through the service."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from telework.models import Agreement, ReadLog

from .factories import signed

pytestmark = pytest.mark.django_db


def test_every_model_is_registered_and_its_pages_answer(w, django_assert_max_num_queries):
    signed(w)
    user = UserFactory(roles=[Role.ADMIN], is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    models = list(apps.get_app_config("telework").get_models())
    assert all(model in admin.site._registry for model in models)
    for model in models:
        name = f"admin:telework_{model._meta.model_name}_changelist"
        with django_assert_max_num_queries(25):
            assert client.get(reverse(name), {"q": "Martin'<>"}).status_code == 200, model
        add = f"admin:telework_{model._meta.model_name}_add"
        assert client.get(reverse(add)).status_code == 200, model
    agreement = Agreement.objects.get()
    change = reverse("admin:telework_agreement_change", args=[agreement.pk])
    assert client.get(change).status_code == 200
    assert ReadLog.objects.filter(reader=user, channel="admin").count() == 1


def test_the_activation_action_refuses_an_agreement_with_an_open_checklist(w):
    agreement = signed(w)
    user = UserFactory(roles=[Role.ADMIN], is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("admin:telework_agreement_changelist"),
        {"action": "activate_agreements", "_selected_action": [agreement.pk]},
        follow=True,
    )
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
