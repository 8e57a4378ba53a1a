"""Rendered documents, once per module (rendering is the slow part of these tests)."""
import io

import pdfplumber
import pytest

from saleor_netterms.invoicing.documents.pdf import render_pdf

from . import snapshots


def pdf_pages_text(pdf: bytes) -> list[list[str]]:
    """The text lines of every page, as pdfplumber extracts them."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text().split("\n") for page in document.pages]


@pytest.fixture(scope="module")
def eur_invoice():
    return snapshots.eur_invoice()


@pytest.fixture(scope="module")
def eur_credit_note():
    return snapshots.eur_credit_note()


@pytest.fixture(scope="module")
def eur_invoice_pdf(eur_invoice):
    return render_pdf(eur_invoice)
