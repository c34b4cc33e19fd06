from __future__ import annotations

from django.urls import path

from . import views

app_name = "telephony"

urlpatterns = [
    path("telephony/pop/", views.pop, name="pop"),
    path("telephony/calls/", views.call_list, name="call_list"),
    path("telephony/calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("telephony/calls/<int:pk>/ticket/", views.call_ticket, name="call_ticket"),
    path("telephony/calls/<int:pk>/contact/", views.call_contact, name="call_contact"),
    path("telephony/calls/<int:pk>/attach/", views.call_attach, name="call_attach"),
    path("telephony/calls/<int:pk>/link/", views.call_link, name="call_link"),
    path("telephony/calls/<int:pk>/close/", views.call_close, name="call_close"),
]
