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

Reading the parsed document by its expected shape (`JsonNode`): every step names where it is, so a
value of the wrong JSON type anywhere — `"order": []`, `"checkout": "x"`, an amount that is an
object, a missing required key — is one coded 400 MALFORMED_PAYLOAD naming the path
("order.lines[0].quantity is not an integer"), never an AttributeError/TypeError (a 500):

    order = JsonNode(payload).obj("order", required=True)
    order.text("id", required=True); order.items("lines"); line.integer("quantity")

`null` and an absent key read the same: an empty object, no items, "" (or the `required` refusal).

Uploaded files (bank statements) are read by `upload_read(request)`: the raw body, or the `file`
part of a multipart form.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

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


class JsonNode:
    """One value of a parsed JSON document and its path (see the module docstring)."""

    __slots__ = ("value", "path")

    def __init__(self, value: Any, path: str = ""):
        self.value = value
        self.path = path

    def __bool__(self) -> bool:
        return self.value is not None

    def _refuse(self, what: str, problem: str):
        where = what or "the payload"
        raise MalformedPayload(f"{where} {problem}",
                               merchant_message=f"The payload does not have the expected shape: {where} {problem}.")

    def _at(self, key: str) -> "JsonNode":
        path = f"{self.path}.{key}" if self.path else key
        if self.value is None:
            return JsonNode(None, path)
        if not isinstance(self.value, dict):
            self._refuse(self.path, "is not an object")
        return JsonNode(self.value.get(key), path)

    def _required(self, node: "JsonNode", required: bool) -> "JsonNode":
        if required and node.value is None:
            self._refuse(node.path, "is missing")
        return node

    def raw(self, key: str, *, required: bool = False) -> Any:
        """The value as it is (for a reader with its own rules, e.g. core.money.amount_parse)."""
        return self._required(self._at(key), required).value

    def obj(self, key: str, *, required: bool = False) -> "JsonNode":
        """An object, or an empty one for null/absent."""
        node = self._required(self._at(key), required)
        if node.value is not None and not isinstance(node.value, dict):
            self._refuse(node.path, "is not an object")
        return node

    def items(self, key: str) -> list["JsonNode"]:
        """A list of objects ([] for null/absent)."""
        node = self._at(key)
        if node.value is None:
            return []
        if not isinstance(node.value, list):
            self._refuse(node.path, "is not a list")
        items = [JsonNode(value, f"{node.path}[{index}]") for index, value in enumerate(node.value)]
        for item in items:
            if not isinstance(item.value, dict):
                self._refuse(item.path, "is not an object")
        return items

    def text(self, key: str, *, required: bool = False, max_length: int = 255, truncate: bool = False) -> str:
        """A string ("" for null/absent) of at most max_length characters (longer: cut when
        `truncate`, else refused); `required`: present and not empty."""
        node = self._at(key)
        if node.value is None or node.value == "":
            self._required(JsonNode(None, node.path), required)
            return ""
        if not isinstance(node.value, str):
            self._refuse(node.path, "is not a string")
        if len(node.value) > max_length and not truncate:
            self._refuse(node.path, f"is longer than {max_length} characters")
        return node.value[:max_length]

    def integer(self, key: str, *, minimum: int = 0, maximum: int = 10 ** 9) -> int:
        """A whole number in [minimum, maximum) (0 for null/absent); `2.0` counts, `true` does not."""
        node = self._at(key)
        value = 0 if node.value is None else node.value
        whole = (not isinstance(value, bool) and isinstance(value, (int, Decimal))
                 and (isinstance(value, int) or value.is_finite()) and minimum <= value < maximum
                 and value == int(value))
        if not whole:
            self._refuse(node.path, f"is not a whole number from {minimum} to {maximum - 1}")
        return int(value)

    def flag(self, key: str) -> bool | None:
        """true or false; None for null/absent (an older subscription document without the field)."""
        node = self._at(key)
        if node.value is not None and not isinstance(node.value, bool):
            self._refuse(node.path, "is not true or false")
        return node.value

    def day(self, key: str, *, required: bool = False) -> date | None:
        """The calendar date of an ISO 8601 date or time ("2026-03-02T09:00:00+00:00"); None for
        null/absent."""
        value = self.text(key, required=required, max_length=64)
        if not value:
            return None
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            self._refuse(f"{self.path}.{key}" if self.path else key, "is not an ISO 8601 date or time")


# --- file uploads ------------------------------------------------------------------------------

class UploadMissing(BadRequest):
    code = "FILE_REQUIRED"
    merchant_message = ("Send the file as the request body (any content type but multipart), or as the "
                        "`file` part of a multipart/form-data body.")


@dataclass(frozen=True)
class Upload:
    content: bytes
    filename: str


def upload_read(request, *, field: str = "file") -> Upload:
    """The uploaded file of a request: the raw body with its name in ``?filename=`` (what a bank
    connector or ``curl --data-binary @file`` sends), or the ``file`` part of a multipart form (what
    ``curl -F file=@…`` and browsers send; its own name wins). The body's size is capped before this
    runs (core.middleware.RequestSizeLimitMiddleware). The name is cut to 255 characters and may not
    carry NUL or control characters."""
    content_type = (request.META.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    filename = request.GET.get("filename", "")
    if content_type == "multipart/form-data":
        try:
            part = request.FILES.get(field)
        except Exception as exc:  # noqa: BLE001 - django's MultiPartParserError and friends: a broken form
            raise MalformedPayload(f"multipart body unreadable: {exc}",
                                   merchant_message="The multipart/form-data body could not be read.") from exc
        if part is None:
            raise UploadMissing(f"no {field!r} part in the multipart body")
        content, filename = part.read(), part.name or filename
    else:
        content = request.body
    if not content:
        raise UploadMissing("empty upload")
    filename = (filename or "upload").strip()[:255]
    text_check(filename, field="filename")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in filename):
        raise InvalidText(f"control character in filename {filename!r}",
                          merchant_message="The file name contains a control character.")
    return Upload(content=content, filename=filename)
