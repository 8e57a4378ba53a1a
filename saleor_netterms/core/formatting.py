"""How identifiers read to a person, from one place (pure): tax ids in their country's written form.

Amounts, dates and plurals on the Dashboard pages are formatted in the browser, in the merchant's
language, by one module (dashboard/static/dashboard/ui.js, Intl); documents use
invoicing/documents/formatting.py (babel). What needs a national rule book the browser lacks is here:
python-stdnum knows each country's tax-id formats.
"""
from __future__ import annotations

from stdnum import get_cc_module
from stdnum.exceptions import ValidationError

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
