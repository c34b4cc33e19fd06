from __future__ import annotations

from django.urls import path

from .views import manage, public, results

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", public.answer, name="answer"),
    path("surveys/", manage.survey_list, name="list"),
    path("surveys/new/", manage.survey_create, name="create"),
    path("surveys/results/", results.results, name="results"),
    path("surveys/<int:pk>/", manage.survey_detail, name="detail"),
    path("surveys/<int:pk>/edit/", manage.survey_edit, name="edit"),
    path("surveys/<int:pk>/send/", manage.survey_send, name="send"),
]
