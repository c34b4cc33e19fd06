"""Logging in and recovering a password: Django's views, behind Relais' limits.

The login and the admin's login are wrapped by `login_guard.address_limited`; the
password reset sends its email through a task and answers the same page whether or not
the address belongs to a member of staff.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.views.generic import FormView

from . import login_guard, services
from .forms import EmailAuthenticationForm, PasswordResetRequestForm

login = login_guard.address_limited(
    auth_views.LoginView.as_view(
        authentication_form=EmailAuthenticationForm,
        template_name="accounts/login.html",
        redirect_authenticated_user=True,
    )
)


class PasswordResetView(FormView):
    """Ask for a reset link. Django's PasswordResetView, minus its inline sending.

    Django's view sends the email during the request, which makes a known address
    measurably slower than an unknown one; here the service queues the email instead,
    and the limits of login_guard apply per address (openly) and per email (silently).
    """

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        address_wait, may_send = login_guard.password_reset_retry_after(self.request, email=email)
        if address_wait is not None:
            return login_guard.refusal_response(
                self.request,
                message=str(login_guard.ERROR_RESET_LIMITED),
                retry_after=address_wait,
            )
        if may_send:
            services.password_reset_request(
                email=email, domain=self.request.get_host(), use_https=self.request.is_secure()
            )
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: PasswordResetRequestForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


password_reset = PasswordResetView.as_view()

password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever reads the mailbox may choose the password; a lockout built up by
        # someone else's guesses would only keep the owner out for no gain.
        services.login_lockout_clear(user=form.user)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()

password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
