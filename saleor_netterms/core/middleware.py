import logging
import time

from django.conf import settings
from django.http import JsonResponse

logger = logging.getLogger("saleor_netterms.request")


class RequestLogMiddleware:
    """One structured line per request: method, path, status, duration. No headers, no bodies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if not request.path.startswith(("/healthz", "/readyz")):
            logger.info("request", extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            })
        return response


def _request_cap(path: str) -> int:
    for prefix, limit in settings.REQUEST_MAX_BYTES.items():
        if path.startswith(prefix):
            return limit
    return settings.REQUEST_MAX_BYTES_DEFAULT


class RequestSizeLimitMiddleware:
    """Refuse a body larger than its route's cap (settings.REQUEST_MAX_BYTES) with a coded 413,
    before anything reads or stores it. The declared Content-Length is checked first; a body
    without one (chunked behind a proxy) is read and measured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cap = _request_cap(request.path)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refusal(400, "BAD_REQUEST", "The Content-Length header is not a number.", request.path)
        too_large = declared > cap
        if not too_large and declared == 0 and request.method in ("POST", "PUT", "PATCH"):
            too_large = len(request.body) > cap
        if too_large:
            logger.warning("request too large", extra={"path": request.path, "declared": declared, "cap": cap})
            return _refusal(413, "PAYLOAD_TOO_LARGE", f"The request body is larger than {cap} bytes.", request.path)
        return self.get_response(request)


def _refusal(status: int, code: str, message: str, path: str = "") -> JsonResponse:
    if path.startswith("/erp/"):  # the ERP API's documented error model (erp_api.schemas.Error)
        return JsonResponse({"code": code, "message": message}, status=status)
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)
