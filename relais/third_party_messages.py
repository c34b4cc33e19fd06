"""Strings of third-party apps whose French catalogue is wrong or missing, marked here so
that `makemessages` keeps our corrections in locale/fr (LOCALE_PATHS is read before the
apps' own catalogues). Never imported: only read by makemessages."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

MESSAGES = (
    # django-celery-beat: "Tâches Périodique", "Intervales", "évènements solaire".
    _("Periodic Tasks"),
    _("periodic tasks"),
    _("interval"),
    _("intervals"),
    _("Interval Period"),
    _("solar events"),
)
