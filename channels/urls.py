from __future__ import annotations

from django.urls import path

from . import views

app_name = "channels"
urlpatterns = [
    path("support/", views.support_form, name="support"),
    path("support/thanks/<str:token>/", views.support_thanks, name="support_thanks"),
    path("support/t/<str:token>/", views.portal, name="portal"),
    path("channels/quarantine/", views.quarantine, name="quarantine"),
    path("channels/inbound/<int:pk>/reingest/", views.reingest, name="reingest"),
    path("channels/inbound/<int:pk>/original/", views.inbound_original, name="inbound_original"),
    path("channels/outbound/<int:pk>/", views.outbound_detail, name="outbound"),
    path("channels/outbound/<int:pk>/retry/", views.outbound_retry_view, name="outbound_retry"),
]
