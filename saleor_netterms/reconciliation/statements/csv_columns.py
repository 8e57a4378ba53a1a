"""CSV exports read with the column mapping saved on the bank account.

Mapping (``BankAccount.csv_mapping``)::

    {"date": "Buchungstag", "amount": "Betrag", "currency": "Währung",   # column headers
     "reference": "Verwendungszweck", "payer": "Auftraggeber", "iban": "IBAN",
     "bank_reference": "", "value_date": "",                          # optional columns
     "delimiter": ";", "decimal": ",", "thousands": ".",               # number format
     "date_format": "%d.%m.%Y", "encoding": "utf-8", "currency_default": "EUR"}

``amount`` is signed (a leading ``-`` or a trailing ``-`` is a debit); ``"credit"``/``"debit"``
may instead name two columns. Errors name the CSV line and column.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation

from . import ParsedLine, ParsedStatement, StatementError, account_compact

REQUIRED = ("date",)
RF = re.compile(r"RF[0-9]{2}[A-Z0-9]{1,21}")


def csv_mapping_validate(mapping: dict) -> dict:
    """The mapping with defaults, or StatementError(CSV_MAPPING_INVALID)."""
    if not isinstance(mapping, dict):
        raise StatementError("CSV_MAPPING_INVALID", "the column mapping must be an object")
    result = {"delimiter": ",", "decimal": ".", "thousands": "", "date_format": "%Y-%m-%d", "encoding": "utf-8",
              "currency_default": "", **{k: v for k, v in mapping.items() if v is not None}}
    if not result.get("date") or not (result.get("amount") or (result.get("credit") and result.get("debit"))):
        raise StatementError("CSV_MAPPING_INVALID", "the mapping needs a date column and an amount column "
                                                    "(or credit and debit columns)")
    if result["decimal"] not in (".", ",") or result["thousands"] not in ("", ".", ",", " ", "'", "\u00a0"):
        raise StatementError("CSV_MAPPING_INVALID", "decimal must be . or , and thousands one of . , ' or a space")
    if result["decimal"] == result["thousands"]:
        raise StatementError("CSV_MAPPING_INVALID", "the decimal and thousands separators must differ")
    if len(result["delimiter"]) != 1:
        raise StatementError("CSV_MAPPING_INVALID", "the delimiter must be one character")
    return result


def amount_parse(raw: str, *, decimal: str, thousands: str) -> Decimal:
    """``"1.234,56"`` (decimal comma) → Decimal("1234.56"); ``"-12,00"`` / ``"12,00-"`` negative."""
    text = raw.strip().replace("\u00a0", " ")
    negative = text.startswith("-") or text.endswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("-+() ")
    if thousands:
        group = re.escape(thousands)
        if not re.fullmatch(rf"[0-9]{{1,3}}({group}[0-9]{{3}})*({re.escape(decimal)}[0-9]+)?|[0-9]+"
                            rf"({re.escape(decimal)}[0-9]+)?", text):
            raise ValueError(raw)
        text = text.replace(thousands, "")
    if decimal == ",":
        if "." in text:
            raise ValueError(raw)
        text = text.replace(",", ".")
    elif "," in text:
        raise ValueError(raw)
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        raise ValueError(raw)
    value = Decimal(text)
    return -value if negative else value


def csv_parse(content: bytes, *, mapping: dict, account_iban: str = "", currency: str = "") -> list[ParsedStatement]:
    m = csv_mapping_validate(mapping)
    try:
        text = content.decode(m["encoding"]).lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError) as exc:
        raise StatementError("CSV_ENCODING_INVALID", f"not {m['encoding']}: {exc}", line=1) from exc
    reader = csv.DictReader(io.StringIO(text), delimiter=m["delimiter"])
    headers = reader.fieldnames or []
    for key in ("date", "amount", "credit", "debit", "currency", "reference", "payer", "iban", "value_date",
                "bank_reference"):
        if m.get(key) and m[key] not in headers:
            raise StatementError("CSV_COLUMN_MISSING", f"column {m[key]!r} ({key}) is not in the header", line=1,
                                 element=m[key])
    lines = []
    for row in reader:
        number = reader.line_num

        def cell(key: str) -> str:
            return (row.get(m[key]) or "").strip() if m.get(key) else ""

        try:
            booking = dt.datetime.strptime(cell("date"), m["date_format"]).date()
        except ValueError as exc:
            raise StatementError("CSV_DATE_INVALID", f"{cell('date')!r} is not a date ({m['date_format']})",
                                 line=number, element=m["date"]) from exc
        try:
            if m.get("amount"):
                signed = amount_parse(cell("amount"), decimal=m["decimal"], thousands=m["thousands"])
            else:
                credit_raw, debit_raw = cell("credit"), cell("debit")
                signed = (amount_parse(credit_raw, decimal=m["decimal"], thousands=m["thousands"]) if credit_raw
                          else -amount_parse(debit_raw, decimal=m["decimal"], thousands=m["thousands"]))
        except (ValueError, InvalidOperation) as exc:
            raise StatementError("CSV_AMOUNT_INVALID", f"{exc.args[0] if exc.args else ''!r} is not an amount "
                                 f"(decimal {m['decimal']!r}, thousands {m['thousands']!r})", line=number,
                                 element=m.get("amount") or m.get("credit")) from exc
        if signed == 0:
            continue
        row_currency = (cell("currency") or m["currency_default"] or currency).upper()
        if not re.fullmatch(r"[A-Z]{3}", row_currency):
            raise StatementError("CSV_CURRENCY_INVALID", f"{row_currency!r} is not a currency code", line=number,
                                 element=m.get("currency") or "currency_default")
        value_date = None
        if cell("value_date"):
            try:
                value_date = dt.datetime.strptime(cell("value_date"), m["date_format"]).date()
            except ValueError as exc:
                raise StatementError("CSV_DATE_INVALID", f"{cell('value_date')!r} is not a date", line=number,
                                     element=m["value_date"]) from exc
        remittance = cell("reference")
        found = RF.findall("".join(remittance.split()).upper())
        lines.append(ParsedLine(
            amount=abs(signed), currency=row_currency, credit=signed > 0, booking_date=booking, value_date=value_date,
            bank_reference=cell("bank_reference"), counterparty_name=cell("payer")[:140],
            counterparty_iban=account_compact(cell("iban"))[:34], remittance_text=remittance[:2000],
            creditor_reference=found[0] if len(set(found)) == 1 else "", location=f"line {number}"))
    dates = [ln.booking_date for ln in lines]
    return [ParsedStatement(format="csv", version="", statement_id="", account_iban=account_compact(account_iban),
                            currency=currency or (lines[0].currency if lines else m["currency_default"]),
                            from_date=min(dates) if dates else None, to_date=max(dates) if dates else None,
                            lines=tuple(lines))]
