"""The buyer portal in real Chromium (Playwright on Debian's chromium, tests/browser.py): each
flow of issue 14 as a buyer, an AP clerk, an approver and a company admin would do it, axe-core
(WCAG 2.x A/AA) on every page, the pages at 390 px without sideways scrolling, keyboard use, and
screenshots of the main pages ($NETTERMS_SCREENSHOTS, e.g. docs/portal).

Speed: one Chromium for the session; each test seeds one merchant with two companies once and
walks several pages in one browser context."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.buyer_access.models import PortalSession
from saleor_netterms.collections.models import Dispute, PaymentPromise
from saleor_netterms.companies.models import Member
from saleor_netterms.invoicing.models import CombinedRemittance
from saleor_netterms.outbox.models import OutboxMessage
from tests.browser import assert_no_horizontal_overflow, axe_assert_clean, requires_chromium
from tests.portal.test_portal import customer_token

from .conftest import AP_EMAIL, world_build
from .test_pages import link_path

pytestmark = [pytest.mark.browser, requires_chromium]


def storefront(live_url: str, token: str, api_url: str) -> ThreadingHTTPServer:
    """A stand-in storefront on another origin: its account page holds the README's hand-over form."""
    html = f"""<!doctype html><html lang="en"><head><title>My account</title><link rel="icon" href="data:,"></head><body><main>
<h1>My account</h1>
<form method="post" action="{live_url}/portal/session">
  <input type="hidden" name="token" value="{token}">
  <input type="hidden" name="saleorApiUrl" value="{api_url}">
  <input type="hidden" name="next" value="/portal/">
  <button type="submit">Invoices and credit</button>
</form></main></body></html>""".encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def checked(page, screenshot=None, name: str = "") -> None:
    """Every page: axe-core clean, no sideways overflow, optionally a screenshot."""
    axe_assert_clean(page)
    assert_no_horizontal_overflow(page)
    if screenshot and name:
        screenshot(page, name)


def test_a_buyer_from_the_storefront_finds_pays_and_disputes_invoices(live_server, fake_saleor, installation, page,
                                                                     screenshot):
    world = world_build(installation)
    first, second, _third = world.acme_invoices
    shop = storefront(live_server.url, customer_token(fake_saleor, expires_in=600), fake_saleor.api_url)
    try:
        # the storefront's account page hands the signed-in customer over (a POST; no token in any URL)
        page.goto(f"http://127.0.0.1:{shop.server_address[1]}/")
        page.get_by_role("button", name="Invoices and credit").click()
        page.wait_for_url(f"{live_server.url}/portal/")
        assert "token" not in page.url
    finally:
        shop.shutdown()
    assert page.get_by_test_id("available-EUR").inner_text() == "47,620.00\xa0EUR"
    assert page.get_by_test_id("overdue-EUR").inner_text() == "1,200.00\xa0EUR"
    assert page.evaluate("getComputedStyle(document.querySelector('.top')).borderBottomColor") == "rgb(11, 110, 79)"
    checked(page, screenshot, "overview")

    # keyboard: the first Tab reaches "Skip to content", Enter moves focus to the page's content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # invoices: search by PO number, filter, the list
    page.get_by_role("link", name="Invoices", exact=True).click()
    checked(page, screenshot, "invoices")
    page.get_by_label("Invoice, order or PO number").fill("PO-7781")
    page.get_by_role("button", name="Show").click()
    assert page.locator("tbody tr").count() == 1 and first.number in page.locator("tbody").inner_text()
    page.get_by_label("Invoice, order or PO number").fill("")
    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Show").click()
    assert page.locator("tbody tr").count() == 1
    with page.expect_download() as exported:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.reader(io.StringIO(open(exported.value.path(), encoding="utf-8").read())))
    assert [r[0] for r in rows] == ["invoice", first.number]

    # one invoice: downloads, payment instructions with the EPC QR code
    page.get_by_role("link", name=first.number).click()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download PDF").click()
    assert pdf.value.suggested_filename == f"{first.number}.pdf"
    assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
    assert page.get_by_role("img", name=re.compile("EPC QR code")).is_visible()
    checked(page, screenshot, "invoice")

    # dispute one line: reason, note, submitted with the keyboard
    page.get_by_label("Reason").select_option("DAMAGED")
    page.get_by_label("Line (leave empty for the whole invoice)").select_option("1")
    page.get_by_label("Note").fill("Two wrenches arrived broken")
    page.get_by_label("Note").press("Tab")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="the disputed amount is on hold").wait_for()
    dispute = Dispute.objects.get()
    assert (dispute.line_position, dispute.reason_code, dispute.note) == (1, "DAMAGED", "Two wrenches arrived broken")

    # pay two invoices with one transfer: one reference
    page.goto(f"{live_server.url}/portal/invoices?status=open")
    page.get_by_label(f"Select {second.number}").check()
    page.goto(f"{live_server.url}/portal/invoices")
    page.get_by_label(f"Select {first.number}").check()
    page.get_by_label(f"Select {second.number}").check()
    page.get_by_role("button", name=re.compile("Pay the selected invoices with one transfer")).click()
    remittance = CombinedRemittance.objects.get()
    assert page.get_by_test_id("pay-reference").inner_text() == remittance.reference
    assert page.get_by_test_id("pay-amount").inner_text() == "1,550.00\xa0EUR"
    checked(page, screenshot, "remittance")

    # statement of account for a chosen period, as CSV
    page.get_by_role("link", name="Statement", exact=True).click()
    checked(page, screenshot, "statement")
    page.get_by_label("From").fill((dt.date.today() - dt.timedelta(days=60)).isoformat())
    page.get_by_label("CSV").check()
    with page.expect_download() as statement:
        page.get_by_role("button", name="Download statement").click()
    assert open(statement.value.path(), encoding="utf-8").readline().strip() == "company,Acme Industrial Supply"

    # promise to pay (the admin may)
    page.get_by_role("link", name="Promise to pay").click()
    page.get_by_label("Amount").fill("1200.00")
    page.get_by_label("Date").fill((dt.date.today() + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Promise to pay").click()
    page.get_by_role("status").filter(has_text="We will not send reminders").wait_for()
    assert PaymentPromise.objects.get().amount == 1200
    checked(page, screenshot, "promise")

    # a limit increase, then its history
    page.get_by_role("link", name="Credit", exact=True).click()
    page.get_by_label("New limit").fill("75000")
    page.get_by_label("Why (helps the merchant decide)").fill("New plant in Leipzig")
    page.get_by_role("button", name="Send request").click()
    page.get_by_role("status").filter(has_text="sent to the merchant").wait_for()
    assert ApprovalRequest.objects.get(kind="limit_request").proposed_limit == 75000
    assert "75,000.00\xa0EUR" in page.locator("main").inner_text()
    checked(page, screenshot, "credit")

    page.get_by_role("link", name="Orders", exact=True).click()
    assert page.locator("tbody tr").count() == 4
    checked(page, screenshot, "orders")


def test_an_ap_clerk_signs_in_by_email_link_and_an_approver_approves(live_server, installation, page, screenshot):
    world = world_build(installation)
    shop = world.installation.saleor_api_url

    # the AP clerk asks for a link on the sign-in page
    page.goto(f"{live_server.url}/portal/sign-in?shop={shop}")
    checked(page, screenshot, "sign-in")
    page.get_by_label("E-mail address").fill(AP_EMAIL)
    page.get_by_role("button", name="Send me a sign-in link").click()
    page.get_by_role("status").filter(has_text="we have sent a sign-in link").wait_for()
    message = OutboxMessage.objects.get(kind="email.portal_sign_in")
    page.goto(live_server.url + link_path(message))
    checked(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Billing contact" in page.locator("header").inner_text()
    assert page.get_by_role("link", name="Approvals").count() == 0          # not the clerk's to approve
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/portal/sign-in")

    # the approver signs in the same way and approves the order over the buyer's limit
    page.get_by_label("E-mail address").fill("approver@acme.example")
    page.get_by_role("button", name="Send me a sign-in link").click()
    page.get_by_role("status").wait_for()
    page.goto(live_server.url + link_path(OutboxMessage.objects.filter(kind="email.portal_sign_in").latest("id")))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Approvals").click()
    assert "750.00\xa0EUR" in page.locator("main").inner_text()
    checked(page, screenshot, "approvals")
    page.get_by_label("Comment").fill("Needed for the Leipzig line")
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("status").filter(has_text="Approved").wait_for()
    req = ApprovalRequest.objects.get(kind="buyer_approval")
    assert (req.status, req.decided_by) == ("approved", "buyer:approver@acme.example")
    assert PortalSession.objects.filter(method="email_link").count() == 2


def test_the_company_admin_invites_a_buyer_on_a_phone_in_german(live_server, installation, phone_page, screenshot):
    page = phone_page
    world = world_build(installation)
    from tests.portal.conftest import session_key

    page.context.add_cookies([{"name": "nt_portal", "value": session_key(world.acme, world.admin),
                               "url": live_server.url + "/portal/"}])
    for path, name in (("/portal/?lang=de", "phone-overview-de"), ("/portal/invoices", "phone-invoices-de"),
                       (f"/portal/invoices/{world.acme_invoices[0].number}", "phone-invoice-de"),
                       ("/portal/statements", "phone-statement-de"), ("/portal/promise", "phone-promise-de"),
                       ("/portal/credit-limit", "phone-credit-de"), ("/portal/approvals", ""),
                       ("/portal/orders", ""), ("/portal/company", "")):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "de"
        checked(page, screenshot, name)
    assert "Verfügbar" not in page.locator("main").inner_text()  # the company page
    page.goto(live_server.url + "/portal/?lang=de")
    assert page.get_by_test_id("available-EUR").inner_text() == "47.620,00\xa0EUR"

    # invite a buyer with a spending limit, then deactivate them
    page.get_by_role("link", name="Unternehmen").click()
    page.get_by_label("E-Mail-Adresse").fill("neu@acme.example")
    page.locator("#invite-role").select_option("buyer")
    page.get_by_label("Bestelllimit je Bestellung (optional)").fill("2500,00")
    page.get_by_role("button", name="Einladung senden").click()
    page.get_by_role("status").filter(has_text="Einladung gesendet").wait_for()
    member = Member.objects.get(value="neu@acme.example")
    assert (member.role, member.spending_limit_amount, member.company_id) == ("buyer", 2500, world.acme.pk)
    invite = OutboxMessage.objects.get(kind="email.portal_sign_in")
    assert invite.payload["subject"] == "Sie wurden zum Konto von Acme Industrial Supply eingeladen"
    page.locator(f"form[action='/portal/company/members/{member.pk}']").get_by_role("button", name="Deaktivieren").click()
    page.get_by_role("status").filter(has_text="Deaktiviert").wait_for()
    member.refresh_from_db()
    assert member.is_active is False

    # the billing contact and the default PO rules, from the keyboard-reachable form
    page.get_by_label("Name des Kontakts").fill("Erika Payables")
    page.get_by_label("Rechnungs-E-Mail").fill("payables@acme.example")
    page.get_by_label("Jede Bestellung auf Ziel braucht eine Bestellnummer").check()
    page.get_by_label("Muster der Bestellnummer (optional)").fill("PO-#####")
    page.get_by_role("button", name="Rechnungskontakt und Bestellnummern-Regeln speichern").click()
    page.get_by_role("status").filter(has_text="Rechnungskontakt und Bestellnummern-Regeln gespeichert").wait_for()
    world.acme.refresh_from_db()
    assert (world.acme.billing_contact_name, world.acme.billing_contact_email, world.acme.po_number_required,
            world.acme.po_number_pattern) == ("Erika Payables", "payables@acme.example", True, "PO-#####")
    checked(page, screenshot, "phone-company-de")

    # and in French
    page.goto(live_server.url + "/portal/invoices?lang=fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Factures").count() >= 1
    checked(page, screenshot, "phone-invoices-fr")
