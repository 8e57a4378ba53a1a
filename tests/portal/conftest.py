"""Portal fixtures: one merchant (a German seller profile, EUR bank account) with two companies
of the same installation — "Acme" (the signed-in one, with invoices, a pending buyer approval
and members of every role) and "Globex" (the stranger whose records must never show) — and
helpers that sign a member in the way the pages do (a real portal session and its cookie)."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest

from saleor_netterms.buyer_access.models import SignInMethod
from saleor_netterms.buyer_access.services import portal_session_open
from saleor_netterms.checkout.models import NetTermsTransaction, TransactionStatus
from saleor_netterms.checkout.requests import OrderLine, OrderSnapshot
from saleor_netterms.checkout.services import order_bind
from saleor_netterms.companies.models import Company, Member
from saleor_netterms.checkout.requests import AuthorizationRequest, Buyer
from saleor_netterms.companies.services import company_create, credit_limit_set, member_add
from saleor_netterms.workflows.checkout import checkout_authorize
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.services import invoice_issue_for_order
from saleor_netterms.ledger import services as ledger
from saleor_netterms.portal.web import SESSION_COOKIE
from saleor_netterms.sellers.services import (seller_bank_account_set, seller_brand_color_set, seller_logo_set,
                                              seller_profile_save)
from tests.saleor_double import CUSTOMER_EMAIL, CUSTOMER_ID

_SEQ = itertools.count(1)
SELLER = dict(legal_name="Muster Werkzeuge GmbH", trading_name="Muster Tools", street="Hauptstraße 1",
              city="Berlin", postal_code="10115", country="de", vat_id="DE 136 695 976",
              tax_number="27/123/45678", tax_number_label="Steuernummer", registration_authority="Amtsgericht Berlin",
              registration_number="HRB 98765", contact_name="Petra Schulz", email="billing@muster.example",
              phone="+49 30 1234567", peppol_scheme="9930", peppol_id="DE136695976")
SELLER_IBAN = "DE89370400440532013000"
AP_EMAIL = "ap@acme.example"
LOGO_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40">'
            b'<rect width="40" height="40" rx="8" fill="#0b6e4f"/><text x="50" y="27" font-family="sans-serif" '
            b'font-size="18" font-weight="700" fill="#1b1d22">Muster Tools</text></svg>')


def invoice_make(company: Company, *, amount: str, issue_date: dt.date, currency: str = "EUR", po: str = "",
                 member: Member | None = None) -> Invoice:
    """An issued invoice through the real path: hold → order bound → invoice (Net 30)."""
    n = next(_SEQ)
    transaction_id = f"VHJhbnNhY3Rpb25JdGVtOlA{company.pk}x{n}"
    tx = NetTermsTransaction.objects.create(
        installation=company.installation, saleor_transaction_id=transaction_id, psp_reference=f"nt-portal-{company.pk}-{n}",
        company=company, member=member, currency=currency, amount=Decimal(amount), status=TransactionStatus.AUTHORIZED,
        decision_outcome="approve", po_number=po or f"PO-{company.pk}-{n}", terms_days=30, channel_slug="default-channel")
    ledger.hold_place(company=company, money=Money.of(amount, currency), hold_ref=tx.hold_ref,
                      idempotency_key=f"hold:{tx.pk}")
    order_bind(installation=company.installation, order=OrderSnapshot(
        order_id=f"T3JkZXI6UA{company.pk}x{n}", number=str(2000 + n), status="UNFULFILLED", currency=currency,
        total_net=amount, total_tax="0.00", total_gross=amount, channel_slug="default-channel", user_email=AP_EMAIL,
        transaction_ids=(transaction_id,),
        lines=(OrderLine("Torque wrench", "TW-200", 2, str(Decimal(amount) / 2), str(Decimal(amount) / 2), "0.0"),),
        billing_address={"companyName": company.legal_name, "streetAddress1": "Industriestraße 5", "city": "Hamburg",
                         "postalCode": "20095", "country": "DE"}))
    tx.refresh_from_db()
    return invoice_issue_for_order(transaction=tx, issue_date=issue_date)


@dataclass
class World:
    installation: object
    acme: Company
    globex: Company
    admin: Member          # Acme's storefront admin (the Saleor test double's customer)
    buyer: Member
    approver: Member
    acme_invoices: list[Invoice]
    globex_invoice: Invoice
    globex_member: Member
    pending_order: NetTermsTransaction      # Acme's order over its buyer's spending limit, waiting


STOREFRONT_BUYER_ID = "VXNlcjo3"


def world_build(installation) -> World:
    seller_profile_save(installation=installation, **SELLER)
    seller_bank_account_set(installation=installation, currency="EUR", iban=SELLER_IBAN, bic="COBADEFFXXX",
                            account_holder="Muster Werkzeuge GmbH")
    seller_brand_color_set(installation=installation, color="#0b6e4f")     # the portal wears the merchant's colour
    seller_logo_set(installation=installation, content=LOGO_SVG, content_type="image/svg+xml")
    acme = company_create(installation=installation, legal_name="Acme Industrial Supply",
                          billing_contact_email=AP_EMAIL, billing_contact_name="Accounts Payable")
    credit_limit_set(company=acme, amount=Money.of("50000", "EUR"))
    globex = company_create(installation=installation, legal_name="Globex Handels GmbH",
                            billing_contact_email="ap@globex.example")
    credit_limit_set(company=globex, amount=Money.of("20000", "EUR"))
    admin = member_add(company=acme, kind="saleor_user_id", value=CUSTOMER_ID, role="admin")
    buyer = member_add(company=acme, kind="email", value="buyer@acme.example", role="buyer",
                       spending_limit=Money.of("1000", "EUR"))
    approver = member_add(company=acme, kind="email", value="approver@acme.example", role="approver")
    today = dt.date.today()
    acme_invoices = [invoice_make(acme, amount="1200.00", issue_date=today - dt.timedelta(days=45), po="PO-7781"),
                     invoice_make(acme, amount="350.00", issue_date=today - dt.timedelta(days=10)),
                     invoice_make(acme, amount="80.00", issue_date=today - dt.timedelta(days=2))]
    globex_invoice = invoice_make(globex, amount="999.00", issue_date=today - dt.timedelta(days=5), po="PO-GLOBEX")
    globex_member = member_add(company=globex, kind="email", value="boss@globex.example", role="admin")
    member_add(company=acme, kind="saleor_user_id", value=STOREFRONT_BUYER_ID, role="buyer",
               spending_limit=Money.of("500", "EUR"))
    checkout_authorize(installation=installation, request=AuthorizationRequest(
        transaction_id="tx-over-limit", money=Money.of("750.00", "EUR"), buyer=Buyer(user_id=STOREFRONT_BUYER_ID),
        channel_slug="default-channel"))
    pending = NetTermsTransaction.objects.get(installation=installation, saleor_transaction_id="tx-over-limit")
    return World(installation=installation, acme=acme, globex=globex, admin=admin, buyer=buyer, approver=approver,
                 acme_invoices=acme_invoices, globex_invoice=globex_invoice, globex_member=globex_member,
                 pending_order=pending)


@pytest.fixture
def world(installation) -> World:
    return world_build(installation)


def session_key(company: Company, member: Member | None, email: str = "") -> str:
    _session, key = portal_session_open(company=company, member=member, method=SignInMethod.STOREFRONT,
                                        email=email or (member.value if member and member.kind == "email" else CUSTOMER_EMAIL))
    return key


def signed_in(client, company: Company, member: Member | None, email: str = ""):
    client.cookies[SESSION_COOKIE] = session_key(company, member, email)
    return client
