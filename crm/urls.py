from __future__ import annotations

from django.urls import path

from .views import contacts, exports, imports, organisations, search

app_name = "crm"

urlpatterns = [
    # Contacts (views/contacts.py)
    path("customers/", contacts.contact_list, name="contact_list"),
    path("customers/new/", contacts.contact_create, name="contact_create"),
    path("customers/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("customers/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("customers/<int:pk>/notes/", contacts.note_add, name="note_add"),
    path("customers/<int:pk>/calls/", contacts.call_log, name="call_log"),
    path("customers/<int:pk>/consents/", contacts.consent_record, name="consent_record"),
    path("customers/<int:pk>/history/", contacts.contact_history, name="contact_history"),
    path("customers/<int:pk>/merge/", contacts.contact_merge, name="contact_merge"),
    path(
        "customers/<int:pk>/privacy/export/",
        contacts.contact_privacy_export,
        name="contact_privacy_export",
    ),
    path(
        "customers/<int:pk>/privacy/erase/",
        contacts.contact_privacy_erase,
        name="contact_privacy_erase",
    ),
    # Organisations (views/organisations.py)
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    # The header search (views/search.py)
    path("search/", search.search, name="search"),
    # CSV imports (views/imports.py) and the contact export (views/exports.py)
    path("imports/", imports.import_list, name="import_list"),
    path("imports/new/", imports.import_create, name="import_create"),
    path("imports/template/<str:kind>/", imports.import_template, name="import_template"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/commit/", imports.import_commit, name="import_commit"),
    path("imports/<int:pk>/errors/", imports.import_errors, name="import_errors"),
    path("customers/export/", exports.contact_export, name="contact_export"),
]
