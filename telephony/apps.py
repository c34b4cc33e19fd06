from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = _("Telephony")

    def ready(self) -> None:
        from accounts.demo import register_seeder
        from accounts.navigation import (
            LayoutInclude,
            NavItem,
            register_layout_include,
            register_nav_item,
        )
        from accounts.roles import Role, grant
        from crm import registry
        from crm.timeline import register_kind

        from . import events, privacy, timeline
        from .demo import seed_calls
        from .views import POP_ROLES

        events.register()
        for kind in timeline.TELEPHONY_KINDS:
            register_kind(kind)
        registry.register_merge_hook("telephony", privacy.contact_merge_hook)
        privacy.register()
        registry.register_export_hook("telephony", privacy.contact_export_hook)
        register_layout_include(
            LayoutInclude(
                key="screen_pop",
                template="telephony/pop_container.html",
                roles=frozenset({Role.AGENT, Role.SUPERVISOR}),
            )
        )
        register_nav_item(
            NavItem(
                key="calls",
                label=_("Calls"),
                url_name="telephony:call_list",
                icon="telephone",
                roles=frozenset(POP_ROLES),
                order=35,
            )
        )
        register_seeder("telephony", seed_calls, order=40)
        for role in (Role.AGENT, Role.SUPERVISOR):
            grant(role, "telephony.view_phonecall")
        grant(Role.SUPERVISOR, "telephony.view_phoneline", "telephony.view_agentextension")
