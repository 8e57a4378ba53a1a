"""ORDER_CONFIRMED issues the invoice for companies invoiced "at confirmation"; never an
unconfirmed order (FACTS.md §5.3, §6.2)."""
from decimal import Decimal

import pytest

from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.invoicing.models import Invoice, InvoicingPolicy
from saleor_netterms.invoicing.services import invoicing_settings_set
from tests.checkout.test_handlers import TX, initialize
from tests.saleor_double import CUSTOMER_ID

from .conftest import usd

ORDER = "T3JkZXI6MQ=="


@pytest.fixture
def buyer(installation, company_factory, member_factory):
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply", limit=usd("5000"))
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER_ID)
    invoicing_settings_set(company=company, policy=InvoicingPolicy.AT_CONFIRMATION)
    return company


def order_event(fake_saleor, event, init, status):
    return fake_saleor.payloads.for_event(event, order_id=ORDER, order_number="36", status=status,
                                          transactions=[{"id": TX, "pspReference": init["pspReference"]}])


@pytest.mark.django_db
def test_order_confirmed_issues_the_invoice_once(client, fake_saleor, buyer):
    # given
    init = initialize(client, fake_saleor, amount="180.00")

    # when
    first = fake_saleor.deliver(client, "ORDER_CONFIRMED", order_event(fake_saleor, "ORDER_CONFIRMED", init,
                                                                       "UNFULFILLED"))
    again = fake_saleor.deliver(client, "ORDER_CREATED", order_event(fake_saleor, "ORDER_CREATED", init,
                                                                     "UNFULFILLED"))

    # then
    assert (first.status_code, again.status_code) == (200, 200)
    invoice = Invoice.objects.get()
    assert invoice.total_gross == Decimal("180.0000")
    summary = credit_summary(company=buyer, currency="USD")
    assert (summary.holds, summary.receivables) == (usd("0"), usd("180.00"))


@pytest.mark.django_db
def test_an_unconfirmed_order_is_not_invoiced(client, fake_saleor, buyer):
    # given
    init = initialize(client, fake_saleor, amount="180.00")

    # when
    response = fake_saleor.deliver(client, "ORDER_CREATED", order_event(fake_saleor, "ORDER_CREATED", init,
                                                                        "UNCONFIRMED"))

    # then
    assert response.status_code == 200
    assert Invoice.objects.count() == 0
    assert credit_summary(company=buyer, currency="USD").holds == usd("180.00")
