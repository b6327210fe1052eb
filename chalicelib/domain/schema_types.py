"""The building blocks of the request models: strict types whose JSON Schema says exactly
what their validation accepts, and the translation of pydantic's errors into FieldErrors.

Every request body and query string the API reads is a pydantic model built from these, and
the OpenAPI document is generated from the same models (chalicelib/api/openapi.py), so the
published schema and the validation cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import UnionType
from typing import Annotated, Any, ClassVar, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from chalicelib.domain.errors import FieldError, ValidationError

# Characters no name, path or label may hold: C0 and C1 controls (NUL, newline, escape, DEL
# ...) and the Unicode line and paragraph separators. They split log lines, forge terminal
# output and break every tool that reads a file name.
CONTROL = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
# One or more characters, at least one of them not white space, none of them a control.
TEXT_PATTERN = rf"[^{CONTROL}]*[^\s{CONTROL}][^{CONTROL}]*"
MAX_TEXT = 1000

M = TypeVar("M", bound=BaseModel)
# Ways to say enough when no single field is required: (fields given, fields left out).
Alternatives = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


class StrictModel(BaseModel):
    """A request object: unknown keys are refused and no value is coerced (`"1"` is not 1).

    Optional fields are typed `X | None` for Python, but a client leaves them out: an
    explicit null is refused, and the schema (see `json_schema`) does not offer it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True,
                              json_schema_extra=lambda schema, cls: _alternatives_schema(
                                  schema, getattr(cls, "alternatives", ())))
    # Ways to say enough, when no single field is required: each is (fields that must be
    # given, fields that must then be left out); one of them must hold.
    alternatives: ClassVar[Alternatives] = ()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is None or field.annotation is Any:
            return value
        if value is None:
            raise PydanticCustomError("null", "must not be null (leave it out instead)")
        # JSON has one number type: 3.0 is the integer 3 (as JSON Schema says), 3.5 is not.
        if isinstance(value, float) and value.is_integer() and _takes_int(field.annotation):
            return int(value)
        return value


def _takes_int(annotation: Any) -> bool:
    """Whether a field's type is an integer (optionally None), not also a float."""
    def bare(kind: Any) -> Any:
        return get_args(kind)[0] if get_origin(kind) is Annotated else kind

    top = bare(annotation)
    kinds = [bare(k) for k in get_args(top)] if get_origin(top) in (Union, UnionType) else [top]
    return int in kinds and float not in kinds



def _alternatives_schema(schema: dict[str, Any], alternatives: Alternatives) -> None:
    if alternatives:
        schema["anyOf"] = [{"required": list(needed), "properties": {f: False for f in absent}}
                           if absent else {"required": list(needed)}
                           for needed, absent in alternatives]


def _alternative_errors(model: BaseModel, prefix: str) -> list[FieldError]:
    alternatives: Alternatives = getattr(model, "alternatives", ())
    if not alternatives or any(
            all(getattr(model, f) is not None for f in needed)
            and all(getattr(model, f) is None for f in absent)
            for needed, absent in alternatives):
        return []
    ways = " or ".join(" + ".join(needed) for needed, _ in alternatives)
    given = [f for f in model.model_fields_set if getattr(model, f) is not None]
    for needed, absent in alternatives:  # name what the closest way lacks
        clash = [f for f in absent if f in given]
        if clash and all(f in given for f in needed):
            return [FieldError(_path([f], prefix), f"must not be given with {', '.join(needed)}")
                    for f in clash]
    needed = next((n for n, _ in alternatives if any(f in given for f in n)), alternatives[-1][0])
    return [FieldError(_path([f], prefix), f"is required (give {ways})")
            for f in needed if f not in given]


class Choice:
    """One of fixed values (strings or integers); the schema lists them inline as `enum`."""

    def __init__(self, values: Sequence[str | int]) -> None:
        self.values = list(values)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler
                                     ) -> CoreSchema:
        return core_schema.literal_schema(self.values)


class _NoNullSchema(GenerateJsonSchema):
    """JSON Schema of the request models: optional means "may be left out", never null."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        if schema.get("default") is None:  # "leave it out", not a default of null
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema (2020-12, as OpenAPI 3.1 uses), its sub-models under `$defs`."""
    return model.model_json_schema(schema_generator=_NoNullSchema,
                                   ref_template="#/components/schemas/{model}")


class QueryModel(BaseModel):
    """A query string's parameters: every value arrives as text; unknown names are ignored
    (as before), the declared ones are parsed by their own types."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Pattern:
    """A string that must match `regex` entirely; the same regex is the schema's `pattern`
    (anchored), and `message` is what a client reads when it does not match."""

    def __init__(self, regex: str, message: str) -> None:
        self.regex, self.message = regex, message
        self._compiled = re.compile(regex)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler
                                     ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler
                                     ) -> dict[str, Any]:
        result = dict(handler(schema))
        result["pattern"] = f"^(?:{self.regex})$"
        return result

    def _check(self, value: str) -> str:
        if self._compiled.fullmatch(value) is None:
            raise PydanticCustomError("pattern", self.message)
        return value


def _no_coercion(kind: str) -> Any:
    """A query value for an integer must be written as one."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value) is None:
            raise PydanticCustomError("int_parsing", f"must be {kind}")
        return value

    return BeforeValidator(check)


NON_EMPTY = "must be a non-empty string without control characters"
# A non-empty text without control characters (trimmed where it is used), at most 1000.
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), Pattern(TEXT_PATTERN, NON_EMPTY)]
# The same, where '' is allowed (a reason, a metadata value).
AnyText = Annotated[str, StringConstraints(max_length=MAX_TEXT),
                    Pattern(rf"[^{CONTROL}]*", "must be a string without control characters")]
# A query string's integer: digits only (pydantic alone would accept ' 5' or '5.0').
DIGITS = _no_coercion("an integer")


def field_errors(error: PydanticValidationError, prefix: str = "") -> list[FieldError]:
    """pydantic's errors as the API's: each named by its dotted path (`tracks[0].name`)."""
    found = []
    for e in error.errors(include_url=False):
        path = _path(e["loc"], prefix)
        found.append(FieldError(path or "body", _message(e)))
    return found


def _path(loc: Sequence[int | str], prefix: str) -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "unknown field",
    "string_type": "must be a string",
    "string_unicode": "must be a valid Unicode string",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "finite_number": "must be a finite number",
}


def _message(e: Any) -> str:
    kind, ctx = e["type"], e.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '')}".replace("'", "")
    if kind in ("greater_than_equal", "greater_than"):
        word = "at least" if kind == "greater_than_equal" else "greater than"
        return f"must be {word} {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        word = "at most" if kind == "less_than_equal" else "less than"
        return f"must be {word} {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} entries"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} entries"
    if kind == "value_error":
        return str(ctx.get("error", e["msg"]))
    return str(e["msg"])


def validate(model: type[M], data: Any, *, prefix: str = "",
             context: dict[str, Any] | None = None) -> M:
    """`data` as a `model`, or ValidationError naming every offending field."""
    try:
        result = model.model_validate(data, context=context)
    except PydanticValidationError as e:
        raise ValidationError(field_errors(e, prefix)) from None
    errors = _alternative_errors(result, prefix)
    if errors:
        raise ValidationError(errors)
    return result
