from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("kpis/", api.KpiView.as_view(), name="api-kpis"),
    path("live/", api.LiveView.as_view(), name="api-live"),
    path("staffing/erlang-c/", api.ErlangCView.as_view(), name="api-staffing-erlang-c"),
    path("staffing/plan/", api.PlanView.as_view(), name="api-staffing-plan"),
    path("shifts/", api.ShiftListView.as_view(), name="api-shifts"),
    path("shifts/copy-week/", api.ShiftCopyWeekView.as_view(), name="api-shifts-copy-week"),
    path("shifts/<int:pk>/", api.ShiftDetailView.as_view(), name="api-shift-detail"),
]
