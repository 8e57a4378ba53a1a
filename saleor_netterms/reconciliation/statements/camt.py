"""ISO 20022 camt.052 (intraday report), camt.053 (statement) and camt.054 (notification), any
namespace version from 001.02 on.

Read with lxml, safely: no DTD (a DOCTYPE is refused outright, so no entity — external or
billion-laughs — is ever expanded), no network, no huge trees. Elements are found by local name,
so every version's namespace reads the same; where versions differ (v02 ``Sts`` text vs v08
``Sts/Cd``, v02 ``Dbtr/Nm`` vs v08 ``Dbtr/Pty/Nm``, ``Dt`` vs ``DtTm``) both shapes are read.

When the ISO XSD of the file's exact version is present (``xsd_dir``, read in place) the file
is validated too; banks send files that are not schema-valid, so a failure is a warning on the
statement, not a refusal. What we cannot read — truncated XML, a missing or malformed amount,
date or account — is a ``StatementError`` naming the line and the element path.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from lxml import etree

from . import Balance, ParsedLine, ParsedStatement, StatementError, account_compact

NS = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.001\.(\d\d)$")
CONTAINERS = {"camt.053": ("BkToCstmrStmt", "Stmt"), "camt.052": ("BkToCstmrAcctRpt", "Rpt"),
              "camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}
OPENING = ("OPBD", "PRCD")          # opening booked; previous closing booked
CLOSING = ("CLBD",)
INTRADAY_OPENING = ("OPBD", "PRCD", "ITBD")
AMOUNT = re.compile(r"^[0-9]{1,18}(\.[0-9]{1,5})?$")
CURRENCY = re.compile(r"[A-Z]{3}")
RF_IN_TEXT = re.compile(r"\bRF[0-9]{2}[A-Z0-9]{1,21}\b")
MAX_BYTES = 200 * 1024 * 1024


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el, name: str) -> list:
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _child(el, *path: str):
    for name in path:
        if el is None:
            return None
        found = _children(el, name)
        el = found[0] if found else None
    return el


def _text(el, *path: str) -> str:
    node = _child(el, *path) if path else el
    return (node.text or "").strip() if node is not None else ""


def _where(tree, el) -> tuple[int | None, str]:
    """(line, "/Document/BkToCstmrStmt/Stmt/Ntry[3]/Amt"): local names, a position where an
    element has siblings of the same name."""
    parts = []
    node = el
    while node is not None:
        name = _local(node)
        parent = node.getparent()
        if parent is not None:
            same = _children(parent, name)
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return el.sourceline, "/" + "/".join(reversed(parts))


def _amount(tree, el, what: str) -> tuple[Decimal, str]:
    if el is None:
        raise StatementError("STATEMENT_AMOUNT_MISSING", f"{what} has no amount")
    raw = (el.text or "").strip()
    if not AMOUNT.match(raw):
        line, path = _where(tree, el)
        raise StatementError("STATEMENT_AMOUNT_INVALID", f"{what} amount {raw!r} is not a decimal amount",
                             line=line, element=path)
    currency = (el.get("Ccy") or "").strip().upper()
    if not CURRENCY.fullmatch(currency):
        line, path = _where(tree, el)
        raise StatementError("STATEMENT_CURRENCY_INVALID", f"{what} amount has no ISO 4217 currency (Ccy)",
                             line=line, element=path)
    try:
        return Decimal(raw), currency
    except InvalidOperation as exc:  # pragma: no cover - the regex already refused it
        line, path = _where(tree, el)
        raise StatementError("STATEMENT_AMOUNT_INVALID", f"{what} amount {raw!r}", line=line, element=path) from exc


def _date(tree, el, what: str, *, required: bool) -> dt.date | None:
    """``<X><Dt>2024-01-02</Dt></X>`` or ``<X><DtTm>2024-01-02T10:00:00+01:00</DtTm></X>``."""
    if el is None:
        if required:
            raise StatementError("STATEMENT_DATE_MISSING", f"{what} is missing")
        return None
    raw = _text(el, "Dt") or _text(el, "DtTm")
    if not raw and required:
        line, path = _where(tree, el)
        raise StatementError("STATEMENT_DATE_MISSING", f"{what} has no Dt or DtTm", line=line, element=path)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError as exc:
        line, path = _where(tree, el)
        raise StatementError("STATEMENT_DATE_INVALID", f"{what} {raw!r} is not a date", line=line,
                             element=path) from exc


def _party_name(party) -> str:
    if party is None:
        return ""
    return _text(party, "Nm") or _text(party, "Pty", "Nm")


def _account_id(acct) -> str:
    if acct is None:
        return ""
    return account_compact(_text(acct, "Id", "IBAN") or _text(acct, "Id", "Othr", "Id"))


@lru_cache(maxsize=32)
def _schema(path: str, mtime: float):
    return etree.XMLSchema(etree.parse(path, _parser()))


def schema_check(doc, version: str, xsd_dir: str | None) -> str | None:
    """None when valid or when no XSD of that version is present; else the first error."""
    if not xsd_dir:
        return None
    path = os.path.join(xsd_dir, f"{version}.xsd")
    if not os.path.isfile(path):
        return None
    schema = _schema(path, os.path.getmtime(path))
    if schema.validate(doc):
        return None
    err = schema.error_log.last_error
    return f"not valid against {version}.xsd: line {err.line}: {err.message}"[:500]


def camt_parse(content: bytes, *, xsd_dir: str | None = None) -> list[ParsedStatement]:
    if len(content) > MAX_BYTES:
        raise StatementError("STATEMENT_TOO_LARGE", f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    if re.search(rb"<!DOCTYPE|<!ENTITY", content[:65536], re.IGNORECASE):
        raise StatementError("STATEMENT_DTD_REFUSED", "camt files have no DOCTYPE; entity declarations are refused",
                             line=content[:content.upper().find(b"<!")].count(b"\n") + 1)
    try:
        doc = etree.fromstring(content, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise StatementError("STATEMENT_XML_INVALID", f"not well-formed XML: {exc.msg}", line=line) from exc
    if doc.docinfo.doctype:
        raise StatementError("STATEMENT_DTD_REFUSED", "camt files have no DOCTYPE", line=1)
    root = doc.getroot()
    namespace = etree.QName(root).namespace or ""
    found = NS.match(namespace)
    if _local(root) != "Document" or not found:
        raise StatementError("STATEMENT_NOT_CAMT",
                             f"root <{_local(root)}> in namespace {namespace!r} is not a camt.052/053/054 Document",
                             line=root.sourceline, element="/Document")
    message, minor = found.group(1), found.group(2)
    if int(minor) < 2:
        raise StatementError("STATEMENT_VERSION_UNSUPPORTED", f"{message}.001.{minor} is older than 001.02",
                             line=root.sourceline, element="/Document")
    version = f"{message}.001.{minor}"
    warning = schema_check(doc, version, xsd_dir)
    container_name, item_name = CONTAINERS[message]
    container = _child(root, container_name)
    if container is None:
        raise StatementError("STATEMENT_NOT_CAMT", f"{version} without <{container_name}>", line=root.sourceline,
                             element=f"/Document/{container_name}")
    statements = []
    for item in _children(container, item_name):
        statements.append(_statement(doc, item, message, version, warning))
    if not statements:
        line, path = _where(doc, container)
        raise StatementError("STATEMENT_EMPTY", f"no <{item_name}> in the message", line=line, element=path)
    return statements


def _statement(tree, stmt, message: str, version: str, warning: str | None) -> ParsedStatement:
    line, path = _where(tree, stmt)
    acct = _child(stmt, "Acct")
    account = _account_id(acct)
    if not account:
        raise StatementError("STATEMENT_ACCOUNT_MISSING", "the statement names no account (Acct/Id)", line=line,
                             element=path)
    currency = _text(acct, "Ccy").upper()
    opening = closing = None
    for bal in _children(stmt, "Bal"):
        code = _text(bal, "Tp", "CdOrPrtry", "Cd") or _text(bal, "Tp", "CdOrPrtry", "Prtry")
        wanted_open = INTRADAY_OPENING if message == "camt.052" else OPENING
        if code in wanted_open and opening is None or code in CLOSING and closing is None:
            amount, ccy = _amount(tree, _child(bal, "Amt"), f"balance {code}")
            sign = -1 if _text(bal, "CdtDbtInd") == "DBIT" else 1
            balance = Balance(amount=sign * amount, currency=ccy, date=_date(tree, _child(bal, "Dt"), "balance date",
                                                                             required=False))
            if code in CLOSING:
                closing = balance
            else:
                opening = balance
    if not currency:
        currency = (closing or opening).currency if (closing or opening) else ""
    lines, skipped = [], 0
    created = _text(stmt, "CreDtTm")
    created_date = dt.date.fromisoformat(created[:10]) if re.match(r"^\d{4}-\d\d-\d\d", created) else None
    for entry in _children(stmt, "Ntry"):
        parsed = _entry(tree, entry, created_date)
        if parsed is None:
            skipped += 1
            continue
        lines.extend(parsed)
    if not currency and lines:
        currency = lines[0].currency
    frto = _child(stmt, "FrToDt")
    from_date = to_date = None
    if frto is not None:
        from_raw, to_raw = _text(frto, "FrDtTm") or _text(frto, "FrDt"), _text(frto, "ToDtTm") or _text(frto, "ToDt")
        from_date = dt.date.fromisoformat(from_raw[:10]) if from_raw else None
        to_date = dt.date.fromisoformat(to_raw[:10]) if to_raw else None
    booked = [ln.booking_date for ln in lines]
    return ParsedStatement(
        format=message, version=version, statement_id=_text(stmt, "Id"), account_iban=account, currency=currency,
        sequence=_text(stmt, "ElctrncSeqNb") or _text(stmt, "LglSeqNb"),
        from_date=from_date or (min(booked) if booked else (opening.date if opening else None)),
        to_date=to_date or (max(booked) if booked else (closing.date if closing else None)),
        opening=opening, closing=closing, lines=tuple(lines), skipped=skipped,
        warnings=(warning,) if warning else ())


def _status(entry) -> str:
    sts = _child(entry, "Sts")
    if sts is None:
        return ""
    return (_text(sts, "Cd") or _text(sts, "Prtry") or (sts.text or "")).strip().upper()


def _bank_code(node) -> str:
    bk = _child(node, "BkTxCd")
    if bk is None:
        return ""
    domain = _child(bk, "Domn")
    if domain is not None:
        return "/".join(p for p in (_text(domain, "Cd"), _text(domain, "Fmly", "Cd"),
                                    _text(domain, "Fmly", "SubFmlyCd")) if p)
    return _text(bk, "Prtry", "Cd")


def _entry(tree, entry, created_date: dt.date | None) -> list[ParsedLine] | None:
    status = _status(entry)
    if status and status != "BOOK":
        return None  # pending (PDNG) or information (INFO): not (yet) money on the account
    line = entry.sourceline
    amount, currency = _amount(tree, _child(entry, "Amt"), "entry")
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        path = _where(tree, entry)[1]
        raise StatementError("STATEMENT_DIRECTION_INVALID", f"CdtDbtInd {indicator!r} is neither CRDT nor DBIT",
                             line=line, element=f"{path}/CdtDbtInd")
    credit = indicator == "CRDT"
    booking = _date(tree, _child(entry, "BookgDt"), "booking date (BookgDt)", required=False)
    value = _date(tree, _child(entry, "ValDt"), "value date (ValDt)", required=False)
    if booking is None:
        booking = value or created_date  # a camt.054 notification may date only the message
    if booking is None:
        raise StatementError("STATEMENT_DATE_MISSING", "the entry has neither BookgDt nor ValDt", line=line,
                             element=_where(tree, entry)[1])
    base = dict(currency=currency, credit=credit, booking_date=booking, value_date=value,
                reversal=_text(entry, "RvslInd").lower() == "true", status="BOOK",
                bank_reference=_text(entry, "AcctSvcrRef"), entry_reference=_text(entry, "NtryRef"),
                bank_transaction_code=_bank_code(entry))
    entry_info = _text(entry, "AddtlNtryInf")
    details = [tx for dtls in _children(entry, "NtryDtls") for tx in _children(dtls, "TxDtls")]
    if not details:
        return [ParsedLine(amount=amount, remittance_text=entry_info, location=f"line {line}", **base,
                           creditor_reference=_rf_in(entry_info))]
    parts = [_detail(tree, tx, credit) for tx in details]
    amounts = [p["amount"] for p in parts]
    split = (len(parts) > 1 and all(a is not None and a[1] == currency for a in amounts)
             and sum(a[0] for a in amounts) == amount)
    if not split:
        first = parts[0]
        texts = " ".join(t for t in [*(p["remittance_text"] for p in parts), entry_info] if t)
        refs = [p["creditor_reference"] for p in parts if p["creditor_reference"]]
        return [ParsedLine(
            amount=amount, location=f"line {line}",
            **{**base, "bank_transaction_code": first["code"] or base["bank_transaction_code"]},
            end_to_end_id=first["end_to_end_id"] if len(parts) == 1 else "",
            counterparty_name=first["name"], counterparty_iban=first["iban"],
            remittance_text=texts[:2000], creditor_reference=refs[0] if len(refs) == 1 else "")]
    result = []
    for index, part in enumerate(parts, start=1):
        fields = {**base, "bank_reference": part["bank_reference"] or base["bank_reference"],
                  "bank_transaction_code": part["code"] or base["bank_transaction_code"]}
        result.append(ParsedLine(
            amount=part["amount"][0], detail_index=index, location=f"line {part['line']}", **fields,
            end_to_end_id=part["end_to_end_id"], counterparty_name=part["name"], counterparty_iban=part["iban"],
            remittance_text=part["remittance_text"], creditor_reference=part["creditor_reference"]))
    return result


def _rf_in(text: str) -> str:
    found = RF_IN_TEXT.findall("".join(text.upper().split()) if len(text) < 60 else text.upper())
    return found[0] if len(found) == 1 else ""


def _detail(tree, tx, credit: bool) -> dict:
    refs = _child(tx, "Refs")
    end_to_end = _text(refs, "EndToEndId") if refs is not None else ""
    if end_to_end.upper() == "NOTPROVIDED":
        end_to_end = ""
    amount_el = _child(tx, "AmtDtls", "TxAmt", "Amt")
    if amount_el is None:
        amount_el = _child(tx, "Amt")
    amount = _amount(tree, amount_el, "transaction detail") if amount_el is not None else None
    parties = _child(tx, "RltdPties")
    who, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
    name = _party_name(_child(parties, who)) if parties is not None else ""
    iban = _account_id(_child(parties, account)) if parties is not None else ""
    if parties is not None and not name:
        name = _party_name(_child(parties, "Ultmt" + who))
    rmt = _child(tx, "RmtInf")
    texts, creditor_refs = [], []
    if rmt is not None:
        texts = [(u.text or "").strip() for u in _children(rmt, "Ustrd") if (u.text or "").strip()]
        for strd in _children(rmt, "Strd"):
            for cref in _children(strd, "CdtrRefInf"):
                ref = _text(cref, "Ref")
                kind = _text(cref, "Tp", "CdOrPrtry", "Cd")
                if ref and (kind in ("SCOR", "") or ref.upper().startswith("RF")):
                    creditor_refs.append(ref)
            additional = [(a.text or "").strip() for a in _children(strd, "AddtlRmtInf") if (a.text or "").strip()]
            texts.extend(additional)
    text = " ".join(texts)
    additional_tx = _text(tx, "AddtlTxInf")
    if additional_tx:
        text = f"{text} {additional_tx}".strip()
    return {"amount": amount, "end_to_end_id": end_to_end, "name": name, "iban": iban,
            "remittance_text": text[:2000], "creditor_reference": creditor_refs[0] if creditor_refs else _rf_in(text),
            "bank_reference": _text(refs, "AcctSvcrRef") if refs is not None else "", "code": _bank_code(tx),
            "line": tx.sourceline}
