"""Which attachments of an incoming email we keep. A customer's mail is never refused
for one bad file: the file is left out and the message says so."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from tickets import services as ticket_services

from .parse import ParsedAttachment

REFUSED_EXECUTABLE = _("executable files are not accepted")
REFUSED_TYPE = _("this type of file is not accepted")
REFUSED_SIZE = _("too large")
REFUSED_ARCHIVE = _("suspicious archive (it would expand to far more than its size)")
REFUSED_COUNT = _("too many attachments")
REFUSED_EMPTY = _("empty")

# Names that run code when opened, whatever the content sniffing says.
EXECUTABLE_EXTENSIONS = frozenset(
    [
        "exe",
        "com",
        "bat",
        "cmd",
        "scr",
        "pif",
        "msi",
        "msp",
        "dll",
        "cpl",
        "vbs",
        "vbe",
        "js",
        "jse",
        "jar",
        "wsf",
        "wsh",
        "ps1",
        "psm1",
        "hta",
        "lnk",
        "reg",
        "sh",
        "app",
        "apk",
        "deb",
        "rpm",
        "iso",
    ]
)
ARCHIVE_MAX_RATIO = 100
ARCHIVE_MAX_EXPANDED = 200 * 1024 * 1024
ARCHIVE_MAX_MEMBERS = 10_000
# Signature logos and tracking pixels: not worth an attachment row.
INLINE_IMAGE_MIN_BYTES = 2_048


@dataclass(frozen=True)
class Refusal:
    filename: str
    reason: str


def _zip_is_bomb(content: bytes) -> bool:
    """Reads the central directory only: nothing is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
        return False  # not a readable zip; the type check decides
    if len(members) > ARCHIVE_MAX_MEMBERS:
        return True
    expanded = sum(member.file_size for member in members)
    nested = sum(1 for m in members if m.filename.lower().endswith((".zip", ".gz", ".7z", ".rar")))
    return (
        expanded > ARCHIVE_MAX_EXPANDED
        or expanded > ARCHIVE_MAX_RATIO * max(len(content), 1)
        or nested > 5
    )


def select(
    attachments: list[ParsedAttachment],
) -> tuple[list[SimpleUploadedFile], list[Refusal]]:
    kept: list[SimpleUploadedFile] = []
    refused: list[Refusal] = []
    limit = settings.TICKETS_ATTACHMENT_MAX_BYTES
    allowed = settings.TICKETS_ATTACHMENT_TYPES
    for attachment in attachments:
        name = attachment.filename or "attachment"
        if (
            attachment.inline
            and attachment.content_type.startswith("image/")
            and attachment.size < INLINE_IMAGE_MIN_BYTES
        ):
            continue
        if not attachment.size:
            refused.append(Refusal(name, str(REFUSED_EMPTY)))
            continue
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension in EXECUTABLE_EXTENSIONS:
            refused.append(Refusal(name, str(REFUSED_EXECUTABLE)))
            continue
        if attachment.size > limit:
            refused.append(Refusal(name, str(REFUSED_SIZE)))
            continue
        upload = SimpleUploadedFile(name, attachment.content, attachment.content_type)
        sniffed = ticket_services.attachment_sniff(upload)
        if sniffed in (
            "application/x-msdownload",
            "application/x-executable",
            "application/x-elf",
            "application/x-mach-binary",
            "application/vnd.microsoft.portable-executable",
        ):
            refused.append(Refusal(name, str(REFUSED_EXECUTABLE)))
            continue
        if sniffed not in allowed:
            refused.append(Refusal(name, str(REFUSED_TYPE)))
            continue
        if sniffed == "application/zip" and _zip_is_bomb(attachment.content):
            refused.append(Refusal(name, str(REFUSED_ARCHIVE)))
            continue
        if len(kept) >= ticket_services.MAX_ATTACHMENTS:
            refused.append(Refusal(name, str(REFUSED_COUNT)))
            continue
        kept.append(upload)
    return kept, refused
