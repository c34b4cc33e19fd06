"""Secrets we must be able to read back (IMAP passwords): Fernet, keyed by
RELAIS_ENCRYPTION_KEY (comma-separated; the first encrypts, all decrypt, so a key can be
rotated). Without it, a key derived from SECRET_KEY, which is enough for `make run`."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.RELAIS_ENCRYPTION_KEYS if k.strip()]
    if not keys:
        digest = hashlib.sha256(f"relais-fernet:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
