from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from . import selectors, services
from .forms import LanguageForm, NotificationEmailsForm, TokenActionForm
from .http import HtmxHttpRequest
from .roles import ROLE_DESCRIPTIONS, ROLE_ORDER, Role, has_role, user_roles
from .workspaces import home_for_roles, panels_for_role


@require_GET
@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    held = user_roles(request.user)
    landing = home_for_roles(held)
    if landing:
        return redirect(landing)
    for role in ROLE_ORDER:
        if role in held:
            return redirect("accounts:workspace", role=role)
    return render(request, "accounts/no_role.html", status=403)


@require_GET
@login_required
def workspace(request: HtmxHttpRequest, role: str) -> HttpResponse:
    if role not in ROLE_ORDER:
        raise Http404
    if not has_role(request.user, role):
        raise PermissionDenied
    panels = []
    for panel in panels_for_role(role):
        context = panel.context(request) if panel.context else {}
        panels.append({"panel": panel, "context": context})
    return render(
        request,
        "accounts/workspace.html",
        {
            "role": Role(role),
            "role_description": ROLE_DESCRIPTIONS[role],
            "panels": panels,
        },
    )


@require_POST
@login_required
def notification_emails(request: HtmxHttpRequest) -> HttpResponse:
    """The email preference of one's own notifications (the profile page's form; htmx
    swaps the form in place, a plain post comes back to the profile)."""
    form = NotificationEmailsForm(request.POST)
    form.is_valid()  # a checkbox: absent is False, never an error
    enabled = bool(form.cleaned_data.get("notification_emails"))
    services.user_set_notification_emails(user=request.user, enabled=enabled)
    saved = (
        _("Your notifications are emailed too.")
        if enabled
        else _("Your notifications are no longer emailed.")
    )
    if request.htmx:
        return render(
            request,
            "accounts/profile.html#notification_form",
            {"notification_form": form, "notification_saved": saved},
        )
    messages.success(request, saved)
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
@login_required
def profile(request: HtmxHttpRequest) -> HttpResponse:
    user = selectors.user_roles_and_teams(user=request.user)
    language_form = LanguageForm(initial={"language": user.language})
    if request.method == "POST":
        language_form = LanguageForm(request.POST)
        if language_form.is_valid():
            language = language_form.cleaned_data["language"]
            services.user_set_language(user=request.user, language=language)
            translation.activate(language)
            messages.success(request, _("Your language preference is saved."))
            response = redirect("accounts:profile")
            response.set_cookie(
                "django_language", language, samesite="Lax", secure=request.is_secure()
            )
            return response
    from rest_framework.authtoken.models import Token

    return render(
        request,
        "accounts/profile.html",
        {
            "profile_user": user,
            "roles": [Role(g.name) for g in user.groups.all() if g.name in ROLE_ORDER],
            "language_form": language_form,
            "notification_form": NotificationEmailsForm(
                initial={"notification_emails": user.notification_emails}
            ),
            "has_token": Token.objects.filter(user=request.user).exists(),
        },
        status=400 if language_form.errors else 200,
    )


@require_POST
@login_required
def api_token(request: HtmxHttpRequest) -> HttpResponse:
    form = TokenActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown token action."))
        return redirect("accounts:profile")
    if form.cleaned_data["action"] == "revoke":
        services.api_token_revoke(user=request.user)
        messages.success(request, _("Your API token is revoked."))
        return redirect("accounts:profile")
    token = services.api_token_rotate(user=request.user)
    # Shown once, on this response only: it is not displayed again.
    return render(request, "accounts/token_created.html", {"token": token.key})


@require_GET
@login_required
def notifications(request: HtmxHttpRequest) -> HttpResponse:
    queryset = selectors.notification_list_for_user(user=request.user)
    if request.GET.get("unread") == "1":
        queryset = queryset.filter(read_at__isnull=True)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    template = "accounts/notifications.html"
    if request.htmx and not request.htmx.boosted:
        template += "#notification-rows"
    return render(
        request,
        template,
        {"page": page, "only_unread": request.GET.get("unread") == "1"},
    )


@require_POST
@login_required
def notification_open(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    target = notification.get_absolute_url()
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("accounts:notifications")
    return HttpResponseRedirect(target)


@require_POST
@login_required
def notifications_read_all(request: HtmxHttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect("accounts:notifications")
