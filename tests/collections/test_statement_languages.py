"""The statement of account PDF in the buyer's language: every label through Django's catalogues
(collections/locale, the invoices' languages), dates and amounts by babel, the seller as the seller
profile names it; the compiled catalogues say what their sources say."""
from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from pathlib import Path

import pdfplumber
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import saleor_netterms.collections as collections
from saleor_netterms.collections.statements import statement_build, statement_pdf
from saleor_netterms.invoicing.services import invoicing_settings_set
from saleor_netterms.sellers.services import seller_profile_save
from tests.sellers.test_seller_profile import GERMAN

from .conftest import invoice_make

LOCALE = Path(collections.__file__).parent / "locale"
LANGUAGES = ("de", "es", "fr", "it", "nl", "pl")
SOURCE = Path(collections.__file__).parent / "statements.py"


def marked() -> set[tuple[str | None, str]]:
    return {(context, message) for _, message, _, context in extract_from_file(
        "python", str(SOURCE), keywords={"pgettext": ((1, "c"), 2)})}


def catalog(language: str):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_statement_label_is_translated_and_compiled(language):
    po = catalog(language)
    assert len(marked()) == 20
    assert [m for m in sorted(marked(), key=str) if not (po.get(m[1], context=m[0]) and po.get(m[1], context=m[0]).string)] == []
    fresh = io.BytesIO()
    write_mo(fresh, po)
    fresh.seek(0)
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as handle:
        assert gettext.GNUTranslations(handle)._catalog == gettext.GNUTranslations(fresh)._catalog


@pytest.mark.django_db
def test_a_german_buyers_statement_is_german_and_names_the_profiles_seller(acme):
    # given a seller profile and a German-speaking buyer with one invoice
    seller_profile_save(installation=acme.installation, **GERMAN)
    invoicing_settings_set(company=acme, language="de_DE")
    invoice = invoice_make(acme, amount="1234.50", issue_date="2026-01-05")
    statement = statement_build(company=acme, currency="USD", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))

    # when
    with pdfplumber.open(io.BytesIO(statement_pdf(statement))) as pdf:
        text = pdf.pages[0].extract_text()

    # then
    lines = text.splitlines()
    assert lines[:4] == ["Kontoauszug", "Muster Werkzeuge GmbH", "Acme Industrial Supply",
                         "01.01.2026 – 31.12.2026 · Beträge in USD"]
    assert "Datum Art Referenz Soll Haben Saldo" in text
    assert "01.01.2026 Anfangssaldo 0,00" in text
    assert re.search(rf"\n\d\d\.\d\d\.2026 Rechnung {invoice.number} 1\.234,50 1\.234,50\n", text), text
    assert "Endsaldo 1.234,50" in text
    assert "Altersstruktur (Tage überfällig) nicht fällig 1-30 31-60 61-90 90+" in text
