from __future__ import annotations

from django.urls import path

from .views import agreements, continuity, equipment, hr, my, team

app_name = "telework"

urlpatterns = [
    # The employee (views/my.py)
    path("telework/", my.my_telework, name="my"),
    path("telework/request/", my.agreement_request, name="request"),
    path("telework/propose/", my.agreement_propose, name="propose"),
    path("telework/declarations/<str:month>/", my.declaration, name="declaration"),
    path("telework/rules/accept/", my.acknowledge_rules, name="acknowledge"),
    path("telework/purchases/", my.purchase_request, name="purchase_request"),
    path("telework/purchases/<int:pk>/", my.purchase_detail, name="purchase"),
    path("telework/purchases/<int:pk>/<slug:action>/", my.purchase_action, name="purchase_action"),
    path("telework/absences/", my.absence_record, name="absence"),
    # One agreement (views/agreements.py)
    path("telework/agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("telework/agreements/<int:pk>/amend/", agreements.agreement_amend, name="amend"),
    path(
        "telework/agreements/<int:pk>/amendment/withdraw/",
        agreements.amendment_withdraw,
        name="amendment_withdraw",
    ),
    path(
        "telework/agreements/<int:pk>/versions/<int:number>/diff/",
        agreements.version_diff,
        name="diff",
    ),
    path(
        "telework/agreements/<int:pk>/versions/<int:number>/pdf/",
        agreements.version_pdf,
        name="pdf",
    ),
    path("telework/agreements/<int:pk>/<slug:action>/", agreements.agreement_action, name="action"),
    path(
        "telework/end-requests/<int:pk>/decide/",
        agreements.end_request_decide,
        name="end_request_decide",
    ),
    path("telework/onboarding/<int:pk>/done/", agreements.item_complete, name="item_complete"),
    path("telework/onboarding/<int:pk>/document/", agreements.item_document, name="item_document"),
    # Managers (views/team.py)
    path("telework/team/", team.team_calendar, name="team"),
    path(
        "telework/declarations/<int:pk>/decide/",
        team.declaration_decide,
        name="declaration_decide",
    ),
    # HR (views/hr.py)
    path("telework/hr/", hr.dashboard, name="hr"),
    path("telework/hr/agreements/", hr.agreement_list, name="hr_agreements"),
    path("telework/hr/exceptional/", hr.impose_exceptional, name="impose"),
    path("telework/hr/allowance/", hr.allowance, name="allowance"),
    path("telework/hr/allowance/export/", hr.allowance_export, name="allowance_export"),
    path("telework/hr/allowance/exports/<int:pk>/", hr.export_download, name="export_download"),
    # IT and HR (views/equipment.py)
    path("telework/equipment/", equipment.equipment_list, name="equipment"),
    path("telework/equipment/new/", equipment.asset_create, name="asset_create"),
    path("telework/equipment/<int:pk>/", equipment.asset_detail, name="asset"),
    path("telework/equipment/<int:pk>/<slug:action>/", equipment.asset_action, name="asset_action"),
    # Continuity and reserve pool (views/continuity.py)
    path("telework/continuity/", continuity.continuity, name="continuity"),
    path("telework/continuity/<int:pk>/", continuity.activation_detail, name="activation"),
    path("telework/reserve/", continuity.reserve_pool, name="reserve"),
    path("telework/reserve/<int:pk>/call/", continuity.callup_create, name="callup"),
    path("telework/call-ups/<int:pk>/answer/", continuity.callup_answer, name="callup_answer"),
]
