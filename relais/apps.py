"""Third-party apps under a translated name in the admin (wiring, no domain code)."""

from __future__ import annotations

from axes.apps import AppConfig as BaseAxesConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(BaseAxesConfig):
    # axes declares no verbose_name: the admin showed its label, "AXES", in every language.
    verbose_name = _("Login attempts")
