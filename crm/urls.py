from __future__ import annotations

from django.urls import include, path

from . import views

app_name = "crm"

urlpatterns = [
    path("customers/", views.contact_list, name="contact_list"),
    path("customers/new/", views.contact_create, name="contact_create"),
    path("customers/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("customers/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("customers/<int:pk>/notes/", views.note_add, name="note_add"),
    path("customers/<int:pk>/calls/", views.call_log, name="call_log"),
    path("customers/<int:pk>/consents/", views.consent_record, name="consent_record"),
    path("customers/<int:pk>/history/", views.contact_history, name="contact_history"),
    path("customers/<int:pk>/merge/", views.contact_merge, name="contact_merge"),
    path(
        "customers/<int:pk>/privacy/export/",
        views.contact_privacy_export,
        name="contact_privacy_export",
    ),
    path(
        "customers/<int:pk>/privacy/erase/",
        views.contact_privacy_erase,
        name="contact_privacy_erase",
    ),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("search/", views.search, name="search"),
    # Import and export of contacts/organisations (crm/import_views.py).
    path("", include("crm.import_urls")),
]
