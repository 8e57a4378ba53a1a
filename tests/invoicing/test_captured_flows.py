"""Order A #36 replayed from the real Saleor 3.24 deliveries (../shared/saleor/captures), now with
its invoice: captured (invoice at capture), staff invoiceRequest (INVOICE_REQUESTED → the same
invoice, invoiceUpdate queued), orderFulfill (FULFILLMENT_CREATED: nothing, the company is
invoiced at capture), invoiceRequestDelete (INVOICE_DELETED → void, reversed by a credit note)."""
import pytest
from django.utils import timezone

from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.invoicing.models import Fulfilment, Invoice, InvoicingPolicy
from saleor_netterms.invoicing.services import invoicing_settings_set
from saleor_netterms.outbox.models import OutboxMessage
from tests.checkout.test_captured_flows import CUSTOMER, replay, usd
from tests.checkout.test_captured_flows import captured_installation  # noqa: F401 - fixture
from tests.conftest import CAPTURES_DIR

pytestmark = pytest.mark.skipif(not CAPTURES_DIR.exists(), reason=f"no captures at {CAPTURES_DIR}")

SALEOR_INVOICE = "SW52b2ljZTox"


@pytest.fixture
def acme(captured_installation, company_factory, member_factory):  # noqa: F811
    company = company_factory(installation=captured_installation, legal_name="Acme Industrial Supply",
                              limit=usd("5000"), po_number_required=True)
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER)
    return company


def order_a_captured(client):
    for name in ("transaction_initialize_session__1", "order_created__1", "order_confirmed__1",
                 "transaction_charge_requested__1"):
        assert replay(client, name).status_code == 200, name


@pytest.mark.django_db
def test_order_a_invoice_requested_reuses_the_capture_invoice_and_queues_invoice_update(client, acme):
    # given
    order_a_captured(client)
    invoice = Invoice.objects.get()
    year = timezone.localdate().year

    # when
    first = replay(client, "invoice_requested__1")
    second = replay(client, "invoice_requested__1")  # the same delivery again

    # then
    assert (first.status_code, second.status_code) == (200, 200)
    invoice.refresh_from_db()
    assert (invoice.number, invoice.saleor_order_id, invoice.saleor_invoice_id) == (
        f"INV-{year}-000001", "T3JkZXI6YzhmZDg4MmUtNzhmYS00OTk4LTk3NGYtOGNhMWUyNjA4MjI5", SALEOR_INVOICE)
    assert Invoice.objects.count() == 1
    assert [m.payload for m in OutboxMessage.objects.filter(kind="saleor.invoice_update")] == [
        {"invoice_id": invoice.pk, "saleor_invoice_id": SALEOR_INVOICE}]
    assert sorted(OutboxMessage.objects.filter(kind__startswith="saleor.invoice").values_list("kind", flat=True)) == [
        "saleor.invoice_create", "saleor.invoice_update"]


@pytest.mark.django_db
def test_order_a_fulfilment_is_not_invoiced_again_when_invoiced_at_capture(client, acme):
    # given
    order_a_captured(client)

    # when
    response = replay(client, "fulfillment_created__1")

    # then
    assert response.status_code == 200
    assert (Invoice.objects.count(), Fulfilment.objects.count()) == (1, 0)


@pytest.mark.django_db
def test_order_a_per_fulfilment_after_capture_invoices_the_captured_receivable_once(client, acme):
    # given: the company is invoiced per shipment, but Saleor captured before shipping
    invoicing_settings_set(company=acme, policy=InvoicingPolicy.PER_FULFILMENT)
    order_a_captured(client)
    assert Invoice.objects.count() == 0

    # when
    response = replay(client, "fulfillment_created__1")

    # then
    invoice = Invoice.objects.get()
    assert response.status_code == 200
    assert invoice.receivable.reference.startswith("inv-")  # the capture's receivable, not booked again
    assert Fulfilment.objects.get().invoice == invoice
    assert credit_summary(company=acme, currency="USD").receivables == usd("180.00")


@pytest.mark.django_db
def test_order_a_invoice_deleted_voids_and_reverses_the_invoice(client, acme):
    # given
    order_a_captured(client)
    replay(client, "invoice_requested__1")
    replay(client, "fulfillment_created__1")

    # when
    response = replay(client, "invoice_deleted__1")

    # then
    invoice = Invoice.objects.get(kind="invoice")
    credit_note = Invoice.objects.get(kind="credit_note")
    year = timezone.localdate().year
    assert response.status_code == 200
    assert (invoice.status, invoice.number) == ("void", f"INV-{year}-000001")
    assert (credit_note.number, credit_note.credited_invoice) == (f"CN-{year}-000001", invoice)
    assert credit_summary(company=acme, currency="USD").receivables == usd("0")
