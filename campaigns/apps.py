from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from accounts.demo import register_seeder
        from accounts.roles import Role, grant
        from quality.registry import register_surge_source

        from . import selectors, ui
        from .demo import seed_campaigns

        ui.register()
        register_seeder("campaigns", seed_campaigns, order=60)
        models = (
            "segment",
            "campaign",
            "expectedvolume",
            "recipient",
            "suppression",
            "deliveryevent",
            "regulatedqueue",
            "trackingnumber",
            "attribution",
        )
        for model in models:
            grant(Role.MARKETING, f"campaigns.view_{model}")
        for model in ("segment", "campaign", "expectedvolume", "trackingnumber", "regulatedqueue"):
            grant(Role.MARKETING, f"campaigns.add_{model}", f"campaigns.change_{model}")
        # The staffing plan (quality) adds the campaigns' expected extra contacts.
        register_surge_source(selectors.expected_extra_volume)
