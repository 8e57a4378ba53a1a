"""Amounts and dates in the portal's language, through the documents' babel helpers (the same
text as on the invoice PDF: "1,225.00 EUR", "1.225,00 EUR", "1 225,00 EUR")."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import translation

from saleor_netterms.invoicing.documents.formatting import date_text, money_text

register = template.Library()


def _locale() -> str:
    return {"de": "de_DE", "fr": "fr_FR"}.get((translation.get_language() or "en")[:2], "en_US")


@register.filter
def money(amount, currency: str) -> str:
    if amount is None or amount == "":
        return "—"
    return money_text(Decimal(amount), currency, _locale())


@register.filter
def day(value) -> str:
    if not value:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    return date_text(value, _locale())


@register.filter
def grouped(reference: str) -> str:
    """An RF reference in groups of four, as banks print it."""
    compact = "".join((reference or "").split())
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
