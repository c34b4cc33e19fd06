from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("triage/assessments/", api.AssessmentListView.as_view(), name="api-triage-assessments"),
    path(
        "triage/assessments/<int:pk>/correct/",
        api.AssessmentCorrectView.as_view(),
        name="api-triage-correct",
    ),
    path("triage/analyse/", api.AnalyseView.as_view(), name="api-triage-analyse"),
]
