"""Companies: tax ids, ERP numbers, status, credit limits per currency, the lock helper."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from saleor_netterms.companies.errors import InvalidTaxId
from saleor_netterms.companies.models import Company, CreditLimit
from saleor_netterms.companies.selectors import available_credit, company_credit_limit, credit_summary
from saleor_netterms.companies.services import (
    company_create,
    company_lock,
    company_status_set,
    company_update,
    credit_limit_set,
    member_add,
)
from saleor_netterms.companies.validators import tax_id_validate
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import Money
from saleor_netterms.ledger.services import hold_place, receivable_book
from tests.fixtures_credit import installation_make


@pytest.mark.parametrize("tax_id, country, expected", [
    ("DE 136,695 976", "DE", ("DE136695976", "DE")),
    ("136695976", "de", ("DE136695976", "DE")),
    ("EL 094259216", "GR", ("EL094259216", "GR")),
    ("04-2103594", "US", ("042103594", "US")),
    ("GB 980 7806 84", "GB", ("980780684", "GB")),
])
def test_tax_ids_are_validated_and_stored_compact(tax_id, country, expected):
    # when / then
    assert tax_id_validate(tax_id=tax_id, country=country) == expected


@pytest.mark.parametrize("tax_id, country", [
    ("DE 136,695 977", "DE"),   # bad check digit
    ("FR40303265045", "DE"),    # another member state's number
    ("12-345", "US"),
    ("123", "ZZ"),              # no validator for this country
    ("DE136695976", "Germany"),
])
def test_invalid_tax_ids_are_refused_with_a_code(tax_id, country):
    # when / then
    with pytest.raises(InvalidTaxId) as info:
        tax_id_validate(tax_id=tax_id, country=country)
    assert info.value.code == "INVALID_TAX_ID"


def test_company_create_stores_the_compact_tax_id(credit_installation):
    # when
    company = company_create(installation=credit_installation, legal_name=" Acme GmbH ", tax_id="DE 136 695 976",
                             tax_id_country="DE", billing_contact_email="AP@Acme.example",
                             allowed_channels=["b2b-eu", "b2b-eu"])

    # then
    company.refresh_from_db()
    assert (company.legal_name, company.tax_id, company.tax_id_country) == ("Acme GmbH", "DE136695976", "DE")
    assert company.billing_contact_email == "ap@acme.example"
    assert company.allowed_channels == ["b2b-eu"]
    assert (company.status, company.default_terms_days, company.po_number_required) == ("active", 30, False)
    assert company.channel_allowed("b2b-eu") and not company.channel_allowed("retail")


def test_company_create_with_an_invalid_tax_id_writes_nothing(credit_installation):
    # when
    with pytest.raises(InvalidTaxId):
        company_create(installation=credit_installation, legal_name="Acme", tax_id="DE136695977",
                       tax_id_country="DE")

    # then
    assert Company.objects.count() == 0


def test_erp_customer_number_is_unique_per_installation_when_set(credit_installation, company_factory):
    # given
    company_factory(erp_customer_number="C-100")
    company_factory()
    company_factory()  # two companies without a number are fine

    # when / then
    with pytest.raises(NetTermsError) as info:
        company_factory(erp_customer_number="C-100")
    assert info.value.code == "ERP_CUSTOMER_NUMBER_TAKEN"
    assert Company.objects.filter(erp_customer_number="C-100").count() == 1
    # another installation may reuse it
    assert company_factory(installation=installation_make(), erp_customer_number="C-100").pk


def test_company_update_changes_only_given_fields(company_factory):
    # given
    company = company_factory(billing_contact_name="Ann", erp_customer_number="C-1")
    other = company_factory(erp_customer_number="C-2")

    # when
    company_update(company=company, po_number_required=True, default_terms_days=60)

    # then
    company.refresh_from_db()
    assert (company.po_number_required, company.default_terms_days, company.billing_contact_name) == (True, 60, "Ann")
    with pytest.raises(NetTermsError) as info:
        company_update(company=company, erp_customer_number=other.erp_customer_number)
    assert info.value.code == "ERP_CUSTOMER_NUMBER_TAKEN"


def test_company_status_set_records_reason_and_time(company):
    # when
    company_status_set(company=company, status="on_hold", reason="Invoice 1042 is 30 days overdue")

    # then
    company.refresh_from_db()
    assert (company.status, company.status_reason) == ("on_hold", "Invoice 1042 is 30 days overdue")
    assert company.status_changed_at is not None
    with pytest.raises(NetTermsError) as info:
        company_status_set(company=company, status="suspended", reason="")
    assert info.value.code == "INVALID_COMPANY"
    with pytest.raises(NetTermsError):
        company_status_set(company=company, status="frozen", reason="x")


def test_credit_limits_are_per_currency_and_quantized(company_factory):
    # given
    company = company_factory(limit=None)

    # when
    credit_limit_set(company=company, amount=Money(Decimal("5000.005"), "USD"))
    credit_limit_set(company=company, amount=Money.of("1000000", "JPY"))
    credit_limit_set(company=company, amount=Money.of("7500", "USD"))  # replaces the USD limit

    # then
    assert company_credit_limit(company=company, currency="USD") == Money.of("7500.00", "USD")
    assert company_credit_limit(company=company, currency="JPY") == Money.of("1000000", "JPY")
    assert company_credit_limit(company=company, currency="EUR") is None
    assert CreditLimit.objects.filter(company=company).count() == 2
    assert available_credit(company=company, currency="EUR") == Money.of("0", "EUR")


@pytest.mark.parametrize("amount", [Money.of("-1", "USD"), Money(Decimal("1"), "XXQ"), Decimal("100")])
def test_invalid_credit_limits_are_refused(company_factory, amount):
    # given
    company = company_factory(limit=None)

    # when / then
    with pytest.raises(NetTermsError) as info:
        credit_limit_set(company=company, amount=amount)
    assert info.value.code == "INVALID_CREDIT_LIMIT"
    assert CreditLimit.objects.filter(company=company).count() == 0


def test_database_refuses_a_negative_credit_limit(company):
    # when / then
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            CreditLimit.objects.filter(company=company).update(amount=Decimal("-1"))


def test_credit_summary_of_limit_holds_and_receivables(company, django_assert_max_num_queries):
    # given
    hold_place(company=company, money=Money.of("1500.00", "USD"), hold_ref="t1", idempotency_key="k1")
    receivable_book(company=company, money=Money.of("2500.50", "USD"), receivable_ref="inv-1", idempotency_key="k2")

    # when
    with django_assert_max_num_queries(2):
        summary = credit_summary(company=company, currency="USD")

    # then
    usd = lambda amount: Money.of(amount, "USD")  # noqa: E731
    assert summary == type(summary)(limit=usd("10000.00"), holds=usd("1500.00"), receivables=usd("2500.50"),
                                    credit_balance=usd("0.00"), exposure=usd("4000.50"),
                                    available=usd("5999.50"))


def test_lowering_the_limit_below_exposure_makes_available_negative(company):
    # given
    hold_place(company=company, money=Money.of("3000.00", "USD"), hold_ref="t1", idempotency_key="k1")

    # when
    credit_limit_set(company=company, amount=Money.of("2000", "USD"))

    # then
    assert available_credit(company=company, currency="USD") == Money.of("-1000.00", "USD")


def test_company_lock_needs_a_transaction(company):
    # when / then
    with transaction.atomic():
        assert company_lock(company_id=company.pk) == company
        with pytest.raises(NetTermsError) as info:
            company_lock(company_id=10**9)
        assert info.value.code == "COMPANY_NOT_FOUND"


@pytest.mark.django_db(transaction=True)
def test_company_lock_outside_a_transaction_is_refused(company):
    # when / then
    with pytest.raises(NetTermsError) as info:
        company_lock(company_id=company.pk)
    assert info.value.code == "LOCK_OUTSIDE_TRANSACTION"


def test_member_spending_limit(company):
    # when
    member = member_add(company=company, kind="email", value="buyer@acme.example", role="buyer",
                        spending_limit=Money.of("2500", "USD"))

    # then
    assert member.spending_limit == Money.of("2500.00", "USD")
    with pytest.raises(NetTermsError) as info:
        member_add(company=company, kind="email", value="other@acme.example", spending_limit=Money.of("-1", "USD"))
    assert info.value.code == "INVALID_MEMBER"
