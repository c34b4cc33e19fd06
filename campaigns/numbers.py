"""French number ranges, pure: E.164 in, range class out (0800-0805 free, 0806-0809
normal price, any other 08 premium rate; everything else an ordinary number)."""

from __future__ import annotations


def range_class(e164: str) -> str:
    if not e164.startswith("+338") or len(e164) != 12:
        return "geographic"
    second = e164[4:6]  # "+33 8 0x ..." -> "0x"
    if second in ("00", "01", "02", "03", "04", "05"):
        return "free"
    if second in ("06", "07", "08", "09"):
        return "normal"
    return "premium"
