from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
application = get_wsgi_application()

# Everything alive now (Django, the apps, URL patterns, templates' code) lives as long as
# the process: keep it out of the cyclic collector's full passes, which otherwise stalled
# one request in ~17 for ~80 ms (docs/benchmarks.md). gunicorn forks after this import
# with --preload, so workers share these pages too.
gc.freeze()
