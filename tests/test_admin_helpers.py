"""relais.admin_helpers: the same changelist HTML, cheaper (issue 10)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test.html import parse_html
from django.utils import translation

from accounts.models import User
from relais.admin_helpers import CappedCountPaginator, FastChangelistMixin


class Plain(admin.ModelAdmin):
    pass


class Fast(FastChangelistMixin, admin.ModelAdmin):
    pass


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_action_checkbox_is_djangos(language):
    user = User(pk=42, email='o"brien<script>@example.com', first_name="Zoë & <b>co</b>")
    site = admin.AdminSite()
    with translation.override(language):
        ours = Fast(User, site).action_checkbox(user)
        theirs = Plain(User, site).action_checkbox(user)
        assert parse_html(str(ours)) == parse_html(str(theirs))
    assert "<b>" not in str(ours)


@pytest.mark.django_db
def test_the_paginator_counts_up_to_its_cap(monkeypatch, make_user):
    for n in range(4):
        make_user(email=f"p{n}@example.com")
    monkeypatch.setattr("relais.admin_helpers.ADMIN_COUNT_CAP", 3)
    assert CappedCountPaginator(User.objects.all(), 2).count == 3
    monkeypatch.setattr("relais.admin_helpers.ADMIN_COUNT_CAP", 100)
    assert CappedCountPaginator(User.objects.all(), 2).count == User.objects.count()
