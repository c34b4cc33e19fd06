"""Celery: the broker, how tasks are acknowledged, and the periodic tasks of every app
(installed into django-celery-beat's tables when beat starts)."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab

from relais.settings.core import TIME_ZONE, VAR_DIR, env

_xdist_worker = env.str("PYTEST_XDIST_WORKER", default="")

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Embedded broker for `make run`: messages are files under var/broker.
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "queue").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(_broker_dir / "control"),
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    # A task taken by a worker that dies is handed out again after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
    }
# Parallel test workers share one broker: each publishes to, and its real Celery worker
# consumes, a queue of its own (conftest.py: celery_worker_process).
CELERY_TASK_DEFAULT_QUEUE = env.str(
    "CELERY_TASK_DEFAULT_QUEUE",
    default=f"relais-test-{_xdist_worker}" if _xdist_worker else "celery",
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Installed into django-celery-beat's tables when beat starts; editable in the admin.
CELERY_BEAT_SCHEDULE = {
    "surveys.send_due": {
        "task": "surveys.tasks.invitations_send_due_task",
        "schedule": timedelta(minutes=1),
    },
    "tickets.sla_sweep": {"task": "tickets.tasks.sla_sweep_task", "schedule": timedelta(minutes=1)},
    "tickets.auto_close": {
        "task": "tickets.tasks.tickets_auto_close_task",
        "schedule": timedelta(hours=1),
    },
    "tickets.holidays": {
        "task": "tickets.tasks.calendars_load_holidays_task",
        "schedule": timedelta(days=7),
    },
    "accounts.notifications_release": {
        "task": "accounts.tasks.notifications_release_task",
        "schedule": timedelta(minutes=1),
    },
    "sales.escalate": {
        "task": "sales.tasks.handoff_escalation_sweep_task",
        "schedule": timedelta(minutes=1),
    },
    "sales.reminders": {
        "task": "sales.tasks.next_step_reminder_sweep_task",
        "schedule": timedelta(minutes=5),
    },
    "channels.imap_poll": {
        "task": "channels.tasks.mailboxes_poll_task",
        "schedule": timedelta(minutes=1),
    },
    "channels.inbound_requeue": {
        "task": "channels.tasks.inbound_requeue_task",
        "schedule": timedelta(minutes=2),
    },
    # Supervision: rebuild yesterday's ticket facts (any day: the task takes a date).
    "quality.facts_rebuild": {
        "task": "quality.tasks.facts_rebuild_day_task",
        "schedule": timedelta(hours=24),
    },
    "quality.summary_daily": {
        "task": "quality.tasks.summaries_send_task",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "quality.summary_weekly": {
        "task": "quality.tasks.summaries_send_task",
        "schedule": crontab(hour=7, minute=15),
        "args": ("weekly",),
    },
    "accounts.sessions_clear": {
        "task": "accounts.tasks.sessions_clear_task",
        "schedule": timedelta(hours=24),
    },
    "telephony.wrapup_sweep": {
        "task": "telephony.tasks.wrapup_sweep",
        "schedule": timedelta(minutes=1),
    },
    # --- Telework
    "telework.daily": {
        "task": "telework.tasks.agreements_daily_task",
        "schedule": timedelta(hours=1),
    },
    "telework.allowance": {
        "task": "telework.tasks.allowance_refresh_task",
        "schedule": timedelta(hours=24),
    },
    # --- Campaigns
    "campaigns.resume_stale": {
        "task": "campaigns.tasks.sending_resume_stale_task",
        "schedule": timedelta(minutes=1),
    },
    "campaigns.start_due": {
        "task": "campaigns.tasks.campaigns_start_due_task",
        "schedule": timedelta(minutes=5),
    },
}
