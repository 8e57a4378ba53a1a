"""The ERP page (/app/erp) in real Chromium (Playwright), inside a stand-in Dashboard that hands it
the Saleor double's token: add a webhook endpoint (its secret shown once), see its delivery log
fill from a real loopback receiver, redeliver an event (the receiver still processes it once),
and create an API key (shown once) that the ERP API then accepts. axe-core finds no WCAG A/AA
violation on the page."""
from __future__ import annotations

from collections import deque
from urllib.parse import quote

import pytest
import requests

from saleor_netterms.companies.services import company_create
from saleor_netterms.erp.models import ErpApiKey
from saleor_netterms.integration_events.models import IntegrationEvent, WebhookEndpoint
from tests.browser import assert_no_horizontal_overflow, axe_assert_clean, requires_chromium
from tests.dashboard.test_browser import dashboard_harness
from tests.erp_webhooks.receiver import start_receiver
from tests.erp_webhooks.test_delivery import time_passes

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture
def receiver(saleor_http, live_server):
    """The ERP's receiver on loopback; real HTTP to it and to the live app passes the Saleor double's mock."""
    rcv, server = start_receiver([])
    saleor_http.add_passthru(rcv.url.rsplit("/netterms", 1)[0])
    saleor_http.add_passthru(live_server.url)
    yield rcv
    server.shutdown()
    server.server_close()


@pytest.fixture
def erp_page(live_server, fake_saleor, installation, settings, page):
    """The Dashboard (127.0.0.1:<port>) framing /app/erp of the live app; returns (page, frame)."""
    settings.DASHBOARD_ORIGINS = ["http://127.0.0.1:*"]
    query = (f"?domain=shop.saleor.test&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    harness = dashboard_harness(app_url=live_server.url + "/app/erp" + query,
                                token=fake_saleor.dashboard_token(expires_in=600))
    page.goto(f"http://127.0.0.1:{harness.server_port}/?app={quote('/app/erp' + query, safe='')}")
    frame = page.frame_locator("#app")
    frame.get_by_role("heading", name="Webhook endpoints").wait_for()
    frame.get_by_text("No endpoint yet").wait_for()
    yield page, frame
    harness.shutdown()


def _app_frame(page):
    return next(f for f in page.frames if "/app/erp" in f.url)


def test_endpoint_secret_log_redelivery_and_api_key_on_the_erp_page(erp_page, receiver, installation, live_server,
                                                                   screenshot):
    page, frame = erp_page

    # when: the merchant adds an endpoint for company events
    frame.get_by_role("button", name="Add webhook endpoint").click()
    dialog = frame.locator("#nt-endpoint-dialog")
    dialog.get_by_label("URL").fill(receiver.url)
    dialog.get_by_label("Description").fill("SAP PI production")
    dialog.get_by_label("company.created.v1").check()
    dialog.get_by_role("button", name="Add endpoint").click()
    secret_dialog = frame.locator("#nt-secret-dialog")
    secret_dialog.get_by_role("heading", name="Shown once").wait_for()
    secret = frame.locator("#nt-secret").inner_text()
    axe_assert_clean(_app_frame(page))
    secret_dialog.get_by_role("button", name="Done").click()

    # then: the secret was shown once and signs what the endpoint gets
    assert secret.startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get(installation=installation)
    assert (endpoint.url, endpoint.event_types) == (receiver.url, ["company.created"])
    frame.get_by_text(receiver.url).wait_for()
    assert "secret" not in frame.locator("#nt-endpoints").inner_text().lower().replace("rotate secret", "")
    receiver.secrets.append(secret)

    # when: a company is created; the ERP answers 500 the first time, 200 on the retry
    receiver.script.extend([500, 200])
    company_create(installation=installation, legal_name="Acme Industrial Supply", erp_customer_number="C-1000")
    time_passes()
    event = IntegrationEvent.objects.get(type="company.created")
    frame.get_by_role("button", name="Delivery log").click()
    log = frame.locator("#nt-log")
    log.get_by_text("500").wait_for()

    # then: both attempts are in the log, with their answers
    rows = log.locator("tr")
    assert rows.count() == 2
    text = log.inner_text()
    assert text.count(event.public_id) == 2 and "company.created" in text and "200" in text
    assert frame.locator("#nt-log-count").inner_text() == "2 deliveries."  # the log's total count
    frame.locator("#nt-log-card").scroll_into_view_if_needed()
    screenshot(page, "erp-delivery-log")

    # when: the merchant redelivers the event
    rows.first.get_by_role("button", name="Redeliver").click()
    frame.get_by_text(f"Event {event.public_id} is queued again.").wait_for()
    time_passes()
    frame.get_by_role("button", name="Delivery log").click()
    log.locator("tr").nth(2).wait_for()
    frame.locator("#nt-log-count", has_text="3 deliveries.").wait_for()

    # then: a third delivery with the same webhook-id, processed once by the receiver
    assert [d.webhook_id for d in receiver.deliveries] == [event.public_id] * 3
    assert [d.status for d in receiver.deliveries] == [500, 200, 200]
    assert all(d.verified_with == [0] for d in receiver.deliveries)
    assert list(receiver.processed) == [event.public_id]

    # when: an API key with the events:read scope
    frame.get_by_role("button", name="Create API key").click()
    key_dialog = frame.locator("#nt-key-dialog")
    key_dialog.get_by_label("Name").fill("SAP S/4HANA production")
    key_dialog.get_by_label("events:read").check()
    key_dialog.get_by_role("button", name="Create key").click()
    secret_dialog.get_by_role("heading", name="Shown once").wait_for()
    raw = frame.locator("#nt-secret").inner_text()
    secret_dialog.get_by_role("button", name="Done").click()
    frame.locator("#nt-keys").get_by_text("SAP S/4HANA production").wait_for()
    pulled = requests.get(f"{live_server.url}/erp/v1/events", headers={"Authorization": f"Bearer {raw}"}, timeout=10)

    # then: shown once, listed by its prefix only, and it works
    key = ErpApiKey.objects.get(installation=installation)
    assert raw.startswith("ntk_") and key.prefix == raw[:12] and key.scopes == ["events:read"]
    keys_text = frame.locator("#nt-keys").inner_text()
    assert f"{key.prefix}…" in keys_text and raw not in keys_text
    assert pulled.status_code == 200
    assert [e["id"] for e in pulled.json()["events"] if e["type"] == "company.created.v1"] == [event.public_id]
    app = _app_frame(page)
    axe_assert_clean(app)
    assert_no_horizontal_overflow(app)
    screenshot(page, "erp-page")
