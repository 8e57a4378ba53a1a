"""A dispute about one line of an invoice is credited as that line: the whole line disputed → a
credit note of that line (description, quantity, rate); part of it → an amount at that line's rate
only, never spread over the invoice's other rates."""
from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_netterms.checkout.requests import OrderLine
from saleor_netterms.collections.services import dispute_open, dispute_resolve
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.receivables.models import Receivable

from .conftest import invoice_make, usd

D = Decimal
# Two lines at two tax rates: 2 x 100.00 net at 10 % (220.00) and 1 x 50.00 net at 0 % (50.00).
LINES = (OrderLine("Pallet jack", "PJ-1", 2, "100.00", "110.00", "0.10"),
         OrderLine("Delivery slot booking", "SVC-1", 1, "50.00", "50.00", "0.0"))


def _invoice(acme):
    invoice = invoice_make(acme, amount="270.00", net="250.00", issue_date="2026-01-05", lines=LINES)
    return invoice, Receivable.objects.get(pk=invoice.receivable_id)


@pytest.mark.django_db
def test_a_whole_disputed_line_is_credited_as_that_line(acme):
    # given the buyer disputes line 1 (the pallet jacks), all of it
    invoice, receivable = _invoice(acme)
    dispute = dispute_open(company=acme, receivable=receivable, reason_code="DAMAGED", opened_by="buyer",
                           line_position=1, note="Both arrived broken")

    # when
    resolved = dispute_resolve(dispute=dispute, resolution="credit_note", actor="staff@merchant.example")

    # then: the credit note is that line, with its quantity and rate, not an amount over both rates
    credit = Invoice.objects.get(pk=resolved.credit_note_id)
    assert dispute.amount == D("220.00")
    assert [(l["description"], l["quantity"], l["tax_rate"], l["gross"]) for l in credit.snapshot["lines"]] == [
        ("Pallet jack", "2", "10", "220.00")]
    assert (credit.total_gross, resolved.credited_amount, resolved.status) == (D("220.00"), D("220.00"), "credited")
    assert ledger_selectors.receivable_balance(company=acme, currency="USD",
                                               receivable_ref=receivable.receivable_ref) == usd("50.00")


@pytest.mark.django_db
def test_part_of_a_line_is_credited_at_that_lines_rate_only(acme):
    # given 55.00 of line 1 disputed, resolved as partial 33.00
    invoice, receivable = _invoice(acme)
    dispute = dispute_open(company=acme, receivable=receivable, reason_code="DAMAGED", opened_by="buyer",
                           line_position=1, amount=usd("55.00"))

    # when
    resolved = dispute_resolve(dispute=dispute, resolution="partial", actor="staff", credit_amount=usd("33.00"))

    # then: one credit line at 10 % (30.00 + 3.00), naming the line
    credit = Invoice.objects.get(pk=resolved.credit_note_id)
    assert [(l["description"], l["tax_rate"], l["net"], l["tax"], l["gross"]) for l in credit.snapshot["lines"]] == [
        (f"Credit for invoice {invoice.number}, line 1: Dispute DAMAGED", "10", "30.00", "3.00", "33.00")]
    assert [(b["rate"], b["taxable"]) for b in credit.snapshot["tax_breakdown"]] == [("10", "30.00")]
    assert ledger_selectors.receivable_balance(company=acme, currency="USD",
                                               receivable_ref=receivable.receivable_ref) == usd("237.00")


@pytest.mark.django_db
def test_an_invoice_level_dispute_is_still_credited_over_its_rates(acme):
    invoice, receivable = _invoice(acme)
    dispute = dispute_open(company=acme, receivable=receivable, reason_code="PRICING", opened_by="staff",
                           amount=usd("27.00"))
    resolved = dispute_resolve(dispute=dispute, resolution="credit_note", actor="staff")
    credit = Invoice.objects.get(pk=resolved.credit_note_id)
    assert [(l["tax_rate"], l["gross"]) for l in credit.snapshot["lines"]] == [("10", "22.00"), ("0", "5.00")]
