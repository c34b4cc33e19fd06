"""The text each party signs: rendered once per version, in the employee's language, and
stored with its SHA-256 so a signature names exactly what was read."""

from __future__ import annotations

import hashlib
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_version_text(*, language: str, **context: Any) -> str:
    with translation.override(language):
        text = render_to_string("telework/agreement_text.txt", context)
    # One blank line at most between paragraphs: the template's tags leave extra ones.
    lines: list[str] = []
    for line in (raw.rstrip() for raw in text.splitlines()):
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"
