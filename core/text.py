"""One rule for every piece of text a user sends: no NUL, no unpaired surrogate, never echoed.

PostgreSQL cannot store U+0000 in text or jsonb, and a lone surrogate
(U+D800..U+DFFF) cannot be encoded as UTF-8, so a response echoing either one
fails to render. Text fields (REST, sync, import, forms) refuse such input with
``BAD_TEXT_MESSAGE``; choice fields refuse it without repeating the value; and
error structures that are stored or rendered pass through ``safe_errors``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

BAD_TEXT_MESSAGE = "Contains a character that cannot be stored (a NUL or an unpaired surrogate)."
# The deepest JSON a Minimus client ever sends is an export file: document > section > row > field.
MAX_JSON_DEPTH = 32
TOO_DEEP_MESSAGE = f"JSON nested deeper than {MAX_JSON_DEPTH} levels."

_BAD_CODE_POINTS = re.compile("[\x00\ud800-\udfff]")


def has_bad_code_points(value: str) -> bool:
    """True for a NUL or a surrogate code point (a str holding one is an unpaired surrogate)."""
    return _BAD_CODE_POINTS.search(value) is not None


def safe_text(value: str) -> str:
    """``value`` with every NUL and unpaired surrogate replaced by U+FFFD (for messages and logs)."""
    return _BAD_CODE_POINTS.sub("\ufffd", value)


def safe_errors(errors: Any) -> Any:
    """A copy of a (nested) error structure holding only storable, renderable text."""
    if isinstance(errors, str):
        # ErrorDetail is a str subclass: keep its code when nothing needs replacing.
        return errors if not has_bad_code_points(errors) else safe_text(str(errors))
    if isinstance(errors, dict):
        return {safe_text(str(key)): safe_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [safe_errors(item) for item in errors]
    return errors


def reject_bad_text(value: Any) -> None:
    """Validator for DRF and Django fields alike."""
    if isinstance(value, str) and has_bad_code_points(value):
        raise DjangoValidationError(BAD_TEXT_MESSAGE, code="bad_text")


def json_too_deep(document: Any, *, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when parsed JSON nests deeper than ``limit`` (iterative: no recursion to exhaust)."""
    if not isinstance(document, dict | list):
        return False
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        # Only containers go on the stack: a scalar cannot nest (most of a document is scalars).
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONTooDeep(ValueError):
    """A JSON document nested deeper than MAX_JSON_DEPTH."""


def json_loads_bounded(text: str | bytes) -> Any:
    """``json.loads`` that answers JSONTooDeep, never RecursionError, for deep nesting.

    ValueError (JSONTooDeep included) for anything that is not an acceptable JSON document.
    """
    try:
        document = json.loads(text)
    except RecursionError:
        raise JSONTooDeep(TOO_DEEP_MESSAGE) from None
    if json_too_deep(document):
        raise JSONTooDeep(TOO_DEEP_MESSAGE)
    return document


class TextChoiceField(serializers.ChoiceField):
    """A choice field that refuses bad text first and never repeats what was sent."""

    default_error_messages = {
        "invalid_choice": "Not one of the allowed values.",
        "bad_text": BAD_TEXT_MESSAGE,
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and has_bad_code_points(data):
            self.fail("bad_text")
        return super().to_internal_value(data)


class TextFormChoiceField(forms.ChoiceField):
    """The same for HTML forms: Django's message would repeat the value."""

    default_error_messages = {"invalid_choice": "Select one of the offered values."}
    default_validators = [reject_bad_text]


class TextFormCharField(forms.CharField):
    """Django's CharField refuses NUL already; this also refuses unpaired surrogates."""

    default_validators = [reject_bad_text]
