"""Forgot password (issue 9): a one-use emailed link, the same answer for every address,
and limits per address and per email."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.login_guard import ERROR_RESET_LIMITED
from accounts.roles import Role

pytestmark = pytest.mark.django_db

RESET_URL = reverse("accounts:password_reset")
DONE_URL = reverse("accounts:password_reset_done")
NEW_PASSWORD = "Un-Nouveau-Mot-De-Passe-42"
LINK = re.compile(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


CSRF = re.compile(r'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """POST the reset form; the email task is queued on commit, which tests never reach."""

    def post(client: Client, email: str, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(RESET_URL, {"email": email}, **extra)

    return post


def _link(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    assert found.group(0) in message.alternatives[0].content  # the HTML part has it too
    return found.group(1)


def test_login_page_links_to_the_reset_form(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{RESET_URL}"' in page
    assert "Mot de passe oublié" in page
    assert client.get(RESET_URL).status_code == 200


def test_reset_email_is_sent_and_its_link_works_once(client, make_user, ask):
    user = make_user(Role.AGENT, email="camille@relais.example", language="fr")
    response = ask(client, "Camille@Relais.example")
    assert response.status_code == 302
    assert response.url == DONE_URL
    assert [m.to for m in mail.outbox] == [["camille@relais.example"]]
    message = mail.outbox[0]
    assert "Relais" in message.subject
    assert "réinitialiser" in message.body.lower()  # in the recipient's language
    link = _link(message)

    # Django's confirm view moves the token into the session, then shows the form.
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The same link a second time: refused, and the password stays.
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False
    assert "Ce lien ne fonctionne plus" in again.content.decode()
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD})
        .status_code
        == 302
    )


def test_reset_email_follows_the_recipients_language_not_the_requesters(client, make_user, ask):
    make_user(Role.AGENT, email="sam@relais.example", language="en")
    ask(client, "sam@relais.example")  # the page is French, Sam reads English
    assert "reset the password" in mail.outbox[0].body


def test_unknown_inactive_and_known_emails_get_the_same_page(client, make_user, ask):
    make_user(Role.AGENT, email="known@relais.example")
    make_user(Role.AGENT, email="gone@relais.example", is_active=False)
    pages = []
    for email in ("known@relais.example", "nobody@relais.example", "gone@relais.example"):
        response = ask(Client(), email)
        assert (response.status_code, response.url) == (302, DONE_URL)
        pages.append(CSRF.sub("", Client().get(response.url).content.decode()))
    assert pages[0] == pages[1] == pages[2]
    assert [m.to for m in mail.outbox] == [["known@relais.example"]]


@pytest.mark.parametrize(
    "email", ["", "not-an-email", "a" * 300 + "@example.com", "<script>@x.fr", "x\x00@relais.fr"]
)
def test_bad_email_is_refused_with_a_message_and_sends_nothing(client, email):
    response = client.post(RESET_URL, {"email": email}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert "<script>@x.fr" not in response.content.decode()
    assert mail.outbox == []


def test_one_email_gets_a_few_mails_then_silently_no_more(settings, client, make_user, ask):
    settings.RELAIS_PASSWORD_RESET_EMAIL_RATES = ["3/h"]
    make_user(Role.AGENT, email="flooded@relais.example")
    for n in range(5):
        response = ask(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), "Flooded@relais.example")
        assert (response.status_code, response.url) == (302, DONE_URL)
    assert len(mail.outbox) == 3


def test_one_address_is_refused_past_its_limit_whatever_the_emails(settings, make_user, ask):
    settings.RELAIS_PASSWORD_RESET_ADDRESS_RATES = ["4/h"]
    make_user(Role.AGENT, email="victim@relais.example")
    client = Client()
    for n in range(4):
        assert ask(client, f"someone{n}@relais.example").status_code == 302
    response = ask(client, "victim@relais.example", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    with translation.override("en"):
        assert str(ERROR_RESET_LIMITED) in response.content.decode()
    assert mail.outbox == []
    assert ask(Client(REMOTE_ADDR="198.51.100.3"), "victim@relais.example").status_code == 302
    assert len(mail.outbox) == 1


def test_default_limits_are_per_address_and_per_email():
    assert settings.RELAIS_PASSWORD_RESET_ADDRESS_RATES
    assert settings.RELAIS_PASSWORD_RESET_EMAIL_RATES


def test_a_completed_reset_lifts_the_accounts_lockout(client, make_user, ask):
    user = make_user(Role.AGENT, email="locked@relais.example")
    login = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(login, {"username": user.email, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=user.email).exists()
    ask(client, user.email)
    form_page = client.get(_link(mail.outbox[0]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert not AccessAttempt.objects.filter(username=user.email).exists()
    response = Client().post(login, {"username": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_weak_new_password_is_refused_with_a_message(client, make_user, ask):
    user = make_user(Role.AGENT)
    ask(client, user.email)
    form_page = client.get(_link(mail.outbox[0]), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "123", "new_password2": "123"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert not user.check_password("123")


def test_forged_links_are_refused(client, make_user):
    user = make_user(Role.AGENT)
    for link in (
        "/accounts/password/reset/MQ/bogus-token/",
        "/accounts/password/reset/%00/x/",
        "/accounts/password/reset/" + "A" * 500 + "/x/",
    ):
        response = client.get(link, follow=True)
        assert response.status_code in {200, 400, 404}
        if response.status_code == 200:
            assert response.context["validlink"] is False
    user.refresh_from_db()
    assert mail.outbox == []


def test_a_reset_link_does_not_outlive_a_login_with_the_old_password(
    client, make_user, password, ask
):
    user = make_user(Role.AGENT)
    ask(client, user.email)
    link = _link(mail.outbox[0])
    Client().post(reverse("accounts:login"), {"username": user.email, "password": password})
    assert Client().get(link, follow=True).context["validlink"] is False
