"""A real ERP-side receiver on loopback: an HTTP server in a thread that verifies every delivery
with the `standardwebhooks` package (as an integrator would), deduplicates by webhook-id, and
answers from a script (status codes, or a delay longer than the app's timeout)."""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Delivery:
    webhook_id: str
    headers: dict
    body: bytes
    verified_with: list[int]
    status: int


@dataclass
class Receiver:
    secrets: list[str]
    script: deque = field(default_factory=deque)  # items: int status, or ("sleep", seconds, status)
    deliveries: list[Delivery] = field(default_factory=list)
    processed: dict = field(default_factory=dict)  # webhook-id -> parsed body (processed once)
    url: str = ""

    def verify(self, body: bytes, headers: dict) -> list[int]:
        ok = []
        for i, secret in enumerate(self.secrets):
            try:
                Webhook(secret).verify(body, headers)
                ok.append(i)
            except WebhookVerificationError:
                pass
        return ok

    @property
    def accepted(self) -> list[dict]:
        """Bodies the receiver processed, in the order it processed them (one per webhook-id)."""
        return list(self.processed.values())


def start_receiver(secrets: list[str]) -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver(secrets=list(secrets))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            step = receiver.script.popleft() if receiver.script else 200
            if isinstance(step, tuple):
                _, seconds, step = step
                time.sleep(seconds)
            verified = receiver.verify(body, headers)
            status = step if verified else 401
            receiver.deliveries.append(Delivery(headers.get("webhook-id", ""), headers, body, verified, status))
            if 200 <= status < 300 and headers["webhook-id"] not in receiver.processed:
                receiver.processed[headers["webhook-id"]] = json.loads(body)
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"received": status < 300}).encode())
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/netterms/events"
    return receiver, server
