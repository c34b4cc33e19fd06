from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("telephony/events/", api.EventView.as_view(), name="api-telephony-events"),
    path("telephony/lookup/", api.LookupView.as_view(), name="api-telephony-lookup"),
    path("telephony/calls/", api.CallListView.as_view(), name="api-telephony-calls"),
    path("telephony/calls/<int:pk>/", api.CallDetailView.as_view(), name="api-telephony-call"),
]
