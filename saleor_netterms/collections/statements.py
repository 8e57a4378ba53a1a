"""Statement of account: opening balance, invoices, payments, credit notes, fees, closing balance
and ageing, per currency, computed from the ledger (the one truth) — as data, CSV and a PDF
(ReportLab, the invoice PDF's embedded fonts).

Balance = what the buyer owes (receivable) less what we owe them (credit balance). Each posting
touching either account is one line, dated by its effective date. Ageing buckets the open
receivables at the closing date by days past due (disputed amounts stay in ageing)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from saleor_netterms.companies.models import Company
from saleor_netterms.core.money import quantize
from saleor_netterms.invoicing import config as invoicing_config
from saleor_netterms.invoicing.documents.formatting import amount_text, date_text
from saleor_netterms.invoicing.documents.pdf import FONT, FONT_BOLD, django_language, fonts_register, printable
from saleor_netterms.invoicing.models import CompanyInvoicingSettings, Invoice
from saleor_netterms.ledger.models import AccountKind, Entry, PostingKind, Side
from saleor_netterms.payments.models import Payment
from saleor_netterms.receivables.models import Receivable

from .models import DunningCharge

WAIVER_MEMO = "Waiver:"
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
_KIND_LABEL = {
    PostingKind.RECEIVABLE: "invoice", PostingKind.PAYMENT: "payment", PostingKind.CREDIT_NOTE: "credit_note",
    PostingKind.FEE: "fee", PostingKind.WRITE_OFF: "write_off", PostingKind.ADJUSTMENT: "adjustment",
    PostingKind.CREDIT_APPLY: "credit_applied", PostingKind.REFUND: "refund",
}


@dataclass
class StatementLine:
    date: dt.date
    kind: str
    reference: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass
class Statement:
    company: Company
    currency: str
    start: dt.date
    end: dt.date
    opening: Decimal
    lines: list[StatementLine] = field(default_factory=list)
    closing: Decimal = Decimal(0)
    ageing: dict[str, Decimal] = field(default_factory=dict)


def _bucket(days: int) -> str:
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def _names(company: Company, refs: set[str], payment_refs: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    ids = [int(r.split(":", 1)[1]) for r in refs if r.startswith("rcv:")]
    numbers = {f"rcv:{rid}": number for rid, number in
               Invoice.objects.filter(receivable_id__in=ids).values_list("receivable_id", "number")}
    charges = {f"rcv:{c.receivable_id}": c.description for c in DunningCharge.objects.filter(receivable_id__in=ids)}
    # an invoice the merchant's ERP issued (the receivable's reverse relation: collections does not
    # import erp) is named by the ERP's number, also when it was attached to a receivable already
    # captured under the app's own reference
    for rid, reference, erp_number in (Receivable.objects.filter(pk__in=ids)
                                       .values_list("id", "reference", "erp_invoice__number")):
        numbers.setdefault(f"rcv:{rid}", erp_number or reference)
    pids = [int(r.split(":", 1)[1]) for r in payment_refs if r.startswith("pay:")]
    payments = {f"pay:{pid}": ref for pid, ref in Payment.objects.filter(pk__in=pids).values_list("id", "reference")}
    for ref, text in charges.items():
        numbers[ref] = f"{numbers.get(ref, ref)} — {text}"
    return numbers, payments


def statement_build(*, company: Company, currency: str, start: dt.date, end: dt.date) -> Statement:
    entries = (Entry.objects.filter(account__company=company, account__currency=currency,
                                    account__kind__in=[AccountKind.RECEIVABLE, AccountKind.CREDIT_BALANCE],
                                    posting__effective_date__lte=end)
               .select_related("posting", "account").order_by("posting__effective_date", "posting_id", "id"))
    per_posting: dict[int, dict] = {}
    for e in entries:
        signed = e.amount if e.side == Side.DEBIT else -e.amount  # debit raises what the buyer owes
        row = per_posting.setdefault(e.posting_id, {"posting": e.posting, "delta": Decimal(0), "refs": set()})
        row["delta"] += signed
        if e.receivable_ref:
            row["refs"].add(e.receivable_ref)
    opening = sum((r["delta"] for r in per_posting.values() if r["posting"].effective_date < start), Decimal(0))
    statement = Statement(company=company, currency=currency, start=start, end=end,
                          opening=quantize(opening, currency))
    in_period = [r for r in per_posting.values() if r["posting"].effective_date >= start and r["delta"] != 0]
    numbers, payments = _names(company, set().union(*(r["refs"] for r in in_period)) if in_period else set(),
                               {r["posting"].payment_ref for r in in_period if r["posting"].payment_ref})
    balance = opening
    for r in in_period:
        posting = r["posting"]
        balance += r["delta"]
        kind = _KIND_LABEL.get(posting.kind, posting.kind)
        if posting.kind == PostingKind.CREDIT_NOTE and posting.memo.startswith(WAIVER_MEMO):
            kind = "fee_waiver"
        reference = payments.get(posting.payment_ref) or ", ".join(sorted(numbers.get(ref, ref) for ref in r["refs"]))
        statement.lines.append(StatementLine(
            date=posting.effective_date, kind=kind, reference=reference, description=posting.memo[:120],
            debit=quantize(max(r["delta"], Decimal(0)), currency), credit=quantize(max(-r["delta"], Decimal(0)), currency),
            balance=quantize(balance, currency)))
    statement.closing = quantize(balance, currency)
    ageing = {bucket: Decimal(0) for bucket in BUCKETS}
    open_by_ref: dict[str, Decimal] = {}
    for e in entries:
        if e.account.kind == AccountKind.RECEIVABLE and e.receivable_ref:
            open_by_ref[e.receivable_ref] = open_by_ref.get(e.receivable_ref, Decimal(0)) + (
                e.amount if e.side == Side.DEBIT else -e.amount)
    ids = [int(ref.split(":", 1)[1]) for ref, amount in open_by_ref.items() if amount > 0 and ref.startswith("rcv:")]
    for rid, due in Receivable.objects.filter(pk__in=ids).values_list("id", "due_date"):
        ageing[_bucket((end - due).days)] += open_by_ref[f"rcv:{rid}"]
    statement.ageing = {k: quantize(v, currency) for k, v in ageing.items()}
    return statement


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["company", statement.company.legal_name])
    w.writerow(["currency", statement.currency])
    w.writerow(["period", statement.start.isoformat(), statement.end.isoformat()])
    w.writerow([])
    w.writerow(["date", "kind", "reference", "description", "debit", "credit", "balance"])
    w.writerow([statement.start.isoformat(), "opening_balance", "", "", "", "", f"{statement.opening:f}"])
    for line in statement.lines:
        w.writerow([line.date.isoformat(), line.kind, line.reference, line.description,
                    f"{line.debit:f}" if line.debit else "", f"{line.credit:f}" if line.credit else "",
                    f"{line.balance:f}"])
    w.writerow([statement.end.isoformat(), "closing_balance", "", "", "", "", f"{statement.closing:f}"])
    w.writerow([])
    w.writerow(["ageing", *BUCKETS])
    w.writerow(["open", *(f"{statement.ageing[b]:f}" for b in BUCKETS)])
    return out.getvalue()


def statement_language(company: Company) -> str:
    """The company's invoice language (its invoicing settings), else the app's default."""
    settings_row = CompanyInvoicingSettings.objects.filter(company=company).values_list("language", flat=True).first()
    return settings_row or invoicing_config.default_language()


_KIND_TEXT = {
    "invoice": lambda: pgettext("statement line", "invoice"), "payment": lambda: pgettext("statement line", "payment"),
    "credit_note": lambda: pgettext("statement line", "credit note"), "fee": lambda: pgettext("statement line", "fee"),
    "write_off": lambda: pgettext("statement line", "write-off"),
    "adjustment": lambda: pgettext("statement line", "adjustment"),
    "credit_applied": lambda: pgettext("statement line", "credit applied"),
    "refund": lambda: pgettext("statement line", "refund"),
}


def statement_pdf(statement: Statement, language: str = "") -> bytes:
    """The statement as an A4 PDF in `language` (babel locale; default: the company's invoice
    language): labels through Django's catalogues (collections/locale), dates and amounts by
    babel, the seller as on the invoices (the seller profile)."""
    language = language or statement_language(statement.company)
    with translation.override(django_language(language)):
        return _statement_pdf(statement, language)


def _statement_pdf(statement: Statement, lang: str) -> bytes:
    from reportlab.lib.styles import ParagraphStyle

    fonts_register()
    base = ParagraphStyle("st", fontName=FONT, fontSize=8.5, leading=11)
    title = ParagraphStyle("st-title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20)
    seller = invoicing_config.seller_facts(installation=statement.company.installation).party.name
    cur = statement.currency

    def p(text: str, style=base) -> Paragraph:
        return Paragraph(printable(text).replace("&", "&amp;").replace("<", "&lt;"), style)

    def amount(value: Decimal) -> str:
        return printable(amount_text(value, cur, lang))

    def day(value: dt.date) -> str:
        return printable(date_text(value, lang))

    def kind(value: str) -> str:
        known = _KIND_TEXT.get(value)
        return known() if known else value.replace("_", " ")

    rows = [[pgettext("statement", "Date"), pgettext("statement", "Kind"), pgettext("statement", "Reference"),
             pgettext("statement", "Debit"), pgettext("statement", "Credit"), pgettext("statement", "Balance")],
            [day(statement.start), p(pgettext("statement", "Opening balance")), "", "", "", amount(statement.opening)]]
    for line in statement.lines:
        rows.append([day(line.date), p(kind(line.kind)), p(line.reference),
                     amount(line.debit) if line.debit else "", amount(line.credit) if line.credit else "",
                     amount(line.balance)])
    rows.append([day(statement.end), p(pgettext("statement", "Closing balance")), "", "", "",
                 amount(statement.closing)])
    table = Table(rows, colWidths=[22 * mm, 26 * mm, 62 * mm, 22 * mm, 22 * mm, 24 * mm], repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
                               ("ALIGN", (3, 0), (-1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                               ("FONT", (0, -1), (-1, -1), FONT_BOLD, 8), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    buckets = [pgettext("ageing", "current") if b == "current" else b for b in BUCKETS]
    ageing = Table([[pgettext("statement", "Ageing"), *buckets], [cur, *(amount(statement.ageing[b]) for b in BUCKETS)]])
    ageing.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
                                ("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm,
                            title=printable(f"{pgettext('statement', 'Statement of account')} "
                                            f"{statement.company.legal_name}"),
                            author=printable(seller), invariant=1, lang=lang.replace("_", "-"))
    period = pgettext("statement", "%(start)s – %(end)s · amounts in %(currency)s") % {
        "start": date_text(statement.start, lang), "end": date_text(statement.end, lang), "currency": cur}
    doc.build([p(pgettext("statement", "Statement of account"), title), Spacer(1, 4 * mm), p(seller),
               p(f"{statement.company.legal_name}"), p(period),
               Spacer(1, 6 * mm), table, Spacer(1, 6 * mm), ageing])
    return buffer.getvalue()


def statement_filename(statement: Statement, ext: str) -> str:
    return f"statement-{statement.company.pk}-{statement.currency}-{statement.end.isoformat()}.{ext}"
