from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from accounts.demo import register_seeder
        from accounts.roles import Role, grant
        from quality.registry import register_satisfaction_source
        from tickets.registry import register_resolution_hook

        from . import selectors, services, ui
        from .demo import seed_surveys

        ui.register()
        register_resolution_hook("surveys", services.on_ticket_resolved)
        register_seeder("surveys", seed_surveys, order=60)
        grant(Role.MARKETING, "surveys.view_survey", "surveys.add_survey",
              "surveys.change_survey", "surveys.view_surveyresponse",
              "surveys.view_invitation")  # fmt: skip
        grant(Role.SUPERVISOR, "surveys.view_surveyresponse")
        # The supervisor's CSAT and NPS KPIs (quality) count these answers.
        register_satisfaction_source(selectors.satisfaction_counts)
