"""The credit decision at checkout (checkout.services.checkout_authorize), on the real database."""
from decimal import Decimal

import pytest

from saleor_netterms.companies.services import company_update

from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer
from saleor_netterms.checkout.services import psp_reference_for
from saleor_netterms.workflows.checkout import checkout_authorize
from saleor_netterms.companies.selectors import available_credit
from saleor_netterms.companies.services import company_status_set
from saleor_netterms.core.money import Money
from saleor_netterms.ledger import selectors as ledger_selectors
from tests.fixtures_credit import ledger_counts

USER_ID = "VXNlcjo2"


def _request(amount="1000.00", currency="USD", *, tx="VHJhbnNhY3Rpb25JdGVtOjE=", user_id=USER_ID,
             po="", channel="default-channel"):
    buyer = Buyer(user_id=user_id, email="ashley.cook@example.com") if user_id else None
    return AuthorizationRequest(transaction_id=tx, money=Money.of(amount, currency), buyer=buyer,
                                channel_slug=channel, idempotency_key="idem-1", po_number=po)


@pytest.fixture
def buyer_company(company_factory, member_factory, credit_installation):
    company = company_factory(installation=credit_installation, legal_name="Acme Industrial Supply",
                              limit=Money.of("10000", "USD"))
    member_factory(company=company, kind="saleor_user_id", value=USER_ID)
    return company


@pytest.mark.django_db
def test_approves_within_limit_and_places_a_hold(credit_installation, buyer_company):
    # when
    result = checkout_authorize(installation=credit_installation, request=_request("1000.00"))

    # then
    assert result.outcome == "approved"
    assert result.psp_reference == psp_reference_for(installation=credit_installation,
                                                      transaction_id="VHJhbnNhY3Rpb25JdGVtOjE=")
    assert result.psp_reference.startswith("nt-") and len(result.psp_reference) == 23
    assert result.money == Money.of("1000.00", "USD")
    assert result.message == "Approved on Net 30 terms."
    assert [r.code for r in result.reasons] == ["WITHIN_LIMIT"]
    assert result.available_after == Money.of("9000.00", "USD")
    assert ledger_selectors.hold_balance(company=buyer_company, currency="USD") == Money.of("1000.00", "USD")
    assert available_credit(company=buyer_company, currency="USD") == Money.of("9000.00", "USD")
    tx = NetTermsTransaction.objects.get()
    assert tx.status == TransactionStatus.AUTHORIZED
    assert tx.company == buyer_company
    assert tx.terms_days == 30


@pytest.mark.django_db
def test_same_transaction_twice_gives_the_same_answer_and_one_hold(credit_installation, buyer_company):
    # given
    first = checkout_authorize(installation=credit_installation, request=_request("1000.00"))

    # when
    second = checkout_authorize(installation=credit_installation, request=_request("1000.00"))

    # then
    assert second == first
    assert ledger_counts().postings == 1
    assert NetTermsTransaction.objects.count() == 1
    assert ledger_selectors.hold_balance(company=buyer_company, currency="USD") == Money.of("1000.00", "USD")


@pytest.mark.django_db
def test_guest_checkout_is_declined_and_nothing_is_held(credit_installation, buyer_company):
    # when
    result = checkout_authorize(installation=credit_installation, request=_request(user_id=None))

    # then
    assert result.outcome == "declined"
    assert result.primary_code == "GUEST_CHECKOUT"
    assert result.message == ("Net terms are available to signed-in business customers. "
                              "Please sign in with your company account.")
    assert ledger_counts().postings == 0
    assert NetTermsTransaction.objects.get().status == TransactionStatus.DECLINED


@pytest.mark.django_db
def test_customer_without_a_credit_account_is_declined(credit_installation, buyer_company):
    # when
    result = checkout_authorize(installation=credit_installation, request=_request(user_id="VXNlcjo5OQ=="))

    # then
    assert result.outcome == "declined"
    assert result.primary_code == "NO_CREDIT_ACCOUNT"
    assert ledger_counts().postings == 0


@pytest.mark.django_db
def test_order_over_available_credit_is_declined_with_nothing_written(credit_installation, buyer_company):
    # given
    checkout_authorize(installation=credit_installation, request=_request("9500.00", tx="tx-a"))
    before = ledger_counts()

    # when
    result = checkout_authorize(installation=credit_installation, request=_request("500.01", tx="tx-b"))

    # then
    assert result.outcome == "declined"
    assert result.primary_code == "OVER_LIMIT"
    assert ledger_counts() == before
    assert available_credit(company=buyer_company, currency="USD") == Money.of("500.00", "USD")


@pytest.mark.django_db
def test_order_exactly_equal_to_available_credit_is_approved(credit_installation, buyer_company):
    # given
    checkout_authorize(installation=credit_installation, request=_request("9500.00", tx="tx-a"))

    # when
    result = checkout_authorize(installation=credit_installation, request=_request("500.00", tx="tx-b"))

    # then
    assert result.outcome == "approved"
    assert available_credit(company=buyer_company, currency="USD") == Money.of("0.00", "USD")


@pytest.mark.django_db
@pytest.mark.parametrize("status,code", [("on_hold", "COMPANY_ON_HOLD"), ("suspended", "COMPANY_SUSPENDED"),
                                         ("closed", "COMPANY_CLOSED")])
def test_company_not_active_is_declined(credit_installation, buyer_company, status, code):
    # given
    company_status_set(company=buyer_company, status=status, reason="Overdue invoices")

    # when
    result = checkout_authorize(installation=credit_installation, request=_request("10.00"))

    # then
    assert result.outcome == "declined"
    assert result.primary_code == code
    assert ledger_counts().postings == 0


@pytest.mark.django_db
def test_currency_without_a_limit_is_declined(credit_installation, buyer_company):
    # when
    result = checkout_authorize(installation=credit_installation, request=_request("10.00", "EUR"))

    # then
    assert result.outcome == "declined"
    assert result.primary_code == "NO_LIMIT_FOR_CURRENCY"
    assert ledger_counts().postings == 0


@pytest.mark.django_db
def test_missing_po_number_is_declined_when_the_company_requires_one(credit_installation, company_factory,
                                                                     member_factory):
    # given
    company = company_factory(installation=credit_installation, po_number_required=True)
    member_factory(company=company, value=USER_ID)

    # when
    without = checkout_authorize(installation=credit_installation, request=_request("10.00", tx="tx-1"))
    with_po = checkout_authorize(installation=credit_installation, request=_request("10.00", tx="tx-2", po="PO-4711"))

    # then
    assert without.outcome == "declined"
    assert without.primary_code == "PO_NUMBER_REQUIRED"
    assert with_po.outcome == "approved"
    assert with_po.po_number == "PO-4711"
    assert ledger_selectors.hold_balance(company=company, currency="USD") == Money.of("10.00", "USD")


@pytest.mark.django_db
def test_a_po_number_without_the_companys_pattern_is_declined_with_the_pattern_and_holds_nothing(
        credit_installation, company_factory, member_factory):
    # given: the company's admin said its PO numbers look like 45 and eight digits
    company = company_factory(installation=credit_installation)
    company_update(company=company, po_number_pattern="45########")
    member_factory(company=company, value=USER_ID)

    # when
    wrong = checkout_authorize(installation=credit_installation, request=_request("10.00", tx="tx-1", po="PO-4711"))
    twice = checkout_authorize(installation=credit_installation, request=_request("10.00", tx="tx-1", po="PO-4711"))
    right = checkout_authorize(installation=credit_installation, request=_request("10.00", tx="tx-2", po="4500012345"))
    none = checkout_authorize(installation=credit_installation, request=_request("10.00", tx="tx-3"))

    # then: the wrong one is refused once, with what the buyer can act on; a right one and (not required) none pass
    assert (wrong.outcome, wrong.primary_code) == ("declined", "PO_NUMBER_INVALID")
    assert wrong.message == ("Your company's purchase order (PO) numbers look like 45######## (# is a digit, @ a "
                             "letter, ? any one character, * any characters). Please check the PO number and try again.")
    assert twice == wrong
    assert (right.outcome, none.outcome) == ("approved", "approved")
    assert ledger_selectors.hold_balance(company=company, currency="USD") == Money.of("20.00", "USD")


@pytest.mark.django_db
def test_order_above_the_members_spending_limit_goes_to_review_with_a_hold(credit_installation, company_factory,
                                                                            member_factory):
    # given
    company = company_factory(installation=credit_installation)
    member_factory(company=company, value=USER_ID, spending_limit=Money.of("500", "USD"))

    # when
    result = checkout_authorize(installation=credit_installation, request=_request("750.00"))

    # then
    assert result.outcome == "in_review"
    assert "OVER_SPENDING_LIMIT" in [r.code for r in result.reasons]
    assert ledger_selectors.hold_balance(company=company, currency="USD") == Money.of("750.00", "USD")
    assert NetTermsTransaction.objects.get().status == TransactionStatus.IN_REVIEW


@pytest.mark.django_db
def test_channel_not_allowed_is_declined(credit_installation, company_factory, member_factory):
    # given
    company = company_factory(installation=credit_installation, allowed_channels=["b2b"])
    member_factory(company=company, value=USER_ID)

    # when
    result = checkout_authorize(installation=credit_installation, request=_request("10.00", channel="retail"))

    # then
    assert result.outcome == "declined"
    assert result.primary_code == "CHANNEL_NOT_ALLOWED"
    assert ledger_counts().postings == 0


def test_amounts_are_decimal_not_float():
    # given / when
    money = Money.of(Decimal("180.0"), "USD")

    # then
    assert money.as_string() == "180.00"
