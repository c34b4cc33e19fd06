"""The OpenAPI tags of /api/v1/ with their descriptions, translatable: the schema and
Swagger UI (/api/docs/) are served in the request's language (`?lang=fr`, the language
cookie or Accept-Language through LocaleMiddleware). Imported by the settings: no models."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

API_DESCRIPTION = _(
    "One record for service, sales, marketing, IT and HR. Authenticate with "
    "`POST /api/v1/auth/token/` and send `Authorization: Token <token>`."
)

_TAGS = {
    "auth": _("Personal API tokens: create one, revoke it."),
    "me": _("The signed-in user: profile, roles and teams."),
    "teams": _("Teams and their members."),
    "notifications": _("One's notifications: list them, mark them read."),
    "contacts": _("Customers: search, create, update, merge, consents and timeline."),
    "organisations": _("Organisations (companies) and their contacts."),
    "calls": _("Calls logged on a customer's record."),
    "queues": _("The ticket queues one sees."),
    "tickets": _("Tickets: list, create, reply, assign, merge, presence."),
    "attachments": _("Download a message's attachment with an API token."),
    "opportunities": _("Sales opportunities handed off by the desk."),
    "products": _("The products an opportunity can be about."),
    "campaigns": _("Marketing campaigns and their results."),
    "segments": _("Customer segments for campaigns."),
    "tracking-numbers": _("Tracking phone numbers of the campaigns."),
    "surveys": _("Satisfaction surveys and their questions."),
    "survey-responses": _("Answers to the surveys."),
    "kpis": _("Service indicators for supervisors."),
    "live": _("The live view of queues and teams."),
    "staffing": _("Staffing forecasts of the queues."),
    "telephony": _("Calls from the telephony platform (integration)."),
    "telework": _("Telework agreements, equipment and the reserve pool."),
    "triage": _("Emotion triage of incoming messages."),
    "channels configuration": _("Mailboxes and channel settings."),
    "inbound email": _("Emails received, quarantined or turned into tickets."),
    "outbound email": _("Emails sent by Relais and their delivery."),
    "webhooks": _("Outgoing webhooks and their deliveries."),
    "public support form": _("The customer web form, without an account."),
}
API_TAGS = [{"name": name, "description": text} for name, text in _TAGS.items()]
