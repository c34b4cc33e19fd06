"""What each app can be tuned with: telephony, the service desk, request sizes,
channels, the demo, telework and campaigns."""

from __future__ import annotations

from pathlib import Path

from relais.settings.core import DEFAULT_FROM_EMAIL, RELAIS_IMPORT_MAX_BYTES, env

# --- Telephony (CTI) ------------------------------------------------------------------
# Shared secrets the platform signs its events with (comma-separated: the first signs,
# any verifies, so a secret is rotated without downtime). Empty: events are refused.
TELEPHONY_WEBHOOK_SECRETS = env.list("RELAIS_TELEPHONY_SECRETS", default=[])
TELEPHONY_SIGNATURE_TOLERANCE_SECONDS = env.int("RELAIS_TELEPHONY_TOLERANCE_SECONDS", default=300)
# After-call work the agent never closed ends after this long (AHT stays honest).
TELEPHONY_WRAPUP_MAX_SECONDS = env.int("RELAIS_TELEPHONY_WRAPUP_MAX_SECONDS", default=600)

# --- Relais ---------------------------------------------------------------------------
# --- Service desk -------------------------------------------------------------------------
TICKETS_AUTO_CLOSE_DAYS = env.int("TICKETS_AUTO_CLOSE_DAYS", default=7)
TICKETS_ATTACHMENT_MAX_BYTES = env.int("TICKETS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Checked against the file's content (magic numbers), not its name.
TICKETS_ATTACHMENT_TYPES = frozenset(
    env.list(
        "TICKETS_ATTACHMENT_TYPES",
        default=[
            "application/pdf",
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "image/heic",
            "text/plain",
            "text/csv",
            "application/zip",  # also .docx, .xlsx, .odt: zip containers
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "audio/mpeg",
            "audio/x-wav",
            "message/rfc822",
        ],
    )
)

# The largest request body accepted at all (multipart uploads), checked on the announced
# Content-Length before anything is read (relais.middleware.RequestBodyLimitMiddleware):
# the largest single upload (a CSV import, by default) plus 1 MiB of form around it.
RELAIS_REQUEST_MAX_BYTES = env.int(
    "RELAIS_REQUEST_MAX_BYTES",
    default=max(RELAIS_IMPORT_MAX_BYTES, TICKETS_ATTACHMENT_MAX_BYTES) + 1024**2,
)

# --- Channels (email in and out, web form, webhooks) ---------------------------------------
# Mail above this size is quarantined with its first megabyte, never parsed.
CHANNELS_EMAIL_MAX_BYTES = env.int("CHANNELS_EMAIL_MAX_BYTES", default=25 * 1024 * 1024)
# Loop protection: more than this many messages from one sender in the window are ignored.
CHANNELS_LOOP_MAX_MESSAGES = env.int("CHANNELS_LOOP_MAX_MESSAGES", default=20)
CHANNELS_LOOP_WINDOW_MINUTES = env.int("CHANNELS_LOOP_WINDOW_MINUTES", default=10)
# Received mail still unprocessed after this long is queued again (a lost broker message).
CHANNELS_REQUEUE_AFTER_SECONDS = env.int("CHANNELS_REQUEUE_AFTER_SECONDS", default=120)
# Fernet keys for stored IMAP passwords, comma-separated, newest first (see docs/operations.md).
RELAIS_ENCRYPTION_KEYS = env.list("RELAIS_ENCRYPTION_KEYS", default=[])
# Public web form: requests per IP and per email address ("count/period", period s|m|h|d).
CHANNELS_WEBFORM_RATE_PER_IP = env.str("CHANNELS_WEBFORM_RATE_PER_IP", default="10/h")
CHANNELS_WEBFORM_RATE_PER_EMAIL = env.str("CHANNELS_WEBFORM_RATE_PER_EMAIL", default="5/h")
# Where links in emails point (the private follow-up link of the web form).
RELAIS_PUBLIC_URL = env.str("RELAIS_PUBLIC_URL", default="http://127.0.0.1:8000")
# Webhooks: refuse loopback, private and link-local targets (SSRF) and plain HTTP unless
# these allow them (tests and on-premise integrations).
CHANNELS_WEBHOOK_ALLOW_PRIVATE = env.bool("CHANNELS_WEBHOOK_ALLOW_PRIVATE", default=False)
CHANNELS_WEBHOOK_ALLOW_HTTP = env.bool("CHANNELS_WEBHOOK_ALLOW_HTTP", default=False)
CHANNELS_WEBHOOK_TIMEOUT_SECONDS = env.float("CHANNELS_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
CHANNELS_WEBHOOK_MAX_ATTEMPTS = env.int("CHANNELS_WEBHOOK_MAX_ATTEMPTS", default=8)
CHANNELS_EMAIL_MAX_ATTEMPTS = env.int("CHANNELS_EMAIL_MAX_ATTEMPTS", default=6)

RELAIS_DEMO_PASSWORD = "relais-demo"  # noqa: S105 - documented demo password, seed_demo only

# --- Telework -------------------------------------------------------------------------------
# Onboarding attestations (workspace, home insurance): type checked from the content.
TELEWORK_DOCUMENT_MAX_BYTES = env.int("TELEWORK_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
TELEWORK_DOCUMENT_TYPES = frozenset(["application/pdf", "image/png", "image/jpeg"])
# The agreement PDF embeds these fonts (Debian's fonts-dejavu-core, installed by
# scripts/ensure-system-packages); `manage.py check` warns when they are missing.
TELEWORK_PDF_FONT_DIR = Path(
    env.str("TELEWORK_PDF_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
)

# --- Campaigns ------------------------------------------------------------------------------
CAMPAIGNS_FROM_EMAIL = env.str("CAMPAIGNS_FROM_EMAIL", default=DEFAULT_FROM_EMAIL)
# Sending: recipients per batch (one SMTP connection), messages per second (the rate
# limit), how long one task sends before handing over, when an unfinished claim is stale.
CAMPAIGNS_BATCH_SIZE = env.int("CAMPAIGNS_BATCH_SIZE", default=100)
CAMPAIGNS_SEND_RATE_PER_SECOND = env.float("CAMPAIGNS_SEND_RATE_PER_SECOND", default=50.0)
CAMPAIGNS_TASK_BUDGET_SECONDS = env.int("CAMPAIGNS_TASK_BUDGET_SECONDS", default=120)
CAMPAIGNS_CLAIM_STALE_SECONDS = env.int("CAMPAIGNS_CLAIM_STALE_SECONDS", default=300)
# Each recipient marked sent right after the server accepted it (True: a killed worker
# resends nobody) or once per batch (False: faster, a batch may be resent after a kill).
CAMPAIGNS_RECORD_EACH_SEND = env.bool("CAMPAIGNS_RECORD_EACH_SEND", default=True)
# Frequency cap: at most this many campaign emails per contact over the window.
CAMPAIGNS_FREQUENCY_CAP = env.int("CAMPAIGNS_FREQUENCY_CAP", default=4)
CAMPAIGNS_FREQUENCY_DAYS = env.int("CAMPAIGNS_FREQUENCY_DAYS", default=30)
# An attributed call counts as a conversion from this many seconds of talk.
CAMPAIGNS_CALL_CONVERSION_SECONDS = env.int("CAMPAIGNS_CALL_CONVERSION_SECONDS", default=15)
# Opportunities of targeted contacts flagged this many days after the end still count.
CAMPAIGNS_ATTRIBUTION_DAYS = env.int("CAMPAIGNS_ATTRIBUTION_DAYS", default=30)
# The Bloctel CSV upload: the largest file and the most numbers it may hold. (The
# telemarketing figures themselves are campaigns.TelemarketingSettings, edited in admin.)
CAMPAIGNS_BLOCTEL_MAX_BYTES = env.int("CAMPAIGNS_BLOCTEL_MAX_BYTES", default=5 * 1024 * 1024)
CAMPAIGNS_BLOCTEL_MAX_ROWS = env.int("CAMPAIGNS_BLOCTEL_MAX_ROWS", default=200_000)
# django-anymail: the provider's tracking webhooks authenticate with this basic-auth pair
# ("user:password"); an empty value refuses every webhook.
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
    "POSTMARK_SERVER_TOKEN": env.str("ANYMAIL_POSTMARK_SERVER_TOKEN", default=""),
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
}
