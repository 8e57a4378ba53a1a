import pytest

from saleor_netterms.saleor_webhooks.models import WebhookDelivery
from tests.fixtures_saleor import dashboard_headers
from tests.saleor_double import default_channel


def test_app_page_renders_shell_with_nav_and_theme(client):
    # when
    response = client.get("/app/?saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F&id=QXBwOjI4&theme=dark")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" data-theme="dark">' in html
    for label, href in [("Overview", "/app/"), ("Credit accounts", "/app/companies"),
                        ("Ledger", "/app/ledger"), ("Payments", "/app/payments")]:
        assert f'href="{href}" data-keep-query>{label}</a>' in html
    assert "dashboard/app-bridge.js" in html and "dashboard/home.js" in html
    assert "X-Frame-Options" not in response  # CSP frame-ancestors names the Dashboard instead


def test_app_page_defaults_to_light_theme(client):
    # when
    html = client.get("/app/").content.decode()

    # then
    assert 'data-theme="light"' in html


def test_app_bridge_script_speaks_the_app_sdk_protocol():
    # given
    from pathlib import Path

    import saleor_netterms.dashboard as dashboard

    script = (Path(dashboard.__file__).parent / "static/dashboard/app-bridge.js").read_text()

    # then: message shapes of saleor/app-sdk src/app-bridge (actions.ts, events.ts)
    assert 'data.type === "handshake" || data.type === "tokenRefresh"' in script
    assert 'event.origin !== dashboardOrigin' in script
    assert 'dispatch("notifyReady", {})' in script
    assert 'headers.set("authorization-bearer"' in script
    assert 'headers.set("saleor-api-url"' in script


@pytest.mark.django_db
def test_session_returns_status_channels_and_warnings(client, fake_saleor, installation):
    # given
    fake_saleor.answer("Channels", {"data": {"channels": [
        default_channel(),
        default_channel(slug="b2b-eu", name="B2B EU", currency="EUR", flow="CHARGE"),
    ]}})
    WebhookDelivery.objects.create(installation=installation, event="ORDER_CREATED", body=b"{}",
                                   body_sha256="0" * 64, outcome="processed")
    WebhookDelivery.objects.create(installation=installation, event="ORDER_CREATED", body=b"{}",
                                   body_sha256="1" * 64, outcome="refused", validity=False)

    # when
    response = client.get("/app/session", headers=dashboard_headers(fake_saleor))

    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    session = response.json()
    assert session["installation"] == {
        "saleorApiUrl": "https://shop.saleor.test/graphql/", "appId": "QXBwOjI4", "status": "active",
        "installedAt": installation.installed_at.isoformat(), "jwksKids": [fake_saleor.kid],
        "jwksFetchedAt": installation.jwks_fetched_at.isoformat()}
    assert session["webhooks24h"] == {"total": 2, "processed": 1, "duplicates": 0, "refused": 1,
                                      "failed": 0, "notRecorded": 0}
    assert [c["slug"] for c in session["channels"]] == ["default-channel", "b2b-eu"]
    assert session["channelsError"] is None
    assert session["warnings"] == [{
        "code": "CHANNEL_CHARGES_IMMEDIATELY", "channel": "b2b-eu",
        "message": ("Channel “B2B EU” uses the CHARGE transaction flow. Net terms must authorize "
                    "at checkout and charge when the invoice is paid: set Default transaction "
                    "flow strategy to AUTHORIZATION in the channel's payment settings.")}, {
        "code": "SELLER_PROFILE_MISSING", "href": "/app/seller",
        "message": ("No seller profile yet: invoices show the fallback seller details from the app's "
                    "configuration and may lack what e-invoicing networks require. Fill in Seller profile.")}]
    assert session["user"] == {"id": "VXNlcjoyMQ==", "email": "admin@example.com"}
    assert [c.operation for c in fake_saleor.calls] == ["Channels"]


@pytest.mark.django_db
def test_session_reports_channels_error_when_saleor_is_down(client, fake_saleor, installation):
    # given
    fake_saleor.fail_next(5, status=503)

    # when
    session = client.get("/app/session", headers=dashboard_headers(fake_saleor)).json()

    # then
    assert session["channels"] is None
    assert session["channelsError"]["code"] == "SALEOR_UNREACHABLE"
    assert [w["code"] for w in session["warnings"]] == ["SELLER_PROFILE_MISSING"]  # no channel warning


@pytest.mark.django_db
def test_session_without_token_is_401_coded(client, fake_saleor, installation):
    # when
    response = client.get("/app/session")

    # then
    assert response.status_code == 401
    assert response.json() == {"error": {
        "code": "MISSING_TOKEN",
        "message": "The authorization-bearer and saleor-api-url headers are required."}}
    assert fake_saleor.calls == []
