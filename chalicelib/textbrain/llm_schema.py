"""A small JSON-Schema subset, checked by hand, for the answers TextBrain asks models for.

Supported keywords: type (one name or a list), properties, required, additionalProperties
(false only), items, enum, minimum, maximum, minItems, maxItems, minLength, maxLength.
That is all the task schemas use; anything else in a schema is ignored.
"""

from __future__ import annotations

from typing import Any

_TYPE_CHECKS: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "number": (int, float),
    "integer": int,
    "boolean": bool,
}


def _has_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    expected = _TYPE_CHECKS.get(name)
    if expected is None:
        return True
    # bool is an int in Python but never a number in JSON.
    if name in ("number", "integer") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, expected)


def schema_problems(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Every way `value` fails `schema`, as "path: problem" lines; empty when it fits."""
    problems: list[str] = []
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_has_type(value, name) for name in names):
            return [f"{path}: expected {' or '.join(names)}, got {_json_type(value)}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: must be one of {schema['enum']!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{path}: {value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{path}: {value} is above the maximum {schema['maximum']}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append(f"{path}: shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(f"{path}: longer than {schema['maxLength']} characters")
    if isinstance(value, dict):
        problems.extend(_object_problems(value, schema, path))
    if isinstance(value, list):
        problems.extend(_array_problems(value, schema, path))
    return problems


def _object_problems(value: dict[str, Any], schema: dict[str, Any], path: str) -> list[str]:
    problems = [
        f"{path}.{name}: is required" for name in schema.get("required", ()) if name not in value
    ]
    properties: dict[str, Any] = schema.get("properties", {})
    for name, sub_value in value.items():
        if name in properties:
            problems.extend(schema_problems(sub_value, properties[name], f"{path}.{name}"))
        elif schema.get("additionalProperties") is False:
            problems.append(f"{path}.{name}: is not allowed")
    return problems


def _array_problems(value: list[Any], schema: dict[str, Any], path: str) -> list[str]:
    problems: list[str] = []
    if "minItems" in schema and len(value) < schema["minItems"]:
        problems.append(f"{path}: fewer than {schema['minItems']} items")
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        problems.append(f"{path}: more than {schema['maxItems']} items")
    items = schema.get("items")
    if isinstance(items, dict):
        for index, item in enumerate(value):
            problems.extend(schema_problems(item, items, f"{path}[{index}]"))
    return problems


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    for name in ("object", "array", "string", "integer", "number"):
        if _has_type(value, name):
            return name
    return type(value).__name__
