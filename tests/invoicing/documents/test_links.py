"""Signed document links, served from a stored invoice: its frozen snapshot (the EUR invoice
INV-2026-000042 of the rendering tests) in a real Invoice row of one installation."""
import time
from datetime import timedelta

import pytest
from django.core import signing

from saleor_netterms.invoicing.documents.links import (DocumentLinkExpired, DocumentLinkInvalid,
                                                       document_token, document_token_read,
                                                       document_url)
from saleor_netterms.invoicing.models import Invoice, InvoiceSeries
from saleor_netterms.invoicing.snapshot import snapshot_to_dict
from tests.fixtures_credit import installation_make

pytestmark = pytest.mark.urls("tests.invoicing.documents.urls")


@pytest.fixture
def invoice(db, eur_invoice, credit_installation, company_factory) -> Invoice:
    """The EUR invoice as issued: number 42 of the yearly series INV-{year}-{seq:06}."""
    company = company_factory(installation=credit_installation, legal_name=eur_invoice.buyer.name)
    series = InvoiceSeries.objects.create(installation=credit_installation, kind="invoice",
                                          format="INV-{year}-{seq:06}")
    return Invoice.objects.create(
        installation=credit_installation, company=company, kind="invoice", series=series,
        period=str(eur_invoice.issue_date.year), number=eur_invoice.number, sequence=42,
        issue_date=eur_invoice.issue_date, currency=eur_invoice.currency,
        total_gross=eur_invoice.totals.gross, amount_due=eur_invoice.totals.amount_due,
        due_date=eur_invoice.due_date, snapshot=snapshot_to_dict(eur_invoice), issue_key="links:42")


def _path(url: str) -> str:
    return url.split("http://testserver", 1)[-1]


def test_document_url_serves_the_pdf(client, settings, invoice):
    # given
    settings.APP_PUBLIC_URL = "http://testserver"
    url = document_url(invoice, "pdf")

    # when
    response = client.get(_path(url))

    # then
    assert url.startswith("http://testserver/documents/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="INV-2026-000042.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(("fmt", "content_type", "filename", "magic"), [
    ("facturx", "application/pdf", "INV-2026-000042-facturx.pdf", b"%PDF-"),
    ("ubl", "application/xml", "INV-2026-000042.xml", b"<?xml"),
])
def test_document_url_serves_the_e_invoices(client, settings, invoice, fmt, content_type,
                                            filename, magic):
    # given
    settings.APP_PUBLIC_URL = "http://testserver"
    url = document_url(invoice, fmt)

    # when
    response = client.get(_path(url))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(magic)


def test_tampered_token_is_refused_with_403(client, invoice):
    # given: a valid token for the invoice, its payload swapped for the next invoice id's
    token = document_token(invoice_id=invoice.pk, installation_id=invoice.installation_id, fmt="pdf")
    other = document_token(invoice_id=invoice.pk + 1, installation_id=invoice.installation_id, fmt="pdf")
    tampered = other.split(":")[0] + ":" + ":".join(token.split(":")[1:])

    # when
    response = client.get(f"/documents/{tampered}")

    # then
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "DOCUMENT_LINK_INVALID",
                                         "message": "This document link is not valid."}}


def test_token_signed_with_another_salt_is_refused():
    # given
    forged = signing.TimestampSigner(salt="something-else").sign_object(
        {"i": 42, "n": 7, "f": "pdf", "t": 3600})

    # when / then
    with pytest.raises(DocumentLinkInvalid):
        document_token_read(forged)


def test_expired_token_is_refused_with_410(client, monkeypatch, invoice):
    # given: a one-hour link issued two hours ago
    issued = signing.b62_encode(int(time.time()) - 7200)
    with monkeypatch.context() as m:
        m.setattr(signing.TimestampSigner, "timestamp", lambda self: issued)
        token = document_token(invoice_id=invoice.pk, installation_id=invoice.installation_id, fmt="pdf",
                               ttl=timedelta(hours=1))

    # when
    response = client.get(f"/documents/{token}")

    # then
    assert response.status_code == 410
    assert response.json() == {"error": {
        "code": "DOCUMENT_LINK_EXPIRED",
        "message": "This document link has expired. Ask the merchant for a new one."}}
    with pytest.raises(DocumentLinkExpired):
        document_token_read(token)


def test_link_of_another_installation_finds_nothing(client, invoice):
    # given: the invoice belongs to one installation, the link names another
    other = installation_make()
    token = document_token(invoice_id=invoice.pk, installation_id=other.pk, fmt="pdf")

    # when
    response = client.get(f"/documents/{token}")

    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "DOCUMENT_NOT_FOUND"


def test_only_get_is_allowed(client, invoice):
    # given
    token = document_token(invoice_id=invoice.pk, installation_id=invoice.installation_id, fmt="pdf")

    # when
    response = client.post(f"/documents/{token}")

    # then
    assert response.status_code == 405


def test_unknown_format_cannot_be_signed():
    # when / then
    with pytest.raises(ValueError):
        document_token(invoice_id=42, installation_id=7, fmt="docx")
