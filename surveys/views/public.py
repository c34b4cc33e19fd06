"""The answer page, `/s/<signed token>/`: no login, in the contact's language, made for
a phone. A forged, expired, spent or erased token gets a clear page and writes nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from accounts.forms import apply_service_errors
from crm.models import Language

from .. import services
from ..forms import AnswerForm
from ..models import SurveyResponse
from ..services import TokenState
from ..tokens import invitation_from_token

STATUS = {TokenState.SPENT: 409, TokenState.EXPIRED: 410, TokenState.ERASED: 410,
          TokenState.NOT_SENT: 404}  # fmt: skip


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    response = render(request, "surveys/answer_refused.html", {"message": message}, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_from_token(token)
    if invitation is None:
        return _refused(request, str(services.ERROR_NOT_SENT), 404)
    language = invitation.contact.preferred_language
    with translation.override(language if language in Language.values else "fr"):
        response = _answer(request, token, invitation)
        response["Content-Language"] = translation.get_language()
    return response


def _answer(request: HttpRequest, token: str, invitation) -> HttpResponse:  # type: ignore[no-untyped-def]
    existing = SurveyResponse.objects.filter(invitation=invitation).first()
    state = services.token_state(invitation, existing)
    if state in services.REFUSALS and not (state == TokenState.SPENT and request.method == "GET"):
        return _refused(request, str(services.REFUSALS[state]), STATUS[state])
    status = 200
    initial = {"score": request.GET.get("score", "")[:2]}
    if existing is not None:
        initial = {"score": existing.score, "comment": existing.comment}
    form = AnswerForm(initial=initial)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.response_submit(
                    invitation=invitation,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) in STATUS:
                    return _refused(request, exc.messages[0], STATUS[TokenState(exc.code)])
                apply_service_errors(form, exc)
                status = 422
            else:
                return redirect(f"{request.path}?thanks=1")
        else:
            status = 422
    page = render(
        request,
        "surveys/answer.html",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "question": services.question_for(invitation),
            "form": form,
            "existing": existing,
            "state": str(state),
            "deadline": services.change_deadline(existing, invitation) if existing else None,
            "thanks": request.GET.get("thanks") == "1" and existing is not None,
            "selected": str(form["score"].value() or ""),
            "now": timezone.now(),
        },
        status=status,
    )
    patch_cache_control(page, private=True, no_store=True)
    return page
