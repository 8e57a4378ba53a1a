"""The official rules decide at issue whether an invoice has an e-invoice (official_rules.py): a
document the app's own subset lets through but CEN / Peppol / Factur-X refuse is never sent or
served as XML — the buyer gets the PDF, the invoice says which rule, the links follow that verdict."""
from __future__ import annotations

from dataclasses import replace

import pytest
from django.core import mail

from saleor_netterms.dashboard.services import seller_warnings
from saleor_netterms.invoicing.documents.facturx import facturx_xml, facturx_xml_check
from saleor_netterms.invoicing.documents.official_rules import official_problem, official_rules_missing
from saleor_netterms.invoicing.documents.services import EInvoiceUnavailable, document_render, einvoice_problem
from saleor_netterms.invoicing.documents.ubl import render_ubl
from saleor_netterms.invoicing.links import invoice_document_url
from saleor_netterms.invoicing.services import invoice_issue_for_order, invoicing_settings_set
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.sellers.services import seller_bank_account_set, seller_profile_save
from tests.invoicing.conftest import order_snapshot
from tests.invoicing.test_saleor_flows import deliver_all
from tests.invoicing.documents import corpus
from tests.invoicing.documents.official_rules import SKIP_REASON
from tests.sellers.test_seller_profile import GERMAN

needs_rules = pytest.mark.skipif(bool(official_rules_missing()), reason=SKIP_REASON)
NO_POSTCODE = 'Official rules (UBL): DE-R-009 The element "Buyer post code" (BT-53) shall be provided.'


@needs_rules
def test_the_official_rules_refuse_what_the_apps_own_checks_let_through():
    # given a German seller's invoice to a buyer whose address has no post code (Peppol's German
    # rules want one; the XSDs and the app's subset do not check it)
    snapshot = corpus.case_domestic_de()
    snapshot = replace(snapshot, buyer=replace(snapshot.buyer, address=replace(snapshot.buyer.address, postal_code="")))
    ubl, cii = render_ubl(snapshot), facturx_xml(snapshot)  # the subset and the XSDs pass
    facturx_xml_check(cii)

    # when
    problem = einvoice_problem(snapshot)

    # then
    assert problem == official_problem("ubl", ubl) == NO_POSTCODE
    assert official_problem("cii", cii) == ""
    assert einvoice_problem(corpus.case_domestic_de()) == ""


def test_the_stored_verdict_decides_what_is_served():
    snapshot = corpus.case_domestic_de()
    with pytest.raises(EInvoiceUnavailable) as refused:
        document_render(snapshot, "ubl", problem=NO_POSTCODE)
    plain = document_render(snapshot, "facturx", problem=NO_POSTCODE)
    assert refused.value.log_message == NO_POSTCODE
    assert (plain.filename, plain.note, b"factur-x.xml" in plain.content) == (
        f"{snapshot.number}.pdf", NO_POSTCODE, False)


@needs_rules
@pytest.mark.django_db
def test_an_invoice_the_official_rules_refuse_goes_out_as_pdf_and_says_which_rule(settings, client, acme, held_order):
    # given a complete German seller profile and a German buyer whose Saleor billing address has no
    # post code (Peppol's German rules apply to domestic German invoices)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seller_profile_save(installation=acme.installation, **GERMAN)
    seller_bank_account_set(installation=acme.installation, currency="USD", iban="DE89370400440532013000",
                            bic="COBADEFFXXX")
    acme.tax_id, acme.tax_id_country = "DE129273398", "DE"
    acme.save()
    invoicing_settings_set(company=acme, policy="at_confirmation")
    tx_id = "VHJhbnNhY3Rpb25JdGVtOk9mZmljaWFs"
    order = order_snapshot(order_id="T3JkZXI6OTAx", transaction_id=tx_id, number="901")
    order = replace(order, billing_address={"companyName": "Acme Industrial Supply", "streetAddress1": "Speicherstadt 3",
                                                  "city": "Hamburg", "postalCode": "", "country": "DE"})

    # when
    invoice = invoice_issue_for_order(transaction=held_order(company=acme, order=order, transaction_id=tx_id))
    statuses = deliver_all("email.invoice")
    ubl = client.get(invoice_document_url(invoice, "ubl").split("8000", 1)[1])
    facturx = client.get(invoice_document_url(invoice, "facturx").split("8000", 1)[1])

    # then
    assert invoice.einvoice_problem == NO_POSTCODE
    assert statuses == ["delivered"]
    (email,) = mail.outbox
    assert [(name, mime) for name, _, mime in email.attachments] == [(f"{invoice.number}.pdf", "application/pdf")]
    assert (ubl.status_code, ubl.json()["error"]["code"]) == (409, "E_INVOICE_UNAVAILABLE")
    assert facturx.status_code == 200 and b"factur-x.xml" not in facturx.content
    assert facturx["X-E-Invoice-Unavailable"] == NO_POSTCODE
    assert OutboxMessage.objects.filter(kind="email.invoice").count() == 1


@pytest.mark.django_db
def test_the_overview_says_when_the_official_rules_are_not_installed(settings, credit_installation):
    # given a deployment without the CEN / Peppol files (only Factur-X's ship with its package)
    settings.EINVOICE_RULES_DIR = ""

    # when
    warnings = [w for w in seller_warnings(installation=credit_installation) if w["code"] == "E_INVOICE_RULES_MISSING"]

    # then
    assert official_rules_missing() == ["cen-ubl", "peppol-ubl", "cen-cii"]
    assert [w["message"] for w in warnings] == [
        "E-invoices are checked at issue without the official cen-ubl, peppol-ubl, cen-cii rules: their files are "
        "not installed (EINVOICE_RULES_DIR). Invoices still go out; the e-invoices may be refused by networks that "
        "validate them."]
    assert official_problem("ubl", b"<not-even-ubl/>") == ""  # nothing to run them with: the subset decides
