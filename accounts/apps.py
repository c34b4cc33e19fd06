from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from . import login_guard, roles, ui
        from .demo import register_seeder, seed_users_and_teams

        # Like contrib.auth's create_permissions: permissions exist only after migrate,
        # so role groups get theirs then, every time (idempotent). Not sender=self: the
        # later apps' permissions are created after accounts' post_migrate has run.
        post_migrate.connect(
            roles.sync_role_permissions_after_migrate, dispatch_uid="relais_sync_role_permissions"
        )

        # Every failed authenticate() (web, admin, API) spends the client address' budget.
        user_login_failed.connect(
            login_guard.login_failure_record, dispatch_uid="relais_login_failure_by_address"
        )

        register_seeder("accounts", seed_users_and_teams, order=0)
        ui.register()
