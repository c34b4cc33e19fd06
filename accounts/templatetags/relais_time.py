"""`{{ when|ago }}`: "5 minutes ago", and "just now" under a minute (Django's timesince
says "0 minutes", which reads "il y a 0 minute" in French)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

register = template.Library()


@register.filter
def ago(value: dt.datetime | None) -> str:
    if not value:
        return ""
    if timezone.now() - value < dt.timedelta(minutes=1):
        return gettext("just now")
    return gettext("%(delay)s ago") % {"delay": timesince(value, depth=1)}
