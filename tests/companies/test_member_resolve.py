"""Who is the buyer's company? Precedence, and a guest never gets credit."""
import pytest

from saleor_netterms.companies.models import CompanyStatus
from saleor_netterms.companies.selectors import MemberResolution, member_resolution, member_resolve
from saleor_netterms.companies.services import company_status_set, member_add, member_domain_verify, member_remove
from tests.fixtures_credit import installation_make

BUYER = {"user_id": "VXNlcjo0Mg==", "email": "Jane.Doe@Acme.example", "external_reference": "ERP-1001",
         "customer_type_slug": "wholesale", "email_confirmed": True}


def _all_kinds(member_factory, company_factory):
    """One company per match kind, all matching BUYER."""
    members = {}
    for kind, value, extra in [
        ("customer_type", "wholesale", {}),
        ("email_domain", "acme.example", {"domain_verified": True}),
        ("external_reference", "ERP-1001", {}),
        ("email", "jane.doe@acme.example", {}),
        ("saleor_user_id", "VXNlcjo0Mg==", {}),
    ]:
        members[kind] = member_factory(company=company_factory(), kind=kind, value=value, **extra)
    return members


def test_precedence_user_id_email_reference_domain_customer_type(credit_installation, member_factory,
                                                                 company_factory):
    # given a member of a different company for every kind
    members = _all_kinds(member_factory, company_factory)

    # when / then: removing the strongest match each time reveals the next one
    for kind in ["saleor_user_id", "email", "external_reference", "email_domain", "customer_type"]:
        resolved = member_resolve(installation=credit_installation, **BUYER)
        assert resolved == members[kind]
        member_remove(member=members[kind])
    assert member_resolve(installation=credit_installation, **BUYER) is None


def test_guest_email_never_grants_credit(credit_installation, member_factory):
    # given the email is a member
    member_factory(kind="email", value="jane.doe@acme.example")
    member_factory(kind="email_domain", value="acme.example", domain_verified=True)

    # when a guest checkout (no user) carries that email
    resolved = member_resolve(installation=credit_installation, email_confirmed=True, user_id="", email="jane.doe@acme.example",
                              external_reference=None, customer_type_slug=None)

    # then
    assert resolved is None


def test_email_matches_case_insensitively_and_exactly(credit_installation, member_factory):
    # given
    member = member_factory(kind="email", value="Jane.Doe@ACME.example")

    # when / then
    assert member.value == "jane.doe@acme.example"
    assert member_resolve(installation=credit_installation, email_confirmed=True, user_id="VXNlcjox", email="JANE.DOE@acme.EXAMPLE",
                          external_reference=None, customer_type_slug=None) == member
    assert member_resolve(installation=credit_installation, email_confirmed=True, user_id="VXNlcjox", email="jane.doe@acme.example.org",
                          external_reference=None, customer_type_slug=None) is None


def test_unverified_domain_does_not_match(credit_installation, member_factory):
    # given
    member = member_factory(kind="email_domain", value="acme.example")

    # when / then
    assert member_resolve(installation=credit_installation, email_confirmed=True, user_id="VXNlcjox", email="anyone@acme.example",
                          external_reference=None, customer_type_slug=None) is None

    # when the merchant verifies the domain / then
    member_domain_verify(member=member)
    assert member_resolve(installation=credit_installation, email_confirmed=True, user_id="VXNlcjox", email="anyone@ACME.example",
                          external_reference=None, customer_type_slug=None) == member
    # a sub-domain is not the domain
    assert member_resolve(installation=credit_installation, email_confirmed=True, user_id="VXNlcjox", email="x@eu.acme.example",
                          external_reference=None, customer_type_slug=None) is None


def test_members_of_another_installation_never_match(member_factory, company_factory):
    # given the user is a member in installation A only
    other = installation_make()
    member_factory(kind="saleor_user_id", value="VXNlcjo0Mg==")

    # when / then
    assert member_resolve(installation=other, **BUYER) is None


def test_company_status_does_not_hide_the_member(credit_installation, member_factory):
    # given a member of a company on hold
    member = member_factory(kind="saleor_user_id", value="VXNlcjo0Mg==")
    company_status_set(company=member.company, status=CompanyStatus.ON_HOLD, reason="Invoice 1042 overdue")

    # when
    resolved = member_resolve(installation=credit_installation, **BUYER)

    # then the caller sees the member and decides what on_hold means
    assert resolved == member
    assert resolved.company.status == "on_hold"


def test_one_identity_belongs_to_one_company(company_factory, member_factory):
    # given
    member_factory(kind="email", value="jane@acme.example")

    # when / then
    with pytest.raises(Exception) as info:
        member_factory(kind="email", value="JANE@acme.example")
    assert info.value.code == "MEMBER_ALREADY_EXISTS"


def test_removed_identity_can_join_another_company(company_factory, member_factory):
    # given
    member = member_factory(kind="saleor_user_id", value="VXNlcjo3")
    member_remove(member=member)

    # when
    moved = member_factory(kind="saleor_user_id", value="VXNlcjo3")

    # then
    assert moved.company != member.company


def test_a_verified_domain_cannot_be_claimed_twice_but_unverified_claims_do_not_block(company_factory):
    # given an unverified claim by one company and a verified one by another
    acme, globex, initech = company_factory(), company_factory(), company_factory()
    member_add(company=acme, kind="email_domain", value="shared.example")
    member_add(company=globex, kind="email_domain", value="shared.example", domain_verified=True)

    # when / then
    with pytest.raises(Exception) as info:
        member_add(company=initech, kind="email_domain", value="shared.example", domain_verified=True)
    assert info.value.code == "MEMBER_ALREADY_EXISTS"


@pytest.mark.parametrize("kind, value", [("email", "not-an-email"), ("email_domain", "acme"),
                                         ("saleor_user_id", "  "), ("nickname", "x")])
def test_invalid_member_values_are_refused(company, kind, value):
    # when / then
    with pytest.raises(Exception) as info:
        member_add(company=company, kind=kind, value=value)
    assert info.value.code == "INVALID_MEMBER"


def test_an_unconfirmed_account_matches_no_email_rule_but_merchant_set_rules(credit_installation, member_factory,
                                                                             company_factory):
    # given a member of a different company for every kind
    members = _all_kinds(member_factory, company_factory)
    unconfirmed = {**BUYER, "email_confirmed": False}

    # when / then: the e-mail kinds are skipped, in precedence order otherwise
    for kind in ["saleor_user_id", "external_reference", "customer_type"]:
        resolution = member_resolution(installation=credit_installation, **unconfirmed)
        assert resolution == MemberResolution(members[kind])
        member_remove(member=members[kind])
    # nothing is left but e-mail rules: no member, and which rule needs a confirmed account
    assert member_resolution(installation=credit_installation, **unconfirmed) == MemberResolution(
        None, unconfirmed_email_match=members["email"])
    assert member_resolve(installation=credit_installation, **unconfirmed) is None
