from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role

ROOT = Path(__file__).resolve().parent.parent
FRENCH_PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_catalogue_is_complete():
    catalogue = polib.pofile(str(FRENCH_PO))
    assert len(catalogue) > 100
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert missing == []
    assert fuzzy == []
    # "#| msgid" lines mean msgmerge guessed the text from a similar string; a guess that
    # lost its fuzzy flag without review ("last call" -> "nom") is a wrong translation.
    guessed = [entry.msgid for entry in catalogue if entry.previous_msgid]
    assert guessed == []


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def test_french_texts_use_the_same_placeholders_as_the_english():
    # A French text naming another placeholder raises KeyError at render time: a 500.
    catalogue = polib.pofile(str(FRENCH_PO))
    wrong = []
    for entry in catalogue.translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if any(sorted(PLACEHOLDER.findall(text)) != expected for text in texts):
            wrong.append(entry.msgid)
    assert wrong == []


# French typography: a no-break space (U+00A0, or the narrow U+202F) before : ; ! ? and
# inside « », never straight or curly double quotes. Code, placeholders in braces, HTML
# tags, URLs and times such as 10:00 are left out of the check.
NO_BREAK = "\u00a0\u202f"
NOT_TEXT = re.compile(r"<code>.*?</code>|`[^`]*`|\{\{.*?\}\}|\{[^{}]*\}|https?://\S+|<[^>]+>|\d:\d")
HIGH_PUNCTUATION = re.compile(r"(?P<before>.?)(?P<mark>[:;!?])(?=\s|$|[)»,.<])")


def french_typography_faults(text: str) -> list[str]:
    text = NOT_TEXT.sub("x", text)
    faults = []
    for match in HIGH_PUNCTUATION.finditer(text):
        before = match.group("before")
        if before not in NO_BREAK and before not in "([":  # "(?)" names the key
            faults.append(f"no no-break space before {match.group('mark')!r}")
    if re.search(r'["“”]', text):
        faults.append("double quotes instead of « »")
    if re.search(rf"«[^{NO_BREAK}]|[^{NO_BREAK}]»", text):
        faults.append("« » without no-break spaces inside")
    return faults


@pytest.mark.parametrize(
    ("text", "faulty"),
    [
        ("Statut : %(status)s", True),
        ("Statut: %(status)s", True),
        ("Que faire ?", True),
        ("Un par ligne ; le premier", True),
        ("la file “%(queue)s”", True),
        ('la file "%(queue)s"', True),
        ("la file « %(queue)s »", True),
        ("Statut\u00a0: %(status)s", False),
        ("Que faire\u202f?", False),
        ("la file «\u00a0%(queue)s\u00a0»\u202f; ensuite", False),
        ('<span class="x">%(kind)s</span>\u00a0: %(text)s', False),
        ("de 10:00 à 12:30, voir https://relais.example/a:b et `version: 2`", False),
        ("sous la forme système:valeur ou {système: identifiant}", False),
        ("Raccourcis clavier (?)", False),
    ],
)
def test_french_typography_check_tells_faults_apart(text, faulty):
    assert bool(french_typography_faults(text)) is faulty


def test_french_texts_follow_french_typography():
    catalogue = polib.pofile(str(FRENCH_PO))
    wrong = []
    for entry in catalogue.translated_entries():
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            if faults := french_typography_faults(text):
                wrong.append((entry.msgid, faults))
    assert wrong == []


def test_compiled_french_catalogue_matches_its_source():
    source = polib.pofile(str(FRENCH_PO))
    compiled = polib.mofile(str(FRENCH_PO.with_suffix(".mo")))
    expected = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in source.translated_entries()
    }
    actual = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in compiled
        if e.msgid
    }
    assert actual == expected, "run `make messages` to recompile locale/fr"


def test_role_labels_are_translated():
    with translation.override("fr"):
        assert str(Role.AGENT.label) == "Agent"
        assert str(Role.SALES.label) == "Commercial"
        assert str(Role.HR.label) == "RH"


@pytest.mark.django_db
def test_error_pages_speak_french_and_english(client):
    assert "Page introuvable" in client.get("/nowhere/").content.decode()
    client.cookies["django_language"] = "en"
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_forbidden_page_is_friendly_in_french(role_client):
    client = role_client(Role.AGENT)
    response = client.get(reverse("accounts:workspace", kwargs={"role": "hr"}))
    assert response.status_code == 403
    assert "Cette page ne fait pas partie de votre rôle" in response.content.decode()


def test_server_error_page_renders_without_context(rf):
    from django.views.defaults import server_error

    with translation.override("fr"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Une erreur s'est produite de notre côté" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_page_is_friendly():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a@b.fr", "password": "x"})
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in response.content.decode()
