"""The bank reconciliation page (/app/reconciliation) in real Chromium (Playwright, tests/browser.py),
inside a stand-in Dashboard that hands over the Saleor double's token: a credit manager uploads a
camt.053 file, finds the transfer nobody could place, chooses the company by name, allocates it
across two invoices shown by number, confirms — and the ledger says exactly that."""
from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_netterms.payments.models import Payment
from saleor_netterms.reconciliation.models import IncomingPayment, IncomingStatus, StatementFile
from tests.browser import axe_assert_clean, requires_chromium
from tests.dashboard.test_browser import dashboard_harness

from .camt_files import Ntry, Tx, camt
from .conftest import MERCHANT_IBAN, TODAY, open_amount, usd

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture
def credit_installation(installation):
    """The companies and invoices belong to the installation the Dashboard token is for."""
    return installation


@pytest.fixture
def reconciliation_page(page, live_server, fake_saleor, installation, settings):
    settings.DASHBOARD_ORIGINS = ["http://127.0.0.1:*"]
    query = (f"?domain={fake_saleor.domain}&saleorApiUrl=https%3A%2F%2Fshop.saleor.test%2Fgraphql%2F"
             f"&id={fake_saleor.app_id}&theme=light&locale=en-US")
    harness = dashboard_harness(app_url=live_server.url + "/app/reconciliation" + query,
                                token=fake_saleor.dashboard_token(expires_in=600))
    page.goto(f"http://127.0.0.1:{harness.server_port}/")
    yield page, page.frame_locator("#app")
    harness.shutdown()


def test_a_credit_manager_places_an_unreferenced_transfer_on_two_invoices(acme, bank_account, invoice_for, fake_saleor,
                                                                          reconciliation_page, tmp_path, screenshot):
    # given two open invoices of Acme (attached to their Saleor orders) and a statement with a transfer
    # that names neither
    fake_saleor.answer("InvoiceCreate", lambda v: {"data": {"invoiceCreate": {
        "invoice": {"id": f"SW52b2ljZTo{v['number'][-1]}", "number": v["number"], "url": v["url"], "status": "SUCCESS"},
        "errors": []}}})
    first, second = invoice_for(acme, "100.00"), invoice_for(acme, "250.00")
    statement = tmp_path / "day.xml"
    statement.write_bytes(camt(iban=MERCHANT_IBAN, statement_id="STMT-UI-1", opening="0.00", day=TODAY().isoformat(),
                               entries=[Ntry(amount="300.00", ref="BANK-UI-1", booked=TODAY().isoformat(), txs=[
                                   Tx(debtor="Unknown Trading", debtor_iban="FR7630006000011234567890189",
                                      ustrd=["payment november"])])]))
    page, app = reconciliation_page
    app.get_by_text("No statement uploaded yet.").wait_for()

    # when the statement is uploaded through the page
    app.locator("#up-file").set_input_files(str(statement))
    app.get_by_role("button", name="Upload").click()

    # then the page says what the import did, and the transfer waits in the queue
    result = app.locator("#nt-upload-result")
    result.get_by_text("1 new entries").wait_for()
    assert result.inner_text() == ("1 new entries (0 already known): 0 matched, 0 suggested, 1 unmatched, "
                                   "0 counted from another source.")
    queue = app.locator("#nt-queue")
    queue.get_by_text("Unknown Trading").wait_for()
    assert StatementFile.objects.get().filename == "day.xml"

    # when the credit manager opens the decision, finds Acme by name and allocates 100 + 200
    queue.get_by_role("button", name="Decide…").click()
    dialog = app.locator("#nt-decide")
    dialog.get_by_label("Find the company by name").fill("Acme")
    dialog.get_by_role("button", name="Find").click()
    dialog.get_by_label("Acme Industrial Supply").check()
    dialog.get_by_label(f"Amount applied to {first.number}").fill("100.00")
    dialog.get_by_label(f"Amount applied to {second.number}").fill("200.00")
    invoices = dialog.locator("#d-invoices").inner_text()
    assert first.number in invoices and second.number in invoices and "rcv" not in invoices
    assert dialog.locator("#d-rest").inner_text() == "The whole payment is allocated."
    axe_assert_clean(page.frame(url=lambda url: "/app/reconciliation" in url))
    page.wait_for_timeout(300)
    screenshot(page, "reconciliation-decide")
    dialog.get_by_role("button", name="Confirm allocation").click()

    # then the queue is empty, the counts say so, and the ledger holds exactly that allocation
    app.get_by_text("Nothing waits for a match.").wait_for()
    assert app.locator("#nt-counts").inner_text().startswith("0 unmatched · 0 suggested · 1 matched")
    incoming = IncomingPayment.objects.get()
    assert (incoming.status, incoming.company_id) == (IncomingStatus.MATCHED, acme.pk)
    payment = Payment.objects.get()
    assert sorted((a.receivable_id, a.amount) for a in payment.allocations.all()) == sorted([
        (first.receivable_id, Decimal("100.0000")), (second.receivable_id, Decimal("200.0000"))])
    assert (open_amount(first), open_amount(second)) == (usd("0"), usd("50.00"))

    # and the statement shows nothing left to match
    app.get_by_role("button", name="day.xml").click()
    statement_card = app.locator("#nt-statement")
    statement_card.get_by_text("Left to match").wait_for()
    assert "Statement STMT-UI-1" in statement_card.inner_text()
