"""Form fields every app's forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django docs, "Uploading multiple files"); optional
    unless told otherwise. Each file gets FileField's checks (a name, not empty when
    required); their number, size and type are the services' to check, from the content,
    not from the name the sender chose."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_file_clean = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        uploads = [item for item in items if item]
        if not uploads:
            single_file_clean(None, initial)  # "This field is required." when it is
            return []
        return [single_file_clean(item, initial) for item in uploads]
