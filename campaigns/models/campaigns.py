"""Segments, campaigns, their recipients (the audience snapshot, the sends and the call
list in one row per contact), tracking numbers and codes, and what was attributed."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Contact
from tickets.models import Queue, Ticket


class Segment(models.Model):
    """Saved rules over contacts, evaluated as one SQL query (campaigns.segments)."""

    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # {"match": "all"|"any", "rules": [{"field", "op", "value"} | nested group]}
    rules = models.JSONField(_("rules"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:segment-edit", args=[self.pk])


class Campaign(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        SMS = "sms", _("SMS (recorded)")
        POST = "post", _("Post (recorded)")
        MIXED = "mixed", _("Mixed")

    class Purpose(models.TextChoices):
        PROMOTION = "promotion", _("Promotion")
        INFORMATION = "information", _("Information")
        RETENTION = "retention", _("Retention")
        # Calls about these may not go to a premium-rate number (L121-16).
        COMPLAINTS = "complaints", _("Complaints")
        AFTER_SALES = "after_sales", _("After-sales")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=150)
    goal = models.CharField(_("goal"), max_length=300, blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.PROMOTION
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    budget = models.DecimalField(
        _("budget (€)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    # Email template, one version per language; placeholders from campaigns.templates.
    subject_fr = models.CharField(_("subject (French)"), max_length=200, blank=True)
    body_fr = models.TextField(_("HTML body (French)"), blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("HTML body (English)"), blank=True)
    # Open and click events are kept only when the consent wording covered tracking.
    track_engagement = models.BooleanField(_("record opens and clicks"), default=False)
    # The agent brief.
    brief_offer = models.TextField(_("offer"), blank=True)
    brief_talking_points = models.TextField(_("talking points"), blank=True)
    brief_faq = models.TextField(_("FAQ"), blank=True)
    call_script = models.TextField(_("call script"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["status", "starts_on"], name="campaigns_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaigns_dates_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def sends_email(self) -> bool:
        return self.channel in (self.Channel.EMAIL, self.Channel.MIXED)

    @property
    def calls(self) -> bool:
        return self.channel in (self.Channel.PHONE, self.Channel.MIXED)


class ExpectedVolume(models.Model):
    """Extra inbound contacts a campaign is expected to bring to a queue, per day while it
    runs (the supervisors' surge warning)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="volumes"
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="+"
    )
    per_day = models.PositiveIntegerField(
        _("expected contacts per day"), validators=[MaxValueValidator(1_000_000)]
    )

    class Meta:
        verbose_name = _("expected volume")
        verbose_name_plural = _("expected volumes")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "queue"], name="campaigns_volume_unique")
        ]

    def __str__(self) -> str:
        return f"{self.queue}: {self.per_day}"


class Recipient(models.Model):
    """One contact of a campaign's snapshot: targeted or excluded (with why), then the
    send's state and its delivery events, or the call list's outcome."""

    class Exclusion(models.TextChoices):
        NO_CONSENT = "no_consent", _("No consent for this purpose")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        ERASED = "erased", _("Erased")
        BOUNCED = "bounced", _("Address bounced or complained")
        NO_ADDRESS = "no_address", _("No address for this channel")
        FREQUENCY_CAP = "frequency_cap", _("Frequency cap reached")

    class Status(models.TextChoices):
        EXCLUDED = "excluded", _("Excluded")
        PENDING = "pending", _("To send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        TARGETED = "targeted", _("Targeted (no email)")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        CALL_BACK = "call_back", _("Call back")
        NOT_INTERESTED = "not_interested", _("Not interested")
        OPPORTUNITY = "opportunity", _("Opportunity flagged")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="recipients"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_recipients",
    )
    email = models.CharField(_("email address"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=5, default="fr")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    exclusion = models.CharField(
        _("excluded because"), max_length=15, choices=Exclusion.choices, blank=True
    )
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    # The send claimed by a task (its id): a redelivered task resumes its own claim.
    claim = models.CharField(max_length=64, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    complained_at = models.DateTimeField(_("complained at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    # The call list.
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, blank=True)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    call_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contact"], name="campaigns_recipient_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="campaigns_rcpt_status_idx"),
            models.Index(fields=["contact", "campaign"], name="campaigns_rcpt_contact_idx"),
            models.Index(fields=["message_id"], name="campaigns_rcpt_msgid_idx"),
            models.Index(
                fields=["campaign", "callback_at"],
                condition=Q(outcome="call_back"),
                name="campaigns_callback_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.contact_id}"


class Suppression(models.Model):
    """An address no campaign mails again (hard bounce, complaint)."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")

    email = models.CharField(_("email address"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class DeliveryEvent(models.Model):
    """A tracking event from the email service provider (anymail) or a bounce caught by
    the inbound mail; unique per provider event, so a webhook retried is harmless."""

    recipient = models.ForeignKey(
        Recipient,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("event"), max_length=20)
    event_id = models.CharField(_("provider event id"), max_length=200, unique=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return self.kind


class RegulatedQueue(models.Model):
    """A queue for complaints or after-sales: French consumer law (L121-16) forbids a
    premium-rate number for it."""

    class Kind(models.TextChoices):
        COMPLAINTS = "complaints", _("Complaints")
        AFTER_SALES = "after_sales", _("After-sales")

    queue = models.OneToOneField(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("complaints or after-sales queue")
        verbose_name_plural = _("complaints and after-sales queues")

    def __str__(self) -> str:
        return f"{self.queue} ({self.get_kind_display()})"


class TrackingNumber(models.Model):
    """A phone number (E.164) or a code assigned to a campaign or to a queue."""

    class RangeClass(models.TextChoices):
        FREE = "free", _("Free (0800-0805)")
        NORMAL = "normal", _("Normal price (0806-0809)")
        PREMIUM = "premium", _("Premium rate (other 08)")
        GEOGRAPHIC = "geographic", _("Ordinary number")

    number = models.CharField(_("number"), max_length=20, blank=True)
    code = models.CharField(_("code"), max_length=30, blank=True)
    range_class = models.CharField(
        _("range"), max_length=10, choices=RangeClass.choices, blank=True, editable=False
    )
    label = models.CharField(_("label"), max_length=120, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tracking_numbers",
    )
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("tracking number")
        verbose_name_plural = _("tracking numbers")
        ordering = ["number", "code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="campaigns_number_unique"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="campaigns_code_unique"
            ),
            models.CheckConstraint(
                condition=~Q(number="") | ~Q(code=""), name="campaigns_number_or_code"
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.code


class Attribution(models.Model):
    """An inbound call or a ticket brought by a campaign."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        TICKET = "ticket", _("Ticket")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="attributions"
    )
    tracking_number = models.ForeignKey(
        TrackingNumber,
        verbose_name=_("tracking number"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attributions",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    phone_call_id = models.PositiveBigIntegerField(_("call"), null=True, blank=True, unique=True)
    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), default=0)
    is_conversion = models.BooleanField(_("conversion"), default=False)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)

    class Meta:
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["campaign", "kind"], name="campaigns_attr_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.kind}"
