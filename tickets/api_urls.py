from __future__ import annotations

from django.urls import path

from . import api, api_presence

urlpatterns = [
    path("queues/", api.QueueListView.as_view(), name="api-queues"),
    path("queues/<int:pk>/", api.QueueDetailView.as_view(), name="api-queue-detail"),
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/<int:pk>/", api.TicketDetailView.as_view(), name="api-ticket-detail"),
    path(
        "tickets/<int:pk>/messages/",
        api.TicketMessagesView.as_view(),
        name="api-ticket-messages",
    ),
    path("tickets/<int:pk>/assign/", api.TicketAssignView.as_view(), name="api-ticket-assign"),
    path("tickets/<int:pk>/merge/", api.TicketMergeView.as_view(), name="api-ticket-merge"),
    path(
        "attachments/<int:pk>/",
        api.AttachmentDownloadView.as_view(),
        name="api-attachment-download",
    ),
    path(
        "tickets/<int:pk>/presence/",
        api_presence.TicketPresenceView.as_view(),
        name="api-ticket-presence",
    ),
]
