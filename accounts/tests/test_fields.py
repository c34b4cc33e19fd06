from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from accounts.fields import MultipleFileField


def _form(*uploads: SimpleUploadedFile, **field_options) -> forms.Form:
    class UploadForm(forms.Form):
        files = MultipleFileField(**field_options)

    return UploadForm(data={}, files=MultiValueDict({"files": list(uploads)}))


def test_every_file_of_the_input_is_kept_in_order():
    form = _form(SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b"))
    assert form.is_valid()
    assert [f.name for f in form.cleaned_data["files"]] == ["a.txt", "b.txt"]


def test_no_file_is_an_empty_list_unless_one_is_required():
    form = _form()
    assert form.is_valid()
    assert form.cleaned_data["files"] == []
    required = _form(required=True)
    assert not required.is_valid()
    assert required.errors["files"] == [forms.Field.default_error_messages["required"]]


def test_an_empty_file_is_refused_as_file_field_refuses_it():
    form = _form(SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("empty.txt", b""))
    assert not form.is_valid()
    assert form.errors["files"] == [forms.FileField.default_error_messages["empty"]]
