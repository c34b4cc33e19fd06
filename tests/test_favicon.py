"""Browsers ask every site for /favicon.ico: Relais answers with a real icon (issue 9)."""

from __future__ import annotations

import struct

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content)
    reserved, kind, count = struct.unpack("<HHH", body[:6])
    assert (reserved, kind) == (0, 1)  # an ICO file, not an HTML page
    assert count >= 2
    assert "max-age" in response.get("Cache-Control", "")


def test_pages_link_the_icons(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert 'href="/static/relais/favicon.svg"' in page
    assert finders.find("relais/favicon.svg")
