"""What the desk's forms share."""

from __future__ import annotations


def split_tags(value: str) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]
