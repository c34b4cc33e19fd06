from __future__ import annotations

from django.urls import path

from .views import kpis, live

app_name = "quality"

urlpatterns = [
    path("supervision/", live.live, name="live"),
    path("supervision/tickets/", live.drill, name="drill"),
    path("supervision/reassign/", live.reassign, name="reassign"),
    path("supervision/away/", live.agent_away, name="agent_away"),
    path("supervision/kpis/", kpis.kpis, name="kpis"),
    path("supervision/staffing/", kpis.staffing, name="staffing"),
    path("supervision/reports/", kpis.reports, name="reports"),
]
