from __future__ import annotations

from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path(
        "triage/assessments/<int:pk>/correct/",
        views.assessment_correct,
        name="assessment_correct",
    ),
]
