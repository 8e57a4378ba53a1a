"""The company admin's billing contact and default PO rules in the portal: saved through
companies.services.company_update, audited, enforced at checkout with a coded refusal; only an
admin may change them (server-side), a refusal writes nothing."""
from __future__ import annotations

import pytest
from django.test import Client

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.buyer_access.models import PortalSession
from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer
from saleor_netterms.companies.models import Company
from saleor_netterms.companies.validators import po_number_matches, po_pattern_validate
from saleor_netterms.companies.errors import InvalidCompany
from saleor_netterms.core.money import Money
from saleor_netterms.workflows.checkout import checkout_authorize
from tests.portal.conftest import AP_EMAIL, STOREFRONT_BUYER_ID, session_key, signed_in
from saleor_netterms.portal.web import SESSION_COOKIE
from tests.saleor_double import CUSTOMER_EMAIL

pytestmark = pytest.mark.django_db

GOOD = {"billing_contact_name": "Erika Payables", "billing_contact_email": "Payables@Acme.example",
        "billing_contact_phone": "+49 40 555 0101", "po_number_required": "on", "po_number_pattern": "PO-#####"}


def _state(company: Company) -> tuple:
    company.refresh_from_db()
    return (company.billing_contact_name, company.billing_contact_email, company.billing_contact_phone,
            company.po_number_required, company.po_number_pattern)


def test_the_admin_sets_the_billing_contact_and_po_rules_audited(client, world):
    # given: the old billing contact is signed in
    old_contact = Client()
    old_contact.cookies[SESSION_COOKIE] = session_key(world.acme, None, AP_EMAIL)
    assert old_contact.get("/portal/").status_code == 200
    signed_in(client, world.acme, world.admin)

    # when
    response = client.post("/portal/company/settings", GOOD)
    again = client.post("/portal/company/settings", GOOD)

    # then
    assert (response.status_code, response["Location"]) == (303, "/portal/company?done=settings")
    assert again.status_code == 303
    assert _state(world.acme) == ("Erika Payables", "payables@acme.example", "+49 40 555 0101", True, "PO-#####")
    entry = AuditEntry.objects.get(action="portal.company_settings_changed")   # the same values again: no entry
    assert (entry.actor, entry.object_type, entry.object_id, entry.company_id) == (
        f"buyer:{CUSTOMER_EMAIL}", "company", str(world.acme.pk), world.acme.pk)
    assert entry.before == {"billing_contact_name": "Accounts Payable", "billing_contact_email": AP_EMAIL,
                            "billing_contact_phone": "", "po_number_required": False, "po_number_pattern": ""}
    assert entry.after == {"billing_contact_name": "Erika Payables", "billing_contact_email": "payables@acme.example",
                           "billing_contact_phone": "+49 40 555 0101", "po_number_required": True,
                           "po_number_pattern": "PO-#####"}
    page = client.get("/portal/company?done=settings").content.decode()
    assert "Billing contact and PO rules saved." in page and 'value="payables@acme.example"' in page
    assert 'id="po-required" name="po_number_required" type="checkbox" checked' in page
    # the replaced billing contact is out at their next request
    assert old_contact.get("/portal/").status_code == 302


@pytest.mark.parametrize("change, code", [({"billing_contact_email": "not-an-address"}, "INVALID_BILLING_CONTACT"),
                                          ({"po_number_pattern": "PO-[0-9]+"}, "INVALID_COMPANY"),
                                          ({"po_number_pattern": "****"}, "INVALID_COMPANY"),
                                          ({"billing_contact_name": "x" * 256}, "INVALID_FORM"),
                                          ({"po_number_pattern": "PO\x00"}, "INVALID_TEXT")])
def test_a_bad_setting_is_a_coded_400_shown_on_the_form_and_nothing_changes(client, world, change, code):
    # given
    signed_in(client, world.acme, world.admin)
    before = _state(world.acme)

    # when
    response = client.post("/portal/company/settings", {**GOOD, **change})

    # then
    assert response.status_code == 400 and code in response.content.decode()
    assert _state(world.acme) == before
    assert not AuditEntry.objects.filter(action="portal.company_settings_changed").exists()


def test_the_pattern_refusal_tells_the_admin_how_to_write_one(client, world):
    signed_in(client, world.acme, world.admin)
    page = client.post("/portal/company/settings", {**GOOD, "po_number_pattern": "PO-\\d+"}).content.decode()
    assert ("Write the pattern with # for a digit, @ for a letter, ? for any one character and * for any characters, "
            "e.g. PO-* or 45########.") in page
    assert 'value="PO-\\d+"' in page   # what they typed stays in the form


@pytest.mark.parametrize("member", ["buyer", "approver", None])
def test_only_the_admin_may_change_them(client, world, member):
    # given: a buyer, an approver, the billing contact (no member)
    signed_in(client, world.acme, getattr(world, member) if member else None, "" if member else AP_EMAIL)
    before = _state(world.acme)

    # when
    response = client.post("/portal/company/settings", GOOD)

    # then
    assert response.status_code == 403 and "PORTAL_ROLE_FORBIDDEN" in response.content.decode()
    assert _state(world.acme) == before and AuditEntry.objects.filter(action__startswith="portal.").count() == 0


def test_the_po_rules_are_enforced_at_checkout(client, world):
    # given
    signed_in(client, world.acme, world.admin)
    client.post("/portal/company/settings", GOOD)

    # when: without a PO, with one of another shape, with a right one
    def authorize(tx: str, po: str = ""):
        return checkout_authorize(installation=world.installation, request=AuthorizationRequest(
            transaction_id=tx, money=Money.of("100.00", "EUR"), buyer=Buyer(user_id=STOREFRONT_BUYER_ID),
            channel_slug="default-channel", po_number=po))

    without, wrong, right = authorize("tx-po-1"), authorize("tx-po-2", "4711"), authorize("tx-po-3", "po-12345")

    # then
    assert (without.outcome, without.primary_code) == ("declined", "PO_NUMBER_REQUIRED")
    assert (wrong.outcome, wrong.primary_code) == ("declined", "PO_NUMBER_INVALID")
    assert "look like PO-##### (# is a digit" in wrong.message
    assert right.outcome == "approved"
    assert NetTermsTransaction.objects.get(saleor_transaction_id="tx-po-3").po_number == "po-12345"


@pytest.mark.parametrize("pattern, number, matches", [
    ("PO-*", "PO-1", True), ("PO-*", "po-2026/17", True), ("PO-*", "P0-1", False), ("PO-*", "PO-", True),
    ("45########", "4500012345", True), ("45########", "450001234", False), ("45########", "45000123456", False),
    ("@@-####", "AB-1234", True), ("@@-####", "A1-1234", False), ("??-*", "x/-", True),
    ("*-*-*", "a-b-c", True), ("", "anything", True), ("PO-*", "PO-" + "9" * 80, False)])
def test_po_number_patterns(pattern, number, matches):
    assert po_number_matches(pattern, number) is matches


@pytest.mark.parametrize("pattern", ["PO-[0-9]", "*", "***", "a*b*c*d*e", "PO\\d", "x" * 41, "PO+"])
def test_bad_po_number_patterns_are_refused(pattern):
    with pytest.raises(InvalidCompany):
        po_pattern_validate(pattern)


def test_a_session_of_another_company_cannot_reach_acmes_settings(client, world):
    # given: Globex's admin
    signed_in(client, world.globex, world.globex_member)
    before = _state(world.acme)

    # when
    client.post("/portal/company/settings", GOOD)

    # then: Globex changed its own, Acme is untouched
    assert _state(world.acme) == before
    assert _state(world.globex)[1] == "payables@acme.example"
    assert PortalSession.objects.filter(company=world.acme).count() == 0
