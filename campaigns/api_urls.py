from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("segments/", api.SegmentListView.as_view(), name="api-segments"),
    path("segments/<int:pk>/", api.SegmentDetailView.as_view(), name="api-segment-detail"),
    path("segments/<int:pk>/count/", api.SegmentCountView.as_view(), name="api-segment-count"),
    path(
        "segments/<int:pk>/preview/", api.SegmentPreviewView.as_view(), name="api-segment-preview"
    ),
    path("campaigns/", api.CampaignListView.as_view(), name="api-campaigns"),
    path("campaigns/<int:pk>/", api.CampaignDetailView.as_view(), name="api-campaign-detail"),
    path("campaigns/<int:pk>/start/", api.CampaignStartView.as_view(), name="api-campaign-start"),
    path(
        "campaigns/<int:pk>/cancel/", api.CampaignCancelView.as_view(), name="api-campaign-cancel"
    ),
    path(
        "campaigns/<int:pk>/results/",
        api.CampaignResultsView.as_view(),
        name="api-campaign-results",
    ),
    path("tracking-numbers/", api.TrackingNumberListView.as_view(), name="api-tracking-numbers"),
    path("campaigns/<int:pk>/calls/", api.CallListView.as_view(), name="api-call-list"),
    path("call-list/<int:pk>/outcome/", api.CallOutcomeView.as_view(), name="api-call-outcome"),
    path("bloctel/", api.BloctelListView.as_view(), name="api-bloctel"),
    path("bloctel/<int:pk>/", api.BloctelDetailView.as_view(), name="api-bloctel-detail"),
    path("bloctel/import/", api.BloctelImportView.as_view(), name="api-bloctel-import"),
]
