from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{number_format(value * 100, 1)} %"


@register.filter
def duration_s(value: float | None) -> str:
    """Seconds as h:mm:ss (business time for tickets, wall time for calls)."""
    if value is None:
        return "—"
    seconds = round(value)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
