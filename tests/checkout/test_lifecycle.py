"""After the checkout: capture, cancel, refund, orders and payments — as bookkeeping stories.

Saleor reports are asserted as the outbox messages they queue (delivery has its own tests)."""
import datetime as dt

import pytest
from django.utils import timezone

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.checkout.requests import (AuthorizationRequest, Buyer, OrderLine, OrderSnapshot,
                                               TransactionActionRequest)
from saleor_netterms.checkout.services import order_bind, review_approve, review_decline, transaction_cancel
from saleor_netterms.workflows.checkout import checkout_authorize, holds_expire, order_cancel, transaction_capture, transaction_refund
from saleor_netterms.companies.selectors import available_credit, credit_summary
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.payments.models import Payment
from saleor_netterms.payments.services import PaymentError
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.receivables.models import Receivable, ReceivableStatus
from saleor_netterms.approvals.models import ApprovalRequest
from tests.fixtures_credit import ledger_counts

USER_ID = "VXNlcjo2"
TX = "VHJhbnNhY3Rpb25JdGVtOjE="


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def company(company_factory, member_factory, credit_installation):
    company = company_factory(installation=credit_installation, legal_name="Acme Industrial Supply",
                              limit=usd("10000"))
    member_factory(company=company, value=USER_ID)
    return company


def authorize(installation, amount="1000.00", tx=TX):
    return checkout_authorize(installation=installation, request=AuthorizationRequest(
        transaction_id=tx, money=usd(amount), buyer=Buyer(user_id=USER_ID), channel_slug="default-channel"))


def action(amount, key="event:1", tx=TX):
    return TransactionActionRequest(transaction_id=tx, money=usd(amount), request_key=key)


def reports():
    return [(m.payload["type"], m.payload["psp_reference"], m.payload["amount"])
            for m in OutboxMessage.objects.filter(kind="saleor.transaction_event_report").order_by("id")]


@pytest.mark.django_db
def test_capture_turns_the_hold_into_a_receivable_due_on_terms(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")

    # when
    result = transaction_capture(installation=credit_installation, request=action("1000.00"))

    # then
    receivable = Receivable.objects.get()
    assert result.succeeded and result.pending
    assert result.psp_reference == receivable.reference
    assert result.actions == ()
    assert receivable.due_date == timezone.localdate() + dt.timedelta(days=30)
    assert receivable.saleor_pending_psp == receivable.reference
    summary = credit_summary(company=company, currency="USD")
    assert (summary.holds, summary.receivables, summary.available) == (usd("0"), usd("1000.00"), usd("9000.00"))
    assert NetTermsTransaction.objects.get().status == TransactionStatus.CAPTURED


@pytest.mark.django_db
def test_partial_capture_leaves_the_rest_held_and_chargeable(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")

    # when
    result = transaction_capture(installation=credit_installation, request=action("400.00"))

    # then
    assert result.actions == ("CHARGE", "CANCEL")
    summary = credit_summary(company=company, currency="USD")
    assert (summary.holds, summary.receivables) == (usd("600.00"), usd("400.00"))


@pytest.mark.django_db
def test_the_same_capture_request_twice_books_one_receivable(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    first = transaction_capture(installation=credit_installation, request=action("1000.00", key="event:7"))

    # when
    second = transaction_capture(installation=credit_installation, request=action("1000.00", key="event:7"))

    # then
    assert second.psp_reference == first.psp_reference
    assert Receivable.objects.count() == 1
    assert ledger_selectors.receivable_balance(company=company, currency="USD") == usd("1000.00")


@pytest.mark.django_db
def test_capture_beyond_the_authorization_fails_and_writes_nothing(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    before = ledger_counts()

    # when
    result = transaction_capture(installation=credit_installation, request=action("1000.01"))

    # then
    assert not result.succeeded
    assert result.code == "AMOUNT_EXCEEDS_AUTHORIZATION"
    assert ledger_counts() == before
    assert Receivable.objects.count() == 0


@pytest.mark.django_db
def test_capture_of_an_unknown_transaction_fails(credit_installation, company):
    # when
    result = transaction_capture(installation=credit_installation, request=action("10.00", tx="nope"))

    # then
    assert (result.succeeded, result.code) == (False, "UNKNOWN_TRANSACTION")
    assert ledger_counts().postings == 0


@pytest.mark.django_db
def test_cancel_releases_the_hold_once(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")

    # when
    first = transaction_cancel(installation=credit_installation, request=action("1000.00", key="event:9"))
    second = transaction_cancel(installation=credit_installation, request=action("1000.00", key="event:9"))

    # then
    assert first.succeeded and first.money == usd("1000.00") and first.actions == ()
    assert second.succeeded and second.actions == ()
    assert available_credit(company=company, currency="USD") == usd("10000.00")
    assert ledger_counts().postings == 2  # hold + release
    assert NetTermsTransaction.objects.get().status == TransactionStatus.CANCELED


@pytest.mark.django_db
def test_partial_payment_reports_charge_success_and_a_new_pending_request(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    transaction_capture(installation=credit_installation, request=action("1000.00"))
    receivable = Receivable.objects.get()

    # when
    payment_record(company=company, money=usd("400.00"), received_on=dt.date(2026, 12, 1), reference="BANK-1")

    # then
    receivable.refresh_from_db()
    assert ledger_selectors.receivable_balance(company=company, currency="USD",
                                               receivable_ref=receivable.receivable_ref) == usd("600.00")
    assert receivable.status == ReceivableStatus.OPEN
    assert reports() == [("CHARGE_SUCCESS", receivable.reference, "400.00"),
                         ("CHARGE_REQUEST", f"{receivable.reference}-2", "600.00")]
    assert receivable.saleor_pending_psp == f"{receivable.reference}-2"

    # when the rest arrives
    payment_record(company=company, money=usd("600.00"), received_on=dt.date(2026, 12, 20), reference="BANK-2")

    # then
    receivable.refresh_from_db()
    assert receivable.status == ReceivableStatus.PAID
    assert reports()[-1] == ("CHARGE_SUCCESS", f"{receivable.reference}-2", "600.00")
    assert available_credit(company=company, currency="USD") == usd("10000.00")


@pytest.mark.django_db
def test_overpayment_becomes_credit_balance(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    transaction_capture(installation=credit_installation, request=action("1000.00"))

    # when
    payment = payment_record(company=company, money=usd("1250.00"), received_on=dt.date(2026, 12, 1),
                             reference="BANK-9")

    # then
    assert payment.unallocated_amount == usd("250.00").amount
    summary = credit_summary(company=company, currency="USD")
    assert (summary.receivables, summary.credit_balance) == (usd("0.00"), usd("250.00"))


@pytest.mark.django_db
def test_the_same_payment_reference_twice_records_one_payment(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    transaction_capture(installation=credit_installation, request=action("1000.00"))
    first = payment_record(company=company, money=usd("100.00"), received_on=dt.date(2026, 12, 1), reference="B-1")

    # when
    second = payment_record(company=company, money=usd("100.00"), received_on=dt.date(2026, 12, 1), reference="B-1")

    # then
    assert second.pk == first.pk
    assert Payment.objects.count() == 1
    assert ledger_selectors.receivable_balance(company=company, currency="USD") == usd("900.00")


@pytest.mark.django_db
def test_payment_reference_reused_with_another_amount_is_refused_and_writes_nothing(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    transaction_capture(installation=credit_installation, request=action("1000.00"))
    payment_record(company=company, money=usd("100.00"), received_on=dt.date(2026, 12, 1), reference="B-1")
    before, messages = ledger_counts(), OutboxMessage.objects.count()

    # when
    with pytest.raises(PaymentError) as refused:
        payment_record(company=company, money=usd("200.00"), received_on=dt.date(2026, 12, 1), reference="B-1")

    # then
    assert refused.value.code == "DUPLICATE_PAYMENT_REFERENCE"
    assert (ledger_counts(), OutboxMessage.objects.count()) == (before, messages)


@pytest.mark.django_db
def test_allocation_beyond_the_open_amount_is_refused_and_writes_nothing(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    transaction_capture(installation=credit_installation, request=action("1000.00"))
    receivable = Receivable.objects.get()
    before = ledger_counts()

    # when
    with pytest.raises(PaymentError) as refused:
        payment_record(company=company, money=usd("1500.00"), received_on=dt.date(2026, 12, 1), reference="B-2",
                       allocations=[(receivable, usd("1000.01"))])

    # then
    assert refused.value.code == "OVER_ALLOCATION"
    assert ledger_counts() == before
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_refund_of_a_paid_order_credits_the_buyer(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    transaction_capture(installation=credit_installation, request=action("1000.00"))
    payment_record(company=company, money=usd("1000.00"), received_on=dt.date(2026, 12, 1), reference="B-3")

    # when
    result = transaction_refund(installation=credit_installation, request=action("300.00", key="event:r1"))
    again = transaction_refund(installation=credit_installation, request=action("300.00", key="event:r1"))

    # then
    assert result.succeeded and result.psp_reference.startswith("cn-")
    assert again.psp_reference == result.psp_reference
    assert result.actions == ("REFUND",)
    summary = credit_summary(company=company, currency="USD")
    assert (summary.receivables, summary.credit_balance) == (usd("0.00"), usd("300.00"))


@pytest.mark.django_db
def test_refund_of_an_unpaid_invoice_reduces_the_receivable(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    transaction_capture(installation=credit_installation, request=action("1000.00"))

    # when
    result = transaction_refund(installation=credit_installation, request=action("200.00", key="event:r2"))

    # then
    assert result.succeeded
    summary = credit_summary(company=company, currency="USD")
    assert (summary.receivables, summary.credit_balance) == (usd("800.00"), usd("0.00"))


@pytest.mark.django_db
def test_refund_beyond_what_was_invoiced_fails_and_writes_nothing(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    transaction_capture(installation=credit_installation, request=action("1000.00"))
    before = ledger_counts()

    # when
    result = transaction_refund(installation=credit_installation, request=action("1000.01", key="event:r3"))

    # then
    assert (result.succeeded, result.code) == (False, "AMOUNT_EXCEEDS_INVOICED")
    assert ledger_counts() == before


def _order(order_id="T3JkZXI6MQ==", tx=TX):
    return OrderSnapshot(order_id=order_id, number="36", status="UNFULFILLED", currency="USD", total_net="180.00",
                         total_tax="0.00", total_gross="180.00", channel_slug="default-channel",
                         user_email="ashley.cook@example.com", transaction_ids=(tx,),
                         lines=(OrderLine("Dash Force", "618223581", 2, "90.00", "90.00", "0.00"),))


@pytest.mark.django_db
def test_order_binding_is_idempotent(credit_installation, company):
    # given
    authorize(credit_installation, "180.00")

    # when
    first = order_bind(installation=credit_installation, order=_order())
    second = order_bind(installation=credit_installation, order=_order())

    # then
    assert (first, second) == (1, 0)
    tx = NetTermsTransaction.objects.get()
    assert (tx.order_id, tx.order_number) == ("T3JkZXI6MQ==", "36")
    assert tx.order_snapshot["lines"][0] == {"productName": "Dash Force", "sku": "618223581", "quantity": 2,
                                             "unitNet": "90.00", "unitGross": "90.00", "taxRate": "0.00"}


@pytest.mark.django_db
def test_order_cancelled_releases_the_hold_and_reports_cancel_success_once(credit_installation, company):
    # given
    result = authorize(credit_installation, "180.00")
    order_bind(installation=credit_installation, order=_order())

    # when
    first = order_cancel(installation=credit_installation, order_id="T3JkZXI6MQ==", transaction_ids=(TX,))
    second = order_cancel(installation=credit_installation, order_id="T3JkZXI6MQ==", transaction_ids=(TX,))

    # then
    assert (first, second) == (1, 0)
    assert available_credit(company=company, currency="USD") == usd("10000.00")
    assert reports() == [("CANCEL_SUCCESS", result.psp_reference, "180.00")]


@pytest.mark.django_db
def test_review_approve_reports_authorization_success_with_the_same_psp_reference(
        credit_installation, company_factory, member_factory):
    # given
    company = company_factory(installation=credit_installation)
    member_factory(company=company, value="VXNlcjo3", spending_limit=usd("100"))
    result = checkout_authorize(installation=credit_installation, request=AuthorizationRequest(
        transaction_id="tx-review", money=usd("750.00"), buyer=Buyer(user_id="VXNlcjo3"), channel_slug="c"))
    tx = NetTermsTransaction.objects.get(saleor_transaction_id="tx-review")

    # when
    review_approve(transaction_id=tx.pk, decided_by="credit@merchant.example")
    review_approve(transaction_id=tx.pk, decided_by="credit@merchant.example")

    # then
    tx.refresh_from_db()
    assert result.outcome == "in_review"
    assert tx.status == TransactionStatus.AUTHORIZED
    assert reports() == [("AUTHORIZATION_SUCCESS", result.psp_reference, "750.00")]
    assert ledger_selectors.hold_balance(company=company, currency="USD") == usd("750.00")


@pytest.mark.django_db
def test_review_decline_releases_the_hold_and_reports_authorization_failure(
        credit_installation, company_factory, member_factory):
    # given
    company = company_factory(installation=credit_installation)
    member_factory(company=company, value="VXNlcjo3", spending_limit=usd("100"))
    result = checkout_authorize(installation=credit_installation, request=AuthorizationRequest(
        transaction_id="tx-review", money=usd("750.00"), buyer=Buyer(user_id="VXNlcjo3"), channel_slug="c"))
    tx = NetTermsTransaction.objects.get(saleor_transaction_id="tx-review")

    # when
    review_decline(transaction_id=tx.pk, decided_by="credit@merchant.example", reason="Too large")

    # then
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.CANCELED
    assert reports() == [("AUTHORIZATION_FAILURE", result.psp_reference, "750.00")]
    assert available_credit(company=company, currency="USD") == usd("10000.00")


@pytest.mark.django_db
def test_the_same_receivable_twice_in_allocations_is_refused_and_writes_nothing(credit_installation, company):
    # given
    authorize(credit_installation, "1000.00")
    transaction_capture(installation=credit_installation, request=action("1000.00"))
    receivable = Receivable.objects.get()
    before = ledger_counts()

    # when
    with pytest.raises(PaymentError) as refused:
        payment_record(company=company, money=usd("200.00"), received_on=dt.date(2026, 12, 1), reference="B-7",
                       allocations=[(receivable, usd("100.00")), (receivable, usd("100.00"))])

    # then
    assert refused.value.code == "DUPLICATE_ALLOCATION"
    assert (ledger_counts(), Payment.objects.count()) == (before, 0)


@pytest.mark.django_db
def test_an_overlong_payment_reference_is_refused(credit_installation, company):
    # when
    with pytest.raises(PaymentError) as refused:
        payment_record(company=company, money=usd("1.00"), received_on=dt.date(2026, 12, 1), reference="R" * 129)

    # then
    assert refused.value.code == "PAYMENT_REFERENCE_TOO_LONG"
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_order_cancelled_in_review_cancels_its_approval_request(credit_installation, company_factory, member_factory):
    # given

    company = company_factory(installation=credit_installation)
    member_factory(company=company, value="VXNlcjo3", spending_limit=usd("100"))
    checkout_authorize(installation=credit_installation, request=AuthorizationRequest(
        transaction_id="tx-review", money=usd("750.00"), buyer=Buyer(user_id="VXNlcjo3"), channel_slug="c"))
    assert ApprovalRequest.objects.get().status == "pending"

    # when
    order_cancel(installation=credit_installation, order_id="T3JkZXI6OQ==", transaction_ids=("tx-review",))

    # then
    assert ApprovalRequest.objects.get().status == "canceled"
    assert reports() == [("AUTHORIZATION_FAILURE", NetTermsTransaction.objects.get().psp_reference, "750.00")]


@pytest.mark.django_db
def test_a_hold_whose_checkout_never_became_an_order_expires_once(credit_installation, company, settings):
    # given
    settings.CHECKOUT_HOLD_TTL_HOURS = 72
    abandoned = authorize(credit_installation, "300.00", tx="tx-abandoned")
    authorize(credit_installation, "200.00", tx="tx-ordered")
    order_bind(installation=credit_installation, order=_order(tx="tx-ordered"))
    later = timezone.now() + dt.timedelta(hours=73)

    # when
    first = holds_expire(now=later)
    second = holds_expire(now=later)

    # then
    assert (first, second) == (1, 0)
    assert reports() == [("CANCEL_SUCCESS", abandoned.psp_reference, "300.00")]
    assert credit_summary(company=company, currency="USD").holds == usd("200.00")
    assert NetTermsTransaction.objects.get(saleor_transaction_id="tx-abandoned").status == TransactionStatus.CANCELED


@pytest.mark.django_db
def test_holds_younger_than_the_ttl_or_with_expiry_off_stay(credit_installation, company, settings):
    # given
    authorize(credit_installation, "300.00", tx="tx-new")

    # when
    settings.CHECKOUT_HOLD_TTL_HOURS = 72
    young = holds_expire(now=timezone.now() + dt.timedelta(hours=71))
    settings.CHECKOUT_HOLD_TTL_HOURS = 0
    off = holds_expire(now=timezone.now() + dt.timedelta(days=365))

    # then
    assert (young, off) == (0, 0)
    assert credit_summary(company=company, currency="USD").holds == usd("300.00")
    assert OutboxMessage.objects.count() == 0
