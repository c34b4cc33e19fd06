"""Logins (backends, lockout, per-address budgets, password reset), cookies, HTTPS
and the other security headers (docs/security.md)."""

from __future__ import annotations

from datetime import timedelta

from relais.settings.core import DEBUG, env

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# What Relais promises about logins, and why these figures: docs/security.md.
# Failed-login lockout (django-axes), per account: the identity is the normalised email
# (accounts.identity), so "Agent@Relais.example" spends the same five attempts as
# "agent@relais.example".
AXES_FAILURE_LIMIT = env.int("RELAIS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("RELAIS_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.identity.axes_username"
AXES_CLIENT_IP_CALLABLE = "accounts.login_guard.client_address"
# JSON with Retry-After on the API, the lockout page with Retry-After elsewhere.
AXES_LOCKOUT_CALLABLE = "accounts.login_guard.axes_lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# axes.W006 asks to lock by IP address as well. Not done, deliberately: a contact centre
# puts its whole floor behind one NAT address, and axes has one failure limit for every
# parameter, so five typos on the floor would lock everybody out. Failed logins per
# address have their own, larger budget instead (below, accounts.login_guard), counted
# for the web login, the admin's and the API token endpoint together.
# tests/test_settings.py proves that W006 is the only warning this silences.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Failed logins per client address, all accounts together: each "count/period" window
# (django-ratelimit syntax) must have room. 30 per 5 minutes stops a spray (the review's
# 30 guesses in 25 s) yet leaves twice the failures of a 500-agent shift start; 300 a day
# caps a slow spray at what the fast limit would allow in 50 minutes.
RELAIS_LOGIN_ADDRESS_RATES = env.list("RELAIS_LOGIN_ADDRESS_RATES", default=["30/5m", "300/d"])
# Password-reset requests: per address (answered with a 429) and per email (silently: the
# page reads the same, no further mail is sent).
RELAIS_PASSWORD_RESET_ADDRESS_RATES = env.list(
    "RELAIS_PASSWORD_RESET_ADDRESS_RATES", default=["20/h"]
)
RELAIS_PASSWORD_RESET_EMAIL_RATES = env.list("RELAIS_PASSWORD_RESET_EMAIL_RATES", default=["3/h"])
# A reset link works once, and for this long.
PASSWORD_RESET_TIMEOUT = env.int("RELAIS_PASSWORD_RESET_HOURS", default=2) * 3600
# How many reverse proxies in front of Relais append to X-Forwarded-For (0: none, use
# REMOTE_ADDR). Every per-address limit (API throttles, login, reset) reads the client
# through accounts.login_guard.client_address or DRF's NUM_PROXIES: the same rule.
RELAIS_TRUSTED_PROXY_COUNT = env.int("RELAIS_TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_USE_CACHE = "default"

# --- Security (check --deploy is clean with DEBUG off; README lists the variables) -----
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 10)
