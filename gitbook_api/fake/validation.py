"""Request bodies checked against the operation's schema in the vendored document."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from .errors import ApiError

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.json"

_ZWJ = 0x200D
_MODIFIERS = {0xFE0F, 0xFE0E}
_EMOJI_BLOCKS = [
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2300, 0x23FF),
    (0x2B00, 0x2BFF),
    (0x2190, 0x21FF),
    (0x25A0, 0x25FF),
    (0x2900, 0x297F),
]
_EMOJI_SINGLES = {
    0xA9,
    0xAE,
    0x203C,
    0x2049,
    0x2122,
    0x2139,
    0x24C2,
    0x3030,
    0x303D,
    0x3297,
    0x3299,
}
_CODEPOINTS = re.compile(r"^[0-9a-fA-F]{2,6}(-[0-9a-fA-F]{2,6})*$")


def _is_emoji_codepoint(cp: int) -> bool:
    return cp in _EMOJI_SINGLES or any(low <= cp <= high for low, high in _EMOJI_BLOCKS)


def _is_modifier(cp: int) -> bool:
    return cp in _MODIFIERS or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F


def _is_regional(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def _one_component(cps: list[int]) -> bool:
    if not cps:
        return False
    if _is_regional(cps[0]):
        return len(cps) == 2 and _is_regional(cps[1])
    if chr(cps[0]) in "0123456789#*":  # keycaps: 1️⃣
        return cps[1:] in ([0x20E3], [0xFE0F, 0x20E3])
    return _is_emoji_codepoint(cps[0]) and all(_is_modifier(cp) for cp in cps[1:])


def is_emoji(value: object) -> bool:
    """One emoji, as a character sequence ("🎉", "👩‍💻", "🇫🇷") or codepoints ("1f389")."""
    if not isinstance(value, str):
        return True  # the type check reports non-strings
    if not value:
        return False
    text = value
    if _CODEPOINTS.match(value):
        try:
            text = "".join(chr(int(part, 16)) for part in value.split("-"))
        except (ValueError, OverflowError):
            return False
    codepoints = [ord(char) for char in text]
    components: list[list[int]] = [[]]
    for cp in codepoints:
        if cp == _ZWJ:
            components.append([])
        else:
            components[-1].append(cp)
    return all(_one_component(component) for component in components)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checkers = dict(oas30_format_checker.checkers)
    checker.checks("emoji")(is_emoji)
    return checker


@cache
def load_spec() -> dict:
    return json.loads(SPEC_PATH.read_text())


@cache
def body_validators() -> dict[str, tuple[OAS30Validator, bool]]:
    """For each operation with a request body: its validator and whether the body is required."""
    spec = load_spec()
    checker = _format_checker()
    validators = {}
    for operations in spec["paths"].values():
        for operation in operations.values():
            body = operation.get("requestBody")
            if not body:
                continue
            schema = body["content"]["application/json"]["schema"]
            root = {**schema, "components": spec["components"]}
            validators[operation["operationId"]] = (
                OAS30Validator(root, format_checker=checker),
                bool(body.get("required")),
            )
    return validators


def validate_body(operation_id: str, body: object) -> object:
    """The body, or ``{}`` for an absent optional one; ApiError(400) naming the field otherwise."""
    entry = body_validators().get(operation_id)
    if entry is None:
        return body
    validator, required = entry
    if body is None:
        if required:
            raise ApiError(400, "A JSON request body is required")
        body = {}
    errors = list(validator.iter_errors(body))
    if errors:
        raise ApiError(400, "Invalid request body: " + describe(_most_relevant(errors)))
    return body


def _most_relevant(errors: list[ValidationError]) -> ValidationError:
    leaves = [_closest_leaf(error)[0] for error in errors]
    return max(leaves, key=lambda leaf: len(leaf.path))


def _closest_leaf(error: ValidationError) -> tuple[ValidationError, int, int]:
    """For a oneOf/anyOf failure, the error of the alternative that came closest.

    Returns (leaf error, mismatched enums, errors): an alternative whose ``enum``
    on a present value failed (``kind: path`` against ``kind: site-page``) is
    the wrong alternative, whatever else it says.
    """
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return error, int(error.validator in ("enum", "const")), 1
    by_option: dict[int, list[tuple[ValidationError, int, int]]] = {}
    for sub in error.context:
        by_option.setdefault(sub.relative_schema_path[0], []).append(_closest_leaf(sub))

    def closeness(option: int) -> tuple:
        scored = by_option[option]
        only_missing = all(leaf.validator == "required" for leaf, _, _ in scored)
        return (
            sum(enums for _, enums, _ in scored),
            sum(count for _, _, count in scored),
            only_missing,
            -max(len(leaf.path) for leaf, _, _ in scored),
            option,
        )

    best = min(by_option, key=closeness)
    leaf = max((leaf for leaf, _, _ in by_option[best]), key=lambda item: len(item.path))
    enums, count = closeness(best)[:2]
    return leaf, enums, count


def describe(error: ValidationError) -> str:
    field = ".".join(str(part) for part in error.absolute_path)
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        name = missing[0] if missing else "a property"
        return f"{field + '.' if field else ''}{name} is required"
    field = field or "body"
    if error.validator == "maxLength":
        return f"{field} must be at most {error.validator_value} characters long"
    if error.validator == "minLength":
        return f"{field} must be at least {error.validator_value} characters long"
    if error.validator == "enum":
        choices = ", ".join(
            "null" if value is None else str(value) for value in error.validator_value
        )
        return f"{field} must be one of: {choices}"
    if error.validator == "format" and error.validator_value == "emoji":
        return f"{field} must be a single emoji (a character or a codepoint like 1f389)"
    if error.validator == "format":
        return f"{field} must be a valid {error.validator_value}"
    if error.validator == "minProperties":
        return f"{field} must not be empty"
    if error.validator == "pattern":
        return f"{field} must match the pattern {error.validator_value}"
    if error.validator == "type":
        return f"{field} must be of type {error.validator_value}"
    return f"{field}: {error.message}"
