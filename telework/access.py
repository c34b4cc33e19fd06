"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md).

In the world below the agent is the employee, the supervisor is the agent's manager, HR
and admins are HR (telework.permissions.TELEWORK_HR)."""

from __future__ import annotations

from typing import Any

from .permissions import EQUIPMENT_ROLES, RESERVE_ROLES, TELEWORK_HR

HR = {str(r) for r in TELEWORK_HR}
EQUIPMENT = {str(r) for r in EQUIPMENT_ROLES}
RESERVE = {str(r) for r in RESERVE_ROLES}
# Staff with an employee file (the integration account is a system, not an employee).
STAFF = {"agent", "supervisor", "sales", "marketing", "it", "hr", "admin"}
# The agreement's parties: the employee, their manager, HR.
PARTIES = {"agent", "supervisor", *HR}


def _agreement(w: Any) -> dict[str, Any]:
    return {"pk": w.agreement.pk}


def _version(w: Any) -> dict[str, Any]:
    return {"pk": w.agreement.pk, "number": 1}


ROUTES: dict[str, dict[str, Any]] = {
    "telework:my": {"roles": "*", "note": "One's own telework."},
    "telework:request": {"roles": "*"},
    "telework:propose": {"roles": {"supervisor", *HR}, "note": "Managers (for their reports), HR."},
    "telework:declaration": {"roles": "*", "kwargs": lambda w: {"month": w.month}},
    "telework:acknowledge": {"roles": "*", "note": "POST only."},
    "telework:purchase_request": {"roles": "*", "note": "POST only."},
    "telework:purchase": {"roles": PARTIES, "kwargs": lambda w: {"pk": w.purchase.pk}},
    "telework:purchase_action": {
        "roles": PARTIES,
        "kwargs": lambda w: {"pk": w.purchase.pk, "action": "approve"},
        "note": "POST only.",
    },
    "telework:absence": {"roles": "*", "note": "POST only."},
    "telework:agreement": {"roles": PARTIES, "kwargs": _agreement},
    "telework:amend": {"roles": PARTIES, "kwargs": _agreement},
    "telework:amendment_withdraw": {"roles": PARTIES, "kwargs": _agreement, "note": "POST only."},
    "telework:diff": {
        "roles": set(),
        "kwargs": _version,
        "note": "TO DO: the world has no amendment yet, so version 1 has no diff (404).",
    },
    "telework:pdf": {"roles": PARTIES, "kwargs": _version},
    "telework:action": {
        "roles": PARTIES,
        "kwargs": lambda w: {"pk": w.agreement.pk, "action": "sign"},
        "note": "POST only.",
    },
    "telework:end_request_decide": {
        "roles": PARTIES,
        "kwargs": lambda w: {"pk": w.end_request.pk},
        "note": "POST only.",
    },
    "telework:item_complete": {
        "roles": {*PARTIES, "it"},
        "kwargs": lambda w: {"pk": w.item.pk},
        "note": "POST only.",
    },
    "telework:item_document": {
        "roles": set(),
        "kwargs": lambda w: {"pk": w.item.pk},
        "note": "TO DO: the world's item has no document yet (404 for all).",
    },
    "telework:team": {"roles": {"supervisor", *HR}, "note": "Managers (their team), HR."},
    "telework:declaration_decide": {
        "roles": {"supervisor"},
        "kwargs": lambda w: {"pk": w.declaration.pk},
        "note": "POST only.",
    },
    "telework:hr": {"roles": HR},
    "telework:hr_agreements": {"roles": HR},
    "telework:impose": {"roles": HR},
    "telework:allowance": {"roles": HR},
    "telework:allowance_export": {"roles": HR, "note": "POST only."},
    "telework:export_download": {"roles": HR, "kwargs": lambda w: {"pk": w.allowance_export.pk}},
    "telework:equipment": {"roles": EQUIPMENT},
    "telework:asset_create": {"roles": EQUIPMENT},
    "telework:asset": {"roles": EQUIPMENT, "kwargs": lambda w: {"pk": w.asset.pk}},
    "telework:asset_action": {
        "roles": EQUIPMENT,
        "kwargs": lambda w: {"pk": w.asset.pk, "action": "assign"},
        "note": "POST only.",
    },
    "telework:continuity": {"roles": HR},
    "telework:activation": {"roles": HR, "kwargs": lambda w: {"pk": w.activation.pk}},
    "telework:reserve": {"roles": RESERVE},
    "telework:callup": {
        "roles": RESERVE,
        "kwargs": lambda w: {"pk": w.reserve_member.pk},
        "note": "POST only.",
    },
    "telework:callup_answer": {
        "roles": RESERVE,
        "kwargs": lambda w: {"pk": w.callup.pk},
        "note": "POST only.",
    },
    "api-telework-policies": {"roles": "*"},
    "api-telework-policy": {"roles": STAFF, "kwargs": lambda w: {"pk": w.telework_policy.pk}},
    "api-telework-agreements": {"roles": "*", "note": "Rows: one's own, one's reports', all (HR)."},
    "api-telework-agreement": {"roles": PARTIES, "kwargs": _agreement},
    "api-telework-agreement-approve": {
        "roles": PARTIES,
        "kwargs": _agreement,
        "note": "POST only.",
    },
    "api-telework-agreement-refuse": {"roles": PARTIES, "kwargs": _agreement, "note": "POST only."},
    "api-telework-agreement-validate": {
        "roles": PARTIES,
        "kwargs": _agreement,
        "note": "POST only.",
    },
    "api-telework-agreement-sign": {"roles": PARTIES, "kwargs": _agreement, "note": "POST only."},
    "api-telework-agreement-decline": {
        "roles": PARTIES,
        "kwargs": _agreement,
        "note": "POST only.",
    },
    "api-telework-agreement-withdraw": {
        "roles": PARTIES,
        "kwargs": _agreement,
        "note": "POST only.",
    },
    "api-telework-agreement-end": {"roles": PARTIES, "kwargs": _agreement, "note": "POST only."},
    "api-telework-agreement-amend": {"roles": PARTIES, "kwargs": _agreement, "note": "POST only."},
    "api-telework-equipment": {"roles": EQUIPMENT},
    "api-telework-asset": {"roles": EQUIPMENT, "kwargs": lambda w: {"pk": w.asset.pk}},
    "api-telework-asset-assign": {
        "roles": EQUIPMENT,
        "kwargs": lambda w: {"pk": w.asset.pk},
        "note": "POST only.",
    },
    "api-telework-asset-return": {
        "roles": EQUIPMENT,
        "kwargs": lambda w: {"pk": w.asset.pk},
        "note": "POST only.",
    },
    "api-telework-items": {"roles": "*"},
    "api-telework-item-complete": {
        "roles": {*PARTIES, "it"},
        "kwargs": lambda w: {"pk": w.item.pk},
        "note": "POST only.",
    },
    "api-telework-reserve": {"roles": RESERVE},
    "api-telework-callup": {
        "roles": RESERVE,
        "kwargs": lambda w: {"pk": w.reserve_member.pk},
        "note": "POST only.",
    },
    "api-telework-callup-answer": {
        "roles": RESERVE,
        "kwargs": lambda w: {"pk": w.callup.pk},
        "note": "POST only.",
    },
    "api-telework-allowance": {
        "roles": HR,
        "query": lambda w: {"month": w.month, "entity": w.telework_entity.pk},
    },
}


def objects(w: Any) -> None:
    """A legal entity and its policy; every person's employee file; the agent's
    agreement (approved by the supervisor, their manager, and validated by HR) with its
    checklist; a purchase, an end request and a declaration of the agent's; an asset; a
    reserve member called up; an allowance export and a continuity activation."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from telework import services
    from telework.models import (
        Agreement,
        AllowanceExport,
        ContinuityActivation,
        Declaration,
        EndRequest,
        Party,
        Purchase,
    )
    from telework.tests.factories import next_monday, publish_policy

    agent, manager, hr = w.users["agent"], w.users["supervisor"], w.users["hr"]
    agent.manager = manager
    agent.save(update_fields=["manager"])
    entity = services.legal_entity_save(name="Relais Services SAS", siren="552100554")
    w.telework_entity = entity
    w.telework_policy = publish_policy(entity)
    for n, role in enumerate(sorted(STAFF), start=1):
        services.employee_file_save(
            user=w.users[role], legal_entity=entity, payroll_number=f"P{n:04d}"
        )
    agreement = services.agreement_request(
        employee=agent,
        actor=agent,
        kind=Agreement.Kind.REGULAR,
        start_date=next_monday(),
        weekdays=[1, 3],
        address="12 rue des Lilas, 69003 Lyon",
    )
    services.agreement_approve(agreement=agreement, actor=manager)
    services.agreement_validate(agreement=agreement, actor=hr)
    agreement.refresh_from_db()
    w.agreement = agreement
    w.item = agreement.onboarding_items.order_by("pk").first()
    today = timezone.localdate()
    w.month = today.strftime("%Y-%m")
    w.purchase = Purchase.objects.create(
        employee=agent, agreement=agreement, description="Chaise", estimated_amount=Decimal("90")
    )
    w.end_request = EndRequest.objects.create(
        agreement=agreement,
        requested_by=agent,
        party=Party.EMPLOYEE,
        reason="Retour au bureau",
        return_to_office_on=today + dt.timedelta(days=30),
    )
    w.declaration = Declaration.objects.create(employee=agent, month=today.replace(day=1))
    w.asset = services.asset_save(kind="laptop", label="ThinkPad T14", serial_number="LAP-M1")
    w.reserve_member = services.reserve_member_save(
        actor=hr, full_name="Sandrine Morel", category="volunteer"
    )
    w.callup = services.callup_create(
        member=w.reserve_member,
        actor=hr,
        needed_from=today,
        needed_until=today + dt.timedelta(days=1),
        reason="Pic d'appels",
    )
    w.allowance_export = AllowanceExport.objects.create(
        legal_entity=entity,
        month=(today.replace(day=1) - dt.timedelta(days=1)).replace(day=1),
        created_by=hr,
        row_count=0,
        total_amount=Decimal("0"),
        sha256="0" * 64,
        content="",
    )
    w.activation = ContinuityActivation.objects.create(
        reason_kind=ContinuityActivation.Reason.values[0],
        reason="Grève des transports",
        starts_on=today,
        ends_on=today + dt.timedelta(days=2),
        created_by=hr,
    )
