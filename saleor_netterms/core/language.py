"""The installation's language: what sentences the app writes without a reader at hand are written in
(the buyer's answer at checkout, messages and notes Saleor shows on an order, exports, e-mails to staff).

``INVOICE_LANGUAGE`` (a babel locale, en_US by default) — the language the company's invoices fall back
to, so a buyer reads the same figures on the checkout answer as on the invoice. A reader with a
language of their own (the Dashboard's ``?locale=``) is answered in theirs (api/context.language_of).
"""
from __future__ import annotations

from django.conf import settings

from .formatting import FALLBACK_LANGUAGE


def merchant_language() -> str:
    return getattr(settings, "INVOICE_LANGUAGE", "") or FALLBACK_LANGUAGE
