"""Codes and derived facts the e-invoice formats share (pure).

Electronic address (BT-34 seller, BT-49 buyer; Peppol PEPPOL-EN16931-R020/R010 require both):
the party's Peppol endpoint when known ("0088:5790000435975"), else one derived from an
identifier the party has, with its scheme from the Peppol "Electronic Address Scheme" (EAS) list
(PEPPOL-EN16931-CL008): a VAT id → that country's VAT scheme (9930 DE, 9957 FR, …), a US EIN →
9959, a Japanese qualified-invoice number (T + 13 digits) → 0221. E-mail ("EM") is not in the
EAS list any more and is never used.

Payment terms (BT-9, BT-20): EN 16931 has one due date per invoice (BT-9, "the date when the
payment is due") and one free-text payment terms element (BT-20); CII's EN 16931 profile allows a
single SpecifiedTradePaymentTerms. So an instalment plan is carried as: BT-9 = the FIRST amount's
due date (an AP system schedules the first payment on time), BT-20 = the whole schedule as text,
one line per instalment ("Instalment 1 of 2: 441.45 EUR due 2026-12-30"); the early-payment
discount as a sentence and, for German receivers, the XRechnung "#SKONTO#" line (DE-R-018) ending
in a line break.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from saleor_netterms.invoicing.snapshot import InvoiceSnapshot, Party

# Peppol EAS codes for VAT ids, by the VAT id's country prefix.
VAT_EAS = {
    "AD": "9922", "AL": "9923", "AT": "9914", "BA": "9924", "BE": "9925", "BG": "9926", "CH": "9927",
    "CY": "9928", "CZ": "9929", "DE": "9930", "EE": "9931", "ES": "9920", "FR": "9957", "GB": "9932",
    "EL": "9933", "HR": "9934", "HU": "9910", "IE": "9935", "IT": "0211", "LI": "9936", "LT": "9937",
    "LU": "9938", "LV": "9939", "MC": "9940", "ME": "9941", "MK": "9942", "MT": "9943", "NL": "9944",
    "PL": "9945", "PT": "9946", "RO": "9947", "RS": "9948", "SI": "9949", "SK": "9950", "SM": "9951",
    "TR": "9952", "VA": "9953", "DK": "0198", "FI": "0213", "SE": "0007",
}
EAS_CODES = frozenset(
    "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0151 0177 0183 0184 0188 0190 "
    "0191 0192 0193 0195 0196 0198 0199 0200 0201 0202 0204 0208 0209 0210 0211 0212 0213 0215 "
    "0216 0218 0221 0230 0235 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 "
    "9928 9929 9930 9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 "
    "9946 9947 9948 9949 9950 9951 9952 9953 9957 9959 0147 0154 0158 0170 0194 0203 0205 0217 "
    "0225 0240".split())


def is_vat_scheme(party: Party) -> bool:
    return (party.tax_id_scheme or "VAT").upper() == "VAT"


def vat_id(party: Party) -> str:
    """The party's VAT id (BT-31 / BT-48), or ""."""
    return party.tax_id if party.tax_id and is_vat_scheme(party) else ""


def tax_registration(party: Party) -> str:
    """The party's non-VAT tax registration (BT-32: German Steuernummer, US EIN, JP JCT), or ""."""
    if party.tax_id and not is_vat_scheme(party):
        return party.tax_id
    return party.tax_number


def electronic_address(party: Party) -> tuple[str, str] | None:
    """(EAS scheme, identifier) for BT-34 / BT-49, or None when the party has nothing usable."""
    scheme, _, value = party.peppol_id.partition(":")
    if scheme in EAS_CODES and value:
        return scheme, value
    vat = vat_id(party)
    if vat and vat[:2].upper() in VAT_EAS:
        return VAT_EAS[vat[:2].upper()], vat
    tax = (party.tax_id or "").strip()
    kind = (party.tax_id_scheme or "").upper()
    if tax and kind == "EIN":
        return "9959", tax.replace("-", "")
    if tax and kind in ("JCT", "IIN") and tax[:1].upper() == "T" and tax[1:].isdigit():
        return "0221", tax.upper()
    if party.identifier and party.identifier_scheme in EAS_CODES:
        return party.identifier_scheme, party.identifier
    return None


def decimal_text(value: Decimal) -> str:
    """A plain decimal (no exponent, no grouping): "19", "8.875", "222.00"."""
    return format(value, "f")


def rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


@dataclass(frozen=True, slots=True)
class NextPayment:
    amount: Decimal
    due_date: date | None     # None: due on fulfilment, date not known yet
    label: str
    is_last: bool


def payment_next(snapshot: InvoiceSnapshot) -> NextPayment | None:
    """What the buyer pays next: the first part of the schedule (its amount and due date), or
    None when nothing is due (a credit note, a fully prepaid invoice)."""
    if snapshot.kind != "invoice" or snapshot.totals.amount_due <= 0 or not snapshot.schedule:
        return None
    parts = [p for p in snapshot.schedule if p.amount > 0]
    if not parts:
        return None
    first = parts[0]
    return NextPayment(first.amount, first.due_date, first.label, len(parts) == 1)


def first_due_date(snapshot: InvoiceSnapshot) -> date | None:
    """BT-9: the due date of the first amount due (see the module docstring)."""
    nxt = payment_next(snapshot)
    if nxt is not None and nxt.due_date is not None:
        return nxt.due_date
    return None if snapshot.kind != "invoice" else snapshot.due_date


def payment_terms_text(snapshot: InvoiceSnapshot) -> str:
    """BT-20: the terms label, the instalments and the early-payment discount, as text."""
    lines = [snapshot.terms_label] if snapshot.terms_label else []
    cur = snapshot.currency
    if len(snapshot.schedule) > 1:
        for part in snapshot.schedule:
            due = part.due_date.isoformat() if part.due_date else "on fulfilment"
            lines.append(f"{part.label}: {decimal_text(part.amount)} {cur} due {due}")
    text = "\n".join(lines)
    if snapshot.discount is not None:
        d = snapshot.discount
        pay = snapshot.totals.amount_due - d.amount
        text += (("\n" if text else "") + f"{rate_text(d.percent)}% early-payment discount: pay "
                 f"{decimal_text(pay)} {cur} in full by {d.deadline.isoformat()}")
        days = (d.deadline - snapshot.issue_date).days
        # XRechnung / DE-R-018: the line in capitals, ending with an XML line break.
        text += f"\n#SKONTO#TAGE={days}#PROZENT={d.percent.quantize(Decimal('0.01'))}#\n"
    return text


def seller_rules_check(snapshot: InvoiceSnapshot) -> list[str]:
    """The EN 16931 rules about the seller that the XSDs cannot see, checked before an e-invoice
    is produced (the official Schematron runs in the test suite, not at render time):
    BR-CO-26 (seller identifier, legal registration or VAT id), BR-S-02 / BR-Z-02 / BR-E-02
    (a seller VAT id or tax registration for taxed, zero-rated and exempt lines), BR-AE-02 /
    BR-K-02 / BR-G-02 (a seller VAT id for reverse charge, intra-Community supply, export),
    BR-06 (seller name), BR-09 (seller country). Returns "<rule> <text>" lines, [] when fine."""
    seller = snapshot.seller
    problems = []
    if not seller.name:
        problems.append("BR-06 The seller's name is missing.")
    if not seller.address.country:
        problems.append("BR-09 The seller's country is missing.")
    if not (seller.identifier or seller.registration_id or vat_id(seller)):
        problems.append("BR-CO-26 The seller needs an identifier, a legal registration or a VAT id.")
    categories = {b.category for b in snapshot.tax_breakdown}
    if categories & {"S", "Z", "E"} and not (vat_id(seller) or tax_registration(seller)):
        problems.append("BR-S-02 The seller needs a VAT id or a tax registration for taxed lines.")
    for category in sorted(categories & {"AE", "K", "G"}):
        if not vat_id(seller):
            problems.append(f"BR-{category}-02 The seller needs a VAT id for category {category}.")
    return problems
