from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import roles
        from .demo import register_seeder, seed_users_and_teams
        from .navigation import NavItem, register_nav_item
        from .workspaces import Panel, register_panel

        # Like contrib.auth's create_permissions: permissions exist only after migrate,
        # so role groups get theirs then, every time (idempotent). Not sender=self: the
        # later apps' permissions are created after accounts' post_migrate has run.
        post_migrate.connect(
            roles.sync_role_permissions_after_migrate, dispatch_uid="relais_sync_role_permissions"
        )

        register_seeder("accounts", seed_users_and_teams, order=0)
        register_nav_item(
            NavItem(
                key="notifications",
                label=_("Notifications"),
                url_name="accounts:notifications",
                icon="bell",
                order=90,
            )
        )
        register_nav_item(
            NavItem(
                key="admin",
                label=_("Administration"),
                url_name="admin:index",
                icon="gear",
                roles=frozenset({roles.Role.ADMIN}),
                order=100,
            )
        )
        register_panel(
            Panel(
                key="notifications",
                title=_("Unread notifications"),
                template="accounts/panels/notifications.html",
                context=_notifications_panel_context,
                order=10,
            )
        )
        register_panel(
            Panel(
                key="teams",
                title=_("My teams"),
                template="accounts/panels/teams.html",
                context=_teams_panel_context,
                order=20,
            )
        )
        register_panel(
            Panel(
                key="administration",
                title=_("Administration"),
                template="accounts/panels/administration.html",
                roles=frozenset({roles.Role.ADMIN}),
                context=_admin_panel_context,
                order=5,
            )
        )


def _notifications_panel_context(request):  # type: ignore[no-untyped-def]
    from .selectors import notification_list_unread

    return {"notifications": notification_list_unread(user=request.user)[:5]}


def _teams_panel_context(request):  # type: ignore[no-untyped-def]
    from .selectors import team_list_for_user

    return {"teams": team_list_for_user(user=request.user)}


def _admin_panel_context(request):  # type: ignore[no-untyped-def]
    from .selectors import staff_counts_by_role

    return {"role_counts": staff_counts_by_role()}
