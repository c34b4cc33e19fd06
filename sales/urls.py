from __future__ import annotations

from django.urls import path

from . import views

app_name = "sales"

urlpatterns = [
    path("sales/flag/", views.flag, name="flag"),
    path("sales/board/", views.board, name="board"),
    path("sales/opportunities/", views.opportunity_list, name="list"),
    path("sales/opportunities/views/", views.saved_view_create, name="saved_view_create"),
    path(
        "sales/opportunities/views/<int:pk>/delete/",
        views.saved_view_delete,
        name="saved_view_delete",
    ),
    path("sales/opportunities/<int:pk>/", views.opportunity_detail, name="detail"),
    path("sales/opportunities/<int:pk>/accept/", views.opportunity_accept, name="accept"),
    path("sales/opportunities/<int:pk>/hand-back/", views.opportunity_hand_back, name="hand_back"),
    path("sales/opportunities/<int:pk>/reassign/", views.opportunity_reassign, name="reassign"),
    path("sales/opportunities/<int:pk>/move/", views.opportunity_move, name="move"),
    path(
        "sales/opportunities/<int:pk>/acknowledge/",
        views.opportunity_acknowledge,
        name="acknowledge",
    ),
    path("sales/opportunities/<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path(
        "sales/opportunities/<int:pk>/onboarding/", views.opportunity_onboarding, name="onboarding"
    ),
    path("sales/kpis/", views.kpi_page, name="kpis"),
    path("sales/forecast/", views.forecast_page, name="forecast"),
    path("sales/availability/", views.availability_set, name="availability"),
]
