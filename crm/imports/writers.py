"""Writing checked rows: contacts and organisations with what contact_create and
organisation_create would write (search text, primary email and phone, external ids,
tags, one "imported" timeline row each), in bulk.

`bulk_create` rather than the services per row: one contact through the service costs a
dozen queries, which would make a 100,000-row file take hours. django-simple-history
does not see `bulk_create`: imported records' history starts at their first edit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType

from .. import timeline
from ..models import (
    Activity,
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
    ImportJob,
    Organisation,
)
from ..search import contact_search_name, contact_search_text, organisation_search_text
from ..services import MAX_TAGS, tags_resolve
from .rows import Draft

# Rows per INSERT statement.
INSERT_BATCH_SIZE = 2000


class Writer:
    """Writes the drafts of one job, batch after batch, inside the caller's transaction."""

    def __init__(self, *, job: ImportJob) -> None:
        self.job = job
        self.actor_id = job.created_by_id
        self._tag_ids: dict[str, int] = {}
        self._activity_type_id = ContentType.objects.get_for_model(ImportJob).pk

    def write(self, drafts: list[Draft], *, summary: str, now: datetime) -> int:
        """Write the drafts; return how many records were created."""
        raise NotImplementedError

    def _tag_ids_for(self, drafts: list[Draft]) -> dict[str, int]:
        wanted = sorted({name for d in drafts for name in d.tags} - set(self._tag_ids))
        for start in range(0, len(wanted), MAX_TAGS):
            for tag in tags_resolve(names=wanted[start : start + MAX_TAGS]):
                self._tag_ids[tag.name] = tag.pk
        return self._tag_ids

    def _activity(self, *, summary: str, now: datetime, **subject: Any) -> Activity:
        return Activity(
            kind=timeline.IMPORTED,
            summary=summary,
            occurred_at=now,
            actor_id=self.actor_id,
            source_type_id=self._activity_type_id,
            source_id=self.job.pk,
            **subject,
        )


class ContactWriter(Writer):
    def write(self, drafts: list[Draft], *, summary: str, now: datetime) -> int:
        contacts = []
        for draft in drafts:
            fields = draft.fields
            first_name, last_name = fields.get("first_name", ""), fields["last_name"]
            search_text = contact_search_text(
                first_name=first_name,
                last_name=last_name,
                job_title=fields.get("job_title", ""),
                organisation_name=draft.organisation_name if draft.organisation_id else None,
                emails=draft.emails,
                external_ids=[value for _system, value in draft.external_ids],
            )
            contacts.append(
                Contact(
                    **fields,
                    organisation_id=draft.organisation_id,
                    search_text=search_text,
                    search_name=contact_search_name(first_name=first_name, last_name=last_name),
                )
            )
        Contact.objects.bulk_create(contacts, batch_size=INSERT_BATCH_SIZE)
        tag_ids = self._tag_ids_for(drafts)
        emails, phones, external_ids, tags, activities = [], [], [], [], []
        through = Contact.tags.through
        for draft, contact in zip(drafts, contacts, strict=True):
            emails += [
                ContactEmail(contact_id=contact.pk, email=email, is_primary=(i == 0))
                for i, email in enumerate(draft.emails)
            ]
            phones += [
                ContactPhone(contact_id=contact.pk, number=number, kind=kind, is_primary=(i == 0))
                for i, (number, kind) in enumerate(draft.phones)
            ]
            external_ids += [
                ExternalId(contact_id=contact.pk, system=system, value=value)
                for system, value in draft.external_ids
            ]
            tags += [through(contact_id=contact.pk, tag_id=tag_ids[name]) for name in draft.tags]
            activities.append(
                self._activity(
                    summary=summary,
                    now=now,
                    contact_id=contact.pk,
                    organisation_id=draft.organisation_id,
                )
            )
        ContactEmail.objects.bulk_create(emails, batch_size=INSERT_BATCH_SIZE)
        ContactPhone.objects.bulk_create(phones, batch_size=INSERT_BATCH_SIZE)
        ExternalId.objects.bulk_create(external_ids, batch_size=INSERT_BATCH_SIZE)
        through.objects.bulk_create(tags, batch_size=INSERT_BATCH_SIZE)
        Activity.objects.bulk_create(activities, batch_size=INSERT_BATCH_SIZE)
        return len(contacts)


class OrganisationWriter(Writer):
    def write(self, drafts: list[Draft], *, summary: str, now: datetime) -> int:
        organisations = []
        for draft in drafts:
            organisation = Organisation(**draft.fields)
            organisation.search_text = organisation_search_text(
                name=organisation.name,
                legal_id=organisation.legal_id,
                city=organisation.city,
                sector=organisation.sector,
            )
            organisations.append(organisation)
        Organisation.objects.bulk_create(organisations, batch_size=INSERT_BATCH_SIZE)
        tag_ids = self._tag_ids_for(drafts)
        through = Organisation.tags.through
        tags = []
        activities = []
        for draft, organisation in zip(drafts, organisations, strict=True):
            tags += [
                through(organisation_id=organisation.pk, tag_id=tag_ids[name])
                for name in draft.tags
            ]
            activities.append(
                self._activity(summary=summary, now=now, organisation_id=organisation.pk)
            )
        through.objects.bulk_create(tags, batch_size=INSERT_BATCH_SIZE)
        Activity.objects.bulk_create(activities, batch_size=INSERT_BATCH_SIZE)
        return len(organisations)
