from __future__ import annotations

from django.urls import path

from .views import customers, helpdesk, inbox, macros, presence, ticket

app_name = "tickets"

urlpatterns = [
    # Inbox (views/inbox.py)
    path("tickets/", inbox.inbox, name="inbox"),
    path("tickets/bulk/", inbox.bulk_action, name="bulk"),
    path("tickets/views/", inbox.saved_view_create, name="saved_view_create"),
    path("tickets/views/<int:pk>/delete/", inbox.saved_view_delete, name="saved_view_delete"),
    path("tickets/presence/", inbox.presence_update, name="presence"),
    # One ticket (views/ticket.py)
    path("tickets/new/", ticket.ticket_create, name="create"),
    path("tickets/new/customers/", customers.customer_suggest, name="customer_suggest"),
    path("tickets/new/customers/new/", customers.customer_quick_create, name="customer_create"),
    path("tickets/<int:pk>/", ticket.ticket_detail, name="detail"),
    path("tickets/<int:pk>/messages/", ticket.ticket_messages, name="messages"),
    path("tickets/<int:pk>/reply/", ticket.ticket_reply, name="reply"),
    path("tickets/<int:pk>/properties/", ticket.ticket_properties, name="properties"),
    path("tickets/<int:pk>/take/", ticket.ticket_take, name="take"),
    path("tickets/<int:pk>/merge/", ticket.ticket_merge, name="merge"),
    path("tickets/<int:pk>/next/", ticket.ticket_next, name="next"),
    path("tickets/<int:pk>/presence/", presence.ticket_presence, name="ticket_presence"),
    path("tickets/<int:pk>/macros/<int:macro_pk>/", ticket.macro_preview, name="macro_preview"),
    path("tickets/attachments/<int:pk>/", ticket.attachment_download, name="attachment"),
    # Macros (views/macros.py)
    path("tickets/macros/", macros.macro_list, name="macro_list"),
    path("tickets/macros/new/", macros.macro_create, name="macro_create"),
    path("tickets/macros/<int:pk>/", macros.macro_edit, name="macro_edit"),
    path("tickets/macros/<int:pk>/delete/", macros.macro_delete, name="macro_delete"),
    # Internal IT helpdesk (views/helpdesk.py)
    path("it/new/", helpdesk.it_request_create, name="it_request"),
    path("it/requests/", helpdesk.my_requests, name="my_requests"),
    path("it/requests/<int:pk>/", helpdesk.my_request_detail, name="my_request"),
    path("it/requests/<int:pk>/reply/", helpdesk.my_request_reply, name="my_request_reply"),
]
