"""How figures and identifiers read to a person, from one place: money, percentages, numbers, dates
and plurals in sentences the server writes (babel), tax ids in their country's written form.

Amounts, dates and plurals on the Dashboard pages' own columns are formatted in the browser, in the
merchant's language, by one module (dashboard/static/dashboard/ui.js, Intl); documents use
invoicing/documents/formatting.py (babel, the ISO code after the number, for OCR). Sentences written
on the server — the credit decision's reasons (decisions/texts.py), the messages Saleor shows on a
transaction or an order — format their figures here, with babel's CLDR data, so they read exactly as
the Dashboard's Intl does in the same locale: "$1,250.00" (en_US), "1.250,00 $" (de_DE).

The language is the reader's: the Dashboard's ``?locale=`` (sent by the pages as Accept-Language,
``language_from_header``), else the installation's language (core/language.py, ``merchant_language()``:
``INVOICE_LANGUAGE``, en_US by default). Pure (babel and python-stdnum only): the decision engine's
texts use it. What needs a national rule book the browser lacks is here
too: python-stdnum knows each country's tax-id formats.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError

FALLBACK_LANGUAGE = "en_US"


@lru_cache(maxsize=64)
def locale_get(language: str, fallback: str = FALLBACK_LANGUAGE) -> Locale:
    """The babel locale of "de_DE", "de-DE" or "fr"; ``fallback`` (en_US) when unknown or empty."""
    try:
        return Locale.parse((language or fallback).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(fallback)


def language_from_header(accept_language: str | None) -> str | None:
    """The first language of an Accept-Language header that babel knows ("de-DE,de;q=0.9" → "de_DE"),
    else None."""
    for part in (accept_language or "").split(",")[:8]:
        tag = part.split(";")[0].strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        try:
            return str(Locale.parse(tag.replace("-", "_")))
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return None


def money_text(amount: Decimal, currency: str, language: str) -> str:
    """An amount in a sentence, as the Dashboard writes it: "$1,250.00" (en_US), "1.250,00 $" (de_DE),
    "¥125,000" (JPY, no decimals); the currency's own precision, half-up."""
    return format_currency(amount, currency, locale=locale_get(language), currency_digits=True)


def percent_text(percent: Decimal, language: str) -> str:
    """A percentage given in percent (already rounded as it should read), in the locale's percent
    pattern, without trailing zeros: "83.3%", "80%", "83,3 %" (de_DE)."""
    return format_percent((percent / 100).normalize(), locale=locale_get(language), decimal_quantization=False)


def number_text(value: Decimal, language: str) -> str:
    """A figure (already rounded as it should read) without trailing zeros: "2.5", "12", "2,5"."""
    return format_decimal(value.normalize(), locale=locale_get(language), decimal_quantization=False)


def count_text(count: int, one: str, other: str | None = None, *, language: str = FALLBACK_LANGUAGE) -> str:
    """"1 invoice", "3 invoices", "1 entry" / "2 entries" (English words; the number in the locale)."""
    word = one if count == 1 else (other or one + "s")
    return f"{format_decimal(count, locale=locale_get(language))} {word}"


def date_text(value: date | None, language: str) -> str:
    """A calendar date as the Dashboard writes it: "Dec 1, 2026" (en_US), "01.12.2026" (de_DE)."""
    if value is None:
        return ""
    return format_date(value, format="medium", locale=locale_get(language))

# Which python-stdnum module reads a country's business tax id: the VAT number where the country has
# one, else the employer/tax identification number (US EIN).
_KINDS = ("vat", "ein", "tin")


def tax_id_text(tax_id: str, country: str) -> str:
    """A tax id as its country writes it: "91-1144442" (US EIN), "GB 980 7806 84", "DE136695976".
    Unknown countries and ids that are not valid for their country come back unchanged."""
    if not tax_id or not country:
        return tax_id or ""
    code = country.strip().upper()
    for kind in _KINDS:
        module = get_cc_module(code.lower(), kind)
        if module is None:
            continue
        try:
            if not module.is_valid(tax_id):
                continue
            national = module.format(tax_id) if hasattr(module, "format") else module.compact(tax_id)
        except (ValidationError, ValueError):
            continue
        if kind == "vat" and not national.upper().startswith(code):
            return f"{code} {national}" if " " in national else f"{code}{national}"
        return national
    return tax_id
