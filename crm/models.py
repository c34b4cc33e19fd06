from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from relais.countries import validate_country

from .validators import validate_legal_id


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    POST = "post", _("Post")


class ConsentPurpose(models.TextChoices):
    """What a consent is for: marketing on a channel, or tracking what the contact does
    with a campaign email (DOMAIN: an open pixel and click tracking need consent for that
    purpose). Stored in `Consent.channel`; the latest row per purpose is the state."""

    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    POST = "post", _("Post")
    OPENS = "opens", _("Email open tracking")
    CLICKS = "clicks", _("Email click tracking")


# ISO 3166-1 alpha-2, upper case (relais.countries): "QQ" and "XX" are refused.
country_code_validator = validate_country


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Address(models.Model):
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="FR", validators=[country_code_validator]
    )

    class Meta:
        abstract = True


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


class Consent(models.Model):
    """One recorded consent decision. Append-only: the latest per channel is the state."""

    class Status(models.TextChoices):
        GIVEN = "given", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentPurpose.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=100, help_text=_("Where it was given: web form, call, paper...")
    )
    proof = models.TextField(
        _("proof"),
        blank=True,
        validators=[MaxLengthValidator(5000)],
        help_text=_("The wording accepted, a call reference, a document number..."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(
                fields=["contact", "channel", "-recorded_at", "-id"], name="crm_consent_latest_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_status_display()}"


class Activity(models.Model):
    """One row of the customer timeline, written by a service with the change it records.

    `kind` is a code registered in `crm.timeline` (later apps add theirs); the source is
    referenced by content type and id, and its link is built from the kind without a query.
    """

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=40)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.CharField(_("summary"), max_length=300)
    # Structured facts (durations, channel...) from which the reader's language renders
    # the line; `summary` is the text stored at write time (user text, search, fallback).
    data = models.JSONField(_("data"), default=dict, blank=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(organisation__isnull=False),
                name="crm_activity_has_subject",
            ),
        ]
        indexes = [
            # The contact page and the organisation page: newest first, keyset-paginated.
            models.Index(
                fields=["contact", "-occurred_at", "-id"], name="crm_activity_contact_idx"
            ),
            models.Index(
                fields=["organisation", "-occurred_at", "-id"], name="crm_activity_org_idx"
            ),
            models.Index(fields=["source_type", "source_id"], name="crm_activity_source_idx"),
        ]

    def __str__(self) -> str:
        return self.summary


class Note(models.Model):
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("note"), validators=[MaxLengthValidator(10_000)])
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:60]


class Call(models.Model):
    """A phone call logged by an agent: the data the phone KPIs (AHT...) are computed from."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        NO_ANSWER = "no_answer", _("No answer")
        VOICEMAIL = "voicemail", _("Voicemail")
        BUSY = "busy", _("Busy")
        ABANDONED = "abandoned", _("Abandoned by the caller")

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="calls",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    number = PhoneNumberField(_("phone number"), region="FR", blank=True)
    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("duration (s)"))
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), default=0)
    hold_seconds = models.PositiveIntegerField(_("hold (s)"), default=0)
    after_call_seconds = models.PositiveIntegerField(_("after-call work (s)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(talk_seconds__lte=F("duration_seconds")),
                name="crm_call_talk_within_duration",
            ),
            models.CheckConstraint(
                condition=Q(hold_seconds__lte=F("duration_seconds")),
                name="crm_call_hold_within_duration",
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "-started_at"], name="crm_call_agent_idx"),
            models.Index(fields=["contact", "-started_at"], name="crm_call_contact_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def handling_seconds(self) -> int:
        """Talk + hold + after-call work: the numerator of AHT."""
        return self.talk_seconds + self.hold_seconds + self.after_call_seconds


class ImportJob(models.Model):
    """A CSV import: validated in full (dry run), then committed all-or-nothing."""

    class Kind(models.TextChoices):
        CONTACTS = "contacts", _("Contacts")
        ORGANISATIONS = "organisations", _("Organisations")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        VALIDATING = "validating", _("Checking")
        VALID = "valid", _("Ready to import")
        INVALID = "invalid", _("Errors found")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="crm/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_rows = models.PositiveIntegerField(_("rows created"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors found"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=F("total_rows")) | Q(total_rows=0),
                name="crm_import_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("crm:import_detail", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class PrivacyLog(models.Model):
    """Who exported or erased a contact's personal data, when and why (GDPR art. 15/17)."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Data export")
        ERASE = "erase", _("Erasure")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # Kept as a plain id: after erasure the contact row remains but holds no identity.
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contact_reference = models.CharField(_("contact reference"), max_length=50)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("performed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    performed_at = models.DateTimeField(_("performed at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("privacy log entry")
        verbose_name_plural = _("privacy log")
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.contact_reference}"


__all__ = [
    "Activity",
    "Call",
    "Channel",
    "Consent",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "ExternalId",
    "ImportJob",
    "Language",
    "Note",
    "Organisation",
    "PrivacyLog",
    "Tag",
]
