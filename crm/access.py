"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from .permissions import CRM_EXPORT, CRM_IMPORT, CRM_MERGE, CRM_PRIVACY, CRM_READ, CRM_WRITE

READ = {str(r) for r in CRM_READ}
WRITE = {str(r) for r in CRM_WRITE}
MERGE = {str(r) for r in CRM_MERGE}
IMPORT = {str(r) for r in CRM_IMPORT}
EXPORT = {str(r) for r in CRM_EXPORT}
PRIVACY = {str(r) for r in CRM_PRIVACY}


def _contact(w: Any) -> dict[str, Any]:
    return {"pk": w.contact.pk}


def _organisation(w: Any) -> dict[str, Any]:
    return {"pk": w.organisation.pk}


def _job(w: Any) -> dict[str, Any]:
    return {"pk": w.import_job.pk}


ROUTES: dict[str, dict[str, Any]] = {
    "crm:contact_list": {"roles": READ},
    "crm:contact_create": {"roles": WRITE},
    "crm:contact_detail": {"roles": READ, "kwargs": _contact},
    "crm:contact_edit": {"roles": WRITE, "kwargs": _contact},
    "crm:note_add": {"roles": WRITE, "kwargs": _contact, "note": "POST only."},
    "crm:call_log": {"roles": WRITE, "kwargs": _contact, "note": "POST only."},
    "crm:consent_record": {"roles": WRITE, "kwargs": _contact, "note": "POST only."},
    "crm:contact_history": {"roles": READ, "kwargs": _contact},
    "crm:contact_merge": {"roles": MERGE, "kwargs": _contact},
    "crm:contact_privacy_export": {"roles": PRIVACY, "kwargs": _contact},
    "crm:contact_privacy_erase": {"roles": PRIVACY, "kwargs": _contact},
    "crm:organisation_list": {"roles": READ},
    "crm:organisation_create": {"roles": WRITE},
    "crm:organisation_detail": {"roles": READ, "kwargs": _organisation},
    "crm:organisation_edit": {"roles": WRITE, "kwargs": _organisation},
    "crm:search": {"roles": READ},
    "crm:import_list": {"roles": IMPORT},
    "crm:import_create": {"roles": IMPORT},
    "crm:import_template": {"roles": IMPORT, "kwargs": lambda w: {"kind": "contacts"}},
    "crm:import_detail": {"roles": IMPORT, "kwargs": _job},
    "crm:import_commit": {"roles": IMPORT, "kwargs": _job, "note": "POST only."},
    "crm:import_errors": {"roles": IMPORT, "kwargs": _job},
    "crm:contact_export": {"roles": EXPORT},
    "api-organisations": {"roles": READ, "note": "POST: " + ", ".join(sorted(WRITE)) + "."},
    "api-organisation-detail": {"roles": READ, "kwargs": _organisation},
    "api-contacts": {"roles": READ, "note": "POST: " + ", ".join(sorted(WRITE)) + "."},
    "api-contact-detail": {"roles": READ, "kwargs": _contact},
    "api-contact-timeline": {"roles": READ, "kwargs": _contact},
    "api-contact-notes": {"roles": READ, "kwargs": _contact},
    "api-contact-consents": {"roles": READ, "kwargs": _contact},
    "api-contact-merge": {"roles": MERGE, "kwargs": _contact, "note": "POST only."},
    "api-contact-gdpr-export": {"roles": PRIVACY, "kwargs": _contact},
    "api-contact-gdpr-erase": {"roles": PRIVACY, "kwargs": _contact, "note": "POST only."},
    "api-calls": {"roles": READ},
}


def objects(w: Any) -> None:
    """An organisation, a contact in it, an import job (a dry run nobody committed)."""
    from django.core.files.base import ContentFile

    from crm.models import ImportJob
    from crm.tests.factories import ContactFactory, OrganisationFactory

    w.organisation = OrganisationFactory()
    w.contact = ContactFactory(organisation=w.organisation)
    job = ImportJob(
        kind=ImportJob.Kind.CONTACTS,
        original_name="contacts.csv",
        encoding="utf-8",
        created_by=w.users["admin"],
    )
    job.file.save("matrix.csv", ContentFile(b"email\nmatrix@exemple.fr\n"), save=False)
    job.save()
    w.import_job = job
