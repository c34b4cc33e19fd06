from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import HtmxHttpRequest
from tickets.permissions import TICKETS_WORK

from . import selectors, services
from .forms import CorrectionForm

TEMPLATE = "triage/assessment.html"


@require_POST
@role_required(*TICKETS_WORK)
def assessment_correct(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The agent corrects the score of a message (on the ticket page)."""
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    form = CorrectionForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            assessment = services.assessment_correct(
                assessment=assessment,
                actor=request.user,  # type: ignore[arg-type]
                negative=form.cleaned_data["negative"] or form.cleaned_data["angry"],
                angry=form.cleaned_data["angry"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            status = 422
    else:
        status = 422
    if not request.htmx:
        return redirect(assessment.ticket.get_absolute_url())
    context = {"extra": selectors.assessment_view(assessment), "form": form}
    return render(request, TEMPLATE, context, status=status)
