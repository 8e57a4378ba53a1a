"""An invoice issued from an order is served — only through its signed link — as a PDF, a
Factur-X PDF/A-3 and a Peppol UBL document that validate (real Invoice rows, real database)."""
import io

import facturx
import pdfplumber
import pytest

from saleor_netterms.invoicing.documents.facturx import facturx_xml_check
from saleor_netterms.invoicing.documents.links import document_url
from saleor_netterms.invoicing.documents.ubl import ubl_rules_check, ubl_xsd_check
from saleor_netterms.invoicing.services import invoice_issue_for_order
from saleor_netterms.checkout.requests import TransactionActionRequest
from saleor_netterms.companies.selectors import credit_summary
from saleor_netterms.core.money import Money
from saleor_netterms.dashboard.services import seller_warnings
from saleor_netterms.invoicing.models import Invoice
from saleor_netterms.invoicing.notifications import invoice_email_build
from saleor_netterms.invoicing.snapshot import snapshot_from_dict
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.outbox.services import outbox_deliver
from saleor_netterms.workflows.checkout import transaction_refund

SELLER = {"name": "Muster Werkzeuge GmbH", "street": "Hauptstraße 1", "city": "Berlin", "postal_code": "10115",
          "country": "DE", "tax_id": "DE136695976", "email": "billing@muster.example"}


@pytest.fixture
def invoice(settings, acme, held_order):
    settings.INVOICE_SELLER = SELLER
    acme.tax_id, acme.tax_id_country = "98-7654321", "US"  # its EIN: Peppol address 9959:987654321
    acme.save()
    settings.INVOICE_REMITTANCE = {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX",
                                   "account_holder": "Muster Werkzeuge GmbH", "bank_name": "Commerzbank"}
    return invoice_issue_for_order(transaction=held_order(company=acme, amount="180.00"))


def get(client, url):
    return client.get(url.split("8000", 1)[1])


@pytest.mark.django_db
def test_the_pdf_is_served_through_its_signed_link(client, invoice):
    # when
    response = get(client, document_url(invoice, "pdf"))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = pdf.pages[0].extract_text()
    assert invoice.number in text
    assert "Acme Industrial Supply" in text
    assert "DE89 3704 0044 0532 0130 00" in text or "DE89370400440532013000" in text


@pytest.mark.django_db
def test_the_factur_x_pdf_carries_a_valid_en16931_xml(client, invoice):
    # when
    response = get(client, document_url(invoice, "facturx"))

    # then
    assert response.status_code == 200
    filename, xml = facturx.get_xml_from_pdf(response.content, check_xsd=False)
    assert filename == "factur-x.xml"
    facturx_xml_check(xml)
    assert invoice.number.encode() in xml


@pytest.mark.django_db
def test_the_ubl_is_valid_peppol_bis(client, invoice):
    # when
    response = get(client, document_url(invoice, "ubl"))

    # then
    assert response.status_code == 200
    ubl_xsd_check(response.content)
    assert ubl_rules_check(response.content) == []


@pytest.mark.django_db
def test_a_tampered_link_serves_nothing(client, invoice):
    # given
    url = document_url(invoice, "pdf")

    # when
    response = get(client, url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB"))

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "DOCUMENT_LINK_INVALID"


@pytest.mark.django_db
def test_the_buyers_email_carries_the_real_factur_x_pdf_and_ubl(settings, invoice):
    # given
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = OutboxMessage.objects.get(kind="email.invoice")

    # when
    status = outbox_deliver(message_id=message.pk)

    # then
    (email,) = mail.outbox
    assert status == "delivered"
    (pdf_name, pdf, pdf_mime), (xml_name, xml, xml_mime) = email.attachments
    assert (pdf_name, pdf_mime, xml_name, xml_mime) == (f"{invoice.number}.pdf", "application/pdf",
                                                        f"{invoice.number}.xml", "application/xml")
    filename, embedded = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    facturx_xml_check(embedded)
    ubl_xsd_check(xml)
    assert ubl_rules_check(xml) == []


@pytest.mark.django_db
def test_a_saleor_refund_of_an_invoiced_order_issues_a_numbered_credit_note_once(acme, held_order):
    # given

    tx = held_order(company=acme, amount="180.00")
    invoice = invoice_issue_for_order(transaction=tx)
    refund = TransactionActionRequest(transaction_id=tx.saleor_transaction_id, money=Money.of("50.00", "USD"),
                                      request_key="event:refund-1")

    # when
    first = transaction_refund(installation=acme.installation, request=refund)
    again = transaction_refund(installation=acme.installation, request=refund)

    # then
    (credit_note,) = Invoice.objects.filter(kind="credit_note")
    assert first.succeeded and again.succeeded and again.psp_reference == first.psp_reference
    assert credit_note.credited_invoice == invoice
    assert credit_note.number.startswith("CN-")
    assert credit_note.total_gross == Money.of("50.00", "USD").amount
    assert credit_summary(company=acme, currency="USD").receivables == Money.of("130.00", "USD")


@pytest.mark.django_db
def test_links_of_an_invoice_without_e_invoice_data_never_answer_500(client, settings, acme, held_order):
    # given a seller known by name and country only (a first start): no e-invoice can be produced
    settings.INVOICE_SELLER = {"name": "Netterms Demo GmbH", "country": "DE"}
    invoice = invoice_issue_for_order(transaction=held_order(company=acme, amount="180.00"))

    # when
    ubl = get(client, document_url(invoice, "ubl"))
    facturx_link = get(client, document_url(invoice, "facturx"))
    pdf = get(client, document_url(invoice, "pdf"))

    # then: the XML is refused with the reason, the PDF is always there
    assert ubl.status_code == 409
    assert ubl.json()["error"]["code"] == "E_INVOICE_UNAVAILABLE"
    assert (facturx_link.status_code, facturx_link["Content-Type"]) == (200, "application/pdf")
    assert facturx_link["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert "PEPPOL-EN16931-R020" in facturx_link["X-E-Invoice-Unavailable"] or \
        "BR-CO-26" in facturx_link["X-E-Invoice-Unavailable"]
    assert pdf.status_code == 200


@pytest.mark.django_db
def test_the_overview_names_the_cause_of_missing_e_invoices_and_the_incomplete_profile(settings, acme, held_order):
    # given

    settings.INVOICE_SELLER = {"name": "Netterms Demo GmbH", "country": "DE"}
    invoice = invoice_issue_for_order(transaction=held_order(company=acme, amount="180.00"))

    # when
    warnings = seller_warnings(installation=acme.installation)

    # then
    assert [(w["code"], w["href"]) for w in warnings] == [
        ("SELLER_PROFILE_MISSING", "/app/seller"), ("E_INVOICE_UNAVAILABLE", f"/app/invoices/{invoice.pk}")]
    assert warnings[1]["message"].startswith(
        f"1 invoice of the last 30 days went out as PDF only: no e-invoice could be produced. Latest, "
        f"{invoice.number}: UBL rules: PEPPOL-EN16931-R020")


@pytest.mark.django_db
def test_the_buyers_email_is_written_in_the_companys_language(settings, invoice):
    # given a German-speaking buyer
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    snapshot = snapshot_from_dict(invoice.snapshot)
    invoice.snapshot = {**invoice.snapshot, "language": "de_DE"}  # in memory only: the row is immutable

    # when
    email = invoice_email_build(invoice)

    # then
    lines = email.body.split("\n")
    assert email.subject == f"Rechnung {invoice.number} von Muster Werkzeuge GmbH"
    assert lines[0] == "Sehr geehrte Damen und Herren (Accounts Payable),"
    assert lines[2] == (f"anbei erhalten Sie die Rechnung {invoice.number} vom "
                        f"{invoice.issue_date.strftime('%d.%m.%Y')} über 180,00\u00a0USD.")
    assert lines[3] == "Zahlungsbedingungen: 30 Tage netto."
    assert lines[4].startswith("Bitte zahlen Sie 180,00\u00a0USD bis ")
    assert lines[5] == (f"Bitte überweisen Sie auf DE89 3704 0044 0532 0130 00 mit dem Verwendungszweck "
                        f"{snapshot.remittance.payment_reference}.")
    assert mail.outbox == []
