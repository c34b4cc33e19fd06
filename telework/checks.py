"""`manage.py check` says when the PDF fonts are missing, instead of a PDF that silently
falls back to whatever the system has."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")


@checks.register()
def pdf_fonts_installed(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    missing = [n for n in FONT_FILES if not (settings.TELEWORK_PDF_FONT_DIR / n).is_file()]
    if not missing:
        return []
    return [
        checks.Warning(
            f"Telework PDF fonts missing in {settings.TELEWORK_PDF_FONT_DIR}: {', '.join(missing)}",
            hint="Run scripts/ensure-system-packages (Debian package fonts-dejavu-core) "
            "or set TELEWORK_PDF_FONT_DIR.",
            id="telework.W001",
        )
    ]
