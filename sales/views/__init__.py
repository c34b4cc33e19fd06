from __future__ import annotations

from .board import board, opportunity_list, saved_view_create, saved_view_delete
from .figures import forecast_page, kpi_page
from .flag import flag
from .opportunity import (
    opportunity_accept,
    opportunity_acknowledge,
    opportunity_detail,
    opportunity_edit,
    opportunity_hand_back,
    opportunity_move,
    opportunity_onboarding,
    opportunity_reassign,
)
from .workspace import availability_set

__all__ = [
    "availability_set",
    "board",
    "flag",
    "forecast_page",
    "kpi_page",
    "opportunity_accept",
    "opportunity_acknowledge",
    "opportunity_detail",
    "opportunity_edit",
    "opportunity_hand_back",
    "opportunity_list",
    "opportunity_move",
    "opportunity_onboarding",
    "opportunity_reassign",
    "saved_view_create",
    "saved_view_delete",
]
