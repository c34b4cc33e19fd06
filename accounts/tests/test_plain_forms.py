"""`|as_field` renders what crispy's `|as_crispy_field` renders (issue 10: the same page
for the user, without crispy's per-field templates)."""

from __future__ import annotations

import copy

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html

from accounts.fields import MultipleFileField
from accounts.templatetags.plain_forms import as_field


class Everything(forms.Form):
    name = forms.CharField(label="Nom <b>", max_length=20, help_text="Help <em>html</em>")
    email = forms.EmailField(required=False)
    count = forms.IntegerField(min_value=0, required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "id": "the-body"}))
    colour = forms.ChoiceField(choices=[("r", "Red & rose"), ("g", "Green")])
    grouped = forms.ChoiceField(
        required=False,
        choices=[("", "—"), ("Warm", [("r", "Red"), ("o", "Orange")]), ("Cold", [("b", "Blue")])],
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")], required=False)
    typed = forms.TypedChoiceField(choices=[(1, "Low"), (2, "High")], coerce=int)
    kind = forms.ChoiceField(
        choices=[("public", "Public"), ("note", "Note")],
        widget=forms.RadioSelect,
        initial="public",
        help_text="How it is sent",
    )
    files = MultipleFileField(label="Attachments", help_text="Up to 10 MB")
    upload = forms.FileField(required=False)
    hidden = forms.IntegerField(widget=forms.HiddenInput, required=False)
    styled = forms.CharField(widget=forms.TextInput(attrs={"class": "font-monospace"}))


CASES = {
    "unbound": lambda: Everything(),
    "initial": lambda: Everything(
        initial={
            "name": "<x>",
            "colour": "g",
            "grouped": "o",
            "many": ["1", "2"],
            "typed": 2,
            "kind": "note",
        }
    ),
    "bound, errors": lambda: _bound(
        {
            "name": "x" * 30,
            "email": "nope",
            "count": "-1",
            "colour": "zz",
            "kind": "bad",
            "many": ["9"],
        }
    ),
    "bound, valid": lambda: _bound(
        {"name": "ok", "body": "text", "colour": "r", "typed": "1", "kind": "public", "styled": "s"}
    ),
    "prefixed, auto_id": lambda: Everything(prefix="p", auto_id="x-%s"),
    "no auto_id": lambda: Everything(auto_id=False),
}


def _bound(data: dict) -> Everything:
    form = Everything(data=data)
    form.is_valid()
    return form


@pytest.mark.parametrize("case", list(CASES))
def test_every_field_renders_as_crispy_renders_it(case):
    plain_form, crispy_form = CASES[case](), CASES[case]()
    if plain_form.is_bound:
        plain_form.is_valid()
        crispy_form.is_valid()
    for name in plain_form.fields:
        # Twice: both keep the classes they add on the form's widget.
        for _ in range(2):
            ours = str(as_field(plain_form[name]))
            theirs = str(as_crispy_field(crispy_form[name]))
            assert parse_html(ours) == parse_html(theirs), (case, name, ours, theirs)


def test_a_form_with_a_crispy_helper_is_left_to_crispy():
    from crispy_forms.helper import FormHelper

    form = Everything()
    form.helper = FormHelper()
    form.helper.form_show_labels = False
    other = copy.deepcopy(form)
    assert parse_html(str(as_field(form["name"]))) == parse_html(
        str(as_crispy_field(other["name"]))
    )
    assert "<label" not in str(as_field(form["name"]))
