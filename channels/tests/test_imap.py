"""The IMAP poller against a real Dovecot: APPENDed messages are ingested once, survive a
poller crash between fetch and commit, and are not ingested again on the next poll."""

from __future__ import annotations

import imaplib
import time

import pytest
from django.test import TestCase

from channels.inbound import imap
from channels.inbound.services import inbound_receive
from channels.models import InboundEmail, Mailbox
from tickets.models import Ticket

from .factories import simple_email

pytestmark = pytest.mark.django_db


def append(server, raw: bytes, folder: str = "INBOX") -> None:
    client = imaplib.IMAP4(server.host, server.port)
    client.login(server.user, server.password)
    status, _data = client.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
    assert status == "OK"
    client.logout()


def folder_count(server, folder: str) -> int:
    client = imaplib.IMAP4(server.host, server.port)
    client.login(server.user, server.password)
    status, data = client.select(f'"{folder}"', readonly=True)
    client.logout()
    return int(data[0]) if status == "OK" else -1


@pytest.fixture
def mailbox(imap_server, maildesk):
    box = Mailbox.objects.create(
        name="Support",
        host=imap_server.host,
        port=imap_server.port,
        security=Mailbox.Security.NONE,
        username=imap_server.user,
    )
    imap.mailbox_set_password(mailbox=box, password=imap_server.password)
    return box


def poll(mailbox, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return imap.mailbox_poll(mailbox=mailbox, **kwargs)


def test_appended_messages_are_ingested_once_and_moved(imap_server, mailbox):
    for i in range(3):
        append(
            imap_server,
            simple_email(
                message_id=f"imap-{i}@exemple.fr",
                subject=f"Sujet {i}",
                sender=f"client{i}@exemple.fr",
            ),
        )
    assert poll(mailbox) == 3
    assert Ticket.objects.count() == 3
    assert InboundEmail.objects.filter(source="imap", status="processed").count() == 3
    assert folder_count(imap_server, "INBOX") == 0
    assert folder_count(imap_server, "Relais.Processed") == 3
    assert poll(mailbox) == 0
    assert Ticket.objects.count() == 3


def test_a_crash_between_fetch_and_commit_loses_nothing(imap_server, mailbox):
    append(imap_server, simple_email(message_id="crash-1@exemple.fr"))
    with pytest.raises(RuntimeError):
        poll(mailbox, crash_after_fetch=True)
    assert InboundEmail.objects.count() == 0
    assert folder_count(imap_server, "INBOX") == 1  # still there, not marked
    assert poll(mailbox) == 1
    assert Ticket.objects.count() == 1
    assert folder_count(imap_server, "INBOX") == 0


def test_a_crash_after_commit_before_the_move_is_deduplicated(imap_server, mailbox):
    raw = simple_email(message_id="crash-2@exemple.fr")
    append(imap_server, raw)
    with TestCase.captureOnCommitCallbacks(execute=True):
        inbound_receive(raw=raw, source=InboundEmail.Source.IMAP, mailbox=mailbox)  # committed
    assert poll(mailbox) == 0  # found again, recognised, then moved
    assert InboundEmail.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert folder_count(imap_server, "INBOX") == 0


def test_flag_mode_leaves_messages_in_place_flagged_and_skips_them_next_time(imap_server, mailbox):
    mailbox.after_processing = Mailbox.After.FLAG
    mailbox.save()
    append(imap_server, simple_email(message_id="flag-1@exemple.fr"))
    assert poll(mailbox) == 1
    assert folder_count(imap_server, "INBOX") == 1
    assert poll(mailbox) == 0
    assert InboundEmail.objects.count() == 1


def test_password_from_the_environment_and_wrong_password_is_recorded(
    imap_server, mailbox, monkeypatch
):
    monkeypatch.setenv("RELAIS_TEST_IMAP_PASSWORD", "wrong")
    mailbox.password_env = "RELAIS_TEST_IMAP_PASSWORD"
    mailbox.save()
    assert imap.mailbox_password(mailbox) == "wrong"
    assert imap.mailboxes_poll() == 0
    mailbox.refresh_from_db()
    assert mailbox.last_error  # the login failure, shown in the admin
    monkeypatch.setenv("RELAIS_TEST_IMAP_PASSWORD", imap_server.password)
    append(imap_server, simple_email(message_id="env-1@exemple.fr"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert imap.mailboxes_poll() == 1
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""


def test_stored_password_is_encrypted(mailbox, imap_server):
    assert imap_server.password not in mailbox.password_encrypted
    assert imap.mailbox_password(mailbox) == imap_server.password


def test_the_hostile_corpus_through_imap_and_one_unstorable_message_blocks_nothing(
    imap_server, mailbox, monkeypatch
):
    from .hostile import HOSTILE_SAMPLES

    for raw in HOSTILE_SAMPLES.values():
        append(imap_server, raw)
    poison = simple_email(message_id="poison@exemple.fr")
    append(imap_server, poison)
    real_receive = imap.inbound_receive

    def receive(*, raw, **kwargs):
        if b"poison@" in raw:
            raise RuntimeError("the database refused it")
        return real_receive(raw=raw, **kwargs)

    monkeypatch.setattr(imap, "inbound_receive", receive)
    with pytest.raises(imap.MailboxPartlyFailed) as failure:
        poll(mailbox)
    assert (failure.value.stored, failure.value.failed) == (len(HOSTILE_SAMPLES), 1)
    assert folder_count(imap_server, "INBOX") == 1  # only the poison waits for a fix
    statuses = set(InboundEmail.objects.values_list("status", flat=True))
    assert statuses <= {"processed", "quarantined"}
    monkeypatch.setattr(imap, "inbound_receive", real_receive)
    assert poll(mailbox) == 1
    assert folder_count(imap_server, "INBOX") == 0
