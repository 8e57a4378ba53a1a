import logging
import time

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
