from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales handoff")

    def ready(self) -> None:
        from accounts.demo import register_seeder
        from accounts.roles import Role, grant

        from . import ui
        from .demo import seed_sales

        ui.register()
        register_seeder("sales", seed_sales, order=30)
        grant(Role.SALES, "sales.view_opportunity", "sales.change_opportunity",
              "sales.view_product", "sales.view_lostreason")  # fmt: skip
        for role in (Role.AGENT, Role.SUPERVISOR):
            grant(role, "sales.add_opportunity", "sales.view_product")
