"""Structured (JSON line) logs that never contain tokens or personal data.

`RedactingFilter` masks values of sensitive keys in `extra=` and known secret patterns in the
message (bearer tokens, JWS/JWT, e-mail addresses, and the path tokens that are credentials: signed
document links `/documents/<token>` and approval links `/approvals/link/<token>/`). Objects that
are not JSON (a `request` Django attaches to `django.request` records) are written as redacted
text. Every line is one JSON object: the app's loggers, `django.request`, `django.server`
(runserver's access log) and gunicorn's error and access logs (saleor_netterms/gunicorn_conf.py)."""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import datetime, timezone

SENSITIVE_KEYS = {"auth_token", "token", "authorization", "password", "secret", "access_token",
                  "authorization-bearer", "saleor-signature", "email", "user_email", "iban"}
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")
_BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A credential in a URL path: everything after the prefix up to a separator (also URL-encoded).
_PATH_TOKEN = re.compile(r"(/documents/|/approvals/link/)[^\s/?#'\"<>]+")
_STD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact_text(text: str) -> str:
    text = _PATH_TOKEN.sub(r"\1[redacted]", text)
    text = _JWT.sub("[redacted-jwt]", text)
    text = _BEARER.sub("Bearer [redacted]", text)
    return _EMAIL.sub("[redacted-email]", text)


def redact_value(key: str, value):
    if key.lower() in SENSITIVE_KEYS:
        return "[redacted]"
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(key, v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact_text(str(value))  # e.g. the WSGIRequest django.request attaches: its repr has the path


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {k: redact_value(str(k), v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(redact_text(a) if isinstance(a, str) else a for a in record.args)
        for key, value in list(vars(record).items()):
            if key not in _STD_ATTRS:
                setattr(record, key, redact_value(key, value))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": redact_text(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STD_ATTRS:
                payload[key] = redact_value(key, value)
        if record.exc_info:
            payload["exc"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(payload, default=str)
