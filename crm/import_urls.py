"""Routes of CSV imports and the contact export, included by crm/urls.py (namespace crm)."""

from __future__ import annotations

from django.urls import path

from . import import_views

urlpatterns = [
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/new/", import_views.import_create, name="import_create"),
    path("imports/template/<str:kind>/", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("imports/<int:pk>/errors/", import_views.import_errors, name="import_errors"),
    path("customers/export/", import_views.contact_export, name="contact_export"),
]
