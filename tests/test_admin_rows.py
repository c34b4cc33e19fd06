"""relais.admin_rows: the changelist rows of FastChangelistMixin are Django's, byte for
byte (issue 10), on every changelist that uses it, in both languages, with filters kept
in the row links, empty values, choices, dates, foreign keys and hostile text."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client

from accounts.tests.factories import UserFactory
from crm.tests.factories import ContactFactory
from relais.admin_helpers import FastChangelistMixin
from tickets.models import Message
from tickets.tests.factories import MessageFactory, TicketFactory

pytestmark = pytest.mark.django_db

URLS = [
    "/admin/tickets/ticket/",
    "/admin/tickets/ticket/?status__exact=open&o=-2.3",
    "/admin/tickets/ticket/?q=%3Cb%3E",
    "/admin/tickets/message/",
    "/admin/tickets/attachment/",
    "/admin/tickets/ticketevent/",
    "/admin/crm/activity/",
]


def _fast_admins() -> list[admin.ModelAdmin]:
    return [m for m in admin.site._registry.values() if isinstance(m, FastChangelistMixin)]


def _page(client: Client, url: str, language: str) -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def rows() -> None:
    agent = UserFactory(first_name="Zoë & <b>co</b>", last_name="O'Brien")
    hostile = TicketFactory(subject='<b>bold</b> & "quoted"', assignee=agent)
    TicketFactory(subject="   ", contact=ContactFactory(first_name="<i>x</i>"))
    TicketFactory(assignee=None, status="pending", priority=3)
    MessageFactory(ticket=hostile, kind=Message.Kind.NOTE, body_text="<script>x</script>")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("url", URLS)
def test_the_rows_are_djangos(rows, url, language, monkeypatch):
    user = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    ours = _page(client, url, language)
    assert "<b>bold</b>" not in ours
    for model_admin in _fast_admins():
        # Django's own changelist template, hence Django's items_for_result.
        monkeypatch.setattr(model_admin, "change_list_template", None)
    theirs = _page(client, url, language)
    assert ours == theirs


def test_every_fast_changelist_is_compared():
    compared = {url.split("/")[2] + "." + url.split("/")[3] for url in URLS}
    fast = {f"{m.opts.app_label}.{m.opts.model_name}" for m in _fast_admins()}
    # The contacts' changelist keeps its own template (and Django's rows).
    assert fast - {"crm.contact"} <= compared
