"""Reconciliation fixtures: a merchant bank account, invoices issued through the real invoicing
path (hold → invoice → receivable in the ledger), and statement files built like a bank builds
them (camt_files.py)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_netterms.checkout.requests import OrderLine
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.services import invoice_issue_for_order, invoicing_settings_set
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger.models import Entry, Posting
from saleor_netterms.reconciliation.services import bank_account_create
from saleor_netterms.terms.models import PaymentTermsTemplate
from saleor_netterms.terms.services import payment_terms_create
from tests.invoicing.conftest import acme, held_order, order_snapshot  # noqa: F401 (fixtures)

MERCHANT_IBAN = "DE89370400440532013000"
PAYER_IBAN = "DE02120300000000202051"
TODAY = timezone.localdate


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def bank_account(credit_installation):
    return bank_account_create(installation=credit_installation, name="Operating account", iban=MERCHANT_IBAN,
                               currency="USD", actor="staff:test")


@pytest.fixture
def invoice_for(held_order):  # noqa: F811
    """invoice_for(company, "100.00", discount=False) → an issued Invoice (open receivable)."""
    counter = iter(range(1, 10_000))

    def make(company, amount: str, *, discount: bool = False) -> Invoice:
        if discount and not PaymentTermsTemplate.objects.filter(installation=company.installation).exists():
            payment_terms_create(installation=company.installation, name="2/10 Net 30", code="2-10-net-30",
                                 definition={"kind": "net", "days": 30, "discount": {"percent": "2", "days": 10}})
            invoicing_settings_set(company=company, terms_template=PaymentTermsTemplate.objects.get(
                installation=company.installation))
        n = next(counter)
        tx = held_order(company=company, amount=amount, order=order_snapshot(
            order_id=f"T3JkZXI6{company.pk}{n:03}", transaction_id=f"tx-{company.pk}-{n}", number=f"{1000 + n}",
            lines=(OrderLine("Widget", "W-1", 1, amount, amount, "0.0"),), total_net=amount, total_tax="0.00",
            total_gross=amount), transaction_id=f"tx-{company.pk}-{n}")
        return invoice_issue_for_order(transaction=tx)

    return make


def open_amount(invoice: Invoice) -> Money:
    return ledger_selectors.receivable_balance(company=invoice.company, currency=invoice.currency,
                                               receivable_ref=invoice.receivable.receivable_ref)


def rf(invoice: Invoice) -> str:
    return invoice.snapshot["remittance"]["payment_reference"]


def merchant_balances(installation, currency: str = "USD") -> dict[str, Decimal]:
    """Debits − credits per merchant-side account kind (cash, payment_differences, …)."""
    totals: dict[str, Decimal] = {}
    for e in Entry.objects.filter(account__installation=installation, account__company__isnull=True,
                                  currency=currency).select_related("account"):
        sign = 1 if e.side == "debit" else -1
        totals[e.account.kind] = totals.get(e.account.kind, Decimal(0)) + sign * e.amount
    return {k: v for k, v in totals.items() if v}


def posting_legs(posting: Posting) -> list[tuple[str, str, Decimal, str]]:
    return sorted((e.account.kind, e.side, e.amount, e.receivable_ref) for e in posting.entries.select_related("account"))
