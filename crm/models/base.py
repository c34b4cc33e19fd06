"""What the other crm models share: languages, channels, tags and the postal address."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.countries import validate_country


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
