"""Mutations on credit accounts: companies, limits, members. A refusal answers coded errors and
writes nothing; another installation's rows are NOT_FOUND."""
from types import SimpleNamespace

import pytest

from saleor_netterms.api.schema import schema
from saleor_netterms.companies.models import Company, CreditLimit, Member
from saleor_netterms.companies.services import company_status_set, member_add
from saleor_netterms.core.money import Money

COMPANY_CREATE = """
mutation Create($legalName: String!, $taxId: String, $taxIdCountry: String, $email: String,
                $erp: String, $terms: Int, $po: Boolean, $channels: [String!]) {
  companyCreate(legalName: $legalName, taxId: $taxId, taxIdCountry: $taxIdCountry, billingContactEmail: $email,
                erpCustomerNumber: $erp, defaultTermsDays: $terms, poNumberRequired: $po,
                allowedChannels: $channels) {
    company { legalName taxId taxIdCountry billingContactEmail erpCustomerNumber status defaultTermsDays
              poNumberRequired allowedChannels limits { amount currency } }
    errors { code field message }
  }
}
"""

COMPANY_UPDATE = """
mutation Update($id: ID!, $legalName: String, $terms: Int, $erp: String) {
  companyUpdate(id: $id, legalName: $legalName, defaultTermsDays: $terms, erpCustomerNumber: $erp) {
    company { id legalName defaultTermsDays erpCustomerNumber billingContactName }
    errors { code field message }
  }
}
"""

STATUS_SET = """
mutation Status($id: ID!, $status: CompanyStatus!, $reason: String) {
  companyStatusSet(id: $id, status: $status, reason: $reason) {
    company { id status statusReason }
    errors { code field message }
  }
}
"""

LIMIT_SET = """
mutation Limit($companyId: ID!, $amount: String!, $currency: String!) {
  creditLimitSet(companyId: $companyId, amount: $amount, currency: $currency) {
    company { id limits { amount currency } }
    limit { amount currency }
    errors { code field message }
  }
}
"""

MEMBER_ADD = """
mutation Add($companyId: ID!, $kind: MemberKind!, $value: String!, $role: MemberRole,
             $spendingLimit: MoneyInput, $domainVerified: Boolean) {
  memberAdd(companyId: $companyId, kind: $kind, value: $value, role: $role, spendingLimit: $spendingLimit,
            domainVerified: $domainVerified) {
    member { kind value role domainVerified isActive spendingLimit { amount currency } company { id } }
    errors { code field message }
  }
}
"""

MEMBER_REMOVE = """
mutation Remove($id: ID!) { memberRemove(id: $id) { member { id isActive } errors { code field message } } }
"""

MEMBER_DOMAIN_VERIFY = """
mutation Verify($id: ID!) {
  memberDomainVerify(id: $id) { member { id value domainVerified } errors { code field message } }
}
"""


def counts() -> tuple[int, int, int]:
    return Company.objects.count(), CreditLimit.objects.count(), Member.objects.count()


@pytest.mark.django_db
def test_company_create(gql, credit_installation):
    # when
    data = gql(COMPANY_CREATE, {"legalName": " Acme Industrial Supply ", "taxId": "136695976",
                                "taxIdCountry": "DE", "email": "AP@Acme.example", "erp": "C-1001", "terms": 45,
                                "po": True, "channels": ["b2b", "b2b", "wholesale"]})

    # then
    assert data == {"companyCreate": {"company": {
        "legalName": "Acme Industrial Supply", "taxId": "DE136695976", "taxIdCountry": "DE",
        "billingContactEmail": "ap@acme.example", "erpCustomerNumber": "C-1001", "status": "ACTIVE",
        "defaultTermsDays": 45, "poNumberRequired": True, "allowedChannels": ["b2b", "wholesale"], "limits": [],
    }, "errors": []}}
    assert Company.objects.get().installation == credit_installation


@pytest.mark.django_db
def test_company_create_with_defaults(gql):
    # when
    data = gql(COMPANY_CREATE, {"legalName": "Bolt & Nut GmbH"})

    # then
    assert data["companyCreate"] == {"company": {
        "legalName": "Bolt & Nut GmbH", "taxId": "", "taxIdCountry": "", "billingContactEmail": "",
        "erpCustomerNumber": "", "status": "ACTIVE", "defaultTermsDays": 30, "poNumberRequired": False,
        "allowedChannels": [], "limits": []}, "errors": []}


@pytest.mark.django_db
@pytest.mark.parametrize("variables, error", [
    ({"legalName": "Acme", "taxId": "DE999999999", "taxIdCountry": "DE"},
     {"code": "INVALID_TAX_ID", "field": "taxId", "message": "The tax ID is not valid for the given country."}),
    ({"legalName": "   "},
     {"code": "INVALID_COMPANY", "field": None, "message": "The legal name is required."}),
    ({"legalName": "Acme", "email": "not-an-email"},
     {"code": "INVALID_MEMBER", "field": "billingContactEmail",
      "message": "The member's match kind, value, role or spending limit is not valid."}),
    ({"legalName": "Acme", "channels": ["b2b shop"]},
     {"code": "INVALID_COMPANY", "field": None, "message": "A channel slug is not valid."}),
    ({"legalName": "A" * 256},
     {"code": "TOO_LONG", "field": "legalName", "message": "At most 255 characters."}),
])
def test_company_create_refusals_write_nothing(gql, variables, error):
    # when
    data = gql(COMPANY_CREATE, variables)

    # then
    assert data == {"companyCreate": {"company": None, "errors": [error]}}
    assert counts() == (0, 0, 0)


@pytest.mark.django_db
def test_company_create_refuses_a_taken_erp_number(gql, company_factory):
    # given
    company_factory(erp_customer_number="C-1001")

    # when
    data = gql(COMPANY_CREATE, {"legalName": "Acme Two", "erp": "C-1001"})

    # then
    assert data == {"companyCreate": {"company": None, "errors": [{
        "code": "ERP_CUSTOMER_NUMBER_TAKEN", "field": "erpCustomerNumber",
        "message": "Another company of this installation already has this ERP customer number."}]}}
    assert counts() == (1, 1, 0)


@pytest.mark.django_db
def test_company_update_changes_only_the_given_fields(gql, company_factory):
    # given
    company = company_factory(legal_name="Acme", billing_contact_name="Jane Payable", default_terms_days=30)

    # when
    data = gql(COMPANY_UPDATE, {"id": str(company.pk), "legalName": "Acme Industrial Supply", "terms": 60})

    # then
    assert data == {"companyUpdate": {"company": {
        "id": str(company.pk), "legalName": "Acme Industrial Supply", "defaultTermsDays": 60,
        "erpCustomerNumber": "", "billingContactName": "Jane Payable"}, "errors": []}}
    company.refresh_from_db()
    assert (company.legal_name, company.default_terms_days) == ("Acme Industrial Supply", 60)


@pytest.mark.django_db
def test_company_update_refusal_writes_nothing(gql, company_factory):
    # given
    company_factory(erp_customer_number="C-1001")
    company = company_factory(legal_name="Acme")

    # when
    data = gql(COMPANY_UPDATE, {"id": str(company.pk), "legalName": "Renamed", "erp": "C-1001"})

    # then
    assert data["companyUpdate"] == {"company": None, "errors": [{
        "code": "ERP_CUSTOMER_NUMBER_TAKEN", "field": "erpCustomerNumber",
        "message": "Another company of this installation already has this ERP customer number."}]}
    company.refresh_from_db()
    assert (company.legal_name, company.erp_customer_number) == ("Acme", "")


@pytest.mark.django_db
def test_company_of_another_installation_cannot_be_changed(gql, company_factory, other_installation):
    # given
    theirs = company_factory(installation=other_installation, legal_name="Not Yours Ltd")
    not_found = {"code": "NOT_FOUND", "field": "id", "message": "The company does not exist."}

    # when
    updated = gql(COMPANY_UPDATE, {"id": str(theirs.pk), "legalName": "Mine now"})
    status = gql(STATUS_SET, {"id": str(theirs.pk), "status": "CLOSED", "reason": "Mine now"})
    limit = gql(LIMIT_SET, {"companyId": str(theirs.pk), "amount": "1.00", "currency": "USD"})
    member = gql(MEMBER_ADD, {"companyId": str(theirs.pk), "kind": "EMAIL", "value": "me@mine.example"})

    # then
    assert updated == {"companyUpdate": {"company": None, "errors": [not_found]}}
    assert status == {"companyStatusSet": {"company": None, "errors": [not_found]}}
    assert limit == {"creditLimitSet": {"company": None, "limit": None, "errors": [
        {**not_found, "field": "companyId"}]}}
    assert member == {"memberAdd": {"member": None, "errors": [{**not_found, "field": "companyId"}]}}
    theirs.refresh_from_db()
    assert (theirs.legal_name, theirs.status) == ("Not Yours Ltd", "active")
    assert [limit.money for limit in theirs.credit_limits.all()] == [Money.of("10000", "USD")]
    assert Member.objects.count() == 0


@pytest.mark.django_db
def test_company_status_set(gql, company_factory):
    # given
    company = company_factory()

    # when
    on_hold = gql(STATUS_SET, {"id": str(company.pk), "status": "ON_HOLD", "reason": "Invoice 1001 overdue"})
    active = gql(STATUS_SET, {"id": str(company.pk), "status": "ACTIVE"})

    # then
    assert on_hold == {"companyStatusSet": {"company": {
        "id": str(company.pk), "status": "ON_HOLD", "statusReason": "Invoice 1001 overdue"}, "errors": []}}
    assert active == {"companyStatusSet": {"company": {
        "id": str(company.pk), "status": "ACTIVE", "statusReason": ""}, "errors": []}}


@pytest.mark.django_db
def test_company_status_set_needs_a_reason_unless_active(gql, company_factory):
    # given
    company = company_factory()

    # when
    data = gql(STATUS_SET, {"id": str(company.pk), "status": "SUSPENDED", "reason": "  "})

    # then
    assert data == {"companyStatusSet": {"company": None, "errors": [{
        "code": "INVALID_COMPANY", "field": "reason",
        "message": "Say why the account is put on hold, suspended or closed."}]}}
    company.refresh_from_db()
    assert (company.status, company.status_reason) == ("active", "")


@pytest.mark.django_db
def test_credit_limit_set_creates_and_replaces(gql, company_factory):
    # given
    company = company_factory(limit=Money.of("10000", "USD"))

    # when
    euro = gql(LIMIT_SET, {"companyId": str(company.pk), "amount": "2500.5", "currency": "eur"})
    dollar = gql(LIMIT_SET, {"companyId": str(company.pk), "amount": "25000.00", "currency": "USD"})
    yen = gql(LIMIT_SET, {"companyId": str(company.pk), "amount": "150000", "currency": "JPY"})

    # then
    assert euro == {"creditLimitSet": {
        "company": {"id": str(company.pk), "limits": [{"amount": "2500.50", "currency": "EUR"},
                                                      {"amount": "10000.00", "currency": "USD"}]},
        "limit": {"amount": "2500.50", "currency": "EUR"}, "errors": []}}
    assert dollar["creditLimitSet"]["limit"] == {"amount": "25000.00", "currency": "USD"}
    assert yen["creditLimitSet"]["company"]["limits"] == [
        {"amount": "2500.50", "currency": "EUR"}, {"amount": "150000", "currency": "JPY"},
        {"amount": "25000.00", "currency": "USD"}]
    assert CreditLimit.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("amount, currency, error", [
    ("1e3", "USD", {"code": "INVALID_AMOUNT", "field": "amount",
                    "message": "'1e3' is not a decimal amount like \"1250.00\"."}),
    ("1,000.00", "USD", {"code": "INVALID_AMOUNT", "field": "amount",
                         "message": "'1,000.00' is not a decimal amount like \"1250.00\"."}),
    (" 100", "USD", {"code": "INVALID_AMOUNT", "field": "amount",
                     "message": "' 100' is not a decimal amount like \"1250.00\"."}),
    ("NaN", "USD", {"code": "INVALID_AMOUNT", "field": "amount",
                    "message": "'NaN' is not a decimal amount like \"1250.00\"."}),
    ("", "USD", {"code": "INVALID_AMOUNT", "field": "amount",
                 "message": "'' is not a decimal amount like \"1250.00\"."}),
    ("0100", "USD", {"code": "INVALID_AMOUNT", "field": "amount",
                     "message": "'0100' is not a decimal amount like \"1250.00\"."}),
    ("10.005", "USD", {"code": "INVALID_AMOUNT", "field": "amount",
                       "message": "10.005 has more decimal places than USD allows."}),
    ("10.5", "JPY", {"code": "INVALID_AMOUNT", "field": "amount",
                     "message": "10.5 has more decimal places than JPY allows."}),
    ("12345678901234567", "USD", {"code": "INVALID_AMOUNT", "field": "amount",
                                  "message": "12345678901234567 is too large."}),
    ("100.00", "DOLLARS", {"code": "INVALID_CURRENCY", "field": "currency",
                           "message": "'DOLLARS' is not an ISO 4217 currency code."}),
    ("-1.00", "USD", {"code": "INVALID_CREDIT_LIMIT", "field": "amount",
                      "message": "A credit limit must be zero or a positive amount in a valid currency."}),
])
def test_credit_limit_set_refuses_bad_amounts_and_writes_nothing(gql, company_factory, amount, currency, error):
    # given
    company = company_factory(limit=Money.of("10000", "USD"))

    # when
    data = gql(LIMIT_SET, {"companyId": str(company.pk), "amount": amount, "currency": currency})

    # then
    assert data == {"creditLimitSet": {"company": None, "limit": None, "errors": [error]}}
    assert [limit.money for limit in CreditLimit.objects.all()] == [Money.of("10000", "USD")]


@pytest.mark.django_db
def test_member_add(gql, company_factory):
    # given
    company = company_factory()

    # when
    data = gql(MEMBER_ADD, {"companyId": str(company.pk), "kind": "EMAIL", "value": " Buyer@Acme.Example ",
                            "role": "APPROVER", "spendingLimit": {"amount": "750", "currency": "usd"}})

    # then
    assert data == {"memberAdd": {"member": {
        "kind": "EMAIL", "value": "buyer@acme.example", "role": "APPROVER", "domainVerified": False,
        "isActive": True, "spendingLimit": {"amount": "750.00", "currency": "USD"},
        "company": {"id": str(company.pk)}}, "errors": []}}


@pytest.mark.django_db
@pytest.mark.parametrize("variables, error", [
    ({"kind": "EMAIL", "value": "taken@acme.example"},
     {"code": "MEMBER_ALREADY_EXISTS", "field": "value",
      "message": "This user, email, domain, customer type or reference already belongs to a company."}),
    ({"kind": "EMAIL", "value": "no-at-sign"},
     {"code": "INVALID_MEMBER", "field": None,
      "message": "The member's match kind, value, role or spending limit is not valid."}),
    ({"kind": "SALEOR_USER_ID", "value": "VXNlcjo5", "domainVerified": True},
     {"code": "INVALID_MEMBER", "field": None,
      "message": "The member's match kind, value, role or spending limit is not valid."}),
    ({"kind": "EMAIL", "value": "new@acme.example", "spendingLimit": {"amount": "0.001", "currency": "USD"}},
     {"code": "INVALID_AMOUNT", "field": "spendingLimit.amount",
      "message": "0.001 has more decimal places than USD allows."}),
    ({"kind": "EMAIL", "value": "new@acme.example", "spendingLimit": {"amount": "10", "currency": "usdollar"}},
     {"code": "INVALID_CURRENCY", "field": "spendingLimit.currency",
      "message": "'usdollar' is not an ISO 4217 currency code."}),
])
def test_member_add_refusals_write_nothing(gql, company_factory, variables, error):
    # given
    company = company_factory()
    member_add(company=company_factory(), kind="email", value="taken@acme.example")

    # when
    data = gql(MEMBER_ADD, {"companyId": str(company.pk), **variables})

    # then
    assert data == {"memberAdd": {"member": None, "errors": [error]}}
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_member_remove(gql, company_factory):
    # given
    member = member_add(company=company_factory(), kind="saleor_user_id", value="VXNlcjo5")

    # when
    data = gql(MEMBER_REMOVE, {"id": str(member.pk)})

    # then
    assert data == {"memberRemove": {"member": {"id": str(member.pk), "isActive": False}, "errors": []}}
    member.refresh_from_db()
    assert member.is_active is False


@pytest.mark.django_db
def test_member_domain_verify(gql, company_factory):
    # given
    member = member_add(company=company_factory(), kind="email_domain", value="Acme.example")

    # when
    data = gql(MEMBER_DOMAIN_VERIFY, {"id": str(member.pk)})

    # then
    assert data == {"memberDomainVerify": {"member": {
        "id": str(member.pk), "value": "acme.example", "domainVerified": True}, "errors": []}}


@pytest.mark.django_db
def test_member_domain_verify_refusals_write_nothing(gql, company_factory):
    # given
    email_member = member_add(company=company_factory(), kind="email", value="buyer@acme.example")
    verified = member_add(company=company_factory(), kind="email_domain", value="acme.example",
                          domain_verified=True)
    claim = member_add(company=company_factory(), kind="email_domain", value="acme.example")

    # when
    not_a_domain = gql(MEMBER_DOMAIN_VERIFY, {"id": str(email_member.pk)})
    taken = gql(MEMBER_DOMAIN_VERIFY, {"id": str(claim.pk)})

    # then
    assert not_a_domain == {"memberDomainVerify": {"member": None, "errors": [{
        "code": "INVALID_MEMBER", "field": "id",
        "message": "The member's match kind, value, role or spending limit is not valid."}]}}
    assert taken == {"memberDomainVerify": {"member": None, "errors": [{
        "code": "MEMBER_ALREADY_EXISTS", "field": "id",
        "message": "This user, email, domain, customer type or reference already belongs to a company."}]}}
    assert list(Member.objects.filter(domain_verified=True).values_list("pk", flat=True)) == [verified.pk]


@pytest.mark.django_db
def test_member_of_another_installation_is_not_found(gql, company_factory, other_installation):
    # given
    theirs = member_add(company=company_factory(installation=other_installation), kind="email_domain",
                        value="acme.example")
    not_found = {"code": "NOT_FOUND", "field": "id", "message": "The member does not exist."}

    # when
    removed = gql(MEMBER_REMOVE, {"id": str(theirs.pk)})
    verified = gql(MEMBER_DOMAIN_VERIFY, {"id": str(theirs.pk)})

    # then
    assert removed == {"memberRemove": {"member": None, "errors": [not_found]}}
    assert verified == {"memberDomainVerify": {"member": None, "errors": [not_found]}}
    theirs.refresh_from_db()
    assert (theirs.is_active, theirs.domain_verified) == (True, False)


@pytest.mark.django_db
def test_status_set_of_a_closed_company_back_to_active(gql, company_factory):
    # given
    company = company_factory()
    company_status_set(company=company, status="closed", reason="Merged")

    # when
    data = gql(STATUS_SET, {"id": str(company.pk), "status": "ACTIVE", "reason": "Reopened"})

    # then
    assert data["companyStatusSet"] == {"company": {"id": str(company.pk), "status": "ACTIVE",
                                                    "statusReason": "Reopened"}, "errors": []}


@pytest.mark.django_db
def test_without_a_principal_a_mutation_is_refused_and_writes_nothing(credit_installation):
    # when
    result = schema.execute(COMPANY_CREATE, variables={"legalName": "Acme"},
                            context_value=SimpleNamespace(dashboard_principal=None))

    # then
    assert result.data == {"companyCreate": None}
    assert [(e.message, e.extensions) for e in result.errors] == [
        ("Authentication is required.", {"code": "UNAUTHENTICATED"})]
    assert counts() == (0, 0, 0)
