"""Signed document links. The invoicing models are written in parallel; until they exist the
view's loader (selectors.invoice_snapshot_get) is replaced by a fake keyed by (invoice,
installation), which is exactly the lookup the real selector makes."""
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import signing

from saleor_netterms.invoicing.documents import selectors
from saleor_netterms.invoicing.documents.links import (DocumentLinkExpired, DocumentLinkInvalid,
                                                       document_token, document_token_read,
                                                       document_url)

pytestmark = pytest.mark.urls("tests.invoicing.documents.urls")


@dataclass
class FakeInvoice:
    pk: int
    installation_id: int


@pytest.fixture
def stored_invoices(monkeypatch, eur_invoice):
    store = {(42, 7): eur_invoice}
    monkeypatch.setattr(selectors, "invoice_snapshot_get",
                        lambda *, invoice_id, installation_id: store.get((invoice_id,
                                                                          installation_id)))
    return store


def _path(url: str) -> str:
    return url.split("http://testserver", 1)[-1]


def test_document_url_serves_the_pdf(client, settings, stored_invoices):
    # given
    settings.APP_PUBLIC_URL = "http://testserver"
    url = document_url(FakeInvoice(pk=42, installation_id=7), "pdf")

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
def test_document_url_serves_the_e_invoices(client, settings, stored_invoices, fmt, content_type,
                                            filename, magic):
    # given
    settings.APP_PUBLIC_URL = "http://testserver"
    url = document_url(FakeInvoice(pk=42, installation_id=7), fmt)

    # when
    response = client.get(_path(url))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(magic)


def test_tampered_token_is_refused_with_403(client, stored_invoices):
    # given: a valid token for invoice 42, its payload swapped for invoice 43's
    token = document_token(invoice_id=42, installation_id=7, fmt="pdf")
    other = document_token(invoice_id=43, installation_id=7, fmt="pdf")
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


def test_expired_token_is_refused_with_410(client, monkeypatch, stored_invoices):
    # given: a one-hour link issued two hours ago
    issued = signing.b62_encode(int(time.time()) - 7200)
    with monkeypatch.context() as m:
        m.setattr(signing.TimestampSigner, "timestamp", lambda self: issued)
        token = document_token(invoice_id=42, installation_id=7, fmt="pdf",
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


def test_link_of_another_installation_finds_nothing(client, stored_invoices):
    # given: invoice 42 belongs to installation 7, the link says installation 8
    token = document_token(invoice_id=42, installation_id=8, fmt="pdf")

    # when
    response = client.get(f"/documents/{token}")

    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "DOCUMENT_NOT_FOUND"


def test_only_get_is_allowed(client, stored_invoices):
    # given
    token = document_token(invoice_id=42, installation_id=7, fmt="pdf")

    # when
    response = client.post(f"/documents/{token}")

    # then
    assert response.status_code == 405


def test_unknown_format_cannot_be_signed():
    # when / then
    with pytest.raises(ValueError):
        document_token(invoice_id=42, installation_id=7, fmt="docx")
