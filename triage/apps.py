from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Emotion triage")

    def ready(self) -> None:
        from accounts.roles import Role, grant
        from tickets.permissions import TICKETS_WORK
        from tickets.registry import (
            MessageExtra,
            register_customer_message_hook,
            register_message_extra,
        )

        from . import privacy, selectors, services

        privacy.register()
        register_customer_message_hook("triage", services.on_customer_message)
        register_message_extra(
            MessageExtra(
                key="triage",
                template="triage/assessment.html",
                loader=selectors.annotations_for,
                roles=frozenset(TICKETS_WORK),
            )
        )
        for role in (Role.AGENT, Role.SUPERVISOR):
            grant(role, "triage.view_messageassessment")
        grant(Role.SUPERVISOR, "triage.view_triagepolicy", "triage.view_assessmentcorrection")
