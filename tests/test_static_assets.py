"""The app must work offline: no template or script loads anything from another site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL_ASSET = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)


def _templates():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        yield from folder.rglob("*.html")


def test_no_template_loads_an_asset_from_another_site():
    offenders = [
        str(p.relative_to(ROOT)) for p in _templates() if EXTERNAL_ASSET.search(p.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "path",
    [
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "django_htmx/htmx-2.min.js",
        "relais/relais.js",
    ],
)
def test_vendored_assets_are_found_locally(path):
    assert finders.find(path), path
