"""The widgets the app adds to Saleor's own pages (manifest ORDER_DETAILS_WIDGETS and
CUSTOMER_DETAILS_WIDGETS), in real Chromium inside the stand-in Dashboard, framed as Saleor frames
a GET widget (?orderId= / ?customerId= after the Dashboard's query, then the handshake): a credit
manager on an order sees the decision, the invoice with what is open and the account's position;
on a customer, the credit accounts they buy on; links go through the Dashboard into the app."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest

from saleor_netterms.invoicing.models import Invoice
from tests.browser import axe_assert_clean, requires_chromium
from tests.dashboard.test_every_page import (BUYER_USER_ID, _order_id, book, dashboard,  # noqa: F401
                                             open_in_dashboard, raw_findings)

pytestmark = [pytest.mark.browser, requires_chromium]


def widget_shot(page, name: str) -> None:
    """The widget's card as the Dashboard shows it (NETTERMS_SCREENSHOTS=docs/screenshots/pages)."""
    folder = os.environ.get("NETTERMS_SCREENSHOTS")
    if folder:
        page.set_viewport_size({"width": 520, "height": 420})
        page.locator("#app").screenshot(path=str(Path(folder) / f"{name}.png"))


def test_the_order_widget_shows_the_decision_the_invoice_and_the_position(page, dashboard, book):  # noqa: F811
    # given: order 1002, invoiced and partly paid (500.00 of 800.50)
    gloves = Invoice.objects.get(saleor_order_id=_order_id("1002"), kind="invoice")

    # when
    app = open_in_dashboard(page, dashboard, f"/app/widgets/order?orderId={quote(_order_id('1002'), safe='')}")

    # then
    text = app.locator("#nt-order").inner_text()
    assert "Acme Industrial Supply" in text
    assert "Approved on net terms" in text
    assert f"{gloves.number} Issued $800.50 · open $300.50, due " in text
    assert "Available credit" in text and "Overdue" in text and "1 invoice, oldest 15 days" in text
    assert raw_findings(text) == []
    widget_shot(page, "widget-order")
    axe_assert_clean(app)

    # when the credit manager opens the invoice: the Dashboard is asked to open the app's invoice page
    app.get_by_role("link", name=gloves.number).click()
    redirects = page.evaluate("window.redirects")
    assert [r["to"] for r in redirects] == [f"/extensions/app/{quote(book['acme'].installation.app_id, safe='')}"
                                            f"/invoices/{gloves.pk}"]


def test_the_order_widget_says_when_an_order_was_not_paid_on_net_terms(page, dashboard, book):  # noqa: F811
    # when
    app = open_in_dashboard(page, dashboard, f"/app/widgets/order?orderId={quote(_order_id('9999'), safe='')}")

    # then
    assert app.locator("#nt-order").inner_text() == "This order was not paid on net terms."


def test_the_customer_widget_shows_the_accounts_the_customer_buys_on(page, dashboard, book):  # noqa: F811
    # when
    app = open_in_dashboard(page, dashboard, f"/app/widgets/customer?customerId={quote(BUYER_USER_ID, safe='')}")

    # then
    text = app.locator("#nt-customer").inner_text()
    assert text.startswith("Acme Industrial Supply")
    assert "Available (USD)" in text and "Overdue" in text
    assert "Bolt & Nut GmbH" not in text and "Cobalt Tools Ltd" not in text
    assert raw_findings(text) == []
    widget_shot(page, "widget-customer")
    axe_assert_clean(app)

    # when: a customer who buys on no account
    stranger = open_in_dashboard(page, dashboard, "/app/widgets/customer?customerId=VXNlcjo5OTk%3D")

    # then
    assert stranger.locator("#nt-customer").inner_text().startswith("This customer buys on no credit account.")
