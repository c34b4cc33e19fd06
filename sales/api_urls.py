from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("products/", api.ProductListView.as_view(), name="api-products"),
    path("opportunities/", api.OpportunityListView.as_view(), name="api-opportunities"),
    path("opportunities/kpis/", api.OpportunityKpiView.as_view(), name="api-opportunity-kpis"),
    path(
        "opportunities/<int:pk>/",
        api.OpportunityDetailView.as_view(),
        name="api-opportunity-detail",
    ),
    path(
        "opportunities/<int:pk>/move/",
        api.OpportunityMoveView.as_view(),
        name="api-opportunity-move",
    ),
    path(
        "opportunities/<int:pk>/accept/",
        api.OpportunityAcceptView.as_view(),
        name="api-opportunity-accept",
    ),
    path(
        "opportunities/<int:pk>/acknowledge-warning/",
        api.OpportunityAcknowledgeView.as_view(),
        name="api-opportunity-acknowledge",
    ),
    path(
        "opportunities/<int:pk>/hand-back/",
        api.OpportunityHandBackView.as_view(),
        name="api-opportunity-hand-back",
    ),
    path(
        "opportunities/<int:pk>/reassign/",
        api.OpportunityReassignView.as_view(),
        name="api-opportunity-reassign",
    ),
    path(
        "opportunities/<int:pk>/onboarding-ticket/",
        api.OpportunityOnboardingView.as_view(),
        name="api-opportunity-onboarding",
    ),
]
