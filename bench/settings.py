"""Settings of the servers the benchmark starts: production's, plus the timing middleware.

`relais.settings` is read unchanged (from the environment `bench.harness.server_env`
prepares: DEBUG off, persistent connections, Redis...); the only difference is
`bench.middleware.ServerTimingMiddleware`, outermost. Never used in production: a server
runs it only when started with `DJANGO_SETTINGS_MODULE=bench.settings`.

`RELAIS_BENCH_PLAIN_STATIC=1` serves static files without the manifest, so that a smoke
run needs no `collectstatic` (the measured runs keep production's manifest storage).
"""

from __future__ import annotations

import os

from relais.settings import *  # noqa: F403
from relais.settings import MIDDLEWARE, STORAGES

MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *MIDDLEWARE]

if os.environ.get("RELAIS_BENCH_PLAIN_STATIC") == "1":
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
