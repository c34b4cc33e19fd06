"""Macros: saved replies. Agents keep personal ones; supervisors and admins also share
them with their teams. Someone else's macro is a 404, as if it did not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest
from accounts.models import Team, User
from accounts.roles import has_role

from .. import selectors, services
from ..forms.macros import MacroForm
from ..models import Macro
from ..permissions import TICKETS_SUPERVISE, TICKETS_WORK

# The service's argument names where the form's differ.
FIELD_FOR = {"tags": "add_tags", "owner": "team"}


def _shareable_teams(user: User) -> list[Team]:
    """Teams the user may share a macro with: their own, if they supervise."""
    if not has_role(user, *TICKETS_SUPERVISE):
        return []
    return list(user.teams.order_by("name"))


def _can_edit(user: User, macro: Macro, team_ids: set[int]) -> bool:
    return macro.owner_id == user.pk or (macro.team_id is not None and macro.team_id in team_ids)


def _editable_macro(request: AuthenticatedHtmxRequest, pk: int) -> tuple[Macro, list[Team]]:
    user = request.user
    macro = selectors.macro_get_for_user(user=user, pk=pk)
    teams = _shareable_teams(user)
    if not _can_edit(user, macro, {team.pk for team in teams}):
        raise Http404  # a team macro is read-only to agents; they may not learn more
    return macro, teams


@require_GET
@role_required(*TICKETS_WORK)
def macro_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    user = request.user
    team_ids = {team.pk for team in _shareable_teams(user)}
    macros = (
        selectors.macro_list_for_user(user=user)
        .select_related("team", "owner")
        .prefetch_related("add_tags")
    )
    rows = [{"macro": macro, "editable": _can_edit(user, macro, team_ids)} for macro in macros]
    return render(
        request,
        "tickets/macro_list.html",
        {"rows": rows, "placeholders": services.PLACEHOLDERS, "can_share": bool(team_ids)},
    )


def _save(request: AuthenticatedHtmxRequest, form: MacroForm, macro: Macro | None) -> Macro | None:
    team = form.chosen_team()
    try:
        return services.macro_save(
            owner=None if team else request.user,
            team=team,
            macro=macro,
            **form.service_kwargs(),
        )
    except ValidationError as exc:
        apply_service_errors(form, exc, FIELD_FOR)
        return None


def _form_page(
    request: AuthenticatedHtmxRequest, form: MacroForm, macro: Macro | None
) -> HttpResponse:
    return render(
        request,
        "tickets/macro_form.html",
        {"form": form, "macro": macro, "placeholders": services.PLACEHOLDERS},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*TICKETS_WORK)
def macro_create(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = MacroForm(request.POST or None, teams=_shareable_teams(request.user))
    if request.method == "POST" and form.is_valid():
        macro = _save(request, form, None)
        if macro is not None:
            messages.success(request, _("Macro “%(name)s” created.") % {"name": macro.name})
            return redirect("tickets:macro_list")
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@role_required(*TICKETS_WORK)
def macro_edit(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    macro, teams = _editable_macro(request, pk)
    form = MacroForm(request.POST or None, initial=MacroForm.initial_for(macro), teams=teams)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, macro)
        if saved is not None:
            messages.success(request, _("Macro “%(name)s” saved.") % {"name": saved.name})
            return redirect("tickets:macro_list")
        macro.refresh_from_db()  # macro_save changed it in memory before refusing
    return _form_page(request, form, macro)


@require_POST
@role_required(*TICKETS_WORK)
def macro_delete(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    macro, _teams = _editable_macro(request, pk)
    name = macro.name
    services.macro_delete(macro=macro)
    messages.success(request, _("Macro “%(name)s” deleted.") % {"name": name})
    return redirect("tickets:macro_list")
