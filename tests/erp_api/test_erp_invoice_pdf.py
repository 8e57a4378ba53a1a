"""An ERP-issued invoice may carry its PDF itself (base64): checked to be a readable PDF within the
size cap, kept by the app, attached to the Saleor order through a signed link the buyer can open,
and announced as invoice.issued (issuedBy erp). Every refusal is a coded 4xx with nothing written;
the same invoice delivered twice is one invoice, one PDF, one event."""
import base64
import datetime as dt
import hashlib
import io
import time
import re

import pytest
from django.utils import timezone
from django.core import signing
from reportlab.pdfgen import canvas

from saleor_netterms.checkout.requests import TransactionActionRequest
from saleor_netterms.erp.documents import erp_invoice_pdf_url
from saleor_netterms.erp.models import ErpInvoice, ErpInvoicePdf
from saleor_netterms.erp.services import masters_set
from saleor_netterms.integration_events.models import IntegrationEvent
from saleor_netterms.integration_events.services import event_envelope, event_validate
from saleor_netterms.invoicing.documents.links import document_token
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_deliver
from saleor_netterms.receivables.models import Receivable
from saleor_netterms.workflows.checkout import transaction_capture
from tests.fixtures_credit import ledger_counts
from tests.invoicing.conftest import acme, held_order, order_snapshot, usd  # noqa: F401 - fixtures

TODAY = timezone.localdate
ORDER_ID = "T3JkZXI6YzhmZDg4MmUtNzhmYS00OTk4LTk3NGYtOGNhMWUyNjA4MjI5"


def pdf_bytes(text: str = "Rechnung RE-2026-0815") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def invoice_body(pdf: bytes | None = None, **change) -> dict:
    body = {"number": "RE-2026-0815", "orderId": ORDER_ID, "issueDate": TODAY().isoformat(),
            "dueDate": (TODAY() + dt.timedelta(days=45)).isoformat(), "currency": "USD", "totalNet": "180.00",
            "totalTax": "0.00", "totalGross": "180.00"}
    if pdf is not None:
        body["pdfBase64"] = base64.b64encode(pdf).decode()
    return {**body, **change}


@pytest.fixture
def captured(installation, company_factory, member_factory, held_order, erp_key):
    """The ERP issues this installation's invoices; an order of C-1000 was captured (180.00)."""
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply", limit=usd("5000"),
                              erp_customer_number="C-1000")
    member_factory(company=company, value="VXNlcjo2")
    masters_set(installation=installation, actor="staff@shop.example", invoices="erp")
    tx = held_order(company=company, amount="180.00",
                    order=order_snapshot(order_id=ORDER_ID, transaction_id="VHJhbnNhY3Rpb25JdGVtOjE=", number="36"),
                    transaction_id="VHJhbnNhY3Rpb25JdGVtOjE=")
    transaction_capture(installation=installation, request=TransactionActionRequest(
        transaction_id=tx.saleor_transaction_id, money=usd("180.00"), request_key="c1"))
    return erp_key(installation=installation)


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_an_erp_invoice_with_its_pdf_file_is_kept_attached_by_a_signed_link_and_served_to_the_buyer(
        erp, client, captured, fake_saleor):
    # given
    pdf = pdf_bytes()
    fake_saleor.answer("InvoiceCreate", lambda v: {"data": {"invoiceCreate": {
        "invoice": {"id": "SW52b2ljZTo3", "number": v["number"], "url": v["url"], "status": "SUCCESS"},
        "errors": []}}})

    wrapped = base64.encodebytes(pdf).decode()  # MIME base64: a line break every 76 characters

    # when
    pushed = erp("POST", "/invoices", invoice_body(pdf), key=captured, idem="inv-1")
    replayed = erp("POST", "/invoices", invoice_body(pdf), key=captured, idem="inv-1")
    again = erp("POST", "/invoices", invoice_body(pdfBase64=wrapped), key=captured, idem="inv-2")  # delivered twice
    (message,) = OutboxMessage.objects.filter(kind="saleor.erp_invoice_create")
    outbox_deliver(message_id=message.pk)
    (create,) = fake_saleor.calls_for("InvoiceCreate")
    served = client.get(create.variables["url"].removeprefix("http://127.0.0.1:8000"))

    # then
    digest = hashlib.sha256(pdf).hexdigest()
    assert pushed.status_code == 201
    assert pushed.data["pdf"] == {"stored": True, "size": len(pdf), "sha256": digest}
    assert (replayed.status_code, replayed["Idempotent-Replayed"], replayed.data) == (201, "true", pushed.data)
    assert (again.status_code, again.data["created"]) == (200, False)
    assert (ErpInvoice.objects.count(), ErpInvoicePdf.objects.count(), Receivable.objects.count()) == (1, 1, 1)
    stored = ErpInvoicePdf.objects.get()
    assert (bytes(stored.content), stored.sha256, ErpInvoice.objects.get().pdf_url) == (pdf, digest, "")
    assert create.variables["number"] == "RE-2026-0815"
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/documents/erp/[\w:.-]+", create.variables["url"])
    assert served.status_code == 200
    assert (served["Content-Type"], served.content) == ("application/pdf", pdf)
    assert served["Content-Disposition"] == 'attachment; filename="RE-2026-0815.pdf"'
    assert served["Cache-Control"] == "private, no-store"
    (issued,) = IntegrationEvent.objects.filter(type="invoice.issued")
    assert event_validate(event_envelope(issued)) == []
    assert (issued.versioned_type, issued.data["issuedBy"]) == ("invoice.issued.v2", "erp")
    assert issued.data["documents"]["pdf"].startswith("http://127.0.0.1:8000/documents/erp/")
    assert set(issued.data["documents"]) == {"pdf", "expiresAt"}  # no Factur-X / UBL of the app's
    assert issued.data["invoice"]["order"] == {"id": ORDER_ID, "number": "36"}


@pytest.mark.django_db
def test_a_tampered_expired_or_foreign_pdf_link_is_refused(erp, client, captured, monkeypatch):
    # given
    erp("POST", "/invoices", invoice_body(pdf_bytes()), key=captured)
    invoice = ErpInvoice.objects.get()
    path = IntegrationEvent.objects.get(type="invoice.issued").data["documents"]["pdf"].removeprefix(
        "http://127.0.0.1:8000")
    short = erp_invoice_pdf_url(invoice, ttl=dt.timedelta(seconds=60)).removeprefix("http://127.0.0.1:8000")
    app_token = document_token(invoice_id=invoice.pk, installation_id=invoice.installation_id, fmt="pdf")

    # when
    tampered = client.get(path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB"))
    foreign = client.get(f"/documents/erp/{app_token}")  # an app invoice's token opens no ERP PDF
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 120)
    expired = client.get(short)
    still_valid = client.get(path)

    # then
    assert (tampered.status_code, tampered.json()["error"]["code"]) == (403, "DOCUMENT_LINK_INVALID")
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (403, "DOCUMENT_LINK_INVALID")
    assert (expired.status_code, expired.json()["error"]["code"]) == (410, "DOCUMENT_LINK_EXPIRED")
    assert still_valid.status_code == 200


PDF = pdf_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("change,status,code", [
    ({"pdfBase64": "not base64!"}, 400, "INVOICE_PDF_INVALID"),
    ({"pdfBase64": base64.b64encode(b"<html>an invoice</html>").decode()}, 400, "INVOICE_PDF_INVALID"),
    ({"pdfBase64": base64.b64encode(PDF[: len(PDF) // 3]).decode()}, 400, "INVOICE_PDF_INVALID"),  # truncated
    ({"pdfBase64": base64.b64encode(b"%PDF-1.7\n" + b"\0" * 4000).decode()}, 400, "INVOICE_PDF_INVALID"),
    ({}, 400, "INVOICE_PDF_REQUIRED"),  # neither
    ({"pdfBase64": base64.b64encode(PDF).decode(), "pdfUrl": "https://erp.example.com/RE.pdf"}, 400,
     "INVOICE_PDF_REQUIRED"),  # both
])
def test_a_bad_pdf_is_a_coded_400_and_nothing_is_written(erp, captured, change, status, code):
    # given
    before = ledger_counts()
    events = IntegrationEvent.objects.count()

    # when
    response = erp("POST", "/invoices", invoice_body(**change), key=captured)

    # then
    assert (response.status_code, response.data["code"]) == (status, code)
    assert (ErpInvoice.objects.count(), ErpInvoicePdf.objects.count()) == (0, 0)
    assert ledger_counts() == before
    assert IntegrationEvent.objects.count() == events
    assert not OutboxMessage.objects.filter(kind="saleor.erp_invoice_create").exists()


@pytest.mark.django_db
def test_a_pdf_over_the_cap_is_a_coded_413_and_nothing_is_written(erp, captured, settings):
    # given
    settings.ERP_INVOICE_PDF_MAX_BYTES = len(PDF) - 1

    # when
    response = erp("POST", "/invoices", invoice_body(PDF), key=captured)

    # then
    assert (response.status_code, response.data["code"]) == (413, "INVOICE_PDF_TOO_LARGE")
    assert (ErpInvoice.objects.count(), ErpInvoicePdf.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_body_over_the_routes_cap_is_refused_before_it_is_read(erp, captured, settings):
    # given
    settings.REQUEST_MAX_BYTES = {**settings.REQUEST_MAX_BYTES, "/erp/v1/invoices": 4096}

    # when
    response = erp("POST", "/invoices", invoice_body(pdf_bytes("x" * 50) + b"%" + b"0" * 8000), key=captured)

    # then: in the API's error model
    assert (response.status_code, response.data) == (413, {"code": "PAYLOAD_TOO_LARGE",
                                                           "message": "The request body is larger than 4096 bytes."})
    assert ErpInvoice.objects.count() == 0
