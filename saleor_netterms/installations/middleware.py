"""Security headers on every response (issue 8 §3 "Framing").

The app's pages run inside the Saleor Dashboard's iframe, so X-Frame-Options (which cannot name
an origin) is not sent; CSP `frame-ancestors` names who may frame the app instead: the Dashboard
origin of the installation the page was opened for (its `saleorApiUrl` query, when active) and
settings.DASHBOARD_ORIGINS (installations.selectors.dashboard_frame_origins).
HTML pages also get a script/style policy of 'self' only (they have no inline code)."""
from __future__ import annotations

from .selectors import dashboard_frame_origins

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'")


def frame_ancestors(request) -> str:
    api_url = request.GET.get("saleorApiUrl") or request.headers.get("saleor-api-url") or ""
    return " ".join(("'self'", *dashboard_frame_origins(saleor_api_url=api_url)))


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        html = response.get("Content-Type", "").startswith("text/html")
        policy = f"frame-ancestors {frame_ancestors(request)}"
        response["Content-Security-Policy"] = f"{PAGE_POLICY}; {policy}" if html else \
            f"{policy}; object-src 'none'; base-uri 'none'"
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-site" if not html else "cross-origin")
        return response
