import pytest

from saleor_netterms import __version__
from saleor_netterms.saleor_webhooks.manifest import REQUIRED_SALEOR_VERSION
from saleor_netterms.saleor_webhooks.registry import WEBHOOKS

SYNC_EVENTS = ["PAYMENT_GATEWAY_INITIALIZE_SESSION", "TRANSACTION_INITIALIZE_SESSION",
               "TRANSACTION_PROCESS_SESSION", "TRANSACTION_CHARGE_REQUESTED",
               "TRANSACTION_CANCELATION_REQUESTED", "TRANSACTION_REFUND_REQUESTED"]
ASYNC_EVENTS = ["ORDER_CREATED", "ORDER_CONFIRMED", "ORDER_CANCELLED"]


@pytest.fixture
def public_settings(settings):
    settings.APP_PUBLIC_URL = "https://netterms.example.com"
    settings.APP_ID = "saleor.app.netterms"
    settings.APP_NAME = "Net Terms"
    settings.APP_AUTHOR = "saleor-netterms contributors"
    settings.APP_HOMEPAGE_URL = "https://github.com/saleor-netterms/saleor-netterms"
    settings.APP_SUPPORT_URL = "https://github.com/saleor-netterms/saleor-netterms/issues"
    settings.APP_PRIVACY_URL = "https://github.com/saleor-netterms/saleor-netterms/blob/main/PRIVACY.md"
    return settings


def test_manifest_top_level_fields(client, public_settings):
    # when
    response = client.get("/api/manifest")

    # then
    assert response.status_code == 200
    manifest = response.json()
    assert manifest["id"] == "saleor.app.netterms"
    assert manifest["name"] == "Net Terms"
    assert manifest["version"] == __version__
    assert manifest["author"] == "saleor-netterms contributors"
    assert manifest["about"]
    assert manifest["permissions"] == ["HANDLE_PAYMENTS", "MANAGE_ORDERS", "MANAGE_USERS",
                                       "MANAGE_CHECKOUTS"]
    assert manifest["appUrl"] == "https://netterms.example.com/app/"
    assert manifest["tokenTargetUrl"] == "https://netterms.example.com/api/register"
    assert manifest["requiredSaleorVersion"] == REQUIRED_SALEOR_VERSION == ">=3.23 <4"
    assert manifest["supportUrl"] == "https://github.com/saleor-netterms/saleor-netterms/issues"
    assert manifest["homepageUrl"] == "https://github.com/saleor-netterms/saleor-netterms"
    assert manifest["dataPrivacyUrl"] == (
        "https://github.com/saleor-netterms/saleor-netterms/blob/main/PRIVACY.md")
    assert "MANAGE_APPS" not in manifest["permissions"]  # refused by Saleor 3.24 (FACTS §1.1)


def test_manifest_extensions_credit_accounts_review_and_widgets_on_order_and_customer(client, public_settings):
    # when
    manifest = client.get("/api/manifest").json()

    # then
    assert manifest["extensions"] == [{
        "label": "Credit accounts", "mount": "NAVIGATION_CUSTOMERS", "target": "APP_PAGE",
        "permissions": ["HANDLE_PAYMENTS"], "url": "https://netterms.example.com/app/companies",
    }, {
        "label": "Net terms review", "mount": "NAVIGATION_ORDERS", "target": "APP_PAGE",
        "permissions": ["HANDLE_PAYMENTS"], "url": "https://netterms.example.com/app/reviews",
    }, {
        "label": "Net terms", "mount": "ORDER_DETAILS_WIDGETS", "target": "WIDGET",
        "permissions": ["HANDLE_PAYMENTS"], "url": "https://netterms.example.com/app/widgets/order",
        "options": {"widgetTarget": {"method": "GET"}},
    }, {
        "label": "Net terms credit", "mount": "CUSTOMER_DETAILS_WIDGETS", "target": "WIDGET",
        "permissions": ["HANDLE_PAYMENTS"], "url": "https://netterms.example.com/app/widgets/customer",
        "options": {"widgetTarget": {"method": "GET"}},
    }]
    assert all(set(e["permissions"]) <= set(manifest["permissions"]) for e in manifest["extensions"])


def test_manifest_extension_urls_are_routed(client, public_settings):
    # given
    extensions = client.get("/api/manifest").json()["extensions"]

    # when
    statuses = [client.get(e["url"].removeprefix("https://netterms.example.com")).status_code
                for e in extensions]

    # then
    assert statuses == [200, 200, 200, 200]


def test_manifest_webhooks_come_from_the_registry(client, public_settings):
    # when
    webhooks = client.get("/api/manifest").json()["webhooks"]

    # then
    assert [w["name"] for w in webhooks] == [d.slug for d in WEBHOOKS]
    by_name = {w["name"]: w for w in webhooks}
    for event in SYNC_EVENTS:
        slug = event.lower().replace("_", "-")
        entry = by_name[slug]
        assert entry["syncEvents"] == [event]
        assert "asyncEvents" not in entry
        assert entry["targetUrl"] == f"https://netterms.example.com/api/webhooks/{slug}"
        assert entry["isActive"] is True
    for event in ASYNC_EVENTS:
        entry = by_name[event.lower().replace("_", "-")]
        assert entry["asyncEvents"] == [event]
        assert "syncEvents" not in entry
    for definition in WEBHOOKS:
        assert by_name[definition.slug]["query"] == definition.document_path.read_text()


def test_manifest_webhook_target_urls_are_routed(client, public_settings, db):
    # given
    webhooks = client.get("/api/manifest").json()["webhooks"]

    # when
    statuses = {w["name"]: client.get(w["targetUrl"].removeprefix("https://netterms.example.com")).status_code
                for w in webhooks}

    # then: every targetUrl is served (GET is refused with 405, not 404)
    assert set(statuses.values()) == {405}


def test_manifest_refuses_post(client):
    # when
    response = client.post("/api/manifest")

    # then
    assert response.status_code == 405
