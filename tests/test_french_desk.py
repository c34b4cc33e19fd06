"""Issue 9, French: gendered words through contexts, "à l'instant", third-party catalogue
mistakes corrected in ours, typography of the ticket history."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from accounts.templatetags.relais_time import ago

NBSP = "\u00a0"


def test_just_now_rather_than_zero_minutes():
    with translation.override("fr"):
        assert ago(timezone.now()) == "à l\u2019instant"
        assert ago(timezone.now() - dt.timedelta(minutes=5)) == "il y a 5" + NBSP + "minutes"
    with translation.override("en"):
        assert ago(timezone.now()) == "just now"


def test_gendered_words_have_their_own_translation():
    with translation.override("fr"):
        assert pgettext("tickets", "All") == "Tous"
        assert pgettext("notifications", "All") == "Toutes"
        assert pgettext("ticket event", "Created") == "Créé"


def test_third_party_admin_sections_read_correctly_in_french():
    with translation.override("fr"):
        assert str(apps.get_app_config("axes").verbose_name) == "Tentatives de connexion"
        assert gettext("Periodic Tasks") == "Tâches périodiques"
        assert gettext("intervals") == "intervalles"
        assert gettext("solar events") == "évènements solaires"


def test_the_po_header_is_filled_and_not_fuzzy():
    from pathlib import Path

    head = Path("locale/fr/LC_MESSAGES/django.po").read_text()[:800]
    assert "#, fuzzy" not in head
    assert "PACKAGE VERSION" not in head
    assert "FULL NAME" not in head
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in head


def test_the_ticket_history_puts_a_no_break_space_before_the_colon():
    with translation.override("fr"):
        text = gettext('<span class="fw-semibold">%(kind)s</span>: %(text)s')
    assert text.endswith(f"</span>{NBSP}: %(text)s")
