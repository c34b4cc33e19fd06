from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("inbound/email/", api.InboundEmailReceiveView.as_view(), name="api-inbound-email"),
    path("inbound/emails/", api.InboundEmailListView.as_view(), name="api-inbound-emails"),
    path(
        "inbound/emails/<int:pk>/",
        api.InboundEmailDetailView.as_view(),
        name="api-inbound-email-detail",
    ),
    path(
        "inbound/emails/<int:pk>/reingest/",
        api.InboundReingestView.as_view(),
        name="api-inbound-reingest",
    ),
    path("channels/addresses/", api.InboundAddressListView.as_view(), name="api-inbound-addresses"),
    path(
        "channels/addresses/<int:pk>/",
        api.InboundAddressDetailView.as_view(),
        name="api-inbound-address-detail",
    ),
    path("channels/mailboxes/", api.MailboxListView.as_view(), name="api-mailboxes"),
    path(
        "channels/mailboxes/<int:pk>/", api.MailboxDetailView.as_view(), name="api-mailbox-detail"
    ),
    path(
        "channels/acknowledgements/",
        api.AcknowledgementListView.as_view(),
        name="api-acknowledgements",
    ),
    path(
        "channels/acknowledgements/<int:pk>/",
        api.AcknowledgementDetailView.as_view(),
        name="api-acknowledgement-detail",
    ),
    path("channels/topics/", api.TopicListView.as_view(), name="api-topics"),
    path("channels/topics/<int:pk>/", api.TopicDetailView.as_view(), name="api-topic-detail"),
    path("channels/outbound/", api.OutboundEmailListView.as_view(), name="api-outbound"),
    path(
        "channels/outbound/<int:pk>/retry/",
        api.OutboundRetryView.as_view(),
        name="api-outbound-retry",
    ),
    path("webhooks/events/", api.EventTypeListView.as_view(), name="api-webhook-events"),
    path("webhooks/endpoints/", api.WebhookEndpointListView.as_view(), name="api-webhooks"),
    path(
        "webhooks/endpoints/<int:pk>/",
        api.WebhookEndpointDetailView.as_view(),
        name="api-webhook-detail",
    ),
    path(
        "webhooks/deliveries/", api.WebhookDeliveryListView.as_view(), name="api-webhook-deliveries"
    ),
    path(
        "webhooks/deliveries/<int:pk>/redeliver/",
        api.WebhookRedeliverView.as_view(),
        name="api-webhook-redeliver",
    ),
    path("support/topics/", api.PublicTopicListView.as_view(), name="api-support-topics"),
    path("support/requests/", api.SupportRequestView.as_view(), name="api-support-requests"),
]
