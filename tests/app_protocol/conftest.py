"""Helpers for the app-protocol tests: a stand-in webhook handler whose effect is a row we can
count (handlers/ belong to another area; here only the protocol is under test)."""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django_celery_beat.models import IntervalSchedule

from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.saleor_webhooks.registry import WebhookDefinition

# The "effect" table: any installed table would do; this one has no behaviour of its own.
EffectRow = IntervalSchedule


class HandlerBoom(NetTermsError):
    code = "TEST_HANDLER_BOOM"
    http_status = 503
    merchant_message = "The test handler failed."


class RecordingHandler:
    """Writes one EffectRow per run (every=delivery id) and answers a sync-shaped dict."""

    def __init__(self):
        self.runs: list[dict] = []
        self.delay = 0.0
        self.fail_with: Exception | None = None
        self._lock = threading.Lock()

    def __call__(self, *, installation, payload, delivery) -> dict:
        EffectRow.objects.create(every=delivery.pk, period=IntervalSchedule.SECONDS)
        with self._lock:
            self.runs.append({"installation_id": installation.pk, "payload": payload,
                              "delivery_id": delivery.pk})
        if self.delay:
            time.sleep(self.delay)
        if self.fail_with is not None:
            raise self.fail_with
        action = payload.get("action") or {}
        return {"pspReference": f"nt-{delivery.body_sha256[:12]}", "result": "AUTHORIZATION_SUCCESS",
                "amount": action.get("amount", Decimal("0")), "message": "Net 30 approved"}

    @staticmethod
    def effects() -> int:
        return EffectRow.objects.count()


@pytest.fixture
def handler(monkeypatch) -> RecordingHandler:
    recording = RecordingHandler()
    monkeypatch.setattr(WebhookDefinition, "handler", lambda self: recording)
    return recording
