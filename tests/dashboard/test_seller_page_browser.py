"""The seller profile page (/app/seller) in real Chromium (Playwright, tests/browser.py), inside a
stand-in Dashboard that answers the app's notifyReady with the Saleor double's token: a new
merchant is warned, fills in the profile, is told exactly which field the server refused (nothing
saved), saves, adds a bank account and a logo, and the warning goes away."""
from __future__ import annotations

import pytest

from saleor_netterms.sellers.models import SellerProfile
from tests.browser import axe_assert_clean, horizontal_overflow, requires_chromium
from tests.dashboard.test_browser import dashboard_harness
from tests.sellers.test_seller_profile import png

pytestmark = [pytest.mark.browser, requires_chromium]

PNG = png(120, 40)
PROFILE = {
    "legalName": "Muster Industriebedarf GmbH", "street": "Hafenstraße 12", "postalCode": "20457", "city": "Hamburg",
    "country": "DE", "vatId": "DE136695976", "taxNumber": "22/815/08150", "registrationAuthority": "Amtsgericht Hamburg",
    "registrationNumber": "HRB 98765", "contactName": "Erika Muster", "email": "rechnung@muster.example",
    "phone": "+49 40 1234567", "peppolScheme": "9930", "peppolId": "DE136695976",
}


@pytest.fixture
def seller_page(page, live_server, fake_saleor, installation, settings):
    """The page as the Dashboard opens it: framed by a stand-in Dashboard on another origin
    (tests/dashboard/test_browser.py's harness) that hands over the double's token."""
    settings.DASHBOARD_ORIGINS = ["http://127.0.0.1:*"]
    query = (f"?domain={fake_saleor.domain}&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    harness = dashboard_harness(app_url=live_server.url + "/app/seller" + query,
                                token=fake_saleor.dashboard_token(expires_in=600))
    page.goto(f"http://127.0.0.1:{harness.server_port}/")
    yield page, page.frame_locator("#app")
    harness.shutdown()


def test_a_new_merchant_fills_in_the_seller_profile_in_the_dashboard(seller_page, installation, screenshot):
    page, app = seller_page

    # given: no profile yet — the page warns
    warning = app.locator("#s-problems")
    warning.get_by_text("The seller profile is not complete yet.").wait_for()
    assert "No seller profile yet" in warning.inner_text()
    assert app.locator("#s-accounts").inner_text() == "Save the seller profile first."

    # when: the merchant types the profile with a VAT id whose check digit is wrong
    for name, value in PROFILE.items():
        app.locator(f"#s-{name}").fill(value)
    app.locator("#s-vatId").fill("DE136695977")
    app.get_by_role("button", name="Save seller profile").click()

    # then: the server's refusal sits under that field, focused and announced; nothing is saved
    error = app.locator("#s-vatId-error")
    error.wait_for()
    assert "DE136695977" in error.inner_text()
    assert app.locator("#s-vatId").get_attribute("aria-invalid") == "true"
    assert "s-vatId-error" in app.locator("#s-vatId").get_attribute("aria-describedby")
    assert app.locator("#s-vatId").evaluate("el => el === document.activeElement") is True
    assert SellerProfile.objects.filter(installation=installation).count() == 0

    # when: corrected and saved
    app.locator("#s-vatId").fill("DE136695976")
    app.get_by_role("button", name="Save seller profile").click()

    # then: saved as typed; the warning now names the missing bank account
    app.get_by_text("Saved. New invoices use these details.").wait_for()
    profile = SellerProfile.objects.get(installation=installation)
    assert (profile.legal_name, profile.vat_id, profile.contact_name, profile.peppol_scheme, profile.peppol_id) == (
        "Muster Industriebedarf GmbH", "DE136695976", "Erika Muster", "9930", "DE136695976")
    assert app.locator("#s-vatId-error").count() == 0
    app.locator("#s-problems").get_by_text("No bank account: invoices cannot say where to pay.").wait_for()

    # when: an EUR account with a mistyped IBAN, then the right one
    app.locator("#s-a-currency").fill("eur")
    app.locator("#s-a-iban").fill("DE89 3704 0044 0532 0130 01")
    app.get_by_role("button", name="Save bank account").click()
    app.locator("#s-a-iban-error").wait_for()
    assert profile.bank_accounts.count() == 0
    app.locator("#s-a-iban").fill("DE89 3704 0044 0532 0130 00")
    app.locator("#s-a-bic").fill("COBADEFFXXX")
    app.get_by_role("button", name="Save bank account").click()

    # then: the account is listed and stored, and the profile is complete (the warning is gone)
    app.get_by_text("Saved the EUR account.").wait_for()
    row = app.locator("#s-accounts tr").first
    row.get_by_text("IBAN DE89370400440532013000 · BIC COBADEFFXXX").wait_for()
    account = profile.bank_accounts.get()
    assert (account.currency, account.iban, account.bic) == ("EUR", "DE89370400440532013000", "COBADEFFXXX")
    app.locator("#s-problems").wait_for(state="hidden")

    # when: a PNG logo is uploaded
    app.locator("#s-logo-file").set_input_files(files=[{"name": "logo.png", "mimeType": "image/png", "buffer": PNG}])
    app.get_by_role("button", name="Upload logo").click()

    # then: previewed, stored with its content type
    app.get_by_text("Logo saved.").wait_for()
    app.locator("#s-logo-preview img[alt='Current logo']").wait_for()
    profile.refresh_from_db()
    assert (profile.logo_content_type, bytes(profile.logo)) == ("image/png", PNG)

    # and the page itself is accessible and fits the frame
    frame = page.frame(url=lambda url: "/app/seller" in url)
    axe_assert_clean(frame)
    assert horizontal_overflow(frame) == []
    screenshot(page, "seller-profile")
