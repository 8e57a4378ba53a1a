"""The company page's Collections tab in real Chromium (Playwright, tests/browser.py) inside a
stand-in Dashboard: the company's collections timeline — the reminder the run sent, the buyer's
promise to pay — newest first, without leaving the company."""
from __future__ import annotations

import datetime as dt

import pytest

from saleor_netterms.collections.services import collections_run, dunning_policy_save, promise_make
from saleor_netterms.core.money import Money
from tests.browser import axe_assert_clean, horizontal_overflow, requires_chromium
from tests.collections.conftest import STANDARD_LEVELS, invoice_make
from tests.dashboard.test_browser import dashboard_harness

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture
def company_with_history(installation, company_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply",
                              limit=Money.of("100000", "USD"), billing_contact_email="ap@acme.example",
                              billing_contact_name="Accounts Payable")
    dunning_policy_save(installation=installation, name="Standard", levels=STANDARD_LEVELS[:2], actor="staff",
                        is_default=True)
    invoice = invoice_make(company, amount="1000.00", issue_date="2026-01-05")  # due 2026-02-04
    collections_run(installation=installation, now=dt.datetime(2026, 2, 6, 10, tzinfo=dt.timezone.utc))
    promise_make(company=company, amount=Money.of("1000.00", "USD"), promised_date=dt.date(2026, 2, 20),
                 made_by="ap@acme.example", today=dt.date(2026, 2, 7))
    return company, invoice


def test_the_company_page_shows_its_collections_timeline_as_a_tab(page, live_server, fake_saleor, installation,
                                                                   company_with_history, settings, screenshot):
    company, invoice = company_with_history
    settings.DASHBOARD_ORIGINS = ["http://127.0.0.1:*"]
    query = (f"?domain={fake_saleor.domain}&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    harness = dashboard_harness(app_url=f"{live_server.url}/app/companies/{company.pk}{query}",
                                token=fake_saleor.dashboard_token(expires_in=600))
    try:
        page.goto(f"http://127.0.0.1:{harness.server_port}/")
        app = page.frame_locator("#app")

        # when: the merchant opens the Collections tab of the company
        app.get_by_role("tab", name="Collections").click()

        # then: the promise (newest) and the reminder the run sent, with level and who
        rows = app.locator("#col-rows tr")
        rows.nth(1).wait_for()
        texts = [rows.nth(i).inner_text() for i in range(rows.count())]
        assert app.get_by_role("tab", name="Collections").get_attribute("aria-selected") == "true"
        assert "Promise to pay 1000.00 USD by 2026-02-20 (open)" in texts[0] and "ap@acme.example" in texts[0]
        reminder = next(t for t in texts if "Payment reminder: 1,000.00 USD overdue" in t)
        assert reminder.split("\t")[1:3] == ["Email", "2"]  # the ladder's level 2, "Overdue"
        frame = page.frame(url=lambda url: f"/app/companies/{company.pk}" in url)
        axe_assert_clean(frame)
        assert horizontal_overflow(frame) == []
        screenshot(page, "company-collections-tab")
    finally:
        harness.shutdown()
