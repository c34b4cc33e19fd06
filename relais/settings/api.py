"""The REST API (DRF) and its OpenAPI schema (drf-spectacular), and who may read the
documentation."""

from __future__ import annotations

from relais.api_tags import API_DESCRIPTION, API_TAGS
from relais.settings.auth import RELAIS_TRUSTED_PROXY_COUNT
from relais.settings.core import env

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an API client with a bad token gets 401 with WWW-Authenticate.
        "accounts.authentication.RelaisTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "relais.renderers.RelaisBrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "relais.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "relais.api_schema.RelaisAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("RELAIS_API_ANON_RATE", default="60/minute"),
        "user": env.str("RELAIS_API_USER_RATE", default="6000/minute"),
        "auth": env.str("RELAIS_API_AUTH_RATE", default="20/minute"),
        # The mail gateway posts every message it receives.
        "inbound": env.str("RELAIS_API_INBOUND_RATE", default="60000/minute"),
    },
    "EXCEPTION_HANDLER": "relais.api.exception_handler",
    # OPTIONS answers only whom the endpoint's own method would (issue 8).
    "DEFAULT_METADATA_CLASS": "relais.metadata.PermissionCheckedMetadata",
    # The client address behind proxies: the same rule as accounts.login_guard.
    "NUM_PROXIES": RELAIS_TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Relais API",
    # Translatable: the schema is served in the request's language (relais/api_tags.py).
    "DESCRIPTION": API_DESCRIPTION,
    "TAGS": API_TAGS,
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Anonymous readers only with RELAIS_API_DOCS_PUBLIC (read per request).
    "SERVE_PERMISSIONS": ["relais.api_docs.ApiDocsPermission"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the API's error responses (400, 401, 403, 404, 429).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "relais.api_schema.add_error_responses",
    ],
    # Several apps share these choices; one named enum each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "crm.models.Language.choices",
        "ChannelEnum": "crm.models.Channel.choices",
        "ConsentPurposeEnum": "crm.models.ConsentPurpose.choices",
        "TicketStatus": "tickets.models.Ticket.Status",
        "TicketChannel": "tickets.models.Ticket.Channel",
        "TicketPriority": "tickets.serializers.PRIORITY_CHOICES",
        "QueueKind": "tickets.models.Queue.Kind",
        "MessageKind": "tickets.models.Message.Kind",
        "MessageDirection": "tickets.models.Message.Direction",
        "PhoneCallOutcome": "telephony.models.PhoneCall.Outcome",
        "CallOutcome": "crm.models.Call.Outcome",
        "PhoneCallStatus": "telephony.models.PhoneCall.Status",
        "CallEventKind": "telephony.models.CallEvent.Kind",
        "BodyFormat": "tickets.serializers.BODY_FORMATS",
        "SlaState": "tickets.serializers.SLA_STATES",
        # Named explicitly so that the desk's own "status", "direction" and "kind" choice
        # sets do not rename these (drf-spectacular suffixes colliding names with a hash).
        "StatusEnum": "crm.models.Consent.Status",
        "DirectionEnum": "crm.models.Call.Direction",
        "KindEnum": "accounts.models.Team.Kind",
        "CampaignChannelEnum": "campaigns.models.Campaign.Channel",
        "RecipientOutcomeEnum": "campaigns.models.Recipient.Outcome",
        "SurveyKindEnum": "surveys.models.SurveyKind",
        "AgreementKindEnum": "telework.models.AGREEMENT_KINDS",
        "AgreementStatusEnum": "telework.models.AGREEMENT_STATUSES",
        "AgreementVersionStatusEnum": "telework.models.VERSION_STATUSES",
        "AssetKindEnum": "telework.models.AssetKind.choices",
        "AssetStateEnum": "telework.models.ASSET_STATES",
        "ReserveCategoryEnum": "telework.models.RESERVE_CATEGORIES",
        "ReserveAvailabilityEnum": "telework.models.RESERVE_AVAILABILITIES",
        "InboundEmailStatus": "channels.models.InboundEmail.Status",
        "OutboundEmailStatus": "channels.models.OutboundEmail.Status",
        "WebhookDeliveryStatus": "channels.models.WebhookDelivery.Status",
        "MailboxSecurity": "channels.models.Mailbox.Security",
        "MailboxAfter": "channels.models.Mailbox.After",
        "InboundEmailSource": "channels.models.InboundEmail.Source",
        "PresenceStateEnum": "tickets.presence.State",
    },
}

# --- API documentation ----------------------------------------------------------------
# /api/schema/ and /api/docs/ need a login (session or token) unless this is on. The
# schema names every operation and field of this deployment: hidden by default, like
# the rest of Relais; turn it on for a public integration portal (docs/security.md).
RELAIS_API_DOCS_PUBLIC = env.bool("RELAIS_API_DOCS_PUBLIC", default=False)
