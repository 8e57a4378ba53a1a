"""The one reader of JSON that comes in from outside (Saleor webhooks and registration, the app's
GraphQL API body and `variables`, the buyer portal, ERP callbacks).

    data = json_read(request.body)            # raises MalformedPayload / InvalidText (coded 400)

- Non-integer numbers become `Decimal` (never float, FACTS.md §11); `NaN`, `Infinity` and
  `-Infinity` are refused (they are not JSON).
- Nesting deeper than `JSON_MAX_DEPTH` (64; real payloads stay under 15) is refused — a body
  nested 10,000 levels used to raise RecursionError (a 500) in the parser or later.
- Invalid UTF-8 and any string (key or value) holding a NUL character or a lone UTF-16
  surrogate are refused: PostgreSQL cannot store them and they answered raw database errors.
  `text_check` applies the same rule to a single string (e.g. a form field).
"""
from __future__ import annotations

import json
import re
from decimal import Decimal

from .errors import BadRequest

JSON_MAX_DEPTH = 64
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class MalformedPayload(BadRequest):
    code = "MALFORMED_PAYLOAD"
    buyer_message = "The request could not be read."
    merchant_message = "The request body is not valid JSON (or nests deeper than the app accepts)."


class InvalidText(BadRequest):
    code = "INVALID_TEXT"
    buyer_message = "The text contains characters that are not allowed (a NUL byte or a broken character)."
    merchant_message = "A text value contains a NUL character or a lone UTF-16 surrogate."


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def text_check(value: str, *, field: str = "text") -> str:
    """`value` unchanged, or InvalidText when it holds a NUL or a lone surrogate."""
    if _BAD_TEXT.search(value):
        raise InvalidText(f"{field} holds a NUL or a lone surrogate")
    return value


def _walk(data, max_depth: int) -> None:
    """Depth and text check without recursion (a deep value must not exhaust the stack here)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            text_check(value)
        elif isinstance(value, (dict, list)):
            if depth > max_depth:
                raise MalformedPayload(f"JSON nests deeper than {max_depth} levels")
            if isinstance(value, dict):
                for key, item in value.items():
                    text_check(key, field="key")
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


def json_read(raw: bytes | str, *, max_depth: int = JSON_MAX_DEPTH, empty=None):
    """Parse one JSON document from outside (see the module docstring). `empty`: what an empty
    body means (None: refused)."""
    if isinstance(raw, (bytes, bytearray, memoryview)):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedPayload("body is not UTF-8") from exc
    if not raw.strip():
        if empty is not None:
            return empty
        raise MalformedPayload("body is empty")
    # Cheap pre-check: a document cannot nest deeper than its count of opening brackets.
    if raw.count("[") + raw.count("{") > max_depth and _max_depth_exceeded(raw, max_depth):
        raise MalformedPayload(f"JSON nests deeper than {max_depth} levels")
    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise MalformedPayload("JSON nests too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, int longer than 4300 digits
        raise MalformedPayload(f"body is not JSON: {str(exc)[:120]}") from exc
    _walk(data, max_depth)
    return data


def _max_depth_exceeded(raw: str, max_depth: int) -> bool:
    """Scan brackets outside strings; True as soon as the nesting passes max_depth."""
    depth = 0
    in_string = escaped = False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False
