"""The rows of a changelist, rendered as Django's `items_for_result` renders them, for
less (issue 10): Django works out, for every cell of every row, which field a column is,
its classes, whether it links, and reverses the change URL of every row; here that is
done once per page, each row is one string (the template's loop per cell goes), and the
change URL is reversed once with a placeholder for the primary key.

The HTML is Django's, byte for byte (`tests/test_admin_rows.py` compares them on every
changelist that uses it, with filters preserved in the links, empty values, choices,
dates and foreign keys). Anything this does not handle the same way, it leaves to Django:
editable lists (`list_editable`), popups, `to_field`, no links, primary keys that are not
integers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (  # type: ignore[attr-defined]
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

PK_PLACEHOLDER = "0000relaispk0000"

Cell = Callable[[Any], str]


def _can_render(cl: Any) -> bool:
    return (
        not cl.formset
        and not cl.is_popup
        and not cl.to_field
        and cl.list_display_links is not None
        and isinstance(cl.lookup_opts.pk, models.AutoField | models.BigAutoField)
    )


def _url_template(cl: Any) -> str | None:
    """The escaped change URL of a row with PK_PLACEHOLDER for its primary key."""
    try:
        url = reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=(PK_PLACEHOLDER,),
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return None
    url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)
    escaped = str(conditional_escape(url))
    return escaped if escaped.count(PK_PLACEHOLDER) == 1 else None


def _column(cl: Any, index: int, name: Any, link: bool, first: bool, url: str | None) -> Cell:
    """One column's cell renderer: `items_for_result`'s body for this column, with what
    depends on the column only worked out here."""
    admin_empty = cl.model_admin.get_empty_value_display()
    base_class = f"field-{admin_list._coerce_field_name(name, index)}"  # type: ignore[attr-defined]
    pk_attname = cl.lookup_opts.pk.attname
    field = None
    if not callable(name):
        try:
            field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            field = None
    tag = "th" if link and first else "td"

    def wrap(classes: list[str], result_repr: Any, result: Any) -> str:
        row_class = ' class="{}"'.format(" ".join(classes))
        text = str(conditional_escape(result_repr))
        if link:
            if url is None:
                inner = text
            else:
                href = url.replace(PK_PLACEHOLDER, str(getattr(result, pk_attname)))
                inner = f'<a href="{href}">{text}</a>'
            return f"<{tag}{row_class}>{inner}</{tag}>"
        return f"<td{row_class}>{text}</td>"

    if field is not None and not field.auto_created:
        classes = [base_class]
        if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
            classes.append("nowrap")
        many_to_one = isinstance(field.remote_field, models.ManyToOneRel)
        attname = field.name

        def cell(result: Any) -> str:
            try:
                value = getattr(result, attname)
            except ObjectDoesNotExist:
                return wrap([base_class], admin_empty, result)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            if many_to_one:
                result_repr = admin_empty if value is None else value
            else:
                result_repr = display_for_field(value, field, admin_empty, avoid_link=link)
            return wrap(classes, result_repr, result)

        return cell

    def generic(result: Any) -> str:
        # A method, a property, a callable or an auto-created field: Django's own path.
        row_classes = [base_class]
        try:
            _field, attr, value = lookup_field(name, result, cl.model_admin)
        except ObjectDoesNotExist:
            return wrap(row_classes, admin_empty, result)
        empty = getattr(attr, "empty_value_display", admin_empty)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if name == "action_checkbox":
            row_classes = ["action-checkbox"]
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        result_repr = display_for_value(value, empty, boolean)
        if isinstance(value, datetime.date | datetime.time):
            row_classes.append("nowrap")
        return wrap(row_classes, result_repr, result)

    return generic


def results(cl: Any) -> Iterator[Any]:
    """What `admin_list.results` yields, each row as one safe string."""
    if not _can_render(cl):
        yield from admin_list.results(cl)
        return
    url = _url_template(cl)
    columns: list[Cell] = []
    first = True
    for index, name in enumerate(cl.list_display):
        link = name in cl.list_display_links if cl.list_display_links else first
        columns.append(_column(cl, index, name, link, first, url))
        if link:
            first = False
    for result in cl.result_list:
        # Every cell escaped its text (conditional_escape), as format_html does.
        row: SafeString = mark_safe("".join([column(result) for column in columns]))  # noqa: S308
        yield admin_list.ResultList(None, [row])
