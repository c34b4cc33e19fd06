from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        from accounts.demo import register_seeder
        from relais import events
        from tickets import registry as desk_registry

        from . import services, ui
        from .kpis import facts

        events.subscribe("quality.facts", facts.on_ticket_event)
        ui.register()
        from .demo import seed_supervision

        register_seeder("quality", seed_supervision, order=60)
        desk_registry.register_presence_hook("quality.presence", services.presence_span_record)
