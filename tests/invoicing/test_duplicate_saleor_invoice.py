"""One app invoice appears once on the Saleor order (issue 17): when the app already attached the
order's invoice (invoiceCreate at capture/confirmation) and staff press "Generate invoice" in Saleor,
the new pending Saleor invoice is removed (invoiceDelete) instead of being completed with the same
number; when staff were first (invoiceCreate not delivered yet), their record is completed and the
invoiceCreate is dropped. Through the Saleor double: every document is validated against the schema."""
import pytest

from saleor_netterms.invoicing.models import Invoice, SaleorInvoiceLink
from saleor_netterms.invoicing.services import invoice_issue_for_order
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_deliver

from .test_saleor_flows import ORDER, SALEOR_INVOICE, TX, buyer, order_on_terms, request_payload  # noqa: F401

ATTACHED = "SW52b2ljZTo5"  # the Saleor invoice our invoiceCreate made


def deliver(kind: str) -> list[str]:
    return [outbox_deliver(message_id=m.pk) for m in OutboxMessage.objects.filter(kind=kind).order_by("id")]


@pytest.fixture
def saleor_invoices(fake_saleor):
    """The Saleor double keeps the order's invoices as Saleor would: created, completed, deleted."""
    on_order: dict[str, str | None] = {}

    def create(v):
        on_order[ATTACHED] = v["number"]
        return {"data": {"invoiceCreate": {"invoice": {"id": ATTACHED, "number": v["number"], "url": v["url"],
                                                       "status": "SUCCESS"}, "errors": []}}}

    def update(v):
        on_order[v["id"]] = v["number"]
        return {"data": {"invoiceUpdate": {"invoice": {"id": v["id"], "number": v["number"], "url": v["url"],
                                                       "status": "SUCCESS"}, "errors": []}}}

    def delete(v):
        on_order.pop(v["id"], None)
        return {"data": {"invoiceDelete": {"invoice": {"id": v["id"]}, "errors": []}}}

    fake_saleor.answer("InvoiceCreate", create)
    fake_saleor.answer("InvoiceUpdate", update)
    fake_saleor.answer("InvoiceDelete", delete)
    fake_saleor.answer("InvoiceSendNotification", {"data": {"invoiceSendNotification": {
        "invoice": {"id": ATTACHED, "status": "SUCCESS"}, "errors": []}}})
    return on_order


def staff_generate_invoice(client, fake_saleor, saleor_invoices):
    """Saleor's invoiceRequest: a PENDING invoice without number on the order, then INVOICE_REQUESTED."""
    saleor_invoices[SALEOR_INVOICE] = None
    return fake_saleor.deliver(client, "INVOICE_REQUESTED", request_payload(fake_saleor))


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_generate_invoice_after_the_app_attached_it_leaves_one_invoice_on_the_order(
        client, fake_saleor, order_on_terms, saleor_invoices):
    # given: the app issued the order's invoice and attached it in Saleor
    invoice = invoice_issue_for_order(transaction=order_on_terms)
    deliver("saleor.invoice_create")

    # when: staff press "Generate invoice" in Saleor, and the webhook is delivered twice
    first = staff_generate_invoice(client, fake_saleor, saleor_invoices)
    fake_saleor.deliver(client, "INVOICE_REQUESTED", request_payload(fake_saleor))
    statuses = deliver("saleor.invoice_delete")

    # then: the order shows the app's invoice once; no second invoice, no invoiceUpdate
    assert first.status_code == 200
    assert saleor_invoices == {ATTACHED: invoice.number}
    assert statuses == ["delivered"]
    assert [c.variables for c in fake_saleor.calls_for("InvoiceDelete")] == [{"id": SALEOR_INVOICE}]
    assert fake_saleor.calls_for("InvoiceUpdate") == []
    assert Invoice.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.saleor_invoice_id == ATTACHED and invoice.status == "issued"


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_generate_invoice_before_the_attachment_went_out_completes_staffs_record_only(
        client, fake_saleor, order_on_terms, saleor_invoices):
    # given: the app issued the invoice; its invoiceCreate waits in the outbox
    invoice = invoice_issue_for_order(transaction=order_on_terms)

    # when: staff's request arrives first, then the outbox sends everything, in order
    staff_generate_invoice(client, fake_saleor, saleor_invoices)
    for message in OutboxMessage.objects.order_by("id"):
        outbox_deliver(message_id=message.pk)  # a delivered message hands on to its successor itself

    # then: Saleor's pending record carries the number; invoiceCreate never ran; the buyer is told once
    assert saleor_invoices == {SALEOR_INVOICE: invoice.number}
    assert sorted(OutboxMessage.objects.values_list("kind", "status")) == [
        ("saleor.invoice_create", "delivered"), ("saleor.invoice_send_notification", "delivered"),
        ("saleor.invoice_update", "delivered")]
    assert [c.variables for c in fake_saleor.calls_for("InvoiceSendNotification")] == [{"id": SALEOR_INVOICE}]
    assert fake_saleor.calls_for("InvoiceCreate") == [] and fake_saleor.calls_for("InvoiceDelete") == []
    assert list(SaleorInvoiceLink.objects.values_list("saleor_invoice_id", flat=True)) == [SALEOR_INVOICE]


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_deleting_the_removed_duplicate_in_saleor_keeps_the_invoice(client, fake_saleor, order_on_terms,
                                                                    saleor_invoices):
    # given: the duplicate request was answered by removing its record
    invoice = invoice_issue_for_order(transaction=order_on_terms)
    deliver("saleor.invoice_create")
    staff_generate_invoice(client, fake_saleor, saleor_invoices)

    # when: an INVOICE_DELETED about that duplicate arrives (invoiceRequestDelete by staff)
    payload = fake_saleor.payloads.invoice_deleted(invoice_id=SALEOR_INVOICE, order_id=ORDER,
                                                   transactions=[{"id": TX, "pspReference": "nt-1"}])
    fake_saleor.deliver(client, "INVOICE_DELETED", payload)

    # then: the order still shows the app's invoice: nothing is voided
    invoice.refresh_from_db()
    assert invoice.status == "issued" and Invoice.objects.count() == 1
