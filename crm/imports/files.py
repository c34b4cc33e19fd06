"""Reading an import file: size, binary content, encoding, delimiter and header are
checked before any row is parsed; then the stored file is read row by row."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import ImportJob
from .columns import HeaderMap, map_header

# The file as a whole (shown on the upload form; nothing is stored).
ERROR_FILE_TOO_LARGE = _("The file is larger than %(limit)s. Split it into several files.")

ERROR_FILE_EMPTY = _("The file is empty.")

ERROR_FILE_BINARY = _(
    "This is not a CSV file: it contains binary data. In your spreadsheet, use “Save as” "
    "and choose “CSV”."
)

ERROR_FILE_SPREADSHEET = _(
    "This is a spreadsheet workbook, not a CSV file. In your spreadsheet, use “Save as” "
    "and choose “CSV UTF-8”."
)

ERROR_FILE_NO_HEADER = _("The first line of the file must name the columns.")

ERROR_UNKNOWN_KIND = _("Choose what the file holds: contacts or organisations.")

SNIFF_BYTES = 64 * 1024

READ_CHUNK_BYTES = 1024 * 1024

CSV_DELIMITERS = ",;\t"

_ZIP_MAGIC = b"PK\x03\x04"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class FileCheck:
    encoding: str
    delimiter: str
    header: HeaderMap
    estimated_rows: int


def _codec(encoding: str) -> str:
    return {"utf-8": "utf-8-sig"}.get(encoding, encoding)


def _detect_encoding(chunks: Callable[[], Iterable[bytes]]) -> tuple[str, int]:
    """(encoding, number of lines) of a file whose chunks can be read twice. Raises
    ValidationError for binary content. UTF-8 (with or without BOM) first, then the
    Windows code page French Excel saves CSV in, then Latin-1, which reads anything."""
    first = b""
    for chunk in chunks():
        first = chunk[:8]
        break
    if first.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise ValidationError(ERROR_FILE_SPREADSHEET, code="spreadsheet")
    if first.startswith(_UTF16_BOMS):
        # Excel's "Unicode text": UTF-16 with a BOM. NUL bytes are normal there.
        return "utf-16", _decode_all(chunks, "utf-16", check_nul=True)
    lines = 0
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    last = b""
    for chunk in chunks():
        if b"\x00" in chunk:
            raise ValidationError(ERROR_FILE_BINARY, code="binary")
        lines += chunk.count(b"\n")
        last = chunk[-1:] or last
        if is_utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
    if last and last != b"\n":
        lines += 1
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return ("utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"), lines
    for encoding in ("cp1252", "latin-1"):
        try:
            _decode_all(chunks, encoding, check_nul=False)
        except UnicodeDecodeError:
            continue
        return encoding, lines
    raise ValidationError(ERROR_FILE_BINARY, code="binary")  # pragma: no cover - latin-1 reads all


def _decode_all(chunks: Callable[[], Iterable[bytes]], encoding: str, *, check_nul: bool) -> int:
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    try:
        for chunk in chunks():
            text = decoder.decode(chunk)
            if check_nul and "\x00" in text:
                raise ValidationError(ERROR_FILE_BINARY, code="binary")
            lines += text.count("\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        if check_nul:
            raise ValidationError(ERROR_FILE_BINARY, code="binary") from None
        raise
    return lines + 1


def _sniff_delimiter(sample: str) -> str:
    """Comma, semicolon or tab, from the first lines; checked against the header line
    because the Sniffer can be fooled by a comma inside a semicolon-separated value."""
    header_line = sample.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter in header_line and delimiter:
        return delimiter
    counts = {candidate: header_line.count(candidate) for candidate in CSV_DELIMITERS}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _read_header(sample: str, *, kind: str, truncated: bool) -> tuple[str, HeaderMap]:
    if truncated and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]  # a cut last line would skew the sniffer
    delimiter = _sniff_delimiter(sample)
    try:
        header = next(csv.reader(io.StringIO(sample), delimiter=delimiter), [])
    except csv.Error:
        header = []
    if not any(cell.strip() for cell in header):
        raise ValidationError(ERROR_FILE_NO_HEADER, code="no_header")
    return delimiter, map_header(kind=kind, header=header)


def _sample(read: Callable[[int], bytes], encoding: str) -> tuple[str, bool]:
    """The first SNIFF_BYTES of the file as text, and whether the file goes on after."""
    data = read(SNIFF_BYTES)
    decoder = codecs.getincrementaldecoder(_codec(encoding))(errors="replace")
    return decoder.decode(data, final=False), len(data) >= SNIFF_BYTES


def import_file_check(*, kind: str, file: UploadedFile) -> FileCheck:
    """Everything about the file that can be refused before a row is read: size first
    (from the upload's metadata, without reading), then content, encoding and header."""
    if kind not in ImportJob.Kind.values:
        raise ValidationError(ERROR_UNKNOWN_KIND, code="kind")
    limit = settings.RELAIS_IMPORT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            ERROR_FILE_TOO_LARGE % {"limit": filesizeformat(limit)}, code="too_large"
        )
    if not file.size:
        raise ValidationError(ERROR_FILE_EMPTY, code="empty")

    def chunks() -> Iterator[bytes]:
        file.seek(0)
        yield from file.chunks(READ_CHUNK_BYTES)

    encoding, lines = _detect_encoding(chunks)
    file.seek(0)
    sample, truncated = _sample(file.read, encoding)
    file.seek(0)
    if not sample.strip():
        raise ValidationError(ERROR_FILE_EMPTY, code="empty")
    delimiter, header = _read_header(sample, kind=kind, truncated=truncated)
    if header.problems:
        raise ValidationError(header.problems, code="columns")
    return FileCheck(
        encoding=encoding, delimiter=delimiter, header=header, estimated_rows=max(lines - 1, 0)
    )


@contextmanager
def job_rows(job: ImportJob) -> Iterator[tuple[str, HeaderMap, Iterator[tuple[int, list[str]]]]]:
    """(delimiter, header map, data rows as (row number, cells)) of a stored job's file.
    Row numbers count records from the header (1), as a spreadsheet numbers its rows."""
    raw = job.file.storage.open(job.file.name, "rb")
    try:
        stream: IO[bytes] = getattr(raw, "file", raw)
        sample, truncated = _sample(stream.read, job.encoding)
        stream.seek(0)
        delimiter, header = _read_header(sample, kind=job.kind, truncated=truncated)
        text = io.TextIOWrapper(stream, encoding=_codec(job.encoding), newline="")
        reader = csv.reader(text, delimiter=delimiter)
        with suppress(StopIteration, csv.Error):
            next(reader)  # the header, already read from the sample

        def records() -> Iterator[tuple[int, list[str]]]:
            row = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise UnreadableFile(row + 1, str(exc)) from exc
                row += 1
                if any(cell.strip() for cell in cells):
                    yield row, cells

        yield delimiter, header, records()
    finally:
        raw.close()


class UnreadableFile(Exception):
    def __init__(self, row: int, reason: str) -> None:
        super().__init__(reason)
        self.row = row
        self.reason = reason


def import_job_columns(*, job: ImportJob) -> HeaderMap | None:
    """The recognised and ignored columns of a job's file (None if it cannot be read)."""
    try:
        with job_rows(job) as (_delimiter, header, _records):
            return header
    except (OSError, ValueError, ValidationError):
        return None
