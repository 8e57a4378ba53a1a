"""No company ever sees or touches another's records: for EVERY portal URL (parametrised over
portal/urls.py, so a new URL without a case here fails), Acme's admin — the role that may do
everything — tries Globex's invoice, remittance, approval, member, promise or limit request of
the same installation, and gets a 404 (or only Acme's rows), with nothing written."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from saleor_netterms.approvals.models import ApprovalRequest
from saleor_netterms.approvals.services import limit_request_open
from saleor_netterms.buyer_access.models import PortalSession
from saleor_netterms.buyer_access.services import sign_in_link_request
from saleor_netterms.collections.models import Dispute, PaymentPromise
from saleor_netterms.collections.services import promise_make
from saleor_netterms.companies.models import Member
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.models import CombinedRemittance
from saleor_netterms.invoicing.remittances import combined_remittance_create
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.portal import urls as portal_urls
from tests.portal.test_portal import customer_token, headers

from .conftest import invoice_make, signed_in
from .test_pages import link_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(world):
    """Globex's own records next to Acme's: a second invoice, a remittance, a promise, a limit request."""
    second = invoice_make(world.globex, amount="10.00", issue_date=dt.date.today())
    remittance = combined_remittance_create(company=world.globex, created_by="buyer:boss@globex.example",
                                            invoice_numbers=[world.globex_invoice.number, second.number])
    promise = promise_make(company=world.globex, amount=Money.of("999.00", "EUR"), made_by="buyer:boss@globex.example",
                           promised_date=dt.date.today() + dt.timedelta(days=3), note="GLOBEX-PROMISE")
    limit = limit_request_open(company=world.globex, proposed=Money.of("88888", "EUR"), requested_by="buyer:boss",
                               reason="GLOBEX-LIMIT")
    return {"remittance": remittance, "promise": promise, "limit": limit, "invoice": world.globex_invoice}


def globex_absent(response, world) -> None:
    text = response.content.decode(errors="replace")
    for marker in ("Globex", world.globex_invoice.number, "PO-GLOBEX", "boss@globex.example", "GLOBEX-", "88,888"):
        assert marker not in text, f"{marker!r} shown to Acme"


def counts():
    return (Dispute.objects.count(), PaymentPromise.objects.count(), ApprovalRequest.objects.count(),
            CombinedRemittance.objects.count(), Member.objects.filter(is_active=True).count())


def as_acme(client, world):
    return signed_in(client, world.acme, world.admin)


def _json(client, world, fake_saleor, method, path, body=None):
    auth = headers(fake_saleor, customer_token(fake_saleor))
    if method == "get":
        return client.get(path, headers=auth)
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=auth)


def case_credit_json(client, world, stranger, fake_saleor):
    response = _json(client, world, fake_saleor, "get", "/portal/credit")
    assert response.json()["company"] == "Acme Industrial Supply"
    globex_absent(response, world)


def case_limit_requests_json(client, world, stranger, fake_saleor):
    response = _json(client, world, fake_saleor, "post", "/portal/limit-requests", {"amount": "60000", "currency": "EUR"})
    assert response.status_code == 201
    assert ApprovalRequest.objects.get(pk=response.json()["request"]).company_id == world.acme.pk


def case_statement_json(client, world, stranger, fake_saleor):
    globex_absent(_json(client, world, fake_saleor, "get", "/portal/statement?currency=EUR&format=csv"), world)


def case_promises_json(client, world, stranger, fake_saleor):
    date = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    response = _json(client, world, fake_saleor, "post", "/portal/promises", {"amount": "5.00", "currency": "EUR", "date": date})
    assert PaymentPromise.objects.get(pk=response.json()["promise"]).company_id == world.acme.pk
    assert PaymentPromise.objects.get(pk=stranger["promise"].pk).status == "open"


def case_disputes_json(client, world, stranger, fake_saleor):
    before = counts()
    response = _json(client, world, fake_saleor, "post", "/portal/disputes",
                     {"invoice": world.globex_invoice.number, "reason": "PRICING"})
    assert response.status_code == 404 and counts() == before


def case_handover(client, world, stranger, fake_saleor):
    client.post("/portal/session", {"token": customer_token(fake_saleor), "saleorApiUrl": fake_saleor.api_url})
    assert PortalSession.objects.get().company_id == world.acme.pk


def case_sign_in(client, world, stranger, fake_saleor):
    client.post("/portal/sign-in", {"email": "boss@globex.example", "shop": world.installation.saleor_api_url})
    assert [m.payload["to"] for m in OutboxMessage.objects.filter(kind="email.portal_sign_in")] == ["boss@globex.example"]
    assert PortalSession.objects.count() == 0


def case_sign_in_link(client, world, stranger, fake_saleor):
    # a link sent to Globex's contact opens Globex's account only, whoever was signed in before
    as_acme(client, world)
    sign_in_link_request(installation=world.installation, email="ap@globex.example")
    client.post(link_path(OutboxMessage.objects.get(kind="email.portal_sign_in")))
    assert sorted(PortalSession.objects.values_list("company_id", flat=True)) == sorted([world.acme.pk, world.globex.pk])
    assert PortalSession.objects.get(method="email_link").company_id == world.globex.pk


def case_sign_out(client, world, stranger, fake_saleor):
    signed_in(Client(), world.globex, world.globex_member)
    as_acme(client, world).post("/portal/sign-out")
    assert PortalSession.objects.get(closed_at__isnull=True).company_id == world.globex.pk


def case_overview(client, world, stranger, fake_saleor):
    globex_absent(as_acme(client, world).get("/portal/"), world)


def case_invoices(client, world, stranger, fake_saleor):
    as_acme(client, world)
    globex_absent(client.get("/portal/invoices"), world)
    for query in (world.globex_invoice.number, "PO-GLOBEX", world.globex_invoice.receivable.order_number):
        page = client.get(f"/portal/invoices?q={query}").content.decode()
        assert re.findall(r'href="/portal/invoices/([^"]+)"', page) == [] and "No invoice matches." in page


def case_invoices_csv(client, world, stranger, fake_saleor):
    globex_absent(as_acme(client, world).get("/portal/invoices.csv"), world)


def case_invoice(client, world, stranger, fake_saleor):
    assert as_acme(client, world).get(f"/portal/invoices/{world.globex_invoice.number}").status_code == 404


def case_dispute(client, world, stranger, fake_saleor):
    before = counts()
    response = as_acme(client, world).post(f"/portal/invoices/{world.globex_invoice.number}/dispute", {"reason": "PRICING"})
    assert response.status_code == 404 and counts() == before


def case_invoice_document(client, world, stranger, fake_saleor):
    as_acme(client, world)
    for fmt in ("pdf", "facturx", "ubl"):
        assert client.get(f"/portal/invoices/{world.globex_invoice.number}/{fmt}").status_code == 404


def case_remittance_create(client, world, stranger, fake_saleor):
    before = counts()
    response = as_acme(client, world).post("/portal/remittances", {
        "invoice": [world.acme_invoices[0].number, world.globex_invoice.number]})
    assert response.status_code == 400 and counts() == before


def case_remittance(client, world, stranger, fake_saleor):
    assert as_acme(client, world).get(f"/portal/remittances/{stranger['remittance'].pk}").status_code == 404


def case_statements(client, world, stranger, fake_saleor):
    as_acme(client, world)
    globex_absent(client.get("/portal/statements"), world)
    globex_absent(client.get("/portal/statements?currency=EUR&format=csv"), world)


def case_promise(client, world, stranger, fake_saleor):
    as_acme(client, world)
    globex_absent(client.get("/portal/promise"), world)


def case_credit_page(client, world, stranger, fake_saleor):
    globex_absent(as_acme(client, world).get("/portal/credit-limit"), world)


def case_approvals(client, world, stranger, fake_saleor):
    globex_absent(as_acme(client, world).get("/portal/approvals"), world)


def case_approval_act(client, world, stranger, fake_saleor):
    signed_in(client, world.acme, world.approver)
    before = counts()
    response = client.post(f"/portal/approvals/{stranger['limit'].pk}", {"decision": "approve"})
    stranger["limit"].refresh_from_db()
    assert response.status_code == 404 and stranger["limit"].status == "pending" and counts() == before


def case_orders(client, world, stranger, fake_saleor):
    globex_absent(as_acme(client, world).get("/portal/orders"), world)


def case_company(client, world, stranger, fake_saleor):
    globex_absent(as_acme(client, world).get("/portal/company"), world)


def case_company_invite(client, world, stranger, fake_saleor):
    before = counts()
    response = as_acme(client, world).post("/portal/company/invite", {"email": "boss@globex.example", "role": "admin"})
    assert response.status_code == 409 and counts() == before
    assert Member.objects.get(value="boss@globex.example").company_id == world.globex.pk


def case_company_member(client, world, stranger, fake_saleor):
    as_acme(client, world)
    for data in ({"action": "deactivate"}, {"role": "buyer", "action": "save"}):
        assert client.post(f"/portal/company/members/{world.globex_member.pk}", data).status_code == 404
    world.globex_member.refresh_from_db()
    assert (world.globex_member.is_active, world.globex_member.role) == (True, "admin")


def case_company_settings(client, world, stranger, fake_saleor):
    # the form names no company: Acme's admin changes Acme's settings, Globex's stay as they were
    globex = (world.globex.billing_contact_email, world.globex.po_number_required, world.globex.po_number_pattern)
    response = as_acme(client, world).post("/portal/company/settings", {
        "billing_contact_email": "ap@globex.example", "po_number_required": "on", "po_number_pattern": "GX-*"})
    world.globex.refresh_from_db()
    assert response.status_code == 303
    assert (world.globex.billing_contact_email, world.globex.po_number_required,
            world.globex.po_number_pattern) == globex
    globex_absent(client.get("/portal/company"), world)


def case_theme(client, world, stranger, fake_saleor):
    globex_absent(client.get(f"/portal/theme/{world.installation.pk}.css"), world)


def case_logo(client, world, stranger, fake_saleor):
    assert client.get(f"/portal/logo/{world.installation.pk}/0000").status_code == 404


CASES = {
    "portal-credit": case_credit_json, "portal-limit-requests": case_limit_requests_json,
    "portal-statement": case_statement_json, "portal-promises": case_promises_json,
    "portal-disputes": case_disputes_json, "portal-handover": case_handover, "portal-sign-in": case_sign_in,
    "portal-sign-in-link": case_sign_in_link, "portal-sign-out": case_sign_out, "portal-overview": case_overview,
    "portal-invoices": case_invoices, "portal-invoices-csv": case_invoices_csv, "portal-invoice": case_invoice,
    "portal-dispute": case_dispute, "portal-invoice-document": case_invoice_document,
    "portal-remittance-create": case_remittance_create, "portal-remittance": case_remittance,
    "portal-statements": case_statements, "portal-promise": case_promise, "portal-credit-page": case_credit_page,
    "portal-approvals": case_approvals, "portal-approval-act": case_approval_act, "portal-orders": case_orders,
    "portal-company": case_company, "portal-company-invite": case_company_invite,
    "portal-company-member": case_company_member, "portal-company-settings": case_company_settings, "portal-theme": case_theme, "portal-logo": case_logo,
}


@pytest.mark.parametrize("name", [pattern.name for pattern in portal_urls.urlpatterns])
def test_no_portal_url_shows_or_changes_another_companys_records(client, world, stranger, fake_saleor, name):
    assert name in CASES, f"portal URL {name!r} has no cross-company case: add one to CASES"
    CASES[name](client, world, stranger, fake_saleor)
