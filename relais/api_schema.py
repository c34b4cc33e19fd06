"""The OpenAPI schema's shared rules (drf-spectacular), so that the schema says what the
API really answers and accepts (docs/security.md, "API contract";
tests/test_api_schemathesis.py checks every operation against it).

- `RelaisAutoSchema` (DEFAULT_SCHEMA_CLASS): output fields say when they can be blank or
  null, and times have the format they are written in.
- `add_error_responses` (a postprocessing hook): every operation documents the API's
  error responses, and request bodies refuse unknown fields.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

# What DRF's TimeField writes ("09:00:00", "17:30:00.250000") and reads. JSON Schema's
# "time" format wants an offset ("09:00:00Z"), which a wall-clock time has not.
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


class RelaisAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, told two things DRF's fields leave out.

    - A read-only field of a ModelSerializer loses its model field's `blank` and `null`
      (DRF builds it with `read_only=True` only), so the schema said a contact's `title`
      is one of its choices when it is often "" and an `organisation` is never null.
      Here the field says what the model allows; a read-only field whose `default` is
      None (`source="ticket.number", default=None`) may be null too.
    - TimeField: a pattern rather than the "time" format (which requires an offset).
    - ListField(allow_empty=False): `minItems: 1`.
    - DecimalField (sent as a string): no minus sign in its pattern when its minimum is
      0 or more.
    """

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        if isinstance(field, serializers.Field) and field.read_only:
            _allow_what_the_model_allows(field)
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.ListField)
            and not field.allow_empty
            and isinstance(schema, dict)
            and schema.get("type") == "array"
        ):
            schema.setdefault("minItems", 1)
        if (
            isinstance(field, serializers.DecimalField)
            and isinstance(schema, dict)
            and field.min_value is not None
            and field.min_value >= 0
            and str(schema.get("pattern", "")).startswith("^-?")
        ):
            # A decimal sent as a string has its bounds in the pattern only: no sign.
            schema["pattern"] = "^" + schema["pattern"][3:]
        if isinstance(field, serializers.TimeField) and isinstance(schema, dict):
            target = schema
            for option in schema.get("oneOf", []):
                if option.get("format") == "time":
                    target = option
            if target.get("format") == "time":
                del target["format"]
                target["pattern"] = TIME_PATTERN
        return schema


def _allow_what_the_model_allows(field: serializers.Field) -> None:
    if field.default is None:
        field.allow_null = True
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or "." in source or source == "*":
        return
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return
    if getattr(model_field, "null", False):
        field.allow_null = True
    if (
        getattr(model_field, "blank", False)
        and isinstance(model_field, models.CharField | models.TextField)
        and isinstance(field, serializers.CharField | serializers.ChoiceField)
    ):
        field.allow_blank = True


# --- Error responses in the schema (docs/security.md, "API contract") -----------------

# Any operation can answer these, whatever its view declares: a bad body or query (400),
# no or a bad token (401), a role that may not (403), an unknown id or URL (404, also
# for a path that does not match any route: relais.errors.not_found), too many requests
# (429, DRF's throttles). Each is added where a view did not declare it.
ERROR_RESPONSES: dict[str, Any] = {
    "400": (_("Invalid input: the errors, field by field."), "ValidationError"),
    "401": (_("No credentials, or invalid ones."), "Error"),
    "403": (_("This role may not do this."), "Error"),
    "404": (_("No such object, or not one this user may see."), "Error"),
    "429": (_("Too many requests: the Retry-After header gives the wait in seconds."), "Error"),
}
VALIDATION_ERROR_DESCRIPTION = _(
    "Errors by field name (a list of messages, or an object for a nested field); "
    "`detail` for an error that is not about one field."
)
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "detail": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    },
    "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents the API's errors
    (ERROR_RESPONSES) in the one JSON shape they have, so that a client (and the
    Schemathesis run, tests/test_api_schemathesis.py) knows every status it may get.

    Request bodies (the `...Request` components) say `additionalProperties: false`: the
    API refuses a body's unknown field (RefuseUnknownFieldsMixin).

    A response a view declared keeps its description; one declared without a body (a
    bare description) gets the error body. A 400 is always the field-by-field shape: an
    `Error` alone (`detail`) would not describe the field errors every input can get.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        },
    )
    schemas["ValidationError"] = {
        **VALIDATION_ERROR_SCHEMA,
        "description": str(VALIDATION_ERROR_DESCRIPTION),
    }
    for name, component in schemas.items():
        # A body's unknown field is refused (RefuseUnknownFieldsMixin): say so.
        if (
            name.endswith("Request")
            and component.get("type") == "object"
            and "additionalProperties" not in component
        ):
            component["additionalProperties"] = False
    for item in result.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            for code, (description, component) in ERROR_RESPONSES.items():
                response = responses.setdefault(code, {"description": str(description)})
                if code == "400" or "content" not in response:
                    ref = {"$ref": f"#/components/schemas/{component}"}
                    response["content"] = {"application/json": {"schema": ref}}
                if not response.get("description"):
                    response["description"] = str(description)
    return result
