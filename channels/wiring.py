"""What channels plugs into the rest of Relais, called from ChannelsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

INBOUND_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def _quarantine_panel(request: HttpRequest) -> dict[str, Any]:
    from .selectors import quarantine_list

    rows = quarantine_list()
    return {"count": rows.count(), "rows": list(rows[:5])}


def register() -> None:
    from accounts.demo import register_seeder
    from accounts.navigation import NavItem, register_nav_item
    from accounts.roles import grant
    from accounts.workspaces import Panel, register_panel
    from relais import events

    from .demo import seed_channels
    from .webhooks.services import on_event

    events.subscribe("channels.webhooks", on_event)
    from . import privacy

    privacy.register()
    from tickets import registry as tickets_registry

    from .outbound.tickets import public_reply_send, reply_from_hint
    from .ui import email_extra

    tickets_registry.register_public_reply_hook("channels.email", public_reply_send)
    tickets_registry.register_reply_hint("channels.email", reply_from_hint)
    tickets_registry.register_message_extra(email_extra)
    register_seeder("channels", seed_channels, order=30)
    register_nav_item(
        NavItem(
            key="quarantine",
            label=_("Email quarantine"),
            url_name="channels:quarantine",
            icon="shield-exclamation",
            roles=INBOUND_ROLES,
            order=40,
        )
    )
    register_panel(
        Panel(
            key="channels_quarantine",
            title=_("Email quarantine"),
            template="channels/panels/quarantine.html",
            context=_quarantine_panel,
            roles=frozenset({Role.SUPERVISOR}),
            order=20,
        )
    )
    grant(
        Role.SUPERVISOR,
        "channels.view_inboundemail",
        "channels.change_inboundemail",
        "channels.view_outboundemail",
    )
    grant(Role.AGENT, "channels.view_outboundemail")
