"""Document tokens never reach a log line, every line is one JSON object (issue 8 §3 "Document
tokens in logs"), and the security headers every response carries ("Framing")."""
import io
import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings

from saleor_netterms.installations.selectors import dashboard_frame_origins_forget
from saleor_netterms import gunicorn_conf
from saleor_netterms.installations.services import installation_mark_removed

TOKEN = "eyJpbnYiOjF9.c2lnbmF0dXJlLXRoYXQtaXMtYS1jcmVkZW50aWFs"


@pytest.fixture
def json_lines():
    """The app's LOGGING config, writing to a buffer: returns a function giving the lines."""
    stream = io.StringIO()
    config = json.loads(json.dumps(django_settings.LOGGING))
    config["handlers"]["console"]["stream"] = stream
    config["handlers"]["console"]["class"] = "logging.StreamHandler"
    logging.config.dictConfig({**config, "handlers": {"console": {**config["handlers"]["console"]}}})
    # dictConfig's StreamHandler takes "stream" as an ext:// reference or an object
    for name in ("", "django", "django.server", "django.request"):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(stream)
    yield lambda: [line for line in stream.getvalue().splitlines() if line]
    logging.config.dictConfig(django_settings.LOGGING)


@pytest.mark.django_db
def test_a_document_link_leaves_no_token_in_any_log_line(client, json_lines):
    # when a signed document link is fetched (a bad one: django.request warns about the 4xx)
    response = client.get(f"/documents/{TOKEN}")
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /documents/{TOKEN} HTTP/1.1", "404", "92")

    # then
    assert response.status_code in (400, 403, 404, 410)
    lines = json_lines()
    assert lines, "nothing was logged"
    assert all(TOKEN not in line and "c2lnbmF0dXJl" not in line for line in lines)
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"saleor_netterms.request", "django.server"} <= {r["logger"] for r in records}
    request_line = next(r for r in records if r["logger"] == "saleor_netterms.request")
    assert request_line["path"] == "/documents/[redacted]"


def test_gunicorns_access_log_is_json_and_redacted():
    # given gunicorn's logging as configured for production

    stream = io.StringIO()
    logging.config.dictConfig(gunicorn_conf.logconfig_dict)
    logging.getLogger("gunicorn.access").handlers[0].setStream(stream)

    # when gunicorn logs an access line (its atoms are a mapping)
    logging.getLogger("gunicorn.access").info(gunicorn_conf.access_log_format, {
        "h": "10.0.0.1", "r": f"GET /documents/{TOKEN} HTTP/1.1", "s": "200", "b": "1234", "M": "31"})
    logging.config.dictConfig(django_settings.LOGGING)

    # then
    record = json.loads(stream.getvalue())
    assert record["msg"] == '10.0.0.1 "GET /documents/[redacted] HTTP/1.1" 200 1234 31ms'


@pytest.mark.django_db
def test_every_response_names_who_may_frame_it(client, installation, settings):
    # given an active installation and a configured extra Dashboard origin
    settings.DASHBOARD_ORIGINS = ["https://dashboard.example.com"]
    dashboard_frame_origins_forget()

    # when
    page = client.get("/app/?saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F")
    api = client.get("/healthz", headers={"saleor-api-url": "https://shop.saleor.test/graphql/"})
    unknown = client.get("/app/?saleorApiUrl=https%3A%2F%2Fother.example%2Fgraphql%2F")

    # then
    ancestors = "frame-ancestors 'self' https://shop.saleor.test https://dashboard.example.com"
    assert page["Content-Security-Policy"].endswith(ancestors)  # (tests run with DEBUG false: no localhost)
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert api["Content-Security-Policy"] == f"{ancestors}; object-src 'none'; base-uri 'none'"
    for response in (page, api):
        assert "X-Frame-Options" not in response
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Permissions-Policy"].startswith("camera=()")
    assert '<meta name="netterms-dashboard-origins" content="https://dashboard.example.com">' in page.content.decode()
    # a page opened for a Saleor that is no installation names only the configured origins
    assert unknown["Content-Security-Policy"].endswith("frame-ancestors 'self' https://dashboard.example.com")
    dashboard_frame_origins_forget()


@pytest.mark.django_db
def test_a_removed_installation_may_no_longer_frame_the_app(client, installation):
    # given

    installation_mark_removed(installation=installation, reason="test")

    # when
    response = client.get("/healthz", headers={"saleor-api-url": "https://shop.saleor.test/graphql/"})

    # then
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'; object-src 'none'; base-uri 'none'"
