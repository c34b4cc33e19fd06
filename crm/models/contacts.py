"""Organisations and contacts, with their emails, phones and identifiers elsewhere."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from crm.models.base import Address, Channel, Language, Tag
from crm.validators import validate_legal_id


class Organisation(Address):
    class Size(models.TextChoices):
        MICRO = "micro", _("1-9 employees")
        SMALL = "small", _("10-49 employees")
        MEDIUM = "medium", _("50-249 employees")
        LARGE = "large", _("250-4,999 employees")
        HUGE = "huge", _("5,000 employees or more")

    name = models.CharField(_("name"), max_length=200)
    legal_id = models.CharField(
        _("SIREN / SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_legal_id],
        help_text=_("9 digits (SIREN) or 14 digits (SIRET); spaces are ignored."),
    )
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_organisations",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    # Lower-case, accent-free text of the searchable fields, kept by the services.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["legal_id"], condition=~Q(legal_id=""), name="crm_org_legal_id_unique"
            ),
        ]
        indexes = [models.Index(fields=["name", "id"], name="crm_org_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("crm:organisation_detail", args=[self.pk])


class ContactQuerySet(models.QuerySet["Contact"]):
    def active(self) -> ContactQuerySet:
        """Contacts that are neither merged into another nor erased."""
        return self.filter(merged_into__isnull=True, erased_at__isnull=True)


class Contact(Address):
    class Title(models.TextChoices):
        MR = "mr", _("Mr")
        MRS = "mrs", _("Mrs")
        MX = "mx", _("Mx")
        DR = "dr", _("Dr")

    title = models.CharField(_("title"), max_length=5, choices=Title.choices, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_contacts",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    is_vip = models.BooleanField(_("VIP"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        editable=False,
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")
    # "first last", lower-case and accent-free: typo search and ranking look at the name
    # alone, so a colleague at the "Lefebvre SA" company does not outrank Mrs Lefèvre.
    search_name = models.CharField(max_length=201, editable=False, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "search_name"])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="crm_contact_name_idx"),
            models.Index(fields=["organisation", "last_name"], name="crm_contact_org_idx"),
            # Lists show active contacts only: counting them reads this small index.
            models.Index(
                fields=["last_name", "first_name", "id"],
                name="crm_contact_active_idx",
                condition=Q(merged_into__isnull=True, erased_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="crm_contact_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("crm:contact_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active_record(self) -> bool:
        return self.merged_into_id is None and self.erased_at is None


class ContactEmail(models.Model):
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="emails"
    )
    email = models.EmailField(_("email address"))
    label = models.CharField(_("label"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "email"], name="crm_email_once_per_contact"),
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_primary=True), name="crm_one_primary_email"
            ),
        ]
        # Duplicate detection and search look emails up across all contacts.
        indexes = [models.Index(fields=["email"], name="crm_email_idx")]

    def __str__(self) -> str:
        return self.email


class ContactPhone(models.Model):
    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        LANDLINE = "landline", _("Landline")
        WORK = "work", _("Work")

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="phones"
    )
    number = PhoneNumberField(_("phone number"), region="FR")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOBILE)
    is_primary = models.BooleanField(_("primary"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "number"], name="crm_phone_once_per_contact"
            ),
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_primary=True), name="crm_one_primary_phone"
            ),
        ]
        indexes = [models.Index(fields=["number"], name="crm_phone_idx")]

    def __str__(self) -> str:
        return str(self.number)


class ExternalId(models.Model):
    """The contact's identifier in another system (ERP, billing, telephony...)."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="external_ids"
    )
    system = models.CharField(_("system"), max_length=50)
    value = models.CharField(_("identifier"), max_length=100)

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="crm_external_id_unique"),
        ]
        indexes = [models.Index(fields=["value"], name="crm_external_value_idx")]

    def __str__(self) -> str:
        return f"{self.system}:{self.value}"
