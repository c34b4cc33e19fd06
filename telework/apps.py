from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeleworkConfig(AppConfig):
    name = "telework"
    verbose_name = _("Telework")

    def ready(self) -> None:
        from accounts.reachability import register_reachability_provider
        from tickets.registry import register_resolution_hook

        from . import checks, reachability, services, ui  # noqa: F401  (checks registers itself)

        ui.register()
        # Right to disconnect: notifications wait and round robin skips teleworkers
        # outside their contact hours.
        register_reachability_provider("telework", reachability.unreachable_until)
        # IT closing a provisioning or recovery ticket updates the equipment.
        register_resolution_hook("telework", services.on_ticket_resolved)
