"""Which parser reads a file: XML → camt, ``:20:`` blocks → MT940, else CSV (needs the bank
account's saved column mapping)."""
from __future__ import annotations

from . import ParsedStatement, StatementError
from .camt import camt_parse
from .csv_columns import csv_parse
from .mt940 import mt940_parse


def statement_format(content: bytes) -> str:
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "camt"
    text_head = head.decode("latin-1")
    if ":20:" in text_head or text_head.startswith("{1:"):
        return "mt940"
    return "csv"


def statement_parse(content: bytes, *, csv_mapping: dict | None = None, account_iban: str = "",
                    currency: str = "", xsd_dir: str | None = None) -> list[ParsedStatement]:
    kind = statement_format(content)
    if kind == "camt":
        return camt_parse(content, xsd_dir=xsd_dir)
    if kind == "mt940":
        return mt940_parse(content)
    if csv_mapping:
        return csv_parse(content, mapping=csv_mapping, account_iban=account_iban, currency=currency)
    raise StatementError("STATEMENT_FORMAT_UNKNOWN",
                         "Not a camt.052/053/054 or MT940 file, and the account has no CSV column mapping", line=1)
