from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("organisations/", api.OrganisationListView.as_view(), name="api-organisations"),
    path(
        "organisations/<int:pk>/",
        api.OrganisationDetailView.as_view(),
        name="api-organisation-detail",
    ),
    path("contacts/", api.ContactListView.as_view(), name="api-contacts"),
    path("contacts/<int:pk>/", api.ContactDetailView.as_view(), name="api-contact-detail"),
    path(
        "contacts/<int:pk>/timeline/",
        api.ContactTimelineView.as_view(),
        name="api-contact-timeline",
    ),
    path("contacts/<int:pk>/notes/", api.ContactNotesView.as_view(), name="api-contact-notes"),
    path(
        "contacts/<int:pk>/consents/",
        api.ContactConsentsView.as_view(),
        name="api-contact-consents",
    ),
    path("contacts/<int:pk>/merge/", api.ContactMergeView.as_view(), name="api-contact-merge"),
    path(
        "contacts/<int:pk>/gdpr-export/",
        api.ContactGdprExportView.as_view(),
        name="api-contact-gdpr-export",
    ),
    path(
        "contacts/<int:pk>/gdpr-erase/",
        api.ContactGdprEraseView.as_view(),
        name="api-contact-gdpr-erase",
    ),
    path("calls/", api.CallListView.as_view(), name="api-calls"),
]
