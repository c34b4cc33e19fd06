"""IMAP mailboxes, polled by Celery beat (every minute, `mailboxes_poll`).

Each message is fetched without setting \\Seen, stored by `inbound_receive` (its own
transaction: committed when it returns), and only then moved, flagged or deleted. A
poller that dies between the fetch and the commit leaves the message where it was: the
next poll fetches it again. One that dies after the commit but before the move fetches
it again too, and deduplication turns it into a no-op before the move. Either way the
message is stored exactly once.
"""

from __future__ import annotations

import logging
import os
import ssl

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.mailbox import BaseMailBox
from imap_tools.message import MailMessage

from .. import crypto
from ..models import InboundEmail, Mailbox
from .services import inbound_receive

logger = logging.getLogger(__name__)

BATCH = 200
LOCK_SECONDS = 600
ERROR_NO_PASSWORD = _("No password: store one or name an environment variable that holds it.")


class _RawMessage(MailMessage):
    """imap-tools' message, keeping the bytes as the server sent them."""

    def __init__(self, fetch_data: list) -> None:
        raw, _uid, _flags = self._get_message_data_parts(fetch_data)
        self.raw_bytes: bytes = raw
        super().__init__(fetch_data)


class MailboxPartlyFailed(Exception):
    """Some messages were stored, others could not be (left in the folder); the poll's
    error, shown on the mailbox in the admin."""

    def __init__(self, stored: int, failed: int) -> None:
        super().__init__(
            gettext("%(stored)d stored, %(failed)d could not be stored and stay in the folder.")
            % {"stored": stored, "failed": failed}
        )
        self.stored = stored
        self.failed = failed


def mailbox_password(mailbox: Mailbox) -> str:
    if mailbox.password_env:
        return os.environ.get(mailbox.password_env, "")
    return crypto.decrypt(mailbox.password_encrypted)


def mailbox_set_password(*, mailbox: Mailbox, password: str) -> None:
    mailbox.password_encrypted = crypto.encrypt(password)
    mailbox.save(update_fields=["password_encrypted"])


def _connect(mailbox: Mailbox) -> BaseMailBox:
    timeout = 30
    client: BaseMailBox
    if mailbox.security == Mailbox.Security.SSL:
        client = MailBox(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    elif mailbox.security == Mailbox.Security.STARTTLS:
        client = MailBoxStartTls(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    else:
        client = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)
    client.email_message_class = _RawMessage
    return client


def _server_folder_name(box: BaseMailBox, name: str) -> str:
    """ "Relais/Processed" with the server's own hierarchy separator (Dovecot's Maildir
    uses ".", Exchange "/")."""
    folders = box.folder.list()
    delimiter = folders[0].delim if folders and folders[0].delim else "/"
    return name.replace("/", delimiter)


def mailbox_poll(*, mailbox: Mailbox, crash_after_fetch: bool = False) -> int:
    """Fetch, store and then move what is waiting; returns how many were new.
    `crash_after_fetch` exists for the crash test: it stops between fetch and commit."""
    password = mailbox_password(mailbox)
    if not password:
        raise ValidationError(ERROR_NO_PASSWORD, code="password")
    created_count = failed = 0
    with _connect(mailbox).login(mailbox.username, password, initial_folder=mailbox.folder) as box:
        criteria = AND(flagged=False) if mailbox.after_processing == Mailbox.After.FLAG else "ALL"
        processed = _server_folder_name(box, mailbox.processed_folder)
        if mailbox.after_processing == Mailbox.After.MOVE and not box.folder.exists(processed):
            box.folder.create(processed)
        for message in box.fetch(criteria, mark_seen=False, limit=BATCH, bulk=20):
            raw = message.raw_bytes  # type: ignore[attr-defined]
            if crash_after_fetch:
                raise RuntimeError("simulated crash between fetch and commit")
            if not raw:
                continue
            try:
                _row, created = inbound_receive(
                    raw=raw, source=InboundEmail.Source.IMAP, mailbox=mailbox
                )
            except ValidationError:
                created = False  # empty message: nothing to keep, clear it from the box
            except Exception:
                # One message that cannot even be stored (a database refusing it) must not
                # block the mailbox: it stays in the folder, logged; the others go on.
                logger.exception("mailbox %s: message %s not stored", mailbox, message.uid)
                failed += 1
                continue
            created_count += int(created)
            uid = message.uid or ""
            # The row is committed: only now may the message leave the folder.
            if mailbox.after_processing == Mailbox.After.MOVE:
                box.move(uid, processed)
            elif mailbox.after_processing == Mailbox.After.FLAG:
                box.flag(uid, ["\\Seen", "\\Flagged"], True)
            else:
                box.delete(uid)
    if failed:
        raise MailboxPartlyFailed(created_count, failed)
    return created_count


def mailboxes_poll() -> int:
    """Every active mailbox, one poller at a time each (a cache lock)."""
    total = 0
    for mailbox in Mailbox.objects.filter(is_active=True).select_related("default_queue"):
        lock = f"channels:imap-lock:{mailbox.pk}"
        if not cache.add(lock, 1, LOCK_SECONDS):
            continue
        try:
            try:
                total += mailbox_poll(mailbox=mailbox)
            except MailboxPartlyFailed as partly:
                total += partly.stored
                raise
            Mailbox.objects.filter(pk=mailbox.pk).update(
                last_polled_at=timezone.now(), last_error=""
            )
        except Exception as exc:
            logger.warning("mailbox %s: %s", mailbox, exc)
            Mailbox.objects.filter(pk=mailbox.pk).update(
                last_polled_at=timezone.now(), last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
            )
        finally:
            cache.delete(lock)
    return total
