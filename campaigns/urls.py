from __future__ import annotations

from django.urls import path

from .views import bloctel, calls, campaigns, numbers, public, segments

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", campaigns.campaign_list, name="list"),
    path("campaigns/new/", campaigns.campaign_create, name="create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="edit"),
    path("campaigns/<int:pk>/progress/", campaigns.campaign_progress, name="progress"),
    path("campaigns/<int:pk>/results.csv", campaigns.campaign_results_csv, name="results-csv"),
    path("campaigns/<int:pk>/transition/", campaigns.campaign_transition, name="transition"),
    path("campaigns/<int:pk>/test-send/", campaigns.campaign_test_send, name="test-send"),
    path("campaigns/<int:pk>/volume/", campaigns.campaign_volume, name="volume"),
    path("campaigns/<int:pk>/calls/", calls.call_list, name="call-list"),
    path("campaigns/segments/", segments.segment_list, name="segments"),
    path("campaigns/segments/new/", segments.segment_create, name="segment-create"),
    path("campaigns/segments/<int:pk>/", segments.segment_edit, name="segment-edit"),
    path("campaigns/segments/live/", segments.segment_live, name="segment-live"),
    path("campaigns/numbers/", numbers.number_list, name="numbers"),
    path("campaigns/numbers/<int:pk>/", numbers.number_edit, name="number-edit"),
    path("campaigns/calls/", calls.call_lists, name="calls"),
    path("campaigns/calls/<int:pk>/outcome/", calls.call_outcome, name="call-outcome"),
    path("campaigns/surge/", calls.surge, name="surge"),
    path("campaigns/bloctel/", bloctel.bloctel, name="bloctel"),
    path("campaigns/bloctel/add/", bloctel.bloctel_add, name="bloctel-add"),
    path("campaigns/bloctel/<int:pk>/remove/", bloctel.bloctel_remove, name="bloctel-remove"),
]

public_patterns = (
    [
        path("u/<str:token>/", public.unsubscribe, name="unsubscribe"),
        path("anymail/postmark/tracking/", public.anymail_postmark, name="anymail-postmark"),
        path("anymail/mailgun/tracking/", public.anymail_mailgun, name="anymail-mailgun"),
    ],
    "campaigns_public",
)
