"""Payment-history inputs of the credit snapshot, exact: days to pay, days beyond terms, late
share over 12 months, overdue, from receivables and the payments allocated to them."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_netterms.checkout.requests import TransactionActionRequest
from saleor_netterms.checkout.selectors import credit_snapshot
from saleor_netterms.workflows.checkout import transaction_capture
from saleor_netterms.companies.models import Member
from saleor_netterms.decisions.selectors import payment_history
from saleor_netterms.workflows.payments import payment_record
from saleor_netterms.receivables.models import Receivable, ReceivableStatus

from .conftest import authorize, usd


def receivable_make(installation, *, tx: str, amount: str, issued_days_ago: int, terms: int = 30) -> Receivable:
    authorize(installation, tx=tx, amount=amount)
    result = transaction_capture(installation=installation, request=TransactionActionRequest(
        transaction_id=tx, money=usd(amount), request_key=f"capture:{tx}"))
    assert result.succeeded, result
    receivable = Receivable.objects.get(installation=installation, reference=result.psp_reference)
    issue = timezone.localdate() - dt.timedelta(days=issued_days_ago)
    Receivable.objects.filter(pk=receivable.pk).update(issue_date=issue, due_date=issue + dt.timedelta(days=terms))
    receivable.refresh_from_db()
    return receivable


def pay(company, receivable: Receivable, amount: str, *, days_ago: int, reference: str) -> None:
    payment_record(company=company, money=usd(amount), received_on=timezone.localdate() - dt.timedelta(days=days_ago),
                   reference=reference, allocations=[(receivable, usd(amount))])


@pytest.fixture
def history(buyer, credit_installation):
    """R1 paid 5 days early, R2 paid 10 days late, R3 part-paid and 30 days past due, R4 paid
    late but outside the 12 months, R5 open and not due."""
    r1 = receivable_make(credit_installation, tx="tx-r1", amount="100.00", issued_days_ago=100)
    r2 = receivable_make(credit_installation, tx="tx-r2", amount="200.00", issued_days_ago=80)
    r3 = receivable_make(credit_installation, tx="tx-r3", amount="300.00", issued_days_ago=60)
    r4 = receivable_make(credit_installation, tx="tx-r4", amount="50.00", issued_days_ago=500)
    receivable_make(credit_installation, tx="tx-r5", amount="70.00", issued_days_ago=10)
    pay(buyer, r1, "100.00", days_ago=75, reference="BANK-1")
    pay(buyer, r2, "150.00", days_ago=45, reference="BANK-2a")
    pay(buyer, r2, "50.00", days_ago=40, reference="BANK-2b")  # settled on the later payment
    pay(buyer, r3, "100.00", days_ago=35, reference="BANK-3")
    pay(buyer, r4, "50.00", days_ago=460, reference="BANK-4")
    assert [r.status for r in Receivable.objects.filter(pk__in=[r1.pk, r2.pk, r3.pk, r4.pk]).order_by("id")] == [
        ReceivableStatus.PAID, ReceivableStatus.PAID, ReceivableStatus.OPEN, ReceivableStatus.PAID]
    return buyer


@pytest.mark.django_db
def test_payment_history_figures_are_exact(history):
    # when
    figures = payment_history(company=history, currency="USD")

    # then
    assert figures.settled_count == 2  # R1, R2 (R4 was settled 460 days ago)
    assert figures.settled_late_count == 1  # R2
    assert figures.overdue_open_count == 1  # R3
    assert figures.avg_days_to_pay == Decimal("32.50")  # (25 + 40) / 2
    assert figures.avg_days_beyond_terms == Decimal("2.50")  # (-5 + 10) / 2
    assert figures.late_invoice_share == Decimal("0.6667")  # (1 late + 1 overdue) / 3
    assert figures.max_days_past_due == 30
    assert figures.overdue_amount == Decimal("200.00")


@pytest.mark.django_db
def test_the_checkout_snapshot_carries_the_payment_history(history):
    # given
    member = Member.objects.get(company=history)

    # when
    snap = credit_snapshot(company=history, member=member, money=usd("10.00"), channel_slug="default-channel")

    # then
    assert (snap.avg_days_to_pay, snap.avg_days_beyond_terms, snap.late_invoice_share) == (
        Decimal("32.50"), Decimal("2.50"), Decimal("0.6667"))
    assert (snap.overdue_amount, snap.max_days_past_due) == (Decimal("200.00"), 30)
    assert snap.is_first_order is False
    assert snap.account_age_days == 0
    assert snap.median_order_amount == Decimal("100.00")  # 50, 70, 100, 200, 300 approved or captured


@pytest.mark.django_db
def test_no_history_is_unknown_not_zero(buyer):
    # when
    figures = payment_history(company=buyer, currency="USD")

    # then
    assert (figures.avg_days_to_pay, figures.avg_days_beyond_terms, figures.late_invoice_share) == (None, None, None)
    assert (figures.overdue_amount, figures.max_days_past_due, figures.settled_count) == (Decimal(0), 0, 0)
