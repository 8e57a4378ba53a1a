"""Build camt.052/053/054 and MT940 files the way banks write them (tests generate their own
files; the real samples in ../shared/iso20022/samples are read in place)."""
from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape


@dataclass
class Tx:
    amount: str | None = None          # TxDtls amount (batch detail); None: not given
    end_to_end: str = ""
    debtor: str = ""
    debtor_iban: str = ""
    ustrd: list[str] = field(default_factory=list)
    scor: str = ""                     # Strd/CdtrRefInf/Ref with type SCOR
    acct_svcr_ref: str = ""


@dataclass
class Ntry:
    amount: str
    credit: bool = True
    booked: str = "2026-11-30"
    value: str = ""
    ref: str = ""                      # AcctSvcrRef
    status: str = "BOOK"
    reversal: bool = False
    code: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")
    txs: list[Tx] = field(default_factory=list)
    info: str = ""


def _party(name: str, version: int) -> str:
    if not name:
        return ""
    inner = f"<Nm>{escape(name)}</Nm>"
    return f"<Pty>{inner}</Pty>" if version >= 8 else inner


def _tx(tx: Tx, version: int, credit: bool, ccy: str) -> str:
    parts = ["<TxDtls>", "<Refs>"]
    if tx.acct_svcr_ref:
        parts.append(f"<AcctSvcrRef>{escape(tx.acct_svcr_ref)}</AcctSvcrRef>")
    parts.append(f"<EndToEndId>{escape(tx.end_to_end or 'NOTPROVIDED')}</EndToEndId></Refs>")
    if tx.amount is not None:
        if version >= 4:
            parts.append(f'<Amt Ccy="{ccy}">{tx.amount}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>')
        parts.append(f'<AmtDtls><TxAmt><Amt Ccy="{ccy}">{tx.amount}</Amt></TxAmt></AmtDtls>')
    if tx.debtor or tx.debtor_iban:
        who, acct = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        parts.append("<RltdPties>")
        if tx.debtor:
            parts.append(f"<{who}>{_party(tx.debtor, version)}</{who}>")
        if tx.debtor_iban:
            parts.append(f"<{acct}><Id><IBAN>{tx.debtor_iban}</IBAN></Id></{acct}>")
        parts.append("</RltdPties>")
    if tx.ustrd or tx.scor:
        parts.append("<RmtInf>")
        parts.extend(f"<Ustrd>{escape(u)}</Ustrd>" for u in tx.ustrd)
        if tx.scor:
            parts.append("<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
                         f"<Ref>{escape(tx.scor)}</Ref></CdtrRefInf></Strd>")
        parts.append("</RmtInf>")
    parts.append("</TxDtls>")
    return "".join(parts)


def _ntry(n: Ntry, version: int, ccy: str) -> str:
    status = f"<Sts><Cd>{n.status}</Cd></Sts>" if version >= 8 else f"<Sts>{n.status}</Sts>"
    xml = [f'<Ntry><Amt Ccy="{ccy}">{n.amount}</Amt><CdtDbtInd>{"CRDT" if n.credit else "DBIT"}</CdtDbtInd>']
    if n.reversal:
        xml.append("<RvslInd>true</RvslInd>")
    xml.append(status)
    xml.append(f"<BookgDt><Dt>{n.booked}</Dt></BookgDt><ValDt><Dt>{n.value or n.booked}</Dt></ValDt>")
    if n.ref:
        xml.append(f"<AcctSvcrRef>{escape(n.ref)}</AcctSvcrRef>")
    domain, family, sub = n.code
    xml.append(f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>"
               "</BkTxCd>")
    if n.txs:
        if len(n.txs) > 1:
            xml.append(f"<NtryDtls><Btch><NbOfTxs>{len(n.txs)}</NbOfTxs></Btch>")
        else:
            xml.append("<NtryDtls>")
        xml.extend(_tx(t if t.amount is not None or version < 4 else Tx(**{**t.__dict__, "amount": n.amount}),
                       version, n.credit, ccy) for t in n.txs)
        xml.append("</NtryDtls>")
    if n.info:
        xml.append(f"<AddtlNtryInf>{escape(n.info)}</AddtlNtryInf>")
    xml.append("</Ntry>")
    return "".join(xml)


def _balance(code: str, amount: str, date: str, ccy: str) -> str:
    sign = "DBIT" if amount.startswith("-") else "CRDT"
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"{ccy}\">{amount.lstrip('-')}</Amt>"
            f"<CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>{date}</Dt></Dt></Bal>")


def camt(*, message: str = "053", version: int = 2, iban: str, ccy: str = "USD", entries: list[Ntry],
         opening: str | None = "0.00", closing: str | None = None, statement_id: str = "STMT-1",
         sequence: str = "1", day: str = "2026-11-30", acct_ccy: str | None = None) -> bytes:
    container, item = {"053": ("BkToCstmrStmt", "Stmt"), "052": ("BkToCstmrAcctRpt", "Rpt"),
                       "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}[message]
    if closing is None and opening is not None:
        total = sum((float(e.amount) if e.credit else -float(e.amount)) for e in entries if e.status == "BOOK")
        closing = f"{float(opening) + total:.2f}"
    balances = ""
    if message != "054" and opening is not None:
        balances = _balance("OPBD" if message == "053" else "ITBD", opening, day, ccy)
        balances += _balance("CLBD" if message == "053" else "ITBD", closing, day, ccy) if message == "053" else ""
    body = (f"<{item}><Id>{statement_id}</Id><ElctrncSeqNb>{sequence}</ElctrncSeqNb>"
            f"<CreDtTm>{day}T18:00:00</CreDtTm><FrToDt><FrDtTm>{day}T00:00:00</FrDtTm><ToDtTm>{day}T23:59:59</ToDtTm>"
            f"</FrToDt><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{acct_ccy or ccy}</Ccy></Acct>{balances}"
            + "".join(_ntry(e, version, ccy) for e in entries) + f"</{item}>")
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.{message}.001.{version:02}"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}"><{container}><GrpHdr>'
            f"<MsgId>MSG-{statement_id}</MsgId><CreDtTm>{day}T18:00:00</CreDtTm></GrpHdr>{body}</{container}>"
            "</Document>\n").encode()


def mt940_ing(*, iban: str, lines: list[tuple[str, str, str, str]], opening: str = "0,00", day: str = "261130",
              reference: str = "P261130000000001", number: str = "00001") -> bytes:
    """ING-style MT940: lines of (C|D, amount with comma, bank reference, :86: text)."""
    out = ["{1:F01INGBNL2ABXXX0000000000}", "{2:I940INGBNL2AXXXN}", "{4:", f":20:{reference}",
           f":25:{iban}USD", f":28C:{number}", f":60F:C{day}USD{opening}"]
    total = float(opening.replace(",", "."))
    for mark, amount, ref, details in lines:
        out.append(f":61:{day}{day[2:]}{mark}{amount}NTRFEREF//{ref}")
        out.append(f":86:{details}")
        total += float(amount.replace(",", ".")) * (1 if mark == "C" else -1)
    out.append(f":62F:{'C' if total >= 0 else 'D'}{day}USD{abs(total):.2f}".replace(".", ","))
    out.append("-}")
    return ("\r\n".join(out) + "\r\n").encode()
