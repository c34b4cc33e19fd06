"""GDPR hooks (crm.registry): erase scrubs the comments and the invitation emails (the
address and the greeting name them); answers keep their scores, so the aggregates keep
their counts. Export lists invitations and answers. Merge moves them to the survivor."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext

from channels.models import OutboundEmail
from crm.models import Contact

from ..models import Invitation, SurveyResponse


def contact_erase_hook(contact: Contact) -> None:
    ids = [contact.pk, *Contact.objects.filter(merged_into=contact).values_list("pk", flat=True)]
    SurveyResponse.objects.filter(contact__in=ids).update(comment="", comment_triggers=[])
    invitation_ids = list(Invitation.objects.filter(contact__in=ids).values_list("pk", flat=True))
    erased = gettext("[erased]")
    # channels keeps the email sent for each invitation; it names the person.
    OutboundEmail.objects.filter(
        source_type=ContentType.objects.get_for_model(Invitation), source_id__in=invitation_ids
    ).update(to=[], cc=[], subject=erased, body_text=erased, body_html="", headers={})


def contact_export_hook(contact: Contact) -> dict[str, Any]:
    invitations = Invitation.objects.filter(contact=contact).select_related("survey")
    responses = SurveyResponse.objects.filter(contact=contact).select_related("survey")
    return {
        "invitations": [
            {"survey": i.survey.name, "status": i.status, "reason": i.skip_reason,
             "ticket": i.ticket_id, "sent_at": i.sent_at.isoformat() if i.sent_at else None}
            for i in invitations
        ],
        "answers": [
            {"survey": r.survey.name, "kind": r.kind, "score": r.score, "comment": r.comment,
             "answered_at": r.answered_at.isoformat(), "ticket": r.ticket_id}
            for r in responses
        ],
    }  # fmt: skip


def contact_merge_hook(survivor: Contact, duplicate: Contact) -> None:
    # An NPS survey sent to both keeps both invitations (the constraint is per contact):
    # the duplicate's stays on it when the survivor already has one.
    taken = Invitation.objects.filter(contact=survivor, ticket__isnull=True).values("survey_id")
    Invitation.objects.filter(contact=duplicate).exclude(
        ticket__isnull=True, survey_id__in=taken
    ).update(contact=survivor)
    SurveyResponse.objects.filter(contact=duplicate).update(contact=survivor)
