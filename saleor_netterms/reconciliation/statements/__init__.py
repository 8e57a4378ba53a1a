"""Bank statement parsers (pure: no Django, no database).

Every parser returns ``ParsedStatement``s with ``ParsedLine``s — amounts ``Decimal`` and
positive, the direction in ``credit`` — or raises ``StatementError`` with a stable code and
where it happened (line number and/or element path). ``detect.statement_parse`` recognises the
format and calls ``camt``, ``mt940`` or ``csv_columns``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal


class StatementError(Exception):
    """A file we cannot read as a statement. ``code`` is stable; ``location`` says where."""

    http_status = 400

    def __init__(self, code: str, message: str, *, line: int | None = None, element: str = ""):
        self.code = code
        self.line = line
        self.element = element
        where = ", ".join(p for p in (f"line {line}" if line else "", element) if p)
        self.location = where
        self.message = f"{message} ({where})" if where else message
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "line": self.line, "element": self.element}


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal  # signed: negative when the bank says DBIT / D
    currency: str
    date: dt.date | None


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """One booked movement on the account (one camt transaction detail, one MT940 :61:)."""

    amount: Decimal              # > 0
    currency: str
    credit: bool                 # money in
    booking_date: dt.date
    value_date: dt.date | None = None
    reversal: bool = False       # camt RvslInd / MT940 RC, RD
    status: str = "BOOK"         # camt Sts; only BOOK is imported
    bank_reference: str = ""     # camt AcctSvcrRef (entry) / MT940 bank reference
    entry_reference: str = ""    # camt NtryRef / MT940 customer reference
    detail_index: int = 0        # position within a batch entry (camt TxDtls), 0 when alone
    bank_transaction_code: str = ""
    end_to_end_id: str = ""
    counterparty_name: str = ""  # the debtor of a credit, the creditor of a debit
    counterparty_iban: str = ""
    remittance_text: str = ""
    creditor_reference: str = ""  # Strd/CdtrRefInf/Ref (SCOR) or an RF reference found in MT940 fields
    location: str = ""           # where in the file (for error messages and the audit)

    def fingerprint(self) -> str:
        """What identifies the entry when the bank gives no reference of its own."""
        raw = "|".join([self.booking_date.isoformat(), format(self.amount, "f"), self.currency,
                        "C" if self.credit else "D", "R" if self.reversal else "", self.end_to_end_id,
                        self.counterparty_iban, self.remittance_text.strip(), self.creditor_reference,
                        self.entry_reference, str(self.detail_index)])
        return hashlib.sha256(raw.encode()).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    format: str                  # camt.053 | camt.052 | camt.054 | mt940 | csv
    version: str                 # e.g. camt.053.001.02; "" for mt940/csv
    statement_id: str
    account_iban: str            # compact, upper case; or the account number when not an IBAN
    currency: str
    sequence: str = ""
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    opening: Balance | None = None
    closing: Balance | None = None
    lines: tuple[ParsedLine, ...] = ()
    skipped: int = 0             # entries not booked (pending, info) — not imported
    warnings: tuple[str, ...] = field(default_factory=tuple)


def account_compact(value: str) -> str:
    return "".join((value or "").split()).upper()
