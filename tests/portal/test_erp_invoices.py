"""Invoices the merchant's ERP issued (invoicing master: ERP) in the buyer portal: listed with
the app's own invoices (status, search, the ledger's open amount, pages, CSV), opened on their
own page (figures, how to pay, the ERP's PDF) and on the statement of account — and never
shown to another company."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.checkout.requests import OrderLine, OrderSnapshot, TransactionActionRequest
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.collections.models import Dispute
from saleor_netterms.companies.models import Company
from saleor_netterms.core.money import Money
from saleor_netterms.erp.models import ErpInvoice
from saleor_netterms.erp.services import erp_invoice_push, erp_payment_post, masters_set
from saleor_netterms.ledger import services as ledger
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.workflows.checkout import transaction_capture

from saleor_netterms.outbox.models import OutboxMessage
from tests.portal.test_portal import customer_token, headers

from .conftest import AP_EMAIL, signed_in

pytestmark = pytest.mark.django_db

PDF_URL = "https://erp.example.com/invoices/{number}.pdf"


def erp_invoice_make(company: Company, *, number: str, gross: str, issue_date: dt.date, due_date: dt.date,
                     tax: str = "0.00", po: str = "", captured: bool = False) -> ErpInvoice:
    """An order on terms (hold → order bound, not invoiced by the app; ``captured``: and captured
    in the Dashboard first, a receivable under the app's own reference) and the ERP's invoice for
    it, pushed through the ERP's use case."""
    key = f"{company.pk}e{number}"
    transaction_id = f"VHJhbnNhY3Rpb25JdGVtOkU{key}"
    tx = NetTermsTransaction.objects.create(
        installation=company.installation, saleor_transaction_id=transaction_id, psp_reference=f"nt-erp-{key}",
        company=company, currency="EUR", amount=Decimal(gross), status=TransactionStatus.AUTHORIZED,
        decision_outcome="approve", po_number=po or f"PO-{key}", terms_days=30, channel_slug="default-channel")
    ledger.hold_place(company=company, money=Money.of(gross, "EUR"), hold_ref=tx.hold_ref,
                      idempotency_key=f"hold:{tx.pk}")
    order_bind(installation=company.installation, order=OrderSnapshot(
        order_id=f"T3JkZXI6RQ{key}", number=f"E{number[-4:]}", status="UNFULFILLED", currency="EUR",
        total_net=gross, total_tax="0.00", total_gross=gross, channel_slug="default-channel", user_email=AP_EMAIL,
        transaction_ids=(transaction_id,), lines=(OrderLine("Drill press", "DP-1", 1, gross, gross, "0.0"),),
        billing_address={"companyName": company.legal_name, "streetAddress1": "Industriestraße 5", "city": "Hamburg",
                         "postalCode": "20095", "country": "DE"}))
    if captured:
        result = transaction_capture(installation=company.installation, request=TransactionActionRequest(
            transaction_id=transaction_id, money=Money.of(gross, "EUR"), request_key=f"capture-{key}"))
        assert result.succeeded, result
    net = Decimal(gross) - Decimal(tax)
    invoice, created = erp_invoice_push(
        installation=company.installation, number=number, saleor_order_id=f"T3JkZXI6RQ{key}", issue_date=issue_date,
        due_date=due_date, currency="EUR", total_net=net, total_tax=Decimal(tax), total_gross=Decimal(gross),
        pdf_url=PDF_URL.format(number=number), actor="erp:test")
    assert created
    return invoice


@pytest.fixture
def erp_world(world):
    """Acme has its three app invoices and, once the merchant switched to its ERP, two ERP
    invoices (one overdue and partly paid, one open); Globex has one ERP invoice of its own."""
    masters_set(installation=world.installation, actor="staff@shop.example", invoices="erp")
    today = dt.date.today()
    overdue = erp_invoice_make(world.acme, number="SAP-9000001", gross="595.00", tax="95.00",
                               issue_date=today - dt.timedelta(days=40), due_date=today - dt.timedelta(days=10),
                               po="PO-SAP-1")
    erp_payment_post(company=world.acme, reference="ERP-PAY-1", money=Money.of("200.00", "EUR"),
                     received_on=today - dt.timedelta(days=3), allocations=[("SAP-9000001", Money.of("200.00", "EUR"))],
                     actor="erp:test")
    current = erp_invoice_make(world.acme, number="SAP-9000002", gross="119.00", tax="19.00",
                               issue_date=today - dt.timedelta(days=1), due_date=today + dt.timedelta(days=29))
    stranger = erp_invoice_make(world.globex, number="SAP-7700001", gross="410.00",
                                issue_date=today - dt.timedelta(days=4), due_date=today + dt.timedelta(days=26))
    return world, overdue, current, stranger


def _numbers(page: str, candidates) -> list[str]:
    positions = sorted((page.index(f">{n}</a>"), n) for n in candidates if f">{n}</a>" in page)
    return [n for _, n in positions]


def test_erp_invoices_are_listed_with_the_apps_newest_first_with_the_ledgers_open_amount(client, erp_world):
    world, overdue, current, stranger = erp_world
    signed_in(client, world.acme, world.admin)
    app = [i.number for i in world.acme_invoices]

    page = client.get("/portal/invoices").content.decode()

    # issued 1, 2, 10, 40 and 45 days ago: the two kinds interleaved by issue date
    assert _numbers(page, app + ["SAP-9000001", "SAP-9000002"]) == [
        "SAP-9000002", app[2], app[1], "SAP-9000001", app[0]]
    assert "SAP-7700001" not in page
    assert page.count('<a href="/portal/invoices/') == 5


def test_erp_invoices_are_searched_filtered_and_paged_in_the_database(client, erp_world, settings):
    world, overdue, current, stranger = erp_world
    signed_in(client, world.acme, world.admin)
    app = [i.number for i in world.acme_invoices]

    found = client.get("/portal/invoices", {"q": "sap-900000"}).content.decode()
    by_po = client.get("/portal/invoices", {"q": "PO-SAP-1"}).content.decode()
    overdue_list = client.get("/portal/invoices", {"status": "overdue"}).content.decode()
    open_list = client.get("/portal/invoices", {"status": "open"}).content.decode()
    stranger_search = client.get("/portal/invoices", {"q": "SAP-77"}).content.decode()
    settings.PORTAL_PAGE_SIZE = 2
    pages = [client.get("/portal/invoices", {"page": n}).content.decode() for n in (1, 2, 3)]

    assert _numbers(found, app + ["SAP-9000001", "SAP-9000002"]) == ["SAP-9000002", "SAP-9000001"]
    assert _numbers(by_po, app + ["SAP-9000001", "SAP-9000002"]) == ["SAP-9000001"]
    assert _numbers(overdue_list, app + ["SAP-9000001", "SAP-9000002"]) == ["SAP-9000001", app[0]]
    assert _numbers(open_list, app + ["SAP-9000001", "SAP-9000002"]) == ["SAP-9000002", app[2], app[1]]
    assert "SAP-7700001" not in stranger_search and "No invoice matches" in stranger_search
    assert [_numbers(p, app + ["SAP-9000001", "SAP-9000002"]) for p in pages] == [
        ["SAP-9000002", app[2]], [app[1], "SAP-9000001"], [app[0]]]


def test_the_csv_export_has_the_erp_invoices_with_exact_figures(client, erp_world):
    world, overdue, current, stranger = erp_world
    signed_in(client, world.acme, world.admin)

    rows = list(csv.reader(io.StringIO(client.get("/portal/invoices.csv", {"q": "SAP"}).content.decode())))

    assert rows[1:] == [
        ["SAP-9000002", current.issue_date.isoformat(), current.due_date.isoformat(), current.receivable.order_number,
         "PO-" + f"{world.acme.pk}eSAP-9000002", "EUR", "119.00", "119.00", "0.00", "open"],
        ["SAP-9000001", overdue.issue_date.isoformat(), overdue.due_date.isoformat(), overdue.receivable.order_number,
         "PO-SAP-1", "EUR", "595.00", "395.00", "0.00", "overdue"]]


def test_an_erp_invoice_has_its_page_with_figures_how_to_pay_and_the_erps_pdf(client, erp_world):
    world, overdue, current, stranger = erp_world
    signed_in(client, world.acme, world.admin)

    response = client.get("/portal/invoices/SAP-9000001")
    page = response.content.decode()
    pdf = client.get("/portal/invoices/SAP-9000001/pdf")
    ubl = client.get("/portal/invoices/SAP-9000001/ubl")

    assert response.status_code == 200

    def eur(amount: str) -> str:
        return f"{amount}\xa0EUR"

    assert f'<dd data-testid="open-amount">{eur("395.00")}</dd>' in page         # 595.00 − the ERP's 200.00
    for label, amount in (("Net", "500.00"), ("Tax", "95.00"), ("Total", "595.00")):
        assert f"<div><dt>{label}</dt><dd>{eur(amount)}</dd></div>" in page
    assert f'<dd data-testid="pay-amount">{eur("395.00")}</dd>' in page
    assert "DE89 3704 0044 0532 0130 00" in page and "COBADEFFXXX" in page     # the merchant's EUR account
    assert '<dd class="mono" data-testid="pay-reference">SAP-9000001</dd>' in page
    assert eur("200.00") in page.split('id="payments-h"')[1]                 # the ERP's payment
    assert pdf.status_code == 302 and pdf["Location"] == "https://erp.example.com/invoices/SAP-9000001.pdf"
    assert ubl.status_code == 404 and "UNKNOWN_FORMAT" in ubl.content.decode()


def test_an_erp_invoice_is_disputed_from_its_page(client, erp_world):
    world, overdue, current, stranger = erp_world
    signed_in(client, world.acme, world.admin)

    response = client.post("/portal/invoices/SAP-9000002/dispute", {"reason": "PRICING", "amount": "19.00",
                                                                   "note": "VAT twice"})

    assert response.status_code == 302
    dispute = Dispute.objects.get(company=world.acme)
    assert (dispute.receivable_id, dispute.amount, dispute.currency) == (current.receivable_id, Decimal("19.0000"), "EUR")
    listed = client.get("/portal/invoices", {"status": "disputed"}).content.decode()
    assert _numbers(listed, ["SAP-9000001", "SAP-9000002"]) == ["SAP-9000002"]


def test_another_companys_erp_invoice_is_never_visible(client, erp_world):
    world, overdue, current, stranger = erp_world
    signed_in(client, world.acme, world.admin)

    detail = client.get("/portal/invoices/SAP-7700001")
    pdf = client.get("/portal/invoices/SAP-7700001/pdf")
    dispute = client.post("/portal/invoices/SAP-7700001/dispute", {"reason": "PRICING"})
    exported = client.get("/portal/invoices.csv").content.decode()

    assert detail.status_code == 404 and "UNKNOWN_INVOICE" in detail.content.decode()
    assert pdf.status_code == 404 and dispute.status_code == 404
    assert "SAP-7700001" not in exported
    assert not Dispute.objects.exists()
    # and Globex sees its own
    signed_in(client, world.globex, world.globex_member)
    assert client.get("/portal/invoices/SAP-7700001").status_code == 200
    assert client.get("/portal/invoices/SAP-9000001").status_code == 404


def test_the_statement_of_account_names_the_erp_invoices_and_their_payment(client, erp_world):
    world, overdue, current, stranger = erp_world
    signed_in(client, world.acme, world.admin)
    start = (dt.date.today() - dt.timedelta(days=60)).isoformat()

    lines = client.get(f"/portal/statements?currency=EUR&from={start}&format=csv").content.decode().splitlines()

    # the ledger's postings: the ERP's invoices under their numbers (booked the day they were
    # pushed), the ERP's payment, and Globex's invoice nowhere
    today = dt.date.today().isoformat()
    assert f"{today},invoice,SAP-9000001,ERP invoice SAP-9000001 (order E0001),595.00,,2025.00" in lines
    assert f"{today},invoice,SAP-9000002,ERP invoice SAP-9000002 (order E0002),119.00,,2144.00" in lines
    assert f"{(dt.date.today() - dt.timedelta(days=3)).isoformat()},payment,ERP-PAY-1,Payment ERP-PAY-1 (erp),,200.00,-200.00" in lines
    assert f"{today},closing_balance,,,,,2144.00" in lines
    assert lines[-1] == "open,549.00,1595.00,0.00,0.00,0.00"    # 80 + 350 + 119 current; 1200 + 395 overdue
    assert not [line for line in lines if "SAP-77" in line]


def test_the_statement_names_an_erp_invoice_attached_to_a_captured_receivable_by_its_number(client, erp_world):
    """Captured in the Dashboard first (the receivable under the app's reference "inv-…"), then
    the ERP pushed its invoice for it: the statement shows the ERP's number, not "inv-…"."""
    world, overdue, current, stranger = erp_world
    today = dt.date.today()
    late = erp_invoice_make(world.acme, number="SAP-9000003", gross="250.00", issue_date=today, captured=True,
                            due_date=today + dt.timedelta(days=30))
    reference = Receivable.objects.get(pk=late.receivable_id).reference
    signed_in(client, world.acme, world.admin)

    lines = client.get(f"/portal/statements?currency=EUR&from={today.isoformat()}&format=csv").content.decode().splitlines()

    assert reference.startswith("inv") and reference != "SAP-9000003"
    captured = [line for line in lines if ",invoice," in line and "250.00" in line]
    assert captured == [f"{today.isoformat()},invoice,SAP-9000003,Capture of nt-erp-{world.acme.pk}eSAP-9000003 "
                        f"(order E0003),250.00,,2394.00"]
    assert not [line for line in lines if f",{reference}," in line]


def test_the_json_dispute_endpoint_takes_an_erp_invoice_once_with_the_same_coded_errors(client, erp_world,
                                                                                         fake_saleor):
    """POST /portal/disputes with an ERP invoice's number: the same rules and codes as for the
    app's invoices (a line needs the app's invoice lines; more than is open; another company's
    number is unknown) with nothing written, and the same request delivered twice is one dispute
    and one notice to the merchant."""
    world, overdue, current, stranger = erp_world
    auth = headers(fake_saleor, customer_token(fake_saleor))

    def post(body):
        return client.post("/portal/disputes", data=json.dumps(body), content_type="application/json", headers=auth)

    foreign = post({"invoice": "SAP-7700001", "reason": "PRICING"})
    line = post({"invoice": "SAP-9000001", "reason": "DAMAGED", "line": 1})
    too_much = post({"invoice": "SAP-9000001", "reason": "PRICING", "amount": "395.01"})
    bad_amount = post({"invoice": "SAP-9000001", "reason": "PRICING", "amount": "12.345"})
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (404, "UNKNOWN_INVOICE")
    assert (line.status_code, line.json()["error"]["code"]) == (400, "UNKNOWN_LINE")
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (400, "DISPUTE_EXCEEDS_OPEN")
    assert (bad_amount.status_code, bad_amount.json()["error"]["code"]) == (400, "INVALID_DISPUTE")
    assert not Dispute.objects.exists()
    assert not OutboxMessage.objects.filter(kind="email.merchant_notice").exists()

    body = {"invoice": "SAP-9000001", "reason": "PRICING", "amount": "95.00", "note": "Wrong VAT rate"}
    first, again = post(body), post(body)

    dispute = Dispute.objects.get()
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() == {
        "dispute": dispute.pk, "status": "open", "invoice": "SAP-9000001", "amount": "95.00", "currency": "EUR",
        "message": "Thank you. We will look into it; the disputed amount is on hold meanwhile."}
    assert (dispute.company_id, dispute.receivable_id, dispute.amount, dispute.reason_code, dispute.note) == (
        world.acme.pk, overdue.receivable_id, Decimal("95.0000"), "PRICING", "Wrong VAT rate")
    notices = list(OutboxMessage.objects.filter(kind="email.merchant_notice").values_list("dedupe_key", flat=True))
    assert notices == [f"merchant-notice:dispute:{dispute.pk}"]
    # the rest of it is still open to dispute: 395.00 − 95.00
    rest = post({"invoice": "SAP-9000001", "reason": "PRICING", "amount": "300.01"})
    assert (rest.status_code, rest.json()["error"]["code"]) == (400, "DISPUTE_EXCEEDS_OPEN")
    assert Dispute.objects.count() == 1


def test_a_combined_remittance_covers_erp_invoices_and_one_transfer_settles_them(client, erp_world):
    """The buyer picks two ERP invoices and one of the app's in the portal: one RF reference for
    their open total; a bank transfer carrying it pays all three, oldest due first, and each
    receivable's ledger balance is exactly zero."""
    from saleor_netterms.invoicing.models import CombinedRemittance
    from saleor_netterms.ledger.selectors import receivable_balance
    from saleor_netterms.payments.models import Payment
    from saleor_netterms.receivables.models import ReceivableStatus
    from saleor_netterms.reconciliation.models import IncomingPayment, IncomingStatus
    from saleor_netterms.reconciliation.services import bank_account_create, statement_import
    from tests.reconciliation.camt_files import Ntry, Tx, camt

    world, overdue, current, stranger = erp_world
    app = world.acme_invoices[2]                                  # 80.00, issued 2 days ago
    signed_in(client, world.acme, world.admin)

    foreign = client.post("/portal/remittances", {"invoice": ["SAP-9000001", "SAP-7700001"]})
    assert foreign.status_code == 400 and "REMITTANCE_INVOICE_NOT_OPEN" in foreign.content.decode()
    assert not CombinedRemittance.objects.exists()

    created = client.post("/portal/remittances", {"invoice": ["SAP-9000002", app.number, "SAP-9000001"]})
    again = client.post("/portal/remittances", {"invoice": ["SAP-9000001", "SAP-9000002", app.number]})

    remittance = CombinedRemittance.objects.get()
    assert created.status_code == again.status_code == 303
    assert created["Location"] == again["Location"] == f"/portal/remittances/{remittance.pk}"
    assert (remittance.total, remittance.currency) == (Decimal("594.0000"), "EUR")   # 395 + 119 + 80
    assert sorted((i.number, i.receivable_id, i.invoice_id, i.amount) for i in remittance.items.all()) == [
        (app.number, app.receivable_id, app.pk, Decimal("80.0000")),
        ("SAP-9000001", overdue.receivable_id, None, Decimal("395.0000")),
        ("SAP-9000002", current.receivable_id, None, Decimal("119.0000"))]
    page = client.get(f"/portal/remittances/{remittance.pk}").content.decode()
    assert '<a href="/portal/invoices/SAP-9000001">SAP-9000001</a>' in page and "DE89 3704 0044 0532 0130 00" in page

    iban = "DE02120300000000202051"
    bank_account_create(installation=world.installation, name="Operating EUR", iban=iban, currency="EUR",
                        actor="staff:test")
    today = dt.date.today().isoformat()
    statement_import(installation=world.installation, filename="eur.xml", uploaded_by="staff:ada", content=camt(
        iban=iban, ccy="EUR", day=today, entries=[Ntry(amount="594.00", ref="BANK-E1", booked=today, txs=[
            Tx(end_to_end="", debtor="Acme Industrial Supply", debtor_iban="DE75512108001245126199", ustrd=[],
               scor=remittance.reference)])]))

    incoming = IncomingPayment.objects.get(amount=Decimal("594.00"))            # (the ERP's 200.00 is the other)
    assert (incoming.status, incoming.rule) == (IncomingStatus.MATCHED, "rf_reference")
    assert incoming.explanation == (
        f"RF reference {remittance.reference} names invoices SAP-9000001, {app.number}, SAP-9000002 (combined "
        f"remittance): 395.00 EUR to SAP-9000001; 80.00 EUR to {app.number}; 119.00 EUR to SAP-9000002.")
    payment = Payment.objects.get(pk=incoming.payment_id)
    assert sorted((a.receivable_id, a.amount) for a in payment.allocations.all()) == sorted([
        (overdue.receivable_id, Decimal("395.0000")), (current.receivable_id, Decimal("119.0000")),
        (app.receivable_id, Decimal("80.0000"))])
    for receivable in (overdue.receivable, current.receivable, app.receivable):
        receivable.refresh_from_db()
        assert receivable.status == ReceivableStatus.PAID
        assert receivable_balance(company=world.acme, currency="EUR",
                                  receivable_ref=receivable.receivable_ref).amount == Decimal(0)
