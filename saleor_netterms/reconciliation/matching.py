"""The matching rules (pure: no Django, no I/O). Each proposal says which rule made it and why.

Rules, in order — the first that finds the payer's invoices decides:

1. ``rf_reference``: a valid ISO 11649 RF creditor reference (check digits verified) naming one of
   our invoices (``invoicing.creditor_reference``). Confident.
2. ``document_number`` / ``order_number``: invoice numbers (any of the installation's series,
   ignoring spaces, dashes, case and surrounding text) or Saleor order numbers ("Order 1001",
   "#1001") in the remittance text. Confident when they all belong to one company.
3. ``payer_amount`` / ``payer_subset``: the company is known from the payer's IBAN (learned from
   confirmed matches) or name; the amount equals one open invoice (or its discounted amount in
   time), or a combination of its open invoices (bounded subset-sum over the oldest
   ``SUBSET_POOL``, at most ``SUBSET_MAX_ITEMS`` of them, oldest first). Confident only for one
   invoice, a learned IBAN and exactly one such invoice; everything else is a suggestion.
4. ``amount_only``: an open invoice of any company with exactly that amount — a suggestion.

How the amount is applied (``allocate``), invoice by invoice in the given order (oldest due first):
full payment; a payment short by no more than the tolerance closes the invoice with a write-off
(``tolerance``); a payment of the discounted amount on or before the discount deadline closes it
with the discount (``discount``) — after the deadline it is a short (partial) payment; what is
left over after the last invoice goes to the company's credit balance.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from saleor_netterms.invoicing.creditor_reference import RF_SHAPE

SUBSET_POOL = 20
SUBSET_MAX_ITEMS = 6
SUBSET_BUDGET = 50_000
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    receivable_id: int
    company_id: int
    number: str
    currency: str
    open_amount: Decimal
    invoice_amount: Decimal
    due_date: dt.date
    order_number: str = ""
    discount_amount: Decimal | None = None
    discount_deadline: dt.date | None = None

    def discount_applies(self, on: dt.date) -> bool:
        """The early-payment discount can be taken: not past its deadline, nothing paid yet."""
        return bool(self.discount_amount and self.discount_deadline and on <= self.discount_deadline
                    and self.open_amount == self.invoice_amount)

    def due_on(self, on: dt.date) -> Decimal:
        return self.open_amount - self.discount_amount if self.discount_applies(on) else self.open_amount


@dataclass(frozen=True, slots=True)
class Tolerance:
    absolute: Decimal = ZERO
    percent: Decimal = ZERO

    def limit(self, open_amount: Decimal) -> Decimal:
        """The largest shortfall closed as a write-off: the smaller of the absolute amount and
        the percentage of what is open (a zero setting does not limit; both zero: none)."""
        limits = [v for v in (self.absolute, (open_amount * self.percent / 100) if self.percent else None) if v]
        return min(limits) if limits else ZERO


@dataclass(frozen=True, slots=True)
class Allocation:
    receivable_id: int
    amount: Decimal
    settlement: str = ""          # "" | "tolerance" | "discount"
    settlement_amount: Decimal = ZERO

    def as_dict(self) -> dict:
        return {"receivable_id": self.receivable_id, "amount": format(self.amount, "f"),
                "settlement": self.settlement, "settlement_amount": format(self.settlement_amount, "f")}


@dataclass(frozen=True, slots=True)
class Proposal:
    rule: str
    confident: bool
    company_id: int | None
    allocations: tuple[Allocation, ...] = ()
    unallocated: Decimal = ZERO
    explanation: str = ""
    evidence: dict = field(default_factory=dict)


@dataclass(slots=True)
class MatchInput:
    """One payment and what the service looked up for it (selectors, in bulk)."""

    amount: Decimal
    currency: str
    received_on: dt.date
    rf_invoices: list[OpenInvoice] = field(default_factory=list)
    rf_reference: str = ""
    rf_unknown: bool = False              # a valid RF of ours naming no open invoice
    number_invoices: list[OpenInvoice] = field(default_factory=list)
    numbers_found: list[str] = field(default_factory=list)
    order_invoices: list[OpenInvoice] = field(default_factory=list)
    orders_found: list[str] = field(default_factory=list)
    payer_companies: list[tuple[int, str]] = field(default_factory=list)  # (company_id, "iban"|"name")
    company_open: dict[int, list[OpenInvoice]] = field(default_factory=dict)
    amount_candidates: list[OpenInvoice] = field(default_factory=list)


# --- what the text says -----------------------------------------------------------------------

RF_TEXT = RF_SHAPE  # found anywhere in the text (findall), not only as the whole of it
ORDER_TEXT = re.compile(r"(?:\bORDER|\bBESTELLUNG|\bAUFTRAG|\bCOMMANDE|\bORDERNUMMER)\W{0,3}(?:NO|NR|NUMBER|NUMMER)?"
                        r"\W{0,3}#?\s*([0-9]{1,12})\b|#\s?([0-9]{2,12})\b")


_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_NOT_ALNUM_RUN = re.compile(r"[^A-Z0-9]+")
_RF_GROUP_SPACE = re.compile(r"(?<=[A-Z0-9]) (?=[A-Z0-9]{4}\b)")


def text_compact(text: str) -> str:
    """Upper case, only A–Z and 0–9: how invoice numbers are compared."""
    return _NOT_ALNUM.sub("", (text or "").upper())


# Legal forms and filler words a payer's bank may write or leave out ("ACME INDUSTRIAL SUPPLY"
# for "Acme Industrial Supply GmbH", "MUELLER & SOEHNE KG" for "Müller und Söhne KG").
_LEGAL_FORMS = frozenset("""
    AG GMBH MBH KG OHG UG KGAA EK EV SE GBR CO COKG AND UND ET THE DER DIE DAS
    LTD LIMITED LLC LLP LP INC INCORPORATED CORP CORPORATION PLC PTY COMPANY
    SA SAS SARL SASU SRL SPA SNC SL SLU BV BVBA NV VOF OY OYJ AB ASA AS APS SP ZOO SPZOO KFT SRO AS
""".split())
_TRANSLITERATE = str.maketrans({"ß": "SS", "Ä": "AE", "Ö": "OE", "Ü": "UE", "ä": "AE", "ö": "OE", "ü": "UE",
                                "Æ": "AE", "æ": "AE", "Ø": "O", "ø": "O", "Å": "A", "å": "A", "&": " AND ",
                                "+": " AND "})
NAME_PREFIX_MIN = 10   # a bank cuts names at 35 or 70 characters: a key this long may be a cut one


def name_key(name: str) -> str:
    """A payer's or company's name as compared: transliterated (ü → UE, ß → SS, accents dropped),
    upper case, legal forms and filler words left out, only A–Z and 0–9. "Müller & Söhne GmbH &
    Co. KG" and "MUELLER UND SOEHNE" give the same key."""
    text = unicodedata.normalize("NFKD", (name or "").translate(_TRANSLITERATE))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    words = [w for w in _NOT_ALNUM_RUN.split(text.replace(".", "")) if w]
    kept = [w for w in words if w not in _LEGAL_FORMS]
    return "".join(kept or words)


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Companies by ``name_key`` of their legal name, for finding the payer of a transfer by name
    (a suggestion, never a confident match on its own)."""

    keys: tuple[str, ...]                 # sorted
    companies: tuple[tuple[int, ...], ...]

    @classmethod
    def build(cls, names: Iterable[tuple[int, str]]) -> "NameIndex":
        by_key: dict[str, list[int]] = {}
        for company_id, legal_name in names:
            key = name_key(legal_name)
            if key:
                by_key.setdefault(key, []).append(company_id)
        keys = tuple(sorted(by_key))
        return cls(keys=keys, companies=tuple(tuple(by_key[k]) for k in keys))

    def find(self, payer_name: str) -> list[int]:
        """The companies the name means: the same key; else, for a long enough key, the one company
        whose key it starts (the bank cut the name) or that starts it (the payer added a city or
        department) — nothing when that is ambiguous."""
        key = name_key(payer_name)
        if not key:
            return []
        i = bisect.bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            return list(self.companies[i])
        if len(key) < NAME_PREFIX_MIN:
            return []
        cut = [j for j in range(i, min(i + 2, len(self.keys))) if self.keys[j].startswith(key)]
        if len(cut) == 1:
            return list(self.companies[cut[0]])
        if cut:
            return []
        for length in range(len(key) - 1, NAME_PREFIX_MIN - 1, -1):   # the longest company key it starts with
            k = bisect.bisect_left(self.keys, key[:length])
            if k < len(self.keys) and self.keys[k] == key[:length]:
                return list(self.companies[k])
        return []


def rf_references_in(text: str) -> list[str]:
    """RF references written in free text, spaces allowed within ("RF18 5390 0754 7034")."""
    upper = (text or "").upper()
    if "RF" not in upper.replace(" ", ""):
        return []
    found = RF_TEXT.findall(_RF_GROUP_SPACE.sub("", upper))
    return list(dict.fromkeys(found))


def order_numbers_in(text: str) -> list[str]:
    return list(dict.fromkeys(a or b for a, b in ORDER_TEXT.findall((text or "").upper())))


@dataclass(frozen=True, slots=True)
class NumberPattern:
    """A series' numbers as a regex over ``text_compact`` text (groups ``year`` and ``seq``)."""

    series_id: int
    yearly: bool
    regex: re.Pattern


def number_pattern(*, series_id: int, skeleton: tuple[str, ...], yearly: bool) -> NumberPattern:
    parts = []
    for part in skeleton:
        if part.startswith("{year"):
            parts.append(r"(?P<year>[0-9]{4})")
        elif part.startswith("{seq"):
            spec = part[5:-1]
            width = int(spec[1:]) if spec.startswith("0") and spec[1:].isdigit() else 0
            parts.append(rf"(?P<seq>[0-9]{{{width}}})" if width else r"(?P<seq>[0-9]{1,12})")
        else:
            parts.append(re.escape(part))
    return NumberPattern(series_id=series_id, yearly=yearly, regex=re.compile("".join(parts)))


def document_positions_in(text: str, patterns: list[NumberPattern]) -> list[tuple[int, str, int]]:
    """(series_id, period, sequence) of every invoice number of ours in the text."""
    compact = text_compact(text)
    found = []
    for pattern in patterns:
        for m in pattern.regex.finditer(compact):
            sequence = int(m.group("seq"))
            if sequence <= 0:
                continue
            period = m.group("year") if pattern.yearly and "year" in m.groupdict() else ""
            found.append((pattern.series_id, period or "", sequence))
    return list(dict.fromkeys(found))


# --- how an amount is applied -----------------------------------------------------------------

def allocate(amount: Decimal, invoices: list[OpenInvoice], *, on: dt.date,
             tolerance: Tolerance) -> tuple[tuple[Allocation, ...], Decimal]:
    """Apply ``amount`` to ``invoices`` in order. Returns the allocations and what is left over
    (for the credit balance). The discounted amount counts for every invoice whose discount can
    still be taken when the payment covers exactly those discounted amounts."""
    if not invoices:
        return (), amount
    if sum((inv.due_on(on) for inv in invoices), ZERO) == amount and any(inv.discount_applies(on) for inv in invoices):
        return tuple(
            Allocation(inv.receivable_id, inv.due_on(on), "discount", inv.discount_amount)
            if inv.discount_applies(on) else Allocation(inv.receivable_id, inv.open_amount)
            for inv in invoices), ZERO
    left = amount
    result: list[Allocation] = []
    for inv in invoices:
        if left <= 0:
            break
        if left >= inv.open_amount:
            result.append(Allocation(inv.receivable_id, inv.open_amount))
            left -= inv.open_amount
            continue
        if inv.discount_applies(on) and left == inv.due_on(on):
            result.append(Allocation(inv.receivable_id, left, "discount", inv.open_amount - left))
        elif inv.open_amount - left <= tolerance.limit(inv.open_amount):
            result.append(Allocation(inv.receivable_id, left, "tolerance", inv.open_amount - left))
        else:
            result.append(Allocation(inv.receivable_id, left))
        left = ZERO
    return tuple(result), left


def subset_matching(amount: Decimal, invoices: list[OpenInvoice], *, on: dt.date) -> list[OpenInvoice] | None:
    """The oldest combination (≥ 2) of the oldest ``SUBSET_POOL`` open invoices whose amounts due
    (discounted where the discount can be taken) sum to ``amount``; None when there is none within
    the search budget. Depth-first in age order, so the first hit is the oldest combination."""
    pool = invoices[:SUBSET_POOL]
    dues = [inv.due_on(on) for inv in pool]
    suffix = [ZERO] * (len(pool) + 1)
    for i in range(len(pool) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + dues[i]
    budget = [SUBSET_BUDGET]
    chosen: list[int] = []

    def search(start: int, remaining: Decimal) -> bool:
        if remaining == 0:
            return len(chosen) >= 2
        if len(chosen) >= SUBSET_MAX_ITEMS or budget[0] <= 0 or suffix[start] < remaining:
            return False
        for i in range(start, len(pool)):
            budget[0] -= 1
            if dues[i] <= remaining:
                chosen.append(i)
                if search(i + 1, remaining - dues[i]):
                    return True
                chosen.pop()
        return False

    return [pool[i] for i in chosen] if search(0, amount) else None


# --- the rules --------------------------------------------------------------------------------

def _money(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _of_currency(invoices: list[OpenInvoice], currency: str) -> list[OpenInvoice]:
    return sorted({i.receivable_id: i for i in invoices if i.currency == currency}.values(),
                  key=lambda i: (i.due_date, i.receivable_id))


def _applied(rule: str, confident: bool, invoices: list[OpenInvoice], inp: MatchInput, tolerance: Tolerance,
             because: str, evidence: dict) -> Proposal:
    allocations, left = allocate(inp.amount, invoices, on=inp.received_on, tolerance=tolerance)
    numbers = {i.receivable_id: i.number for i in invoices}
    pieces = []
    for a in allocations:
        piece = f"{_money(a.amount, inp.currency)} to {numbers[a.receivable_id]}"
        if a.settlement:
            piece += f" (+{_money(a.settlement_amount, inp.currency)} {a.settlement})"
        pieces.append(piece)
    if left:
        pieces.append(f"{_money(left, inp.currency)} to the credit balance")
    unpaid = [i.number for i in invoices if i.receivable_id not in {a.receivable_id for a in allocations}]
    if unpaid:
        pieces.append(f"nothing left for {', '.join(unpaid)}")
    return Proposal(rule=rule, confident=confident, company_id=invoices[0].company_id, allocations=allocations,
                    unallocated=left, explanation=f"{because}: {'; '.join(pieces)}.",
                    evidence={**evidence, "invoices": [i.number for i in invoices]})


def match_decide(inp: MatchInput, tolerance: Tolerance) -> Proposal:
    # 1. RF creditor reference
    if inp.rf_invoices:
        invoices = _of_currency(inp.rf_invoices, inp.currency)
        companies = {i.company_id for i in invoices}
        if invoices and len(companies) == 1:
            named = invoices + [i for i in _of_currency(inp.number_invoices, inp.currency)
                                if i.company_id in companies]
            return _applied("rf_reference", True, _of_currency(named, inp.currency), inp, tolerance,
                            f"RF reference {inp.rf_reference} names invoice {invoices[0].number}" if len(invoices) == 1
                            else f"RF reference {inp.rf_reference} names invoices "
                                 f"{', '.join(i.number for i in invoices)} (combined remittance)",
                            {"rf_reference": inp.rf_reference})
    # 2. invoice or order numbers in the remittance text
    for rule, found, words in (("document_number", inp.number_invoices, inp.numbers_found),
                               ("order_number", inp.order_invoices, inp.orders_found)):
        invoices = _of_currency(found, inp.currency)
        if invoices:
            one_company = len({i.company_id for i in invoices}) == 1
            what = "invoice" if rule == "document_number" else "order"
            if not one_company:
                return Proposal(rule=rule, confident=False, company_id=None,
                                explanation=f"The text names {what}s of several companies ({', '.join(words)}): "
                                            "a person must split it.",
                                evidence={"found": words, "invoices": [i.number for i in invoices]})
            return _applied(rule, True, invoices, inp, tolerance,
                            f"The remittance text names {what} {', '.join(words)}", {"found": words})
    # 3. the payer's company and the amount
    for company_id, how in inp.payer_companies:
        open_invoices = _of_currency(inp.company_open.get(company_id, []), inp.currency)
        who = "the payer's IBAN (learned from earlier matches)" if how == "iban" else "the payer's name"
        exact = [i for i in open_invoices if i.due_on(inp.received_on) == inp.amount]
        if exact:
            return _applied("payer_amount", how == "iban" and len(exact) == 1, exact[:1], inp, tolerance,
                            f"Company from {who}; the amount equals invoice {exact[0].number}"
                            + (f" (one of {len(exact)} with that amount)" if len(exact) > 1 else ""),
                            {"payer": how, "same_amount": [i.number for i in exact]})
        subset = subset_matching(inp.amount, open_invoices, on=inp.received_on)
        if subset:
            return _applied("payer_subset", False, subset, inp, tolerance,
                            f"Company from {who}; the amount equals {len(subset)} of its open invoices together",
                            {"payer": how})
        if open_invoices:
            return _applied("payer_oldest", False, open_invoices, inp, tolerance,
                            f"Company from {who}; no invoice or combination has this amount, oldest first",
                            {"payer": how})
    # 4. suggestions by amount alone
    same = _of_currency(inp.amount_candidates, inp.currency)
    if len(same) == 1:
        return _applied("amount_only", False, same, inp, tolerance,
                        f"Only invoice {same[0].number} is open with exactly this amount", {})
    if inp.rf_unknown:
        return Proposal(rule="none", confident=False, company_id=None,
                        explanation=f"RF reference {inp.rf_reference} names no open invoice (paid or credited?).",
                        evidence={"rf_reference": inp.rf_reference})
    return Proposal(rule="none", confident=False, company_id=None,
                    explanation="No reference, invoice number, known payer or amount matched."
                    + (f" {len(same)} invoices are open with this amount." if same else ""),
                    evidence={"same_amount": [i.number for i in same[:5]]})
