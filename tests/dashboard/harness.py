"""A stand-in Saleor Dashboard for the browser tests: a loopback HTTP server whose page frames an app
page and answers its notifyReady with the handshake (FACTS.md §8.2). Loopback on purpose: Chromium's
local-network checks refuse a page of unknown address framing the app on localhost."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


def html_server(render: Callable[[str], str]) -> ThreadingHTTPServer:
    """Serve ``render(request path)`` as HTML on 127.0.0.1 (a free port) until ``shutdown()``; an
    empty page is a 404, and the browser's favicon request a 204 (no 404 on the console)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            if self.path.split("?")[0] == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            body = render(self.path).encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
