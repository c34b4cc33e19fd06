from __future__ import annotations

from django.urls import path

from . import api

ACTIONS = ["approve", "refuse", "validate", "sign", "decline", "withdraw", "end", "amend"]

urlpatterns = [
    path("policies/", api.PolicyListView.as_view(), name="api-telework-policies"),
    path("policies/<int:pk>/", api.PolicyDetailView.as_view(), name="api-telework-policy"),
    path("agreements/", api.AgreementListView.as_view(), name="api-telework-agreements"),
    path("agreements/<int:pk>/", api.AgreementDetailView.as_view(), name="api-telework-agreement"),
    *[
        path(
            f"agreements/<int:pk>/{action}/",
            api.action_view(action),
            name=f"api-telework-agreement-{action}",
        )
        for action in ACTIONS
    ],
    path("equipment/", api.EquipmentListView.as_view(), name="api-telework-equipment"),
    path("equipment/<int:pk>/", api.EquipmentDetailView.as_view(), name="api-telework-asset"),
    path(
        "equipment/<int:pk>/assign/",
        api.EquipmentAssignView.as_view(),
        name="api-telework-asset-assign",
    ),
    path(
        "equipment/<int:pk>/return/",
        api.EquipmentReturnView.as_view(),
        name="api-telework-asset-return",
    ),
    path("onboarding-items/", api.OnboardingItemListView.as_view(), name="api-telework-items"),
    path(
        "onboarding-items/<int:pk>/complete/",
        api.OnboardingItemCompleteView.as_view(),
        name="api-telework-item-complete",
    ),
    path("reserve-pool/", api.ReservePoolView.as_view(), name="api-telework-reserve"),
    path(
        "reserve-pool/<int:pk>/call-ups/",
        api.CallUpCreateView.as_view(),
        name="api-telework-callup",
    ),
    path(
        "call-ups/<int:pk>/answer/",
        api.CallUpAnswerView.as_view(),
        name="api-telework-callup-answer",
    ),
    path("allowance/", api.AllowanceView.as_view(), name="api-telework-allowance"),
]
