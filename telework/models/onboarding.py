"""The onboarding checklist of one agreement (copied from its policy's steps)."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .policy import Owner


def document_path(instance: Any, filename: str) -> str:
    # A random directory: the name on disk reveals nothing and cannot be guessed.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"telework/onboarding/{uuid.uuid4().hex}/document{suffix}"


class OnboardingItem(models.Model):
    agreement = models.ForeignKey(
        "Agreement",
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="onboarding_items",
    )
    code = models.SlugField(_("code"), max_length=40)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    owner = models.CharField(_("done by"), max_length=10, choices=Owner.choices)
    mandatory = models.BooleanField(_("required before the first day"), default=True)
    requires_document = models.BooleanField(_("needs a document"), default=False)
    due_on = models.DateField(_("due on"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    document = models.FileField(_("document"), upload_to=document_path, blank=True)
    document_name = models.CharField(_("file name"), max_length=255, blank=True)
    document_type = models.CharField(_("file type"), max_length=100, blank=True)
    document_size = models.PositiveIntegerField(_("file size"), null=True, blank=True)
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("onboarding item")
        verbose_name_plural = _("onboarding items")
        ordering = ["agreement", "order", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="telework_onb_open_due_idx",
                condition=models.Q(done_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "code"], name="telework_item_code_once"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        language = translation.get_language() or "fr"
        return self.title_en if language.startswith("en") else self.title_fr

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
