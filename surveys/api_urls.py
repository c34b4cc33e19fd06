from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("surveys/", api.SurveyListView.as_view(), name="api-surveys"),
    path("surveys/<int:pk>/", api.SurveyDetailView.as_view(), name="api-survey-detail"),
    path("surveys/<int:pk>/send/", api.SurveySendView.as_view(), name="api-survey-send"),
    path("survey-responses/", api.ResponseListView.as_view(), name="api-survey-responses"),
]
