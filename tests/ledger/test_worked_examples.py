"""Bookkeeping stories, hordak-style: each step's balances asserted exactly."""
from saleor_netterms.companies.selectors import available_credit, credit_summary
from saleor_netterms.ledger.models import Entry, Posting, PostingKind
from saleor_netterms.ledger.selectors import (
    account_balances,
    credit_balance,
    hold_balance,
    receivable_balance,
    trial_balance,
)
from saleor_netterms.ledger.services import (
    adjustment_post,
    credit_balance_apply,
    credit_balance_refund,
    credit_note_post,
    fee_post,
    hold_place,
    hold_release,
    payment_apply,
    receivable_book,
    receivable_from_hold,
    write_off_post,
)
from saleor_netterms.companies.services import credit_limit_set
from saleor_netterms.core.money import Money

from .helpers import merchant_balances, usd


def test_hold_capture_partial_payment_overpayment_credit_note(company):
    installation = company.installation

    # given a 10,000.00 USD limit and a checkout authorized on terms
    hold_place(company=company, money=usd("1200.00"), hold_ref="txn-1", idempotency_key="k1")
    assert hold_balance(company=company, currency="USD") == usd("1200.00")
    assert available_credit(company=company, currency="USD") == usd("8800.00")

    # when the order is captured for 1,000.00 (one posting, four legs)
    capture = receivable_from_hold(company=company, money=usd("1000.00"), hold_ref="txn-1",
                                   receivable_ref="inv-1", idempotency_key="k2")
    # then
    assert capture.entries.count() == 4
    assert hold_balance(company=company, currency="USD", hold_ref="txn-1") == usd("200.00")
    assert receivable_balance(company=company, currency="USD", receivable_ref="inv-1") == usd("1000.00")
    assert available_credit(company=company, currency="USD") == usd("8800.00")

    # when the uncaptured rest of the hold is released
    hold_release(company=company, money=usd("200.00"), hold_ref="txn-1", idempotency_key="k3")
    # then
    assert hold_balance(company=company, currency="USD") == usd("0.00")
    assert available_credit(company=company, currency="USD") == usd("9000.00")

    # when the buyer pays 400.00 of the invoice
    payment_apply(company=company, money=usd("400.00"), payment_ref="bank-1",
                  allocations=[("inv-1", usd("400.00"))], idempotency_key="k4")
    # then
    assert receivable_balance(company=company, currency="USD") == usd("600.00")
    assert credit_balance(company=company, currency="USD") == usd("0.00")
    assert available_credit(company=company, currency="USD") == usd("9400.00")

    # when the buyer pays 650.00 and 600.00 of it settles the invoice
    overpayment = payment_apply(company=company, money=usd("650.00"), payment_ref="bank-2",
                                allocations=[("inv-1", usd("600.00"))], idempotency_key="k5")
    # then the 50.00 rest is owed to the buyer
    assert sorted((e.account.kind, e.side, str(e.amount)) for e in overpayment.entries.all()) == [
        ("cash", "debit", "650.0000"),
        ("credit_balance", "credit", "50.0000"),
        ("receivable", "credit", "600.0000"),
    ]
    assert receivable_balance(company=company, currency="USD", receivable_ref="inv-1") == usd("0.00")
    assert credit_balance(company=company, currency="USD") == usd("50.00")

    # when a 300.00 credit note is issued on the fully paid invoice
    credit_note_post(company=company, money=usd("300.00"), receivable_ref="inv-1", idempotency_key="k6")
    # then all of it is owed to the buyer (the invoice had nothing open)
    assert receivable_balance(company=company, currency="USD") == usd("0.00")
    assert credit_balance(company=company, currency="USD") == usd("350.00")

    # when a new invoice of 250.00 is settled from the credit balance and the rest refunded
    receivable_book(company=company, money=usd("250.00"), receivable_ref="inv-2", idempotency_key="k7")
    credit_balance_apply(company=company, money=usd("250.00"), receivable_ref="inv-2", idempotency_key="k8")
    credit_balance_refund(company=company, money=usd("100.00"), payment_ref="refund-1", idempotency_key="k9")

    # then
    assert account_balances(company=company, currency="USD") == {
        "holds": usd("0.00"), "receivable": usd("0.00"), "credit_balance": usd("0.00"),
    }
    assert merchant_balances(installation, "USD") == {
        "hold_control": usd("0.00"), "sales": usd("950.00"), "cash": usd("950.00"),
    }
    summary = credit_summary(company=company, currency="USD")
    assert (summary.limit, summary.holds, summary.receivables, summary.credit_balance,
            summary.exposure, summary.available) == (
        usd("10000.00"), usd("0.00"), usd("0.00"), usd("0.00"), usd("0.00"), usd("10000.00"))
    tb = trial_balance(installation=installation, currency="USD")
    # 1200 hold + 2×1000 capture + 200 release + 400 + 650 payments + 300 note + 2×250 + 100 refund
    assert tb.debits == usd("5350.00")
    assert tb.credits == usd("5350.00")
    assert tb.is_balanced
    assert Posting.objects.filter(company=company).count() == 9


def test_hold_then_release_in_two_parts(company):
    # given
    hold_place(company=company, money=usd("500.00"), hold_ref="txn-7", idempotency_key="h1")

    # when
    hold_release(company=company, money=usd("200.00"), hold_ref="txn-7", idempotency_key="h2")
    # then
    assert hold_balance(company=company, currency="USD", hold_ref="txn-7") == usd("300.00")
    assert available_credit(company=company, currency="USD") == usd("9700.00")

    # when
    hold_release(company=company, money=usd("300.00"), hold_ref="txn-7", idempotency_key="h3")
    # then
    assert hold_balance(company=company, currency="USD", hold_ref="txn-7") == usd("0.00")
    assert available_credit(company=company, currency="USD") == usd("10000.00")
    assert merchant_balances(company.installation, "USD") == {"hold_control": usd("0.00")}
    assert list(Posting.objects.filter(company=company).values_list("kind", flat=True)) == [
        PostingKind.HOLD, PostingKind.HOLD_RELEASE, PostingKind.HOLD_RELEASE]


def test_late_fee_is_owed_and_earned(company):
    # given an invoice of 1,000.00
    receivable_book(company=company, money=usd("1000.00"), receivable_ref="inv-9", idempotency_key="f1")

    # when a 25.00 late fee is charged and then everything is paid
    fee_post(company=company, money=usd("25.00"), receivable_ref="inv-9", idempotency_key="f2")
    assert receivable_balance(company=company, currency="USD", receivable_ref="inv-9") == usd("1025.00")
    assert available_credit(company=company, currency="USD") == usd("8975.00")
    payment_apply(company=company, money=usd("1025.00"), payment_ref="bank-9",
                  allocations=[("inv-9", usd("1025.00"))], idempotency_key="f3")

    # then
    assert receivable_balance(company=company, currency="USD") == usd("0.00")
    assert merchant_balances(company.installation, "USD") == {
        "sales": usd("1000.00"), "fees": usd("25.00"), "cash": usd("1025.00"),
    }
    assert trial_balance(installation=company.installation, currency="USD").is_balanced


def test_write_off_of_the_unpaid_rest(company):
    # given an invoice of 800.00 of which 300.00 was paid
    receivable_book(company=company, money=usd("800.00"), receivable_ref="inv-3", idempotency_key="w1")
    payment_apply(company=company, money=usd("300.00"), payment_ref="bank-3",
                  allocations=[("inv-3", usd("300.00"))], idempotency_key="w2")

    # when the rest is written off
    write_off_post(company=company, money=usd("500.00"), receivable_ref="inv-3", idempotency_key="w3")

    # then
    assert receivable_balance(company=company, currency="USD") == usd("0.00")
    assert available_credit(company=company, currency="USD") == usd("10000.00")
    assert merchant_balances(company.installation, "USD") == {
        "sales": usd("800.00"), "cash": usd("300.00"), "write_off": usd("500.00"),
    }


def test_credit_note_on_a_partly_paid_invoice_splits_open_and_paid_parts(company):
    # given an invoice of 1,000.00 with 600.00 paid
    receivable_book(company=company, money=usd("1000.00"), receivable_ref="inv-4", idempotency_key="c1")
    payment_apply(company=company, money=usd("600.00"), payment_ref="bank-4",
                  allocations=[("inv-4", usd("600.00"))], idempotency_key="c2")

    # when a credit note of 700.00 is issued
    note = credit_note_post(company=company, money=usd("700.00"), receivable_ref="inv-4", idempotency_key="c3")

    # then 400.00 clears what was open and 300.00 of the paid part is owed to the buyer
    assert sorted((e.account.kind, e.side, str(e.amount), e.receivable_ref) for e in note.entries.all()) == [
        ("credit_balance", "credit", "300.0000", "inv-4"),
        ("receivable", "credit", "400.0000", "inv-4"),
        ("sales", "debit", "700.0000", ""),
    ]
    assert receivable_balance(company=company, currency="USD", receivable_ref="inv-4") == usd("0.00")
    assert credit_balance(company=company, currency="USD") == usd("300.00")
    assert merchant_balances(company.installation, "USD") == {"sales": usd("300.00"), "cash": usd("600.00")}


def test_adjustments_in_all_four_directions(company):
    # given
    receivable_book(company=company, money=usd("100.00"), receivable_ref="inv-5", idempotency_key="a0")

    # when
    adjustment_post(company=company, money=usd("10.00"), target="receivable", direction="increase",
                    receivable_ref="inv-5", idempotency_key="a1")
    adjustment_post(company=company, money=usd("30.00"), target="receivable", direction="decrease",
                    receivable_ref="inv-5", idempotency_key="a2")
    adjustment_post(company=company, money=usd("20.00"), target="credit_balance", direction="increase",
                    idempotency_key="a3")
    adjustment_post(company=company, money=usd("5.00"), target="credit_balance", direction="decrease",
                    idempotency_key="a4")

    # then
    assert receivable_balance(company=company, currency="USD", receivable_ref="inv-5") == usd("80.00")
    assert credit_balance(company=company, currency="USD") == usd("15.00")
    assert merchant_balances(company.installation, "USD") == {"sales": usd("100.00"), "adjustments": usd("35.00")}
    # the merchant gave up 20.00 of receivable and 15.00 of credit: 35.00 net debit (a cost)
    assert Entry.objects.filter(posting__company=company).count() == 10
    assert trial_balance(installation=company.installation, currency="USD").is_balanced


def test_currencies_are_separate_books(company_factory):
    # given a company with limits in USD and EUR

    company = company_factory()
    credit_limit_set(company=company, amount=Money.of("5000", "EUR"))

    # when
    hold_place(company=company, money=Money.of("100.00", "EUR"), hold_ref="txn-eur", idempotency_key="e1")
    hold_place(company=company, money=usd("300.00"), hold_ref="txn-usd", idempotency_key="e2")

    # then
    assert available_credit(company=company, currency="EUR") == Money.of("4900.00", "EUR")
    assert available_credit(company=company, currency="USD") == usd("9700.00")
    assert trial_balance(installation=company.installation, currency="EUR").debits == Money.of("100.00", "EUR")
