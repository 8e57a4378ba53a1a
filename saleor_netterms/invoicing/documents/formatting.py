"""Locale-aware text for documents: amounts, dates, percentages, addresses (babel, pure).

Amounts on a document carry the ISO 4217 code after the number ("1,225.00 EUR",
"1.225,00 EUR", "125,000 JPY"), never a bare symbol: "¥" is both JPY and CNY and "$" half a
dozen currencies, and an accounts-payable clerk or an OCR reading the PDF must not guess. The
number itself follows the locale (grouping, decimal sign) and the currency's precision.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from saleor_netterms.core.formatting import locale_get as core_locale_get
from saleor_netterms.invoicing.snapshot import Address

NBSP = "\u00a0"
FALLBACK_LOCALE = "en_GB"


def locale_get(language: str) -> Locale:
    """The babel locale of a snapshot's `language` ("de_DE", "de-DE", "fr"); en_GB if unknown."""
    return core_locale_get(language, FALLBACK_LOCALE)


def amount_text(amount: Decimal, currency: str, language: str) -> str:
    """The number only, grouped for the locale, with the currency's decimals: "1,225.00"."""
    return format_currency(amount, currency, format="#,##0.00", locale=locale_get(language),
                           currency_digits=True)


def money_text(amount: Decimal, currency: str, language: str) -> str:
    """The number and the ISO code: "1,225.00 EUR" (en), "1.225,00 EUR" (de)."""
    return f"{amount_text(amount, currency, language)}{NBSP}{currency}"


def date_text(value: date | None, language: str) -> str:
    """The locale's medium date: "10 Dec 2026" (en_GB), "10.12.2026" (de_DE)."""
    if value is None:
        return ""
    return format_date(value, format="medium", locale=locale_get(language))


def percent_text(rate: Decimal, language: str) -> str:
    """A tax rate given in percent (Decimal("19"), Decimal("7.5")): "19%", "7,5 %"."""
    return format_percent(rate / 100, locale=locale_get(language), decimal_quantization=False)


def quantity_text(quantity: Decimal, language: str) -> str:
    return format_decimal(quantity.normalize(), locale=locale_get(language),
                          decimal_quantization=False)


def country_name(code: str, language: str) -> str:
    if not code:
        return ""
    return locale_get(language).territories.get(code.upper(), code.upper())


_CITY_FIRST = {"US", "CA", "AU"}


def address_lines(address: Address, language: str) -> list[str]:
    """Postal lines in the order the address's country writes them, country name last."""
    lines = [line for line in (address.street, address.street2) if line]
    if address.country.upper() in _CITY_FIRST:
        tail = " ".join(p for p in (address.country_area, address.postal_code) if p)
        lines.append(", ".join(p for p in (address.city, tail) if p))
    elif address.country.upper() == "GB":
        lines.extend(p for p in (address.city, address.postal_code) if p)
    else:
        lines.append(" ".join(p for p in (address.postal_code, address.city) if p))
        if address.country_area:
            lines.append(address.country_area)
    lines.append(country_name(address.country, language))
    return [line for line in lines if line]


def grouped(value: str, size: int = 4) -> str:
    """IBANs and RF references are printed in groups of four (ISO 13616, ISO 11649)."""
    compact = "".join(value.split())
    return " ".join(compact[i:i + size] for i in range(0, len(compact), size))
