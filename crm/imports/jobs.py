"""The import jobs: create (check and store the file), validate (the dry run), schedule
the commit, commit (all rows or none), their progress, and the error report."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..exports import EXPORT_CSV_DELIMITER, neutralise
from ..models import ImportJob
from .files import UnreadableFile, import_file_check, job_rows
from .rows import ContactRowChecker, ErrorLog, OrganisationRowChecker, RowChecker
from .writers import ContactWriter, OrganisationWriter, Writer

# Recorded on the job.
ERROR_NO_ROWS = _("The file has no rows under its header line.")

ERROR_UNREADABLE = _("The file cannot be read from this row on: %(reason)s.")

ERROR_NOT_READY = _("Only a checked file without errors can be imported.")

ERROR_COMMIT_FAILED = _(
    "The import failed and nothing was written. Try again, or ask an administrator to "
    "look at the logs."
)

BATCH_SIZE = 2000

PROGRESS_TIMEOUT_SECONDS = 6 * 3600

RUNNING_STATUSES = frozenset(
    {ImportJob.Status.PENDING, ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING}
)


def _progress_key(job_pk: int) -> str:
    return f"crm:import:{job_pk}:progress"


@dataclass(frozen=True)
class ImportProgress:
    processed: int
    total: int

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, round(100 * self.processed / self.total))


def import_job_progress(*, job: ImportJob) -> ImportProgress:
    """Rows done so far. The commit runs in one transaction that other connections cannot
    see into, so it publishes its progress in the shared cache instead of the job row."""
    if job.status == ImportJob.Status.IMPORTING:
        published = shared_cache.get(_progress_key(job.pk))
        if published:
            return ImportProgress(processed=published["processed"], total=published["total"])
        return ImportProgress(processed=0, total=job.total_rows)
    if job.status == ImportJob.Status.DONE:
        return ImportProgress(processed=job.total_rows, total=job.total_rows)
    return ImportProgress(processed=job.processed_rows, total=job.total_rows)


@dataclass
class _Outcome:
    rows: int = 0
    created: int = 0
    errors: ErrorLog = field(default_factory=ErrorLog)


CHECKERS: dict[str, type[RowChecker]] = {
    ImportJob.Kind.CONTACTS: ContactRowChecker,
    ImportJob.Kind.ORGANISATIONS: OrganisationRowChecker,
}
WRITERS: dict[str, type[Writer]] = {
    ImportJob.Kind.CONTACTS: ContactWriter,
    ImportJob.Kind.ORGANISATIONS: OrganisationWriter,
}
# Called after each batch is written, with the number of records it created.
BatchWritten = Callable[[int], None]


def _run(
    job: ImportJob,
    *,
    write: bool,
    on_progress: Callable[[int], None],
    on_batch_written: BatchWritten | None = None,
) -> _Outcome:
    """One pass over the file: every row checked; with `write`, written batch by batch
    until the first error (the caller's transaction then rolls everything back)."""
    outcome = _Outcome()
    summary = (gettext("Imported from %(file)s") % {"file": job.original_name})[:300]
    now = timezone.now()
    with job_rows(job) as (_delimiter, header, records):
        if header.problems:
            for problem in header.problems:
                outcome.errors.add(1, "", problem)
            return outcome
        checker = CHECKERS[job.kind](job=job, header=header, errors=outcome.errors)
        writer = WRITERS[job.kind](job=job) if write else None
        batch: list[tuple[int, list[str]]] = []

        def flush() -> None:
            drafts = checker.clean_batch(batch)
            outcome.rows += len(batch)
            batch.clear()
            if writer is not None and not outcome.errors.count:
                created = writer.write(drafts, summary=summary, now=now)
                outcome.created += created
                if on_batch_written is not None:
                    on_batch_written(created)
            on_progress(outcome.rows)

        try:
            for record in records:
                batch.append(record)
                if len(batch) >= BATCH_SIZE:
                    flush()
        except UnreadableFile as exc:
            flush()
            outcome.errors.add(exc.row, "", ERROR_UNREADABLE % {"reason": exc.reason})
            return outcome
        if batch:
            flush()
    if not outcome.rows:
        outcome.errors.add(None, "", ERROR_NO_ROWS)
    return outcome


def _language_of(job: ImportJob) -> str:
    # Row errors are stored as text: in the language of the person who uploaded the file.
    return getattr(job.created_by, "language", "") or settings.LANGUAGE_CODE


def import_job_create(
    *, actor: User | None, kind: str, file: UploadedFile, schedule: bool = True
) -> ImportJob:
    """Check and store an uploaded CSV file; its dry run is queued after commit (pass
    `schedule=False` to run `import_job_validate` yourself). Raises ValidationError with
    a message for the upload form when the file is refused; nothing is stored then."""
    check = import_file_check(kind=kind, file=file)
    job = ImportJob(
        kind=kind,
        file=file,
        original_name=(file.name or "import.csv").rsplit("/", 1)[-1][:255],
        encoding=check.encoding,
        total_rows=check.estimated_rows,
        created_by=actor,
    )
    with transaction.atomic():
        job.save()
        if schedule:
            from ..tasks import import_validate_task  # the tasks module imports this one

            transaction.on_commit(lambda: import_validate_task.delay(job.pk))
    return job


def import_job_validate(*, job: ImportJob) -> ImportJob:
    """The dry run: check every row, record the errors, end VALID or INVALID.

    Runs for a job waiting to be checked (or whose check a lost worker left unfinished);
    for any other status it does nothing, so a task delivered twice is harmless. Progress
    is saved on the job row every batch, outside any transaction, for the page to poll.
    """
    claimed = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJob.Status.PENDING, ImportJob.Status.VALIDATING]
    ).update(status=ImportJob.Status.VALIDATING, processed_rows=0, errors=[], error_count=0)
    job.refresh_from_db()
    if not claimed:
        return job
    estimate = job.total_rows

    def on_progress(processed: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=min(processed, estimate))

    try:
        with translation.override(_language_of(job)):
            outcome = _run(job, write=False, on_progress=on_progress)
    except Exception:
        _fail(job, statuses=[ImportJob.Status.VALIDATING])
        raise
    job.total_rows = job.processed_rows = outcome.rows
    job.errors = outcome.errors.items
    job.error_count = outcome.errors.count
    job.status = ImportJob.Status.INVALID if outcome.errors.count else ImportJob.Status.VALID
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "total_rows", "processed_rows", "errors", "error_count",
                            "finished_at"])  # fmt: skip
    return job


def import_job_commit_schedule(*, job: ImportJob, actor: User | None) -> ImportJob:
    """Ask for a checked job to be imported: it moves to IMPORTING now (so a second click
    does nothing) and `import_commit_task` runs after commit."""
    moved = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(
        status=ImportJob.Status.IMPORTING, processed_rows=0
    )
    if not moved:
        raise ValidationError(ERROR_NOT_READY, code="not_ready")
    job.refresh_from_db()
    shared_cache.set(
        _progress_key(job.pk), {"processed": 0, "total": job.total_rows}, PROGRESS_TIMEOUT_SECONDS
    )
    from ..tasks import import_commit_task  # the tasks module imports this one

    transaction.on_commit(lambda: import_commit_task.delay(job.pk))
    return job


class _CommitRejected(Exception):
    def __init__(self, outcome: _Outcome) -> None:
        super().__init__("rows failed their check")
        self.outcome = outcome


def import_job_commit(*, job: ImportJob, on_batch_written: BatchWritten | None = None) -> ImportJob:
    """Write every row of a checked job, or none: one transaction, rows checked again
    (the data may have changed since the dry run) and written in batches of BATCH_SIZE.

    `on_batch_written` runs inside the transaction after each batch, with the number of
    records it created; whatever it raises rolls the whole import back and marks the job
    failed, as a database error would (the tests fail the second batch through it).

    Runs for a VALID or IMPORTING job and does nothing for any other status. The job row
    is locked for the whole transaction, so a task delivered twice waits for the first
    and then finds the job DONE. Progress goes to the shared cache: nothing written inside
    the transaction is visible to the page until it commits. The timeline rows are
    credited to the person who uploaded the file.
    """
    ready = (ImportJob.Status.VALID, ImportJob.Status.IMPORTING)
    key = _progress_key(job.pk)
    ran = False
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status not in ready:
                return locked
            ran = True
            total = locked.total_rows

            def on_progress(processed: int) -> None:
                shared_cache.set(
                    key, {"processed": min(processed, total), "total": total},
                    PROGRESS_TIMEOUT_SECONDS,
                )  # fmt: skip

            with translation.override(_language_of(locked)):
                outcome = _run(
                    locked,
                    write=True,
                    on_progress=on_progress,
                    on_batch_written=on_batch_written,
                )
            if outcome.errors.count:
                raise _CommitRejected(outcome)
            locked.status = ImportJob.Status.DONE
            locked.total_rows = locked.processed_rows = outcome.rows
            locked.created_rows = outcome.created
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "total_rows", "processed_rows", "created_rows",
                                       "finished_at"])  # fmt: skip
    except _CommitRejected as exc:
        ImportJob.objects.filter(pk=job.pk, status__in=ready).update(
            status=ImportJob.Status.INVALID,
            errors=exc.outcome.errors.items,
            error_count=exc.outcome.errors.count,
            processed_rows=0,
            created_rows=0,
            finished_at=timezone.now(),
        )
    except Exception:
        _fail(job, statuses=ready)
        raise
    finally:
        if ran:
            shared_cache.delete(key)
    job.refresh_from_db()
    return job


def _fail(job: ImportJob, *, statuses: Sequence[str]) -> None:
    """Mark the job failed, unless another run has moved it on meanwhile (a duplicate
    task that lost a race must not overwrite the winner's result)."""
    with translation.override(_language_of(job)):
        message = str(ERROR_COMMIT_FAILED)
    ImportJob.objects.filter(pk=job.pk, status__in=statuses).update(
        status=ImportJob.Status.FAILED,
        processed_rows=0,
        created_rows=0,
        errors=[{"row": None, "field": "", "message": message}],
        error_count=1,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()


def import_job_errors_csv(*, job: ImportJob) -> bytes:
    """The recorded errors (the first MAX_STORED_ERRORS) as a CSV file to fix the source."""
    delimiter = EXPORT_CSV_DELIMITER.get(translation.get_language() or "", ",")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([gettext("Row"), gettext("Column"), gettext("Error")])
    for error in job.errors:
        writer.writerow(
            [neutralise(str(error.get("row") or "")), neutralise(error.get("field", "")),
             neutralise(error.get("message", ""))]
        )  # fmt: skip
    return codecs.BOM_UTF8 + buffer.getvalue().encode()
