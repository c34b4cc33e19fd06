from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identity import normalise_email

ERROR_EMAIL_TAKEN = _("A user with this email address already exists.")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return normalise_email(email)

    def get_by_natural_key(self, username: str | None) -> User:
        # Emails are stored normalised, so "Agent@Relais.example" finds its account
        # through the unique index (an iexact lookup could not use it).
        return self.get(email=normalise_email(username))

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not normalise_email(email):
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Customers are crm contacts and never log in here."""

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    # Stored normalised (accounts.identity.normalise_email: manager, services, forms and
    # clean() apply it; a check constraint holds it) and unique case-insensitively (a
    # unique index on lower(email)), so whatever case is typed at login it is one account.
    email = models.EmailField(
        _("email address"),
        max_length=254,
        unique=True,
        error_messages={"unique": ERROR_EMAIL_TAKEN},
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    notification_emails = models.BooleanField(
        _("email me my notifications"),
        default=True,
        help_text=_("SLA warnings and breaches are emailed as well as shown in Relais."),
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("Sees this person's HR records (telework, equipment, onboarding)."),
    )
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Whether the user can log into the Django admin site."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Unselect this instead of deleting accounts: history keeps its authors."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="accounts_user_email_lowercase"
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=ERROR_EMAIL_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @classmethod
    def normalize_username(cls, username: str) -> str:
        # AbstractBaseUser.clean() calls this on USERNAME_FIELD: admin and model forms
        # store the same spelling as the manager and the services.
        return normalise_email(username)

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Team(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", _("Customer service")
        SALES = "sales", _("Sales")
        MARKETING = "marketing", _("Marketing")
        IT = "it", _("IT")
        HR = "hr", _("HR")
        SUPERVISION = "supervision", _("Supervision")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="teams", blank=True
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """Something a member of staff should know: an SLA warning, a handoff outcome..."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    send_email = models.BooleanField(_("send by email"), default=False)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    # The sender's claim (accounts.services.notification_email_deliver): set before the
    # SMTP call, so a second run does not send again; expires after
    # NOTIFICATION_EMAIL_CLAIM_SECONDS so that a worker killed mid-send is made good.
    email_claimed_at = models.DateTimeField(
        _("email being sent since"), null=True, blank=True, editable=False
    )
    urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("Delivered even outside the recipient's contact hours."),
    )
    deliver_after = models.DateTimeField(
        _("held until"),
        null=True,
        blank=True,
        help_text=_(
            "Right to disconnect: shown and emailed from this moment (accounts.reachability)."
        ),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The header badge and the unread panel: unread first, newest first.
            models.Index(
                fields=["recipient", "-created_at"],
                name="notif_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_list_idx"),
            # The release sweep: only held rows are indexed.
            models.Index(
                fields=["deliver_after"],
                name="notif_held_idx",
                condition=models.Q(deliver_after__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url or reverse("accounts:notifications")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
