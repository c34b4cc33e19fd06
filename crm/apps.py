from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from accounts.demo import register_seeder
        from accounts.roles import Role, grant

        from . import privacy, timeline, ui
        from .demo import seed_customers
        from .permissions import CRM_READ

        for kind in timeline.CRM_KINDS:
            timeline.register_kind(kind)

        ui.register()
        privacy.register()
        register_seeder("crm", seed_customers, order=10)

        # Django permissions mirror the role rules, for the admin and for API clients.
        models = [
            "organisation",
            "contact",
            "contactemail",
            "contactphone",
            "externalid",
            "consent",
            "activity",
            "note",
            "call",
            "tag",
        ]
        for role in CRM_READ:
            grant(role, *(f"crm.view_{m}" for m in models))
        for role in (Role.AGENT, Role.SUPERVISOR, Role.SALES):
            grant(
                role,
                "crm.add_contact",
                "crm.change_contact",
                "crm.add_organisation",
                "crm.change_organisation",
                "crm.add_note",
                "crm.add_call",
                "crm.add_consent",
            )
        grant(Role.SUPERVISOR, "crm.add_importjob", "crm.view_importjob")
