"""A buyer's combined remittance (portal): one RF reference for several open invoices; one bank
line carrying it settles all of them, oldest first, like a reference per invoice would."""
from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_netterms.invoicing.creditor_reference import creditor_reference_valid, remittance_reference_for
from saleor_netterms.invoicing.models import CombinedRemittance
from saleor_netterms.invoicing.remittances import RemittanceInvalid, combined_remittance_create
from saleor_netterms.payments.models import Payment
from saleor_netterms.receivables.models import ReceivableStatus
from saleor_netterms.reconciliation.models import IncomingPayment, IncomingStatus
from saleor_netterms.reconciliation.services import statement_import

from .conftest import open_amount, usd
from .test_matching_ledger import bank_file, credit


@pytest.mark.django_db
def test_a_bank_line_with_the_combined_reference_settles_every_invoice_of_the_remittance(acme, bank_account, invoice_for):
    # given: three open invoices, two of them in one remittance
    first, second, other = (invoice_for(acme, a) for a in ("100.00", "250.00", "49.50"))
    remittance = combined_remittance_create(company=acme, invoice_numbers=[second.number, first.number],
                                            created_by="buyer:ap@acme.example")
    assert remittance.reference == remittance_reference_for(remittance.pk) and creditor_reference_valid(remittance.reference)
    assert (remittance.total, remittance.currency) == (Decimal("350.0000"), "USD")

    # when: one transfer for the total carries the remittance's reference (and nothing else)
    statement_import(installation=acme.installation, content=bank_file(
        credit("350.00", ref="BANK-77", scor=remittance.reference)), filename="d.xml", uploaded_by="staff:ada")

    # then: both invoices are paid by one payment, the third is untouched
    incoming = IncomingPayment.objects.get()
    assert (incoming.status, incoming.rule) == (IncomingStatus.MATCHED, "rf_reference")
    assert incoming.explanation == (
        f"RF reference {remittance.reference} names invoices {first.number}, {second.number} (combined remittance): "
        f"100.00 USD to {first.number}; 250.00 USD to {second.number}.")
    payment = Payment.objects.get()
    assert sorted((a.receivable_id, a.amount) for a in payment.allocations.all()) == sorted(
        [(first.receivable_id, Decimal("100.0000")), (second.receivable_id, Decimal("250.0000"))])
    for invoice in (first, second):
        invoice.receivable.refresh_from_db()
        assert invoice.receivable.status == ReceivableStatus.PAID and open_amount(invoice) == usd("0.00")
    assert open_amount(other) == usd("49.50")


@pytest.mark.django_db
def test_the_combined_reference_in_the_free_text_also_settles_them(acme, bank_account, invoice_for):
    first, second = invoice_for(acme, "10.00"), invoice_for(acme, "20.00")
    remittance = combined_remittance_create(company=acme, invoice_numbers=[first.number, second.number],
                                            created_by="buyer:ap@acme.example")

    statement_import(installation=acme.installation, content=bank_file(
        credit("30.00", ref="BANK-78", text=f"Payment {remittance.reference.lower()} thanks")), filename="d.xml", uploaded_by="staff:ada")

    assert IncomingPayment.objects.get().status == IncomingStatus.MATCHED
    assert open_amount(first) == usd("0.00") and open_amount(second) == usd("0.00")


@pytest.mark.django_db
def test_asking_again_for_the_same_invoices_gives_the_same_reference(acme, invoice_for):
    first, second = invoice_for(acme, "10.00"), invoice_for(acme, "20.00")
    one = combined_remittance_create(company=acme, invoice_numbers=[first.number, second.number], created_by="b")
    two = combined_remittance_create(company=acme, invoice_numbers=[second.number, first.number], created_by="b")
    assert one.pk == two.pk and CombinedRemittance.objects.count() == 1


@pytest.mark.django_db
def test_another_companys_invoice_or_a_single_invoice_is_refused_and_nothing_is_written(
        acme, invoice_for, company_factory, credit_installation):
    first = invoice_for(acme, "10.00")
    stranger = company_factory(installation=credit_installation, legal_name="Stranger GmbH")
    foreign = invoice_for(stranger, "20.00")

    with pytest.raises(RemittanceInvalid) as not_theirs:
        combined_remittance_create(company=acme, invoice_numbers=[first.number, foreign.number], created_by="b")
    with pytest.raises(RemittanceInvalid) as single:
        combined_remittance_create(company=acme, invoice_numbers=[first.number], created_by="b")

    assert (not_theirs.value.code, single.value.code) == ("REMITTANCE_INVOICE_NOT_OPEN", "REMITTANCE_INVALID")
    assert CombinedRemittance.objects.count() == 0
