"""Queries about companies: list, detail, limits, members, credit summary; tenant isolation."""
import pytest

from saleor_netterms import __version__
from saleor_netterms.api.schema import schema
from saleor_netterms.companies.services import company_status_set, credit_limit_set, member_add
from saleor_netterms.core.money import Money
from tests.api.conftest import authorize, invoice, usd

COMPANIES = """
query Companies($search: String, $status: CompanyStatus, $first: Int, $offset: Int) {
  companies(search: $search, status: $status, first: $first, offset: $offset) {
    id legalName status erpCustomerNumber limits { amount currency }
  }
}
"""

COMPANY = """
query Company($id: ID!) {
  company(id: $id) {
    id legalName taxId taxIdCountry billingContactName billingContactEmail billingContactPhone
    erpCustomerNumber status statusReason defaultTermsDays poNumberRequired allowedChannels
    limits { amount currency }
    members { kind value role domainVerified isActive spendingLimit { amount currency } }
  }
}
"""

CREDIT_SUMMARY = """
query CreditSummary($id: ID!, $currency: String!) {
  company(id: $id) {
    creditSummary(currency: $currency) {
      currency
      limit { amount currency } holds { amount currency } receivables { amount currency }
      creditBalance { amount currency } exposure { amount currency } available { amount currency }
    }
  }
}
"""


@pytest.mark.django_db
def test_app_version(gql):
    # when
    data = gql("{ appVersion }")

    # then
    assert data == {"appVersion": __version__}


@pytest.mark.django_db
def test_companies_lists_the_installations_companies_by_id(gql, company_factory, credit_installation):
    # given
    first = company_factory(legal_name="Acme Industrial Supply", erp_customer_number="C-1001")
    second = company_factory(legal_name="Bolt & Nut GmbH", limit=Money.of("2500.5", "EUR"))
    credit_limit_set(company=second, amount=usd("0"))

    # when
    data = gql(COMPANIES)

    # then
    assert data == {"companies": [
        {"id": str(first.pk), "legalName": "Acme Industrial Supply", "status": "ACTIVE",
         "erpCustomerNumber": "C-1001", "limits": [{"amount": "10000.00", "currency": "USD"}]},
        {"id": str(second.pk), "legalName": "Bolt & Nut GmbH", "status": "ACTIVE", "erpCustomerNumber": "",
         "limits": [{"amount": "2500.50", "currency": "EUR"}, {"amount": "0.00", "currency": "USD"}]},
    ]}


@pytest.mark.django_db
def test_companies_search_status_and_pagination(gql, company_factory):
    # given
    acme = company_factory(legal_name="Acme Industrial Supply", erp_customer_number="C-1001")
    acme_east = company_factory(legal_name="ACME East", billing_contact_email="ap@acme-east.example")
    company_factory(legal_name="Bolt & Nut GmbH")
    company_status_set(company=acme_east, status="on_hold", reason="Cheque bounced")

    # when
    by_name = gql(COMPANIES, {"search": "acme"})
    by_erp_number = gql(COMPANIES, {"search": "c-100"})
    on_hold = gql(COMPANIES, {"status": "ON_HOLD"})
    second_page = gql(COMPANIES, {"first": 1, "offset": 1})

    # then
    assert [c["id"] for c in by_name["companies"]] == [str(acme.pk), str(acme_east.pk)]
    assert [c["id"] for c in by_erp_number["companies"]] == [str(acme.pk)]
    assert [(c["id"], c["status"]) for c in on_hold["companies"]] == [(str(acme_east.pk), "ON_HOLD")]
    assert [c["id"] for c in second_page["companies"]] == [str(acme_east.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("first, offset, field", [(0, 0, "first"), (101, 0, "first"), (10, -1, "offset")])
def test_companies_refuses_bad_pagination(gql_raw, company_factory, first, offset, field):
    # given
    company_factory()

    # when
    result = gql_raw(COMPANIES, {"first": first, "offset": offset})

    # then
    assert result.data is None
    assert [(e.message, e.extensions) for e in result.errors] == [
        ("first must be 1 to 100 and offset zero or more.", {"code": "INVALID_PAGINATION", "field": field})]


@pytest.mark.django_db
def test_company_detail_with_limits_and_members(gql, company_factory):
    # given
    company = company_factory(
        legal_name="Acme Industrial Supply", tax_id="DE 136 695 976", tax_id_country="de",
        billing_contact_name="Jane Payable", billing_contact_email="AP@Acme.example",
        billing_contact_phone="+49 30 1234", erp_customer_number="C-1001", default_terms_days=45,
        po_number_required=True, allowed_channels=["b2b"])
    member_add(company=company, kind="email", value="Buyer@Acme.example", role="approver",
               spending_limit=usd("750"))
    member_add(company=company, kind="email_domain", value="acme.example")
    removed = member_add(company=company, kind="saleor_user_id", value="VXNlcjo5")
    removed.is_active = False
    removed.save()

    # when
    data = gql(COMPANY, {"id": str(company.pk)})

    # then
    assert data == {"company": {
        "id": str(company.pk), "legalName": "Acme Industrial Supply", "taxId": "DE136695976",
        "taxIdCountry": "DE", "billingContactName": "Jane Payable", "billingContactEmail": "ap@acme.example",
        "billingContactPhone": "+49 30 1234", "erpCustomerNumber": "C-1001", "status": "ACTIVE",
        "statusReason": "", "defaultTermsDays": 45, "poNumberRequired": True, "allowedChannels": ["b2b"],
        "limits": [{"amount": "10000.00", "currency": "USD"}],
        "members": [
            {"kind": "EMAIL", "value": "buyer@acme.example", "role": "APPROVER", "domainVerified": False,
             "isActive": True, "spendingLimit": {"amount": "750.00", "currency": "USD"}},
            {"kind": "EMAIL_DOMAIN", "value": "acme.example", "role": "BUYER", "domainVerified": False,
             "isActive": True, "spendingLimit": None},
        ],
    }}


@pytest.mark.django_db
def test_company_of_another_installation_is_invisible(gql, company_factory, other_installation):
    # given
    theirs = company_factory(installation=other_installation, legal_name="Not Yours Ltd")
    company_factory(legal_name="Ours Ltd")

    # when
    detail = gql(COMPANY, {"id": str(theirs.pk)})
    listed = gql(COMPANIES, {"search": "Not Yours"})

    # then
    assert detail == {"company": None}
    assert listed == {"companies": []}


@pytest.mark.django_db
@pytest.mark.parametrize("company_id", ["999999", "abc", "-1", "1.5"])
def test_company_that_does_not_exist_is_null(gql, company_id):
    # when
    data = gql(COMPANY, {"id": company_id})

    # then
    assert data == {"company": None}


@pytest.mark.django_db
def test_credit_summary_from_the_ledger(gql, credit_installation, buyer):
    # given
    invoice(credit_installation, tx="tx-1", amount="400.00", order_number="1001")
    authorize(credit_installation, tx="tx-2", amount="250.00")

    # when
    data = gql(CREDIT_SUMMARY, {"id": str(buyer.pk), "currency": "usd"})

    # then
    assert data == {"company": {"creditSummary": {
        "currency": "USD",
        "limit": {"amount": "10000.00", "currency": "USD"},
        "holds": {"amount": "250.00", "currency": "USD"},
        "receivables": {"amount": "400.00", "currency": "USD"},
        "creditBalance": {"amount": "0.00", "currency": "USD"},
        "exposure": {"amount": "650.00", "currency": "USD"},
        "available": {"amount": "9350.00", "currency": "USD"},
    }}}


@pytest.mark.django_db
def test_credit_summary_without_a_limit_in_the_currency_is_zero(gql, buyer):
    # when
    data = gql(CREDIT_SUMMARY, {"id": str(buyer.pk), "currency": "JPY"})

    # then
    zero = {"amount": "0", "currency": "JPY"}
    assert data == {"company": {"creditSummary": {
        "currency": "JPY", "limit": zero, "holds": zero, "receivables": zero, "creditBalance": zero,
        "exposure": zero, "available": zero}}}


@pytest.mark.django_db
def test_credit_summary_refuses_an_unknown_currency(gql_raw, buyer):
    # when
    result = gql_raw(CREDIT_SUMMARY, {"id": str(buyer.pk), "currency": "XXY"})

    # then
    assert result.data == {"company": None}
    assert [(e.message, e.extensions, e.path) for e in result.errors] == [
        ("'XXY' is not an ISO 4217 currency code.", {"code": "INVALID_CURRENCY", "field": "currency"},
         ["company", "creditSummary"])]


@pytest.mark.django_db
def test_without_a_principal_every_query_is_refused(buyer):
    # when
    result = schema.execute("{ companies { id } }", context_value=object())

    # then
    assert result.data is None
    assert [(e.message, e.extensions) for e in result.errors] == [
        ("Authentication is required.", {"code": "UNAUTHENTICATED"})]
