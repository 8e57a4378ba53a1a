"""The invoice webhooks end to end on the Saleor test double: INVOICE_REQUESTED → invoiceUpdate,
INVOICE_DELETED → void, FULFILLMENT_CREATED → per-shipment invoice; and the buyer's e-mail."""
from decimal import Decimal

import pytest
from django.core import mail

from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.invoicing.documents.links import document_token_read
from saleor_netterms.invoicing.models import Invoice, InvoicingPolicy, SaleorInvoiceLink
from saleor_netterms.invoicing.services import invoicing_settings_set
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_deliver
from saleor_netterms.invoicing.services import invoice_issue_for_order

from .conftest import USER_ID, order_snapshot, usd

ORDER = "T3JkZXI6YzhmZDg4MmUtNzhmYS00OTk4LTk3NGYtOGNhMWUyNjA4MjI5"
TX = "VHJhbnNhY3Rpb25JdGVtOjE="
SALEOR_INVOICE = "SW52b2ljZTox"


@pytest.fixture
def buyer(installation, company_factory, member_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply", limit=usd("5000"))
    member_factory(company=company, value=USER_ID)
    invoicing_settings_set(company=company, policy=InvoicingPolicy.AT_CONFIRMATION, send_saleor_notification=True)
    return company


@pytest.fixture
def order_on_terms(buyer, held_order):
    return held_order(company=buyer, amount="180.00", transaction_id=TX,
                      order=order_snapshot(order_id=ORDER, transaction_id=TX, number="36"))


def request_payload(fake_saleor, **kw):
    return fake_saleor.payloads.invoice_requested(invoice_id=SALEOR_INVOICE, order_id=ORDER, order_number="36",
                                                  transactions=[{"id": TX, "pspReference": "nt-1"}], **kw)


def signed_link_target(url: str) -> tuple[int, int, str]:
    """What a signed document URL points at (the signature and age are checked by the reader)."""
    assert url.startswith("http://127.0.0.1:8000/documents/") or "/documents/" in url
    ref = document_token_read(url.rsplit("/", 1)[1])
    return ref.invoice_id, ref.installation_id, ref.fmt


def deliver_all(kind: str) -> list[str]:
    return [outbox_deliver(message_id=m.pk) for m in OutboxMessage.objects.filter(kind=kind).order_by("id")]


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_invoice_requested_issues_and_answers_with_invoice_update(client, fake_saleor, order_on_terms):
    # given
    fake_saleor.answer("InvoiceUpdate", lambda v: {"data": {"invoiceUpdate": {
        "invoice": {"id": v["id"], "number": v["number"], "url": v["url"], "status": "SUCCESS"}, "errors": []}}})
    fake_saleor.answer("InvoiceSendNotification", {"data": {"invoiceSendNotification": {
        "invoice": {"id": SALEOR_INVOICE, "status": "SUCCESS"}, "errors": []}}})

    # when
    response = fake_saleor.deliver(client, "INVOICE_REQUESTED", request_payload(fake_saleor))
    deliver_all("saleor.invoice_update")  # its successor (the notification) follows it

    # then
    invoice = Invoice.objects.get()
    assert response.status_code == 200
    assert sorted(OutboxMessage.objects.values_list("kind", "status")) == [
        ("saleor.invoice_send_notification", "delivered"), ("saleor.invoice_update", "delivered")]
    (update,) = fake_saleor.calls_for("InvoiceUpdate")  # validated against the pinned schema
    assert {k: v for k, v in update.variables.items() if k != "url"} == {"id": SALEOR_INVOICE, "number": invoice.number}
    assert signed_link_target(update.variables["url"]) == (invoice.pk, invoice.installation_id, "pdf")
    assert [c.variables for c in fake_saleor.calls_for("InvoiceSendNotification")] == [{"id": SALEOR_INVOICE}]
    assert fake_saleor.calls_for("InvoiceCreate") == []  # Saleor's own pending invoice is completed instead
    assert (invoice.saleor_invoice_id, invoice.saleor_order_id) == (SALEOR_INVOICE, ORDER)
    assert credit_summary(company=order_on_terms.company, currency="USD").receivables == usd("180.00")


@pytest.mark.django_db
def test_invoice_requested_twice_gives_one_invoice_with_the_same_number(client, fake_saleor, order_on_terms):
    # given
    first_payload = request_payload(fake_saleor)
    second_payload = request_payload(fake_saleor)  # a new delivery (other issuedAt) of the same request

    # when
    fake_saleor.deliver(client, "INVOICE_REQUESTED", first_payload)
    fake_saleor.deliver(client, "INVOICE_REQUESTED", second_payload)
    other = request_payload(fake_saleor)
    other["invoice"]["id"] = "SW52b2ljZToy"  # staff request it once more: a second Saleor invoice
    fake_saleor.deliver(client, "INVOICE_REQUESTED", other)

    # then: the first record is completed; the second would repeat the number on the order: removed
    invoice = Invoice.objects.get()
    assert sorted(SaleorInvoiceLink.objects.values_list("saleor_invoice_id", flat=True)) == [
        SALEOR_INVOICE, "SW52b2ljZToy"]
    assert [m.payload for m in OutboxMessage.objects.filter(kind="saleor.invoice_update").order_by("id")] == [
        {"invoice_id": invoice.pk, "saleor_invoice_id": SALEOR_INVOICE}]
    assert [m.payload for m in OutboxMessage.objects.filter(kind="saleor.invoice_delete")] == [
        {"invoice_id": invoice.pk, "saleor_invoice_id": "SW52b2ljZToy"}]


@pytest.mark.django_db
def test_invoice_requested_for_an_unconfirmed_order_writes_nothing(client, fake_saleor, order_on_terms):
    # when
    response = fake_saleor.deliver(client, "INVOICE_REQUESTED", request_payload(fake_saleor, status="UNCONFIRMED"))

    # then
    assert response.status_code == 200
    assert (Invoice.objects.count(), OutboxMessage.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_invoice_deleted_voids_the_invoice_and_reverses_it(client, fake_saleor, order_on_terms):
    # given
    fake_saleor.deliver(client, "INVOICE_REQUESTED", request_payload(fake_saleor))
    invoice = Invoice.objects.get()

    # when
    payload = fake_saleor.payloads.invoice_deleted(invoice_id=SALEOR_INVOICE, invoice_number=invoice.number,
                                                   order_id=ORDER, transactions=[{"id": TX, "pspReference": "nt-1"}])
    response = fake_saleor.deliver(client, "INVOICE_DELETED", payload)
    unknown = fake_saleor.payloads.invoice_deleted(invoice_id="SW52b2ljZTo5OQ==", order_id=ORDER)
    fake_saleor.deliver(client, "INVOICE_DELETED", unknown)

    # then
    invoice.refresh_from_db()
    credit_note = Invoice.objects.get(kind="credit_note")
    assert response.status_code == 200
    assert (invoice.status, invoice.void_reason) == ("void", "Deleted in Saleor")
    assert (credit_note.credited_invoice, credit_note.total_gross) == (invoice, Decimal("180.0000"))
    assert credit_summary(company=order_on_terms.company, currency="USD").receivables == usd("0")
    assert Invoice.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_fulfillment_created_invoices_the_shipment_and_attaches_it_in_saleor(client, fake_saleor, buyer, held_order):
    # given
    invoicing_settings_set(company=buyer, policy=InvoicingPolicy.PER_FULFILMENT)
    held_order(company=buyer, amount="180.00", transaction_id=TX,
               order=order_snapshot(order_id=ORDER, transaction_id=TX, number="36"))
    fake_saleor.answer("InvoiceCreate", lambda v: {"data": {"invoiceCreate": {
        "invoice": {"id": "SW52b2ljZTo3", "number": v["number"], "url": v["url"], "status": "SUCCESS"},
        "errors": []}}})
    payload = fake_saleor.payloads.fulfillment_created(order_id=ORDER, shipped=[("618223581", 1)],
                                                       transactions=[{"id": TX, "pspReference": "nt-1"}])

    # when
    response = fake_saleor.deliver(client, "FULFILLMENT_CREATED", payload)
    fake_saleor.deliver(client, "FULFILLMENT_CREATED", payload)
    statuses = deliver_all("saleor.invoice_create")

    # then
    invoice = Invoice.objects.get()
    assert response.status_code == 200
    assert statuses == ["delivered"]
    assert [(l["description"], l["quantity"]) for l in invoice.snapshot["lines"]] == [("Dash Force", "1")]
    (create,) = fake_saleor.calls_for("InvoiceCreate")
    assert {k: v for k, v in create.variables.items() if k != "url"} == {"orderId": ORDER, "number": invoice.number}
    assert signed_link_target(create.variables["url"]) == (invoice.pk, invoice.installation_id, "pdf")
    invoice.refresh_from_db()
    assert invoice.saleor_invoice_id == "SW52b2ljZTo3"
    summary = credit_summary(company=buyer, currency="USD")
    assert (summary.holds, summary.receivables) == (usd("90.00"), usd("90.00"))


@pytest.mark.django_db
def test_an_invoice_without_e_invoice_data_still_reaches_the_buyer_as_pdf_and_says_why(settings, acme, held_order):
    # given a seller known only by name and country (a first start): no electronic address, no
    # VAT id, so neither Peppol UBL nor Factur-X can be produced
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.INVOICE_SELLER = {"name": "Netterms Demo GmbH", "country": "DE"}
    invoicing_settings_set(company=acme, policy=InvoicingPolicy.AT_CONFIRMATION)
    invoice = invoice_issue_for_order(transaction=held_order(company=acme))

    # when
    (status,) = deliver_all("email.invoice")

    # then: the e-mail left with the plain PDF, and the invoice records why there is no XML
    (email,) = mail.outbox
    assert status == "delivered"
    assert (email.to, email.subject) == (["ap@acme.example"], f"Invoice {invoice.number} from Netterms Demo GmbH")
    ((name, content, mime),) = email.attachments
    assert (name, mime, content[:5]) == (f"{invoice.number}.pdf", "application/pdf", b"%PDF-")
    assert b"factur-x.xml" not in content
    assert "Payment terms: Net 30." in email.body
    invoice.refresh_from_db()
    assert "PEPPOL-EN16931-R020" in invoice.einvoice_problem  # the seller's electronic address
    assert "PEPPOL-EN16931-R010" in invoice.einvoice_problem  # the buyer's
