"""Where triage holds a contact's personal data, for erasure (crm.erasure,
docs/privacy.md): the excerpts of the customer's message that triggered a score, and the
note a supervisor wrote when correcting one. Scores and flags stay (they feed the
analyser's evaluation and the KPIs); the words go.
"""

from __future__ import annotations

from crm.registry import PersonalData, register_personal_data

DECLARATIONS = (
    PersonalData(
        model="triage.MessageAssessment",
        contact_path="ticket__contact",
        json=("triggers", "actions"),
        redact_keys=("text",),
    ),
    PersonalData(
        model="triage.AssessmentCorrection",
        contact_path="assessment__ticket__contact",
        scrub_text=("note",),
    ),
)


def register() -> None:
    register_personal_data(*DECLARATIONS)
