"""`{{ form.field|as_field }}`: a form field as django-crispy-forms' bootstrap5 pack renders
it (`|as_crispy_field`), built in Python instead of through crispy's dozen templates and
Django's widget templates per field and per option.

The HTML is the same elements, attributes and text as crispy's (whitespace aside):
`accounts/tests/test_plain_forms.py` renders every kind of field both ways, bound and
unbound, with errors and help texts, and compares them as HTML. A field this module
does not know (a widget outside the list below, a form with a crispy `helper`) is handed
to crispy unchanged.

Known widgets: hidden inputs, text-like inputs (text, email, number, url, search, tel,
date, password), textareas, selects (single and multiple, with groups), radio buttons and
file inputs (single and multiple, not the clearable one with a current file).
Issue 10: crispy's per-field path was a quarter of the ticket and customer pages.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_TEXT_WIDGETS = (forms.TextInput, forms.Textarea)  # Email, Number, URL, Password... are TextInput
_SELECTS = (forms.Select,)  # SelectMultiple, NullBooleanSelect too


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: `name="value"`, a bare name for True, nothing for
    False (and None, as Django's template renders `value is not False` of None as "None";
    widgets never carry None)."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _add_class(widget: forms.Widget, extra: str) -> None:
    """What crispy's `{% crispy_field field 'class' '...' %}` does to the widget (it keeps
    the change on the form's widget, so a second render carries the same classes)."""
    class_name = widget.__class__.__name__.lower()
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for word in extra.split():
        if word not in css_class.split():
            css_class += f" {word}"
    widget.attrs["class"] = css_class


def _option(option: dict[str, Any]) -> str:
    # django/forms/widgets/select_option.html
    label = conditional_escape(str(option["label"]))
    value = conditional_escape(str(option["value"]))
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>'


def _select(field: BoundField) -> str:
    """django/forms/widgets/select.html, from the widget's own context (its optgroups,
    selected values and attributes) without a template per option."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    auto_id = field.auto_id
    if auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    html = [f'<select name="{conditional_escape(context["name"])}"{_attrs(context["attrs"])}>']
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name:
            html.append(f'<optgroup label="{conditional_escape(str(group_name))}">')
        html.extend(_option(option) for option in group_choices)
        if group_name:
            html.append("</optgroup>")
    html.append("</select>")
    return "".join(html)


def _errors_block(field: BoundField) -> str:
    if not field.errors:
        return ""
    items = "".join(
        format_html('<p id="error_{}_{}"><strong>{}</strong></p>', counter, field.auto_id, error)
        for counter, error in enumerate(field.errors, start=1)
    )
    field_id = conditional_escape(field.errors.field_id)
    return f'<div id="{field_id}_error" class="invalid-feedback">{items}</div>'


def _help_text(field: BoundField) -> str:
    if not field.help_text:
        return ""
    id_attr = f'id="{conditional_escape(field.auto_id)}_helptext" ' if field.auto_id else ""
    return f'<div {id_attr}class="form-text">{field.help_text}</div>'


def _radios(field: BoundField) -> str:
    # bootstrap5/layout/radio_checkbox_select.html, without field_class nor inline_class.
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    values = widget.format_value(field.value())
    invalid = " is-invalid" if field.errors else ""
    html = ["<div>"]
    groups = widget.optgroups(field.html_name, values, attrs)
    for group_index, (group, options, _index) in enumerate(groups):
        if group:
            html.append(f"<strong>{conditional_escape(str(group))}</strong>")
        for position, option in enumerate(options):
            html.append('<div class="form-check">')
            html.append(
                f'<input type="{option["type"]}" class="form-check-input{invalid}" '
                f'name="{conditional_escape(field.html_name)}" '
                f'value="{conditional_escape(str(option["value"]))}" {_attrs(option["attrs"])}>'
            )
            html.append(
                f'<label for="{conditional_escape(str(option["attrs"].get("id", "")))}" '
                f'class="form-check-label">{conditional_escape(str(option["label"]))}</label>'
            )
            if field.errors and position == len(options) - 1 and group_index == len(groups) - 1:
                html.append(_errors_block(field))
            html.append("</div>")
    html.append("</div>")
    html.append(_help_text(field))
    return "".join(html)


def _file(field: BoundField) -> str:
    # bootstrap5/layout/field_file.html for a file input without a current value.
    html = []
    for subwidget in field.subwidgets:
        data = subwidget.data
        attrs = data["attrs"]
        css = f" {attrs['class']}" if attrs.get("class") else ""
        invalid = " is-invalid" if field.errors else ""
        rest = _attrs({k: v for k, v in attrs.items() if k != "class"})
        disabled = " disabled" if field.field.disabled else ""
        html.append('<div class="is-invalid">' if field.errors else "<div>")
        html.append(
            f'<input type="{data["type"]}" name="{conditional_escape(data["name"])}" '
            f'class="form-control{conditional_escape(css)}{invalid}"{disabled}{rest}>'
        )
        html.append(_errors_block(field))
        html.append(_help_text(field))
        html.append("</div>")
    return "".join(html)


def _supported(field: BoundField) -> bool:
    widget = field.field.widget
    if getattr(field.form, "helper", None) is not None:
        return False
    if isinstance(widget, forms.HiddenInput):
        return True
    if isinstance(widget, forms.ClearableFileInput) and field.value():
        return False  # the "currently: file, clear" group: crispy's
    if isinstance(widget, forms.RadioSelect) and not isinstance(
        widget, forms.CheckboxSelectMultiple
    ):
        return True
    if isinstance(widget, forms.FileInput):
        return True
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.MultiWidget)):
        return False
    return isinstance(widget, _SELECTS + _TEXT_WIDGETS)


@register.filter
def as_field(field: BoundField) -> SafeString:
    """The field as `|as_crispy_field` renders it (bootstrap5 pack), cheaper."""
    if not isinstance(field, BoundField) or not _supported(field):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)  # type: ignore[no-any-return]
    if field.is_hidden:
        return mark_safe(str(field))  # noqa: S308 - Django rendered it
    widget = field.field.widget
    css = field.css_classes()
    wrapper_class = conditional_escape("mb-3" + (f" {css}" if css else ""))
    html = [f'<div id="div_{conditional_escape(field.auto_id)}" class="{wrapper_class}">']
    use_fieldset = field.use_fieldset
    if field.label:
        if use_fieldset:
            described = (
                f' aria-describedby="{conditional_escape(field.aria_describedby)}"'
                if getattr(field, "aria_describedby", None)
                else ""
            )
            html.append(f"<fieldset{described}>")
        tag = "legend" if use_fieldset else "label"
        for_attr = f'for="{conditional_escape(field.id_for_label)}" ' if field.id_for_label else ""
        required = " requiredField" if field.field.required else ""
        fieldset = " fs-6" if use_fieldset else ""
        star = '<span class="asteriskField">*</span>' if field.field.required else ""
        html.append(
            f'<{tag} {for_attr}class="form-label{required}{fieldset}">'
            f"{conditional_escape(field.label)}{star}</{tag}>"
        )
    if isinstance(widget, forms.RadioSelect):
        html.append(_radios(field))
    elif isinstance(widget, forms.FileInput):
        html.append(_file(field))
    else:
        invalid = " is-invalid" if field.errors else ""
        if isinstance(widget, forms.Select):
            _add_class(widget, f"form-select{invalid}")
            html.append(_select(field))
        else:
            _add_class(widget, f"form-control{invalid}")
            html.append(str(field))
        html.append(_errors_block(field))
        html.append(_help_text(field))
    if use_fieldset and field.label:
        html.append("</fieldset>")
    html.append("</div>")
    return mark_safe("".join(html))  # noqa: S308 - every value escaped above
