from __future__ import annotations

from django.urls import path

from .views import kpis, live, rota

app_name = "quality"

urlpatterns = [
    path("supervision/", live.live, name="live"),
    path("supervision/tickets/", live.drill, name="drill"),
    path("supervision/reassign/", live.reassign, name="reassign"),
    path("supervision/away/", live.agent_away, name="agent_away"),
    path("supervision/kpis/", kpis.kpis, name="kpis"),
    path("supervision/staffing/", kpis.staffing, name="staffing"),
    path("supervision/reports/", kpis.reports, name="reports"),
    path("supervision/rota/", rota.rota, name="rota"),
    path("supervision/rota/new/", rota.shift_new, name="shift_new"),
    path("supervision/rota/copy/", rota.rota_copy, name="rota_copy"),
    path("supervision/rota/<int:pk>/", rota.shift_edit, name="shift_edit"),
    path("supervision/rota/<int:pk>/delete/", rota.shift_delete, name="shift_delete"),
]
