"""Attachments: checked by size, count and type (from the content, not the name the sender
chose), then stored under a random directory (see the model's upload_to)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import Attachment, Message

ERROR_ATTACHMENT_TOO_BIG = _("“%(name)s” is too large (%(size)s; the limit is %(limit)s).")
ERROR_ATTACHMENT_TYPE = _("“%(name)s”: this type of file is not accepted (%(type)s).")
ERROR_ATTACHMENT_COUNT = _("At most %(limit)d attachments per message.")
ERROR_ATTACHMENT_EMPTY = _("“%(name)s” is empty.")

MAX_ATTACHMENTS = 10


def attachments_validate(files: Sequence[UploadedFile]) -> None:
    """Size, count and type (by content, not by the name the sender chose)."""
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": ERROR_ATTACHMENT_COUNT % {"limit": MAX_ATTACHMENTS}})
    limit = settings.TICKETS_ATTACHMENT_MAX_BYTES
    allowed = settings.TICKETS_ATTACHMENT_TYPES
    errors = []
    for upload in files:
        name = (upload.name or "file")[-255:]
        size = upload.size or 0
        if size == 0:
            errors.append(ERROR_ATTACHMENT_EMPTY % {"name": name})
            continue
        if size > limit:
            errors.append(
                ERROR_ATTACHMENT_TOO_BIG
                % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
            )
            continue
        content_type = attachment_sniff(upload)
        if content_type not in allowed:
            errors.append(ERROR_ATTACHMENT_TYPE % {"name": name, "type": content_type})
    if errors:
        raise ValidationError({"attachments": errors})


def attachment_sniff(upload: UploadedFile) -> str:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    # No magic number: plain text if it decodes, otherwise unknown binary.
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return "application/octet-stream"
    lowered = (upload.name or "").lower()
    return "text/csv" if lowered.endswith(".csv") else "text/plain"


_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\ud800-\udfff]')


def display_filename(name: str) -> str:
    """The name the sender gave, as people read it ("Facture (2) l'été €.pdf"): composed
    accents (macOS sends them decomposed), no path, no control or reserved characters.
    Only the storage path is reduced to word characters."""
    name = unicodedata.normalize("NFC", name)
    name = " ".join(_UNSAFE_IN_NAMES.sub("_", name).split()).lstrip(".")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (
            f"{stem[: 199 - len(extension)]}.{extension}"
            if dot and len(extension) < 10
            else name[:200]
        )
    return name or "file"


def attachments_store(message: Message, files: Sequence[UploadedFile]) -> None:
    """Store files already checked by attachments_validate, in the caller's transaction."""
    for upload in files:
        shown = display_filename(upload.name or "")
        upload.name = re.sub(r"[^\w.\- ]", "_", shown)[-200:] or "file"
        Attachment.objects.create(
            message=message,
            file=upload,
            filename=shown,
            content_type=attachment_sniff(upload),
            size=upload.size or 0,
        )
