from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.http import HtmxHttpRequest
from accounts.roles import Role

from .. import services


@require_POST
@role_required(Role.SALES)
def availability_set(request: HtmxHttpRequest) -> HttpResponse:
    available = request.POST.get("available") == "1"
    services.rep_availability_set(user=request.user, available=available)  # type: ignore[arg-type]
    messages.success(
        request,
        _("You take new handoffs.") if available else _("You take no new handoffs for now."),
    )
    return redirect("accounts:workspace", role=Role.SALES)
