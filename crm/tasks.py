"""Background work of the customer record: CSV imports (checked, then committed)."""

from __future__ import annotations

from celery import shared_task

from .imports import import_job_commit, import_job_validate
from .models import ImportJob


@shared_task(acks_late=True)
def import_validate_task(job_id: int) -> None:
    """Dry run of an uploaded file. Does nothing unless the job is waiting to be checked."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        import_job_validate(job=job)


@shared_task(acks_late=True)
def import_commit_task(job_id: int) -> None:
    """All-or-nothing import of a checked file. Does nothing unless the job is ready."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        import_job_commit(job=job)
