from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest
from tickets.models import Ticket

from .. import selectors, services
from ..forms import AgentAwayForm, ReassignForm
from ..live import drilldown
from ..live.figures import live_view
from ..permissions import SUPERVISION

PAGE_SIZE = 50


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@require_GET
@role_required(*SUPERVISION)
def live(request: AuthenticatedHtmxRequest) -> HttpResponse:
    scope = selectors.supervision_scope(user=request.user)
    view = live_view(scope=scope)
    context = {"view": view, "refresh_seconds": 5}
    if request.htmx:
        return render(request, "quality/live.html#figures", context)
    return render(request, "quality/live.html", context)


def _metric_label(metric: str) -> str:
    return {
        "backlog": _("Backlog"),
        "new_today": _("New today"),
        "unassigned": _("Unassigned"),
        "pending": _("Pending"),
        "breaching": _("Breaching in the next hour"),
        "breached": _("Breached"),
        "oldest": _("Waiting, oldest first"),
        "calls_waiting": _("Calls waiting"),
    }[metric]


@require_GET
@role_required(*SUPERVISION)
def drill(request: AuthenticatedHtmxRequest) -> HttpResponse:
    scope = selectors.supervision_scope(user=request.user)
    metric = request.GET.get("metric", "backlog")
    if metric not in drilldown.TICKET_METRICS + drilldown.CALL_METRICS:
        metric = "backlog"
    queue_id = _int(request.GET.get("queue"))
    team_id = _int(request.GET.get("team"))
    queue_ids = drilldown.drilldown_queue_ids(scope, [queue_id] if queue_id else [], team_id)
    context: dict[str, object] = {
        "metric": metric,
        "metric_label": _metric_label(metric),
        "queue_id": queue_id,
        "team_id": team_id,
    }
    if metric in drilldown.CALL_METRICS:
        page = Paginator(drilldown.drilldown_calls(queue_ids=queue_ids), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update(page=page, calls=page.object_list, query=_query(request))
        return render(request, "quality/drill_calls.html", context)
    page = Paginator(
        drilldown.drilldown_tickets(queue_ids=queue_ids, metric=metric), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context.update(
        page=page,
        tickets=page.object_list,
        agents=drilldown.assignable_agents(queue_ids=queue_ids),
        back=request.get_full_path(),
        query=_query(request),
    )
    return render(request, "quality/drill.html", context)


def _query(request: AuthenticatedHtmxRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _back(request: AuthenticatedHtmxRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("quality:live")


@require_POST
@role_required(*SUPERVISION)
def reassign(request: AuthenticatedHtmxRequest) -> HttpResponse:
    scope = selectors.supervision_scope(user=request.user)
    allowed = [q.pk for q in selectors.scope_queues(scope)]
    posted = [
        int(v)
        for v in request.POST.getlist("tickets")[: services.BULK_LIMIT + 1]
        if v.isdigit() and len(v) < 12
    ]
    tickets = list(Ticket.objects.filter(pk__in=posted, queue_id__in=allowed).order_by("pk"))
    form = ReassignForm(
        request.POST,
        ticket_ids=[t.pk for t in tickets],
        agents=drilldown.assignable_agents(queue_ids=allowed),
    )
    if form.is_valid():
        chosen = [t for t in tickets if t.pk in set(form.cleaned_data["tickets"])]
        try:
            count = services.tickets_reassign(
                tickets=chosen, assignee=form.cleaned_data["assignee"], actor=request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext("%(count)d ticket reassigned.", "%(count)d tickets reassigned.", count)
                % {"count": count},
            )
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(_back(request))


@require_POST
@role_required(*SUPERVISION)
def agent_away(request: AuthenticatedHtmxRequest) -> HttpResponse:
    scope = selectors.supervision_scope(user=request.user)
    agents = drilldown.assignable_agents(queue_ids=[q.pk for q in selectors.scope_queues(scope)])
    form = AgentAwayForm(request.POST, agents=agents)
    if form.is_valid():
        agent = form.cleaned_data["agent"]
        services.agent_set_away(agent=agent)
        messages.success(request, _("%(agent)s is now away.") % {"agent": agent})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(_back(request))
