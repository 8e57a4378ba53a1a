"""A receivable's status follows the ledger even when the caller holds an old copy of it: paid in
full, reopened by a reversed payment (through another copy), paid again through the first copy —
the row says paid, and ledger_verify agrees (found by the rollups' property test)."""
from __future__ import annotations

import datetime as dt

import pytest

from saleor_netterms.core.money import Money
from saleor_netterms.ledger.verification import ledger_verify
from saleor_netterms.payments.services import payment_book, payment_reverse
from saleor_netterms.receivables.models import Receivable, ReceivableStatus
from tests.receivables_reports.conftest import book

pytestmark = pytest.mark.django_db


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def test_a_stale_copy_does_not_keep_a_paid_receivable_open(company_factory, credit_installation):
    # given: 1.66 booked and paid in full through this copy
    company = company_factory(installation=credit_installation, limit=usd("1000"))
    receivable = book(company, amount="1.66", issued="2026-03-01", due="2026-03-31")
    first = payment_book(company=company, money=usd("1.66"), received_on=dt.date(2026, 3, 20), reference="P-1",
                         allocations=[(receivable, usd("1.66"))])
    assert receivable.status == ReceivableStatus.PAID

    # when: the payment is returned (its allocation loads its own copy) and paid again through the first copy
    payment_reverse(payment=first, reason="returned by the bank", actor="staff")
    assert Receivable.objects.get(pk=receivable.pk).status == ReceivableStatus.OPEN
    payment_book(company=company, money=usd("1.66"), received_on=dt.date(2026, 4, 2), reference="P-2",
                 allocations=[(receivable, usd("1.66"))])

    # then
    assert Receivable.objects.get(pk=receivable.pk).status == ReceivableStatus.PAID
    assert ledger_verify(installation_id=credit_installation.pk) == []
