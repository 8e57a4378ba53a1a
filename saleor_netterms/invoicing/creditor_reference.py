"""The ISO 11649 RF creditor reference an invoice prints as its payment reference (pure).

Bank statements bring it back (camt `Strd/CdtrRefInf/Ref`, type SCOR; MT940 `/EREF/` or
`/REMI/` text) and reconciliation matches it exactly, so it must name exactly one invoice of the
installation. It is therefore NOT derived from the invoice number (numbers of two series may look
alike once separators are stripped, and may contain letters ISO 11649 does not allow): it encodes
the invoice's unique position in its series,

    body = <series id> ["Y" <period>] "N" <sequence>       e.g. series 3, 2026, 42 → "3Y2026N42"

and ``RF`` + two ISO 7064 mod 97-10 check digits in front ("RF" + 2 + body ≤ 25 characters).
``(series, period, sequence)`` is unique per invoice (a database constraint), series ids are
unique, and the body parses back unambiguously (digits end at a letter), so two invoices never
share a reference. Only A–Z and the ASCII digits 0–9 ever appear.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_97_10

from saleor_netterms.core.errors import NetTermsError

MAX_BODY = 21
_BODY = re.compile(r"(?P<series>[0-9]+)(?:Y(?P<period>[0-9]{1,8}))?N(?P<sequence>[0-9]+)")


class CreditorReferenceError(NetTermsError):
    code = "CREDITOR_REFERENCE_INVALID"
    http_status = 400
    merchant_message = "The invoice's payment reference could not be made."


@dataclass(frozen=True, slots=True)
class InvoicePosition:
    """Where an invoice sits in its number series: what its creditor reference encodes."""

    series_id: int
    period: str
    sequence: int


def creditor_reference_for(*, series_id: int, period: str, sequence: int) -> str:
    """The RF reference of the invoice at (series, period, sequence)."""
    if not (isinstance(series_id, int) and series_id > 0 and isinstance(sequence, int) and sequence > 0):
        raise CreditorReferenceError(f"series {series_id!r} / sequence {sequence!r} must be positive integers")
    if period and not (period.isascii() and period.isdigit() and len(period) <= 8):
        raise CreditorReferenceError(f"period {period!r} must be ASCII digits")
    body = f"{series_id}Y{period}N{sequence}" if period else f"{series_id}N{sequence}"
    if len(body) > MAX_BODY:
        raise CreditorReferenceError(f"reference body {body!r} is longer than {MAX_BODY} characters",
                                     code="CREDITOR_REFERENCE_TOO_LONG")
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def creditor_reference_compact(value: str) -> str:
    """Upper case, spaces removed (as printed in groups of four: "RF18 5390 0754 7034")."""
    return "".join((value or "").split()).upper()


# Letters as ISO 7064 reads them (A=10 … Z=35), for the check below.
_MOD97_LETTERS = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})
# ISO 11649's shape: RF, two check digits, a body of 1–21 characters (reconciliation finds references
# in bank text with it too).
RF_SHAPE = re.compile(r"RF[0-9]{2}[A-Z0-9]{1,21}")


def _mod97_check(compact: str) -> bool:
    """ISO 7064 mod 97-10 over the reference with "RF" and its check digits moved to the end —
    the same check python-stdnum's ``iso11649.validate`` makes (the tests hold the two equal over
    random input), computed with one integer conversion instead of a generator per character:
    reconciliation runs it on every RF-looking token of every bank line (about a quarter of the
    matching CPU at 100,000 lines when it went through stdnum)."""
    return int((compact[4:] + compact[:4]).translate(_MOD97_LETTERS)) % 97 == 1


def creditor_reference_valid(value: str) -> bool:
    """A syntactically valid ISO 11649 reference: RF, two check digits, a body of 1–21 characters
    A–Z / ASCII 0–9, check digits verified."""
    compact = creditor_reference_compact(value)
    if not compact.isascii() or not RF_SHAPE.fullmatch(compact):
        return False
    return _mod97_check(compact)


def creditor_reference_parse(value: str) -> InvoicePosition | None:
    """The invoice position a reference made by ``creditor_reference_for`` names, or None when
    it is not a valid RF reference of ours (a mistyped check digit gives None, never a guess)."""
    reading = reference_read(value)
    return reading if isinstance(reading, InvoicePosition) else None


# --- combined remittances ---------------------------------------------------------------------
# A buyer paying several invoices with one transfer gets one reference naming a
# CombinedRemittance row: body "C" <remittance id>. It can never be read as an invoice position
# (those start with a digit), and the check digits catch a mistyped id like any RF reference.
_REMITTANCE_BODY = re.compile(r"C(?P<id>[1-9][0-9]{0,19})")


def remittance_reference_for(remittance_id: int) -> str:
    if not (isinstance(remittance_id, int) and remittance_id > 0):
        raise CreditorReferenceError(f"remittance id {remittance_id!r} must be a positive integer")
    body = f"C{remittance_id}"
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def remittance_reference_parse(value: str) -> int | None:
    """The CombinedRemittance id a reference made by ``remittance_reference_for`` names, or None."""
    reading = reference_read(value)
    return reading if isinstance(reading, int) else None


def reference_read(value: str) -> InvoicePosition | int | None:
    """What a reference of ours names, its check digits verified once: the invoice position
    (``creditor_reference_for``), the CombinedRemittance id (``remittance_reference_for``), or None
    — the one reading bank matching makes of every reference it meets."""
    if not creditor_reference_valid(value):
        return None
    body = creditor_reference_compact(value)[4:]
    found = _BODY.fullmatch(body)
    if found is not None:
        return InvoicePosition(series_id=int(found["series"]), period=found["period"] or "",
                               sequence=int(found["sequence"]))
    found = _REMITTANCE_BODY.fullmatch(body)
    return int(found["id"]) if found else None
