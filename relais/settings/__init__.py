"""Relais settings, driven by the environment (see README, "Production").

Every value that differs between a laptop and production comes from an environment
variable. Defaults are the embedded ones `make run` uses: SQLite and a filesystem broker
under var/, so nothing external is needed to try Relais.

`DJANGO_SETTINGS_MODULE=relais.settings` loads this package, which gathers one module per
concern, in this order (a later one reads what an earlier one set):

- `core`: the environment and `.env`, `DEBUG`, the secret key, hosts, `VAR_DIR`, apps,
  middleware, templates, database, cache, languages, static and media files, email,
  logging, phone numbers.
- `auth`: authentication, the login lockout and per-address budgets, password reset,
  cookies, HTTPS and the security headers.
- `api`: Django REST framework, drf-spectacular's schema, who may read the API docs.
- `tasks`: Celery and every app's periodic tasks.
- `domain`: each app's own settings (telephony, service desk, request sizes, channels,
  demo, telework, campaigns).
"""

from relais.settings.api import *  # noqa: F403
from relais.settings.auth import *  # noqa: F403
from relais.settings.core import *  # noqa: F403
from relais.settings.domain import *  # noqa: F403
from relais.settings.tasks import *  # noqa: F403
