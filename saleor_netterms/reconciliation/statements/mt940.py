"""SWIFT MT940 statements via the ``mt-940`` package (tags :20 :25 :28C :60F/M :61 :86 :62F/M).

The file is split into its statements (one per ``:20:``) and each is parsed by ``mt940``; its
German ``?20…?3x`` sub-fields (and the SEPA qualifiers EREF+/SVWZ+ inside them) come from the
package's ``transaction_details_post_processor`` with ``Options(applicant_iban=True)``. The Dutch
``/EREF/ /CNTP/ /ORDP/ /BENM/ /REMI/`` style (ING, Rabobank, Triodos, ABN AMRO SEPA) is read here.
Amounts: ``mt940`` gives signed ``Decimal``s; ``RC``/``RD`` marks are reversals.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import mt940 as mt940_lib

from . import Balance, ParsedLine, ParsedStatement, StatementError, account_compact

SINGLE_LINE_TAGS = ("20", "21", "25", "28C", "28", "60F", "60M", "62F", "62M", "64", "65")
DUTCH_KEYS = ("EREF", "CNTP", "ORDP", "BENM", "REMI", "IBAN", "NAME", "MARF", "CSID", "BUSP", "PURP",
              "ADDR", "ISDT", "RTRN", "TRCD", "BIC", "ULTD", "ULTC", "SWOC", "EXCH", "CHGS", "OCMT", "PREF",
              "CREF", "RTYP", "STRD", "USTD", "CUR", "CDTRREF", "CDTRREFTP", "CD", "ISSR")
RF = re.compile(r"RF[0-9]{2}[A-Z0-9]{1,21}")
IBAN_LIKE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}$")


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"^\{1:[^}]*\}(\{2:[^}]*\})?(\{3:(\{[^}]*\})*\})?\{4:\s*", "", text.lstrip("\ufeff"), flags=re.M)
    text = re.sub(r"\n?-\}(\{5:[^\n]*)?", "\n", text)
    out: list[str] = []
    joining = False
    statement_line: list[str] | None = None  # the lines of the current :61:
    for line in text.split("\n"):
        tag = re.match(r"^:([0-9]{2}[A-Z]?):", line)
        if tag:
            if statement_line is not None:
                out.append(_statement_line_join(statement_line))
                statement_line = None
            joining = tag.group(1) in SINGLE_LINE_TAGS
            if tag.group(1) == "61":
                statement_line = [line]
            else:
                out.append(line)
        elif statement_line is not None and line.strip() and not line.startswith("-"):
            statement_line.append(line.strip())
        elif joining and line.strip() and out and not line.startswith("-"):
            out[-1] += line.strip()
        else:
            if statement_line is not None:
                out.append(_statement_line_join(statement_line))
                statement_line = None
            joining = False
            out.append(line)
    if statement_line is not None:
        out.append(_statement_line_join(statement_line))
    return "\n".join(out)


def _statement_line_join(lines: list[str]) -> str:
    """A :61: has the line itself and at most one line of supplementary details; banks that wrap
    the first line (ING's bank reference) get the wrapped parts joined back."""
    if len(lines) <= 2:
        return "\n".join(lines)
    split = next((i for i, part in enumerate(lines[1:], start=1) if part.startswith("/")), len(lines) - 1)
    return "".join(lines[:split]) + "\n" + "".join(lines[split:])


def _chunks(text: str) -> list[tuple[int, str]]:
    """(first line number, text) per statement."""
    starts = [m.start() for m in re.finditer(r"(?m)^:20:", text)]
    if not starts:
        raise StatementError("STATEMENT_NOT_MT940", "no :20: transaction reference tag", line=1)
    result = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        result.append((text.count("\n", 0, start) + 1, text[start:end]))
    return result


def _balance(value) -> Balance | None:
    if value is None or not hasattr(value, "amount") or not hasattr(value.amount, "amount"):
        return None
    date = value.date
    return Balance(amount=Decimal(value.amount.amount), currency=value.amount.currency or "",
                   date=dt.date(date.year, date.month, date.day) if date else None)


def _dutch(details: str) -> dict[str, str]:
    """``/EREF/x/CNTP/iban/bic/name/city/REMI/USTD//text/`` → fields."""
    flat = details.replace("\n", "")
    if not re.match(r"^\s*/(EREF|CNTP|ORDP|BENM|REMI|IBAN|TRCD|MARF|PREF|RTRN)/", flat):
        return {}
    parts = [p for p in flat.strip().strip("/").split("/") if p.strip()]
    fields: dict[str, list[str]] = {}
    key = None
    for part in parts:
        if part in DUTCH_KEYS and (key is None or part not in ("CD", "CUR") or key in ("STRD", "CDTRREFTP")):
            key = part
            fields.setdefault(key, [])
        elif key is not None:
            fields[key].append(part)
    out: dict[str, str] = {}
    if fields.get("EREF"):
        out["end_to_end_id"] = "/".join(fields["EREF"]).strip()
    for key in ("CNTP", "BENM", "ORDP"):
        if key in fields:
            values = [v for v in fields[key]]
            if values and IBAN_LIKE.match(values[0].replace(" ", "").upper()):
                out.setdefault("iban", values[0])
                values = values[1:]
                if values and re.fullmatch(r"[A-Z0-9]{8}([A-Z0-9]{3})?", values[0]):
                    values = values[1:]
            name = next((v for v in values if v.strip()), "")
            if name.strip():
                out.setdefault("name", name.strip())
    if fields.get("NAME"):
        out.setdefault("name", " ".join(fields["NAME"]).strip())
    if fields.get("IBAN"):
        out.setdefault("iban", fields["IBAN"][0])
    if "USTD" in fields:
        out["remittance"] = "/".join(v for v in fields["USTD"]).strip()
    elif fields.get("REMI"):
        out["remittance"] = "/".join(fields["REMI"]).strip()
    for key in ("CDTRREF", "CUR", "STRD"):
        for value in fields.get(key, []):
            found = RF.search(value.replace(" ", "").upper())
            if found:
                out["creditor_reference"] = found.group(0)
    return out


def mt940_parse(content: bytes) -> list[ParsedStatement]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    text = _normalise(text)
    statements = []
    for first_line, chunk in _chunks(text):
        transactions = mt940_lib.models.Transactions(
            processors={"pre_statement": [mt940_lib.processors.date_fixup_pre_processor],
                        "post_transaction_details": [mt940_lib.processors.transaction_details_post_processor]},
            options=mt940_lib.Options(applicant_iban=True))
        try:
            transactions.parse(chunk)
        except (RuntimeError, ValueError, KeyError, AttributeError, TypeError) as exc:
            raise StatementError("STATEMENT_MT940_INVALID", f"MT940 statement could not be read: {str(exc)[:200]}",
                                 line=first_line) from exc
        data = transactions.data
        account = account_compact(data.get("account_identification") or "")
        if not account:
            raise StatementError("STATEMENT_ACCOUNT_MISSING", "no :25: account identification", line=first_line,
                                 element=":25:")
        opening = _balance(data.get("final_opening_balance"))
        closing = _balance(data.get("final_closing_balance"))
        currency = (opening or closing).currency if (opening or closing) else ""
        if not currency and account[-3:].isalpha() and len(account) > 3:
            currency = account[-3:]
        lines = []
        for index, tr in enumerate(transactions, start=1):
            lines.append(_line(tr.data, currency, first_line, index))
        if lines and not currency:
            currency = lines[0].currency
        if currency and account.endswith(currency) and IBAN_LIKE.match(account[:-3]):
            account = account[:-3]  # ING "NL77INGB0574908765EUR"
        if "/" in account:
            account = account.split("/")[-1] if not IBAN_LIKE.match(account.split("/")[0]) else account.split("/")[0]
        dates = [ln.booking_date for ln in lines]
        statement_number = str(data.get("statement_number") or "")
        sequence = str(data.get("sequence_number") or "")
        statements.append(ParsedStatement(
            format="mt940", version="", statement_id=str(data.get("transaction_reference") or statement_number),
            account_iban=account, currency=currency, sequence="/".join(p for p in (statement_number, sequence) if p),
            from_date=min(dates) if dates else (opening.date if opening else None),
            to_date=max(dates) if dates else (closing.date if closing else None),
            opening=opening, closing=closing, lines=tuple(lines)))
    return statements


def _line(data: dict, currency: str, first_line: int, index: int) -> ParsedLine:
    amount = data.get("amount")
    if amount is None or not hasattr(amount, "amount"):
        raise StatementError("STATEMENT_AMOUNT_MISSING", f"transaction {index} has no amount", line=first_line,
                             element=f":61: #{index}")
    signed = Decimal(amount.amount)
    status = (data.get("status") or "").upper()
    reversal = status.startswith("R")
    credit = status in ("C", "RD") if status else signed > 0
    date = data.get("date")
    entry = data.get("entry_date") or date
    booking = dt.date(entry.year, entry.month, entry.day)
    details = data.get("transaction_details") or ""
    dutch = _dutch(details)
    german_purpose = data.get("purpose") or ""
    name = dutch.get("name") or " ".join(p for p in (data.get("applicant_name") or "",) if p)
    iban = dutch.get("iban") or data.get("applicant_iban") or data.get("gvc_applicant_iban") or ""
    remittance = dutch.get("remittance") or german_purpose or ("" if dutch else details.replace("\n", " "))
    end_to_end = dutch.get("end_to_end_id") or data.get("end_to_end_reference") or ""
    if end_to_end.upper() in ("NOTPROVIDED", "NONREF"):
        end_to_end = ""
    reference = dutch.get("creditor_reference", "")
    if not reference:
        found = RF.findall("".join(remittance.split()).upper()) if remittance else []
        reference = found[0] if len(set(found)) == 1 else ""
    customer_ref = str(data.get("customer_reference") or "")
    return ParsedLine(
        amount=abs(signed), currency=amount.currency or currency, credit=credit, booking_date=booking,
        value_date=dt.date(date.year, date.month, date.day) if date else None, reversal=reversal,
        bank_reference=str(data.get("bank_reference") or "") if data.get("bank_reference") not in (None, "None") else "",
        entry_reference="" if customer_ref.upper() == "NONREF" else customer_ref,
        bank_transaction_code=str(data.get("id") or ""), end_to_end_id=end_to_end[:140],
        counterparty_name=name.strip()[:140], counterparty_iban=account_compact(iban)[:34],
        remittance_text=" ".join(remittance.split())[:2000], creditor_reference=reference,
        location=f"statement at line {first_line}, :61: #{index}")
