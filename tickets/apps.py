from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        from accounts.demo import register_seeder
        from accounts.roles import Role, grant
        from crm import registry
        from crm.timeline import register_kind

        from . import services, timeline
        from .demo import seed_service_desk

        for kind in timeline.TICKET_KINDS:
            register_kind(kind)
        from . import events

        events.register()
        from . import choices

        choices.connect()
        registry.register_merge_hook("tickets", services.contact_merge_hook)
        registry.register_erase_hook("tickets", services.contact_erase_hook)
        registry.register_export_hook("tickets", services.contact_export_hook)
        from . import privacy

        privacy.register()
        from . import ui

        register_seeder("tickets", seed_service_desk, order=20)

        ui.register()

        models = ["queue", "ticket", "message", "attachment", "ticketevent", "macro", "category"]
        for role in (Role.AGENT, Role.SUPERVISOR, Role.IT):
            grant(role, *(f"tickets.view_{m}" for m in models))
            grant(role, "tickets.add_ticket", "tickets.change_ticket", "tickets.add_message")
        grant(
            Role.SUPERVISOR, "tickets.add_macro", "tickets.change_macro", "tickets.view_slapolicy"
        )
