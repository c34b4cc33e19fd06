"""The surveys' writes, by concern.

- `definitions`: creating and changing surveys (marketing).
- `invitations`: the CSAT resolution hook, `nps_survey_send`, the sending sweep.
- `answers`: token states, `response_submit` (timeline, triage, follow-up ticket).
- `privacy`: GDPR erase, export and merge hooks (crm.registry).
"""

from __future__ import annotations

from .answers import (
    ERROR_COMMENT_INVALID,
    ERROR_COMMENT_TOO_LONG,
    ERROR_ERASED,
    ERROR_EXPIRED,
    ERROR_NOT_SENT,
    ERROR_SCORE_RANGE,
    ERROR_SCORE_REQUIRED,
    ERROR_SPENT,
    REFUSALS,
    TokenState,
    change_deadline,
    clean_answer,
    response_submit,
    token_state,
)
from .definitions import survey_create, survey_update
from .invitations import (
    ERROR_NOT_NPS,
    NpsSendResult,
    csat_invitation_schedule,
    exclusion_reason,
    invitations_send_due,
    nps_survey_send,
    on_ticket_resolved,
    question_for,
)
from .privacy import contact_erase_hook, contact_export_hook, contact_merge_hook

__all__ = [
    "ERROR_COMMENT_INVALID", "ERROR_COMMENT_TOO_LONG", "ERROR_ERASED", "ERROR_EXPIRED",
    "ERROR_NOT_NPS", "ERROR_NOT_SENT", "ERROR_SCORE_RANGE", "ERROR_SCORE_REQUIRED",
    "ERROR_SPENT", "REFUSALS", "NpsSendResult", "TokenState", "change_deadline",
    "clean_answer", "contact_erase_hook", "contact_export_hook", "contact_merge_hook",
    "csat_invitation_schedule", "exclusion_reason", "invitations_send_due",
    "nps_survey_send", "on_ticket_resolved", "question_for", "response_submit",
    "survey_create", "survey_update", "token_state",
]  # fmt: skip
