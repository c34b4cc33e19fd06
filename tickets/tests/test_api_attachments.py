"""The attachment `url` the messages endpoint returns is downloadable with the API token
(Token and Bearer), with the page's rule: whoever may see the ticket. It used to be the
page's URL, which sent an API client to the login page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from accounts.roles import Role
from accounts.services import api_token_issue
from accounts.tests.factories import UserFactory
from tickets.tests.factories import desk, open_ticket

pytestmark = pytest.mark.django_db


def _token_client(user, scheme: str = "Token") -> Client:
    key = api_token_issue(user=user).key
    return Client(HTTP_AUTHORIZATION=f"{scheme} {key}")


@pytest.fixture
def url(tmp_path):
    """(the desk, the attachment url the messages endpoint gives for an agent's reply)."""
    with override_settings(MEDIA_ROOT=tmp_path):
        world = desk()
        ticket = open_ticket(world)
        client = _token_client(world.agent)
        upload = SimpleUploadedFile("notes.txt", b"bonjour", content_type="text/plain")
        response = client.post(
            f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Ci-joint", "attachments": [upload]}
        )
        assert response.status_code == 201, response.json()
        messages = client.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"]
        [attachment] = [a for m in messages for a in m["attachments"]]
        yield world, attachment["url"]


@pytest.mark.parametrize("scheme", ["Token", "Bearer"])
def test_the_messages_attachment_url_downloads_with_the_api_token(url, scheme):
    world, link = url
    response = _token_client(world.agent, scheme).get(link, HTTP_ACCEPT="*/*")
    assert response.status_code == 200, response.content
    assert b"".join(response.streaming_content) == b"bonjour"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_wrong_role_and_anonymous_are_refused(url):
    world, link = url
    rep = UserFactory(roles=[Role.SALES])
    assert _token_client(rep).get(link).status_code == 404
    assert _token_client(world.outsider).get(link).status_code == 404
    anonymous = Client().get(link)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"].startswith("application/json")
