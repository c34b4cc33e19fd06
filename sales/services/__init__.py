"""Writes of the sales app, by concern: flagging and routing, the pipeline, the sweeps and
the admin-side settings. Public names are importable from `sales.services`."""

from __future__ import annotations

from .admin_ops import (
    rep_availability_set,
    saved_view_create,
    saved_view_delete,
    stage_probability_apply,
    stage_probability_set,
)
from .common import *  # noqa: F403 - the error constants tests import
from .common import StaleOpportunityError, can_work, is_rep, is_sales_lead, sales_team_ids
from .flagging import opportunity_flag
from .gdpr import (
    contact_export_hook,
    contact_merge_hook,
    register_personal_data_declarations,
)
from .pipeline import (
    NEEDS_ACKNOWLEDGEMENT,
    TRANSITIONS,
    allowed_stages,
    opportunity_accept,
    opportunity_acknowledge_warning,
    opportunity_hand_back,
    opportunity_move,
    opportunity_open_onboarding,
    opportunity_reassign,
    opportunity_update,
    transition_allowed,
    unacknowledged_warnings,
)
from .routing import Reason, RoutingDecision, round_robin, route, rule_matches
from .sweeps import SweepResult, handoff_escalation_sweep, next_step_reminder_sweep

__all__ = [
    "NEEDS_ACKNOWLEDGEMENT",
    "TRANSITIONS",
    "Reason",
    "RoutingDecision",
    "StaleOpportunityError",
    "SweepResult",
    "allowed_stages",
    "can_work",
    "contact_export_hook",
    "contact_merge_hook",
    "handoff_escalation_sweep",
    "is_rep",
    "is_sales_lead",
    "next_step_reminder_sweep",
    "opportunity_accept",
    "opportunity_acknowledge_warning",
    "opportunity_flag",
    "opportunity_hand_back",
    "opportunity_move",
    "opportunity_open_onboarding",
    "opportunity_reassign",
    "opportunity_update",
    "register_personal_data_declarations",
    "rep_availability_set",
    "round_robin",
    "route",
    "rule_matches",
    "sales_team_ids",
    "saved_view_create",
    "saved_view_delete",
    "stage_probability_apply",
    "stage_probability_set",
    "transition_allowed",
    "unacknowledged_warnings",
]
