"""Reconciliation use cases: import statements, take payments in, match, confirm, undo.

``payment_intake`` / ``payment_intake_many`` is the ONE way money seen anywhere enters: bank
lines (``statement_import``), payments an ERP posted (the ERP API) and payment-provider payouts.
Each item is recorded once under (installation, source, source_reference) — the same item again
returns the first record and writes nothing — then recognised if another source already brought
the same payment (end-to-end id, reference, or amount + date + company), and only then matched.

A confirmed match becomes ONE ``payments.Payment`` (several allocations when a transfer pays
several invoices) through ``workflows.payments.payment_record``: one ledger posting, tolerance
write-offs and discounts posted with it, Saleor told through the outbox, an audit entry.
``incoming_unmatch`` and returned transfers reverse it through ``workflows.payments.payment_reverse``.
Automatic matching only ever touches lines no person has decided on (``origin`` manual).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from saleor_netterms.audit.services import audit_record
from saleor_netterms.companies.models import Company
from saleor_netterms.companies.services import company_lock
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.money import InvalidMoney, Money, currency_validate, quantize
from saleor_netterms.invoicing.creditor_reference import (InvoicePosition, creditor_reference_compact,
                                                          reference_read)
from saleor_netterms.invoicing.remittances import remittance_receivables
from saleor_netterms.payments.models import PaymentSource, SettlementKind
from saleor_netterms.workflows.payments import payment_record, payment_reverse
from saleor_netterms.receivables.models import Receivable

from . import selectors
from .matching import (Allocation, MatchInput, Proposal, Tolerance, document_positions_in, match_decide,
                       name_key, order_numbers_in, rf_references_in)
from .models import (BalanceCheck, BankAccount, BankLine, FileStatus, IncomingPayment, IncomingStatus, IntakeSource,
                     LineStatus, MatchOrigin, PayerIdentity, PayerKind, PaymentTolerance, Statement, StatementFile)
from .statements import ParsedLine, ParsedStatement, StatementError, account_compact
from .statements.csv_columns import csv_mapping_validate
from .statements.detect import statement_parse

logger = logging.getLogger(__name__)

AUTO_ACTOR = "reconciliation:auto"
# A payout of a payment provider arrives on the merchant's bank account: its payments are "bank".
PAYMENT_SOURCE = {IntakeSource.BANK: PaymentSource.BANK, IntakeSource.ERP: PaymentSource.ERP,
                  IntakeSource.PAYOUT: PaymentSource.BANK}
DUPLICATE_WINDOW_DAYS = 5
RETURN_WINDOW_DAYS = 120
RETURN_CODES = ("RRTN", "RTRN", "RCDT/RRTN", "PMNT/RCDT/RRTN", "PMNT/ICDT/RRTN", "PMNT/RDDT/UPDD")


class ReconciliationError(NetTermsError):
    code = "RECONCILIATION_INVALID"
    http_status = 400
    merchant_message = "The reconciliation request was refused."


def _error(code: str, message: str, status: int = 400) -> ReconciliationError:
    return ReconciliationError(message, code=code, merchant_message=message, http_status=status)


class StatementImportError(NetTermsError):
    """A refused file: the file is recorded with this code and location, nothing else is written."""

    code = "STATEMENT_INVALID"
    http_status = 400

    def __init__(self, error: StatementError, file: StatementFile):
        super().__init__(error.message, code=error.code, merchant_message=error.message)
        self.file = file
        self.line = error.line
        self.element = error.element

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.merchant_message, "line": self.line, "element": self.element,
                "file": self.file.pk}


# --- bank accounts and settings ----------------------------------------------------------------

def bank_account_create(*, installation, name: str, iban: str, currency: str, csv_mapping: dict | None = None,
                        actor: str) -> BankAccount:
    iban = account_compact(iban)
    if not iban or len(iban) > 64:
        raise _error("BANK_ACCOUNT_INVALID", "An account needs its IBAN (or the account number statements name).")
    if not (name or "").strip():
        raise _error("BANK_ACCOUNT_INVALID", "An account needs a name.")
    try:
        currency = currency_validate(currency)
    except InvalidMoney as exc:
        raise _error("CURRENCY_INVALID", f"{currency!r} is not an ISO 4217 currency.") from exc
    mapping = _mapping_checked(csv_mapping)
    with transaction.atomic():
        if BankAccount.objects.filter(installation=installation, iban=iban).exists():
            raise _error("BANK_ACCOUNT_EXISTS", f"Account {iban} is already set up.", 409)
        account = BankAccount.objects.create(installation=installation, name=name.strip()[:140], iban=iban,
                                             currency=currency, csv_mapping=mapping)
        audit_record(installation=installation, actor=actor, action="reconciliation.bank_account_created",
                     object_type="bank_account", object_id=account.pk,
                     after={"iban": iban, "currency": currency, "name": account.name})
    return account


def _mapping_checked(csv_mapping: dict | None) -> dict:
    if not csv_mapping:
        return {}
    try:
        csv_mapping_validate(csv_mapping)
    except StatementError as exc:
        raise _error(exc.code, exc.message) from exc
    return dict(csv_mapping)


def bank_account_mapping_set(*, account: BankAccount, csv_mapping: dict, actor: str) -> BankAccount:
    mapping = _mapping_checked(csv_mapping)
    with transaction.atomic():
        before = account.csv_mapping
        account.csv_mapping = mapping
        account.save(update_fields=["csv_mapping"])
        audit_record(installation=account.installation, actor=actor, action="reconciliation.csv_mapping_set",
                     object_type="bank_account", object_id=account.pk, before={"csv_mapping": before},
                     after={"csv_mapping": mapping})
    return account


def tolerance_set(*, installation, currency: str, absolute: Decimal, percent: Decimal, actor: str) -> PaymentTolerance:
    try:
        currency = currency_validate(currency)
        absolute = Decimal(absolute)
        percent = Decimal(percent)
    except (InvalidMoney, ArithmeticError, TypeError) as exc:
        raise _error("TOLERANCE_INVALID", "A tolerance is a currency, an amount and a percentage.") from exc
    if absolute < 0 or percent < 0 or percent > 100 or quantize(absolute, currency) != absolute:
        raise _error("TOLERANCE_INVALID", "Tolerance amount and percentage must be ≥ 0 (percentage at most 100) "
                                          "and the amount in the currency's precision.")
    with transaction.atomic():
        row, _ = PaymentTolerance.objects.select_for_update().get_or_create(installation=installation,
                                                                            currency=currency)
        before = {"absolute": row.absolute, "percent": row.percent}
        row.absolute, row.percent = absolute, percent
        row.save(update_fields=["absolute", "percent"])
        audit_record(installation=installation, actor=actor, action="reconciliation.tolerance_set",
                     object_type="payment_tolerance", object_id=row.pk, before=before,
                     after={"currency": currency, "absolute": absolute, "percent": percent})
    return row


def _tolerance(installation, currency: str) -> Tolerance:
    row = selectors.tolerance_for(installation=installation, currency=currency)
    return Tolerance(absolute=row.absolute, percent=row.percent) if row else Tolerance()


# --- the one intake ------------------------------------------------------------------------------

@dataclass
class IntakeItem:
    source: str
    source_reference: str
    money: Money
    received_on: dt.date
    end_to_end_id: str = ""
    creditor_reference: str = ""
    remittance_text: str = ""
    payer_name: str = ""
    payer_iban: str = ""
    company: Company | None = None
    allocations: list[tuple[Receivable, Money]] | None = None
    bank_line: BankLine | None = None


@dataclass
class IntakeResult:
    incoming: IncomingPayment
    payment: object | None = None
    duplicate_of: IncomingPayment | None = None
    replayed: bool = False


def payment_intake(*, installation, source: str, source_reference: str, money: Money, received_on: dt.date,
                   end_to_end_id: str = "", creditor_reference: str = "", remittance_text: str = "",
                   payer_name: str = "", payer_iban: str = "", company: Company | None = None,
                   allocations: list[tuple[Receivable, Money]] | None = None, actor: str = "") -> IntakeResult:
    """Take one payment in from any source (see the module docstring). ``company`` and
    ``allocations`` are what the source knows (an ERP usually does); without them the matching
    rules decide. Returns the record, the Payment when it is confirmed, and the record of the
    other source when this is the same payment seen twice."""
    item = IntakeItem(source=source, source_reference=source_reference, money=money, received_on=received_on,
                      end_to_end_id=end_to_end_id, creditor_reference=creditor_reference,
                      remittance_text=remittance_text, payer_name=payer_name, payer_iban=payer_iban, company=company,
                      allocations=allocations)
    return payment_intake_many(installation=installation, items=[item], actor=actor)[0]


def _item_check(installation, item: IntakeItem) -> None:
    if item.source not in IntakeSource.values:
        raise _error("INTAKE_SOURCE_INVALID", f"Unknown source {item.source!r}: bank, erp or payout.")
    reference = (item.source_reference or "").strip()
    if not reference or len(reference) > 140:
        raise _error("INTAKE_REFERENCE_INVALID", "Every payment needs its source's reference (at most 140 characters).")
    item.source_reference = reference
    if not isinstance(item.money, Money) or not item.money.is_positive():
        raise _error("INTAKE_AMOUNT_INVALID", "A payment amount must be greater than zero.")
    try:
        if quantize(item.money.amount, item.money.currency) != item.money.amount:
            raise _error("INTAKE_AMOUNT_INVALID", f"{item.money} has more decimals than {item.money.currency} allows.")
    except InvalidMoney as exc:
        raise _error("INTAKE_AMOUNT_INVALID", f"{item.money.currency!r} is not a currency.") from exc
    if not isinstance(item.received_on, dt.date):
        raise _error("INTAKE_DATE_INVALID", "received_on must be a date.")
    if item.company is not None and item.company.installation_id != installation.pk:
        raise _error("UNKNOWN_COMPANY", "The company is not one of this installation's.", 404)
    if item.allocations is not None:
        if item.company is None:
            raise _error("INTAKE_ALLOCATIONS_NEED_COMPANY", "Allocations need the company that paid.")
        for receivable, part in item.allocations:
            if receivable.company_id != item.company.pk:
                raise _error("UNKNOWN_RECEIVABLE", f"Receivable {receivable.reference} is not this company's.")
            if part.currency != item.money.currency:
                raise _error("CURRENCY_MISMATCH", f"An allocation is in {part.currency}, the payment in "
                                                  f"{item.money.currency}.")


def payment_intake_many(*, installation, items: list[IntakeItem], actor: str = "", match: bool = True
                        ) -> list[IntakeResult]:
    """The batch form of ``payment_intake`` (bank statements hand in all their credits at once).
    Records run in one transaction; with ``match`` each new record is then recognised as a
    duplicate or matched (each confirmation in its own transaction). ``match=False`` leaves the
    matching to the caller (statement_import matches after its own transaction commits)."""
    for item in items:
        _item_check(installation, item)
    with transaction.atomic():
        results = _intake_record(installation, items)
    if match:
        intake_settle(installation=installation, results=results, items=items, actor=actor)
    return results


def _intake_record(installation, items: list[IntakeItem]) -> list[IntakeResult]:
    keys = {(i.source, i.source_reference) for i in items}
    existing = {(r.source, r.source_reference): r for r in IncomingPayment.objects.filter(
        installation=installation, source__in={s for s, _ in keys},
        source_reference__in={ref for _, ref in keys})}
    results: list[IntakeResult] = []
    fresh: list[IncomingPayment] = []
    seen: dict[tuple[str, str], IncomingPayment] = {}
    for item in items:
        key = (item.source, item.source_reference)
        known = existing.get(key) or seen.get(key)
        if known is not None:
            if Money.of(known.amount, known.currency) != item.money:
                raise _error("DUPLICATE_SOURCE_REFERENCE",
                             f"{item.source} reference {item.source_reference!r} was already taken in with "
                             f"{Money.of(known.amount, known.currency)}, not {item.money}.", 409)
            results.append(IntakeResult(incoming=known, payment=known.payment, duplicate_of=known.duplicate_of,
                                        replayed=True))
            continue
        incoming = IncomingPayment(
            installation=installation, source=item.source, source_reference=item.source_reference,
            bank_line=item.bank_line, amount=item.money.amount, currency=item.money.currency,
            received_on=item.received_on, end_to_end_id=(item.end_to_end_id or "")[:140],
            creditor_reference=creditor_reference_compact(item.creditor_reference)[:64],
            remittance_text=(item.remittance_text or "")[:2000], payer_name=(item.payer_name or "")[:140],
            payer_iban=account_compact(item.payer_iban)[:34], company=item.company)
        fresh.append(incoming)
        seen[key] = incoming
        results.append(IntakeResult(incoming=incoming))
    if fresh:
        try:
            with transaction.atomic():
                IncomingPayment.objects.bulk_create(fresh, batch_size=2000)
        except IntegrityError as exc:
            raise _error("DUPLICATE_SOURCE_REFERENCE", "The same payment was taken in concurrently; send it again.",
                         409) from exc
    return results


def intake_settle(*, installation, results: list[IntakeResult], items: list[IntakeItem], actor: str = "") -> None:
    """After recording: recognise duplicates across sources, apply what the source said
    (allocations) and match the rest."""
    new = [(r, i) for r, i in zip(results, items) if not r.replayed]
    if not new:
        return
    duplicates = _duplicates_find(installation, [r.incoming for r, _ in new])
    to_match: list[IncomingPayment] = []
    for result, item in new:
        incoming = result.incoming
        original = duplicates.get(incoming.pk)
        if original is not None:
            _duplicate_mark(incoming, original, item, actor)
            result.duplicate_of = original
            result.payment = original.payment
            continue
        if item.allocations is not None:
            allocations = [Allocation(receivable_id=r.pk, amount=m.amount) for r, m in item.allocations]
            result.payment = _confirm(incoming, company_id=item.company.pk, allocations=allocations,
                                      origin=MatchOrigin.SOURCE, actor=actor or item.source, rule="source",
                                      explanation=f"{item.source.upper()} said which invoices it paid.")
            continue
        to_match.append(incoming)
    if to_match:
        _match_and_apply(installation, to_match)
        for result in new:
            if result[0].incoming in to_match:
                result[0].incoming.refresh_from_db()
                result[0].payment = result[0].incoming.payment


def _duplicates_find(installation, incomings: list[IncomingPayment]) -> dict[int, IncomingPayment]:
    """For each new record, the record of ANOTHER source that is the same payment: same
    end-to-end id; or one's reference is the other's end-to-end id / bank reference; or the same
    RF reference; or (only when exactly one candidate) the same company within
    ``DUPLICATE_WINDOW_DAYS``. Always the same money."""
    sources = {i.source for i in incomings}
    others_exist = IncomingPayment.objects.filter(installation=installation).exclude(source__in=sources).exists() \
        if len(sources) == 1 else True
    if not others_exist:
        return {}
    window = dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    found: dict[int, IncomingPayment] = {}
    for incoming in incomings:
        candidates = list(IncomingPayment.objects.filter(
            installation=installation, currency=incoming.currency, amount=incoming.amount,
            received_on__gte=incoming.received_on - window - dt.timedelta(days=25),
            received_on__lte=incoming.received_on + window)
            .exclude(source=incoming.source).exclude(status=IncomingStatus.DUPLICATE)
            .select_related("bank_line"))
        if not candidates:
            continue
        keys_mine = {k for k in (incoming.end_to_end_id, incoming.source_reference) if k}

        def strong(other: IncomingPayment) -> bool:
            keys_other = {k for k in (other.end_to_end_id, other.source_reference,
                                      other.bank_line.bank_reference if other.bank_line else "") if k}
            if incoming.end_to_end_id and incoming.end_to_end_id == other.end_to_end_id:
                return True
            if keys_mine & keys_other and (incoming.end_to_end_id in keys_other or other.end_to_end_id in keys_mine):
                return True
            return bool(incoming.creditor_reference and incoming.creditor_reference == other.creditor_reference
                        and abs((incoming.received_on - other.received_on).days) <= DUPLICATE_WINDOW_DAYS)

        hit = next((c for c in candidates if strong(c)), None)
        if hit is None and incoming.company_id:
            near = [c for c in candidates if abs((incoming.received_on - c.received_on).days) <= DUPLICATE_WINDOW_DAYS
                    and c.company_id == incoming.company_id and not c.duplicates.exists()]
            hit = near[0] if len(near) == 1 else None
        if hit is not None:
            found[incoming.pk] = hit
    return found


def _duplicate_mark(incoming: IncomingPayment, original: IncomingPayment, item: IntakeItem, actor: str) -> None:
    with transaction.atomic():
        original = IncomingPayment.objects.select_for_update().get(pk=original.pk)
        incoming.status = IncomingStatus.DUPLICATE
        incoming.duplicate_of = original
        incoming.origin = MatchOrigin.AUTO
        incoming.rule = "duplicate"
        incoming.explanation = (f"The same payment as {original.get_source_display().lower()} "
                                f"{original.source_reference} ({original.amount} {original.currency}, "
                                f"{original.received_on}); counted once.")
        incoming.payment = original.payment
        incoming.save(update_fields=["status", "duplicate_of", "origin", "rule", "explanation", "payment", "updated_at"])
        audit_record(installation=incoming.installation, actor=actor or AUTO_ACTOR, action="reconciliation.duplicate",
                     object_type="incoming_payment", object_id=incoming.pk, company=original.company,
                     after={"duplicate_of": original.pk}, reason=incoming.explanation)
    if original.status in (IncomingStatus.UNMATCHED, IncomingStatus.SUGGESTED) and original.origin != MatchOrigin.MANUAL:
        if item.allocations is not None:
            _confirm(original, company_id=item.company.pk,
                     allocations=[Allocation(receivable_id=r.pk, amount=m.amount) for r, m in item.allocations],
                     origin=MatchOrigin.SOURCE, actor=actor or item.source, rule="source",
                     explanation=f"{item.source.upper()} ({item.source_reference}) said which invoices it paid.")
        elif item.company is not None and original.company_id is None:
            original.company = item.company
            original.save(update_fields=["company", "updated_at"])
            _match_and_apply(original.installation, [original])


# --- matching ------------------------------------------------------------------------------------

def _rf_candidates(incoming: IncomingPayment) -> list[str]:
    candidates = [incoming.creditor_reference] if incoming.creditor_reference else []
    return list(dict.fromkeys(candidates + rf_references_in(incoming.remittance_text)))


def _rf_positions(candidates: list[str], readings: dict[str, InvoicePosition | int | None],
                  remittances: dict[int, list]) -> tuple[str, list, list]:
    """The first RF reference of ours on the payment and what it names: an invoice's position
    for an invoice's reference; for a combined remittance's (portal) the (receivable, number) of
    every invoice in it, the app's and those the merchant's ERP issued."""
    for reference in candidates:
        reading = readings[reference]
        if isinstance(reading, InvoicePosition):
            return reference, [(reading.series_id, reading.period, reading.sequence)], []
        if reading is not None and remittances.get(reading):
            return reference, [], remittances[reading]
    return (candidates[0] if candidates else ""), [], []


def match_inputs(installation, incomings: list[IncomingPayment]) -> dict[int, MatchInput]:
    """Everything the rules need, looked up in a handful of queries for the whole batch."""
    patterns = selectors.number_patterns(installation=installation)
    rf, numbers, orders = {}, {}, {}
    candidates = {inc.pk: _rf_candidates(inc) for inc in incomings}
    # each distinct reference read once (check digits verified once), whatever rule asks
    readings = {ref: reference_read(ref) for refs in candidates.values() for ref in refs}
    remittances = remittance_receivables(installation=installation, remittance_ids=[
        r for r in readings.values() if r is not None and not isinstance(r, InvoicePosition)])
    for inc in incomings:
        rf[inc.pk] = _rf_positions(candidates[inc.pk], readings, remittances)
        numbers[inc.pk] = document_positions_in(inc.remittance_text, patterns) if patterns else []
        orders[inc.pk] = order_numbers_in(inc.remittance_text)
    by_position = selectors.open_invoices_by_position(
        installation=installation,
        positions=[p for inc in incomings for p in rf[inc.pk][1] + numbers[inc.pk]])
    by_receivable = selectors.open_invoices_by_receivable(
        installation=installation, receivables=[r for inc in incomings for r in rf[inc.pk][2]])
    by_order = selectors.open_invoices_by_order_number(
        installation=installation, order_numbers=[o for inc in incomings for o in orders[inc.pk]])
    inputs: dict[int, MatchInput] = {}
    unresolved: list[IncomingPayment] = []
    for inc in incomings:
        reference, positions, receivables = rf[inc.pk]
        rf_invoices = ([by_position[p] for p in positions if p in by_position]
                       + [by_receivable[r] for r in receivables if r in by_receivable])
        inp = MatchInput(amount=inc.amount, currency=inc.currency, received_on=inc.received_on,
                         rf_reference=reference, rf_invoices=rf_invoices,
                         rf_unknown=bool(positions or receivables) and not rf_invoices,
                         number_invoices=[by_position[p] for p in numbers[inc.pk] if p in by_position],
                         numbers_found=[by_position[p].number for p in numbers[inc.pk] if p in by_position],
                         order_invoices=[i for o in orders[inc.pk] for i in by_order.get(o, [])],
                         orders_found=[o for o in orders[inc.pk] if o in by_order])
        inputs[inc.pk] = inp
        if not (inp.rf_invoices or inp.number_invoices or inp.order_invoices):
            unresolved.append(inc)
    if not unresolved:
        return inputs
    by_iban, by_name = selectors.payer_companies(installation=installation,
                                                 ibans=[i.payer_iban for i in unresolved],
                                                 names=[i.payer_name for i in unresolved])
    company_ids: set[int] = set()
    for inc in unresolved:
        found: list[tuple[int, str]] = []
        if inc.company_id:
            found.append((inc.company_id, "iban" if inc.origin == MatchOrigin.MANUAL else "given"))
        found += [(c, "iban") for c in by_iban.get(inc.payer_iban, [])[:1]]
        found += [(c, "name") for c in by_name.get(inc.payer_name, [])[:2]]
        inputs[inc.pk].payer_companies = list(dict.fromkeys(found))
        company_ids.update(c for c, _ in found)
    company_open = selectors.open_invoices_of_companies(installation=installation, company_ids=company_ids,
                                                        currencies={i.currency for i in unresolved})
    need_amounts = []
    for inc in unresolved:
        inp = inputs[inc.pk]
        inp.company_open = {c: company_open.get(c, []) for c, _ in inp.payer_companies}
        if not any(inp.company_open.values()):
            need_amounts.append((inc.amount, inc.currency))
    if need_amounts:
        same = selectors.open_invoices_with_amounts(installation=installation, amounts=need_amounts)
        for inc in unresolved:
            inputs[inc.pk].amount_candidates = same.get((inc.amount, inc.currency), [])
    return inputs


def incomings_propose(installation, incomings: list[IncomingPayment]) -> dict[int, Proposal]:
    """The rules' proposal for each record (writes nothing)."""
    inputs = match_inputs(installation, incomings)
    tolerances: dict[str, Tolerance] = {}
    result = {}
    for inc in incomings:
        if inc.currency not in tolerances:
            tolerances[inc.currency] = _tolerance(installation, inc.currency)
        result[inc.pk] = match_decide(inputs[inc.pk], tolerances[inc.currency])
    return result


def _match_and_apply(installation, incomings: list[IncomingPayment]) -> dict[str, int]:
    counts = {"matched": 0, "suggested": 0, "unmatched": 0}
    open_ones = [i for i in incomings if i.status in (IncomingStatus.UNMATCHED, IncomingStatus.SUGGESTED)
                 and i.origin != MatchOrigin.MANUAL]
    proposals = incomings_propose(installation, open_ones)
    for incoming in open_ones:
        outcome = _proposal_apply(incoming, proposals[incoming.pk])
        counts[outcome] += 1
    return counts


def _proposal_apply(incoming: IncomingPayment, proposal: Proposal) -> str:
    if proposal.confident and proposal.company_id:
        try:
            _confirm(incoming, company_id=proposal.company_id, allocations=list(proposal.allocations),
                     origin=MatchOrigin.AUTO, actor=AUTO_ACTOR, rule=proposal.rule, explanation=proposal.explanation,
                     evidence=proposal.evidence)
            return "matched"
        except NetTermsError as exc:
            # e.g. the invoice was paid meanwhile: leave it to a person, saying why
            proposal = Proposal(rule=proposal.rule, confident=False, company_id=proposal.company_id,
                                allocations=proposal.allocations, unallocated=proposal.unallocated,
                                explanation=f"{proposal.explanation} Not applied automatically: {exc.merchant_message}",
                                evidence=proposal.evidence)
    status = IncomingStatus.SUGGESTED if (proposal.allocations or proposal.company_id) else IncomingStatus.UNMATCHED
    with transaction.atomic():
        current = IncomingPayment.objects.select_for_update().get(pk=incoming.pk)
        if current.status not in (IncomingStatus.UNMATCHED, IncomingStatus.SUGGESTED) \
                or current.origin == MatchOrigin.MANUAL:
            return "unmatched"
        current.status = status
        current.rule = proposal.rule
        current.explanation = proposal.explanation[:1000]
        current.evidence = proposal.evidence
        current.proposal = [a.as_dict() for a in proposal.allocations]
        current.company_id = proposal.company_id or current.company_id
        current.origin = MatchOrigin.AUTO
        current.save(update_fields=["status", "rule", "explanation", "evidence", "proposal", "company", "origin",
                                    "updated_at"])
    incoming.status = status
    return "suggested" if status == IncomingStatus.SUGGESTED else "unmatched"


RECONCILE_BATCH = 5000


def reconcile_run(*, installation, batch_size: int = RECONCILE_BATCH) -> dict[str, int]:
    """Match every line no person has decided on yet (never a manual match, ignore or unmatch),
    a batch at a time (keyset over ids), so memory stays flat however long the queue is."""
    counts = {"matched": 0, "suggested": 0, "unmatched": 0}
    for batch in selectors.pending_incoming_batches(installation=installation, batch_size=batch_size):
        for key, n in _match_and_apply(installation, batch).items():
            counts[key] += n
    return counts


# --- confirming, splitting, ignoring, undoing --------------------------------------------------

def _payment_reference(incoming: IncomingPayment) -> str:
    base = incoming.source_reference
    if len(base) > 110:
        base = f"{base[:70]}…{hashlib.sha256(base.encode()).hexdigest()[:16]}"
    return base if incoming.match_count == 0 else f"{base}/{incoming.match_count + 1}"


def _confirm(incoming: IncomingPayment, *, company_id: int, allocations: list[Allocation], origin: str, actor: str,
             rule: str, explanation: str, evidence: dict | None = None):
    money = Money.of(incoming.amount, incoming.currency)
    with transaction.atomic():
        company = company_lock(company_id=company_id)
        if company.installation_id != incoming.installation_id:
            raise _error("UNKNOWN_COMPANY", "The company is not one of this installation's.", 404)
        current = IncomingPayment.objects.select_for_update().get(pk=incoming.pk)
        if current.status not in (IncomingStatus.UNMATCHED, IncomingStatus.SUGGESTED):
            raise _error("INCOMING_NOT_OPEN", f"This payment is {current.get_status_display().lower()} already.", 409)
        if origin == MatchOrigin.AUTO and current.origin == MatchOrigin.MANUAL:
            raise _error("INCOMING_DECIDED_BY_A_PERSON", "A person decided on this payment; it is left alone.", 409)
        receivables = {r.pk: r for r in Receivable.objects.filter(pk__in=[a.receivable_id for a in allocations],
                                                                  company=company)}
        if len(receivables) != len({a.receivable_id for a in allocations}):
            raise _error("UNKNOWN_RECEIVABLE", "An invoice of the allocation is not this company's.")
        payment = payment_record(
            company=company, money=money, received_on=current.received_on, reference=_payment_reference(current),
            allocations=[(receivables[a.receivable_id], Money.of(a.amount, money.currency)) for a in allocations],
            settlements=[(receivables[a.receivable_id], Money.of(a.settlement_amount, money.currency), a.settlement)
                         for a in allocations if a.settlement],
            source=PAYMENT_SOURCE[current.source], recorded_by=actor, memo=explanation[:500])
        current.payment = payment
        current.company = company
        current.status = IncomingStatus.MATCHED
        current.origin = origin
        current.rule = rule
        current.explanation = explanation[:1000]
        if evidence is not None:
            current.evidence = evidence
        current.proposal = [a.as_dict() for a in allocations]
        current.match_count += 1
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.save()
        _payer_learn(current, company)
        audit_record(installation=company.installation, actor=actor, action="reconciliation.matched",
                     object_type="incoming_payment", object_id=current.pk, company=company,
                     after={"payment": payment.pk, "rule": rule, "origin": origin,
                            "allocations": [a.as_dict() for a in allocations],
                            "credit_balance": format(payment.unallocated_amount, "f")},
                     reason=explanation[:500])
    incoming.status, incoming.payment, incoming.company = current.status, payment, company
    return payment


def _payer_learn(incoming: IncomingPayment, company: Company) -> None:
    for kind, value in ((PayerKind.IBAN, incoming.payer_iban), (PayerKind.NAME, name_key(incoming.payer_name))):
        if not value:
            continue
        row, created = PayerIdentity.objects.get_or_create(installation=incoming.installation, kind=kind,
                                                           value=value[:140], company=company)
        if not created:
            PayerIdentity.objects.filter(pk=row.pk).update(confirmations=F("confirmations") + 1)


def _incoming_for_decision(*, installation, incoming_id: int) -> IncomingPayment:
    incoming = selectors.incoming_get(installation=installation, incoming_id=incoming_id)
    if incoming is None:
        raise _error("INCOMING_NOT_FOUND", f"No payment {incoming_id} in the reconciliation queue.", 404)
    return incoming


def incoming_confirm(*, installation, incoming_id: int, actor: str,
                     allocations: list[tuple[Receivable, Money, str]] | None = None,
                     company: Company | None = None) -> object:
    """A person confirms: the suggestion as it is (no ``allocations``), or their own split
    ``[(receivable, amount, settlement)]`` with settlement "" | "tolerance" | "discount" (the rest
    of that invoice closed as such). What is not allocated goes to the credit balance."""
    incoming = _incoming_for_decision(installation=installation, incoming_id=incoming_id)
    if allocations is None:
        if not incoming.proposal and not (company or incoming.company):
            raise _error("NOTHING_TO_CONFIRM", "There is no suggestion to confirm; split it across invoices or "
                                               "assign a company.")
        planned = [Allocation(receivable_id=int(a["receivable_id"]), amount=Decimal(a["amount"]),
                              settlement=a.get("settlement", ""),
                              settlement_amount=Decimal(a.get("settlement_amount") or 0))
                   for a in incoming.proposal]
        company_id = (company.pk if company else None) or incoming.company_id
        rule, explanation = incoming.rule or "manual", f"Confirmed by {actor}: {incoming.explanation}"
    else:
        if not allocations and company is None and incoming.company_id is None:
            raise _error("NOTHING_TO_CONFIRM", "Choose the invoices it pays, or the company whose credit balance "
                                               "it goes to.")
        companies = {r.company_id for r, _, _ in allocations} | ({company.pk} if company else set())
        if len(companies) > 1:
            raise _error("ALLOCATION_SEVERAL_COMPANIES", "One payment pays invoices of one company.")
        company_id = companies.pop() if companies else incoming.company_id
        planned = []
        for receivable, part, settlement in allocations:
            if settlement and settlement not in SettlementKind.values:
                raise _error("SETTLEMENT_KIND_INVALID", f"Unknown settlement {settlement!r}.")
            rest = Decimal(0)
            if settlement:
                open_amount = selectors.open_invoices(Receivable.objects.filter(pk=receivable.pk),
                                                      installation=installation)
                rest = (open_amount[0].open_amount - part.amount) if open_amount else Decimal(0)
            planned.append(Allocation(receivable_id=receivable.pk, amount=part.amount, settlement=settlement,
                                      settlement_amount=rest))
        rule, explanation = "manual", f"Split by {actor}: " + ", ".join(
            f"{part} to {r.reference}" for r, part, _ in allocations)
    if company_id is None:
        raise _error("NOTHING_TO_CONFIRM", "Assign the company that paid first.")
    return _confirm(incoming, company_id=company_id, allocations=planned, origin=MatchOrigin.MANUAL, actor=actor,
                    rule=rule, explanation=explanation)


def incoming_confirm_many(*, installation, incoming_ids: list[int], actor: str) -> dict[str, list]:
    """Bulk confirm suggestions as they are. Each in its own transaction; refusals are reported."""
    done, refused = [], []
    for incoming_id in incoming_ids:
        try:
            incoming_confirm(installation=installation, incoming_id=incoming_id, actor=actor)
            done.append(incoming_id)
        except NetTermsError as exc:
            refused.append({"id": incoming_id, "code": exc.code, "message": exc.merchant_message})
    return {"confirmed": done, "refused": refused}


def incoming_assign_company(*, installation, incoming_id: int, company: Company, actor: str) -> IncomingPayment:
    """A person says who paid: the rules then propose invoices of that company (a suggestion)."""
    if company.installation_id != installation.pk:
        raise _error("UNKNOWN_COMPANY", "The company is not one of this installation's.", 404)
    incoming = _incoming_for_decision(installation=installation, incoming_id=incoming_id)
    if incoming.status not in (IncomingStatus.UNMATCHED, IncomingStatus.SUGGESTED):
        raise _error("INCOMING_NOT_OPEN", f"This payment is {incoming.get_status_display().lower()} already.", 409)
    proposal = incomings_propose(installation, [_with_company(incoming, company)])[incoming.pk]
    with transaction.atomic():
        current = IncomingPayment.objects.select_for_update().get(pk=incoming.pk)
        current.company = company
        current.origin = MatchOrigin.MANUAL
        current.status = IncomingStatus.SUGGESTED
        current.rule = proposal.rule
        current.explanation = f"Company assigned by {actor}. {proposal.explanation}"[:1000]
        current.evidence = proposal.evidence
        current.proposal = [a.as_dict() for a in proposal.allocations] if proposal.company_id == company.pk else []
        current.decided_by, current.decided_at = actor, timezone.now()
        current.save()
        audit_record(installation=installation, actor=actor, action="reconciliation.company_assigned",
                     object_type="incoming_payment", object_id=current.pk, company=company,
                     after={"company": company.pk, "proposal": current.proposal})
    return current


def _with_company(incoming: IncomingPayment, company: Company) -> IncomingPayment:
    copy = IncomingPayment(**{f.attname: getattr(incoming, f.attname) for f in IncomingPayment._meta.concrete_fields})
    copy.company_id = company.pk
    copy.origin = MatchOrigin.MANUAL
    return copy


def incoming_ignore(*, installation, incoming_id: int, reason: str, actor: str) -> IncomingPayment:
    reason = (reason or "").strip()
    if not reason:
        raise _error("IGNORE_REASON_REQUIRED", "Say why this payment is ignored.")
    incoming = _incoming_for_decision(installation=installation, incoming_id=incoming_id)
    with transaction.atomic():
        current = IncomingPayment.objects.select_for_update().get(pk=incoming.pk)
        if current.status not in (IncomingStatus.UNMATCHED, IncomingStatus.SUGGESTED):
            raise _error("INCOMING_NOT_OPEN", f"This payment is {current.get_status_display().lower()} already.", 409)
        current.status = IncomingStatus.IGNORED
        current.origin = MatchOrigin.MANUAL
        current.ignored_reason = reason[:500]
        current.decided_by, current.decided_at = actor, timezone.now()
        current.save()
        audit_record(installation=installation, actor=actor, action="reconciliation.ignored",
                     object_type="incoming_payment", object_id=current.pk, company=current.company,
                     after={"status": "ignored"}, reason=reason)
    return current


def incoming_unmatch(*, installation, incoming_id: int, reason: str, actor: str) -> IncomingPayment:
    """Undo a confirmed match: its payment is reversed through the ledger (and Saleor told); the
    line is back in the queue, left to people (automatic matching will not pick it up again)."""
    reason = (reason or "").strip()
    if not reason:
        raise _error("UNMATCH_REASON_REQUIRED", "Say why the match is undone.")
    incoming = _incoming_for_decision(installation=installation, incoming_id=incoming_id)
    if incoming.status != IncomingStatus.MATCHED or incoming.payment_id is None:
        raise _error("INCOMING_NOT_MATCHED", "Only a confirmed match can be undone.", 409)
    with transaction.atomic():
        company_lock(company_id=incoming.payment.company_id)
        current = IncomingPayment.objects.select_for_update().get(pk=incoming.pk)
        if current.status != IncomingStatus.MATCHED:
            raise _error("INCOMING_NOT_MATCHED", "Only a confirmed match can be undone.", 409)
        payment = current.payment
        payment_reverse(payment=payment, reason=f"Unmatched: {reason}", actor=actor)
        current.status = IncomingStatus.UNMATCHED
        current.origin = MatchOrigin.MANUAL
        current.payment = None
        current.explanation = f"Unmatched by {actor}: {reason}"[:1000]
        current.decided_by, current.decided_at = actor, timezone.now()
        current.save()
        audit_record(installation=installation, actor=actor, action="reconciliation.unmatched",
                     object_type="incoming_payment", object_id=current.pk, company=payment.company,
                     before={"payment": payment.pk}, after={"status": "unmatched"}, reason=reason)
    return current


# --- statements ----------------------------------------------------------------------------------

@dataclass
class ImportResult:
    file: StatementFile
    replayed: bool = False
    statements: list[Statement] = field(default_factory=list)
    lines_new: int = 0
    lines_known: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def as_answer(self) -> dict:
        """What the import did, as both upload endpoints answer it (the Dashboard's, the ERP API's)."""
        return {"file": {"id": self.file.pk, "filename": self.file.filename, "status": self.file.status,
                         "sha256": self.file.sha256},
                "replayed": self.replayed, "linesNew": self.lines_new, "linesKnown": self.lines_known,
                "matched": self.counts.get("matched", 0), "suggested": self.counts.get("suggested", 0),
                "unmatched": self.counts.get("unmatched", 0), "duplicates": self.counts.get("duplicate", 0)}


def _entry_key(line: ParsedLine, occurrence: int) -> str:
    if line.bank_reference and line.bank_reference.upper() not in ("NONREF", "NOTPROVIDED"):
        key = (f"ref:{line.bank_reference}/{line.detail_index}:{line.amount}"
               f"{'C' if line.credit else 'D'}{'R' if line.reversal else ''}")
    else:
        key = f"fp:{line.fingerprint()}#{occurrence}"
    return key if len(key) <= 120 else f"h:{hashlib.sha256(key.encode()).hexdigest()}"


def statement_import(*, installation, content: bytes, filename: str, uploaded_by: str,
                     bank_account: BankAccount | None = None, accept_balance_gap: bool = False) -> ImportResult:
    """Import a statement file (camt.052/053/054, MT940, CSV with the account's mapping).

    The file is recorded first (hash, size, who, when; committed before it is read). The same
    file again returns the first import and writes nothing. A file we cannot read, of an account
    we do not know, in another currency than the account, or whose opening balance differs from
    the previous closing balance (unless ``accept_balance_gap``), is refused: the file record
    keeps the code and where, nothing else is written (StatementImportError). Otherwise every
    booked entry is stored once per account (entries already imported from an overlapping file
    are counted as known), every credit goes to the intake and is matched, every debit is
    checked for a returned payment."""
    if not content:
        raise _error("STATEMENT_EMPTY", "The file is empty.")
    digest = hashlib.sha256(content).hexdigest()
    record = StatementFile.objects.filter(installation=installation, sha256=digest).first()
    if record is not None and record.status == FileStatus.IMPORTED:
        return ImportResult(file=record, replayed=True, statements=list(record.statements.all()),
                            lines_new=record.lines_new, lines_known=record.lines_known)
    if record is None:
        try:
            record = StatementFile.objects.create(
                installation=installation, bank_account=bank_account, sha256=digest, filename=(filename or "")[:255],
                size=len(content), content=content, uploaded_by=uploaded_by or "unknown")
        except IntegrityError:
            record = StatementFile.objects.get(installation=installation, sha256=digest)
            if record.status == FileStatus.IMPORTED:
                return ImportResult(file=record, replayed=True, statements=list(record.statements.all()),
                                    lines_new=record.lines_new, lines_known=record.lines_known)
    try:
        parsed = statement_parse(content, csv_mapping=bank_account.csv_mapping if bank_account else None,
                                 account_iban=bank_account.iban if bank_account else "",
                                 currency=bank_account.currency if bank_account else "",
                                 xsd_dir=settings.ISO20022_XSD_DIR or None)
        with transaction.atomic():
            result, items = _statements_store(record, parsed, bank_account, accept_balance_gap)
            intake = payment_intake_many(installation=installation, items=items, actor=uploaded_by, match=False)
    except StatementError as exc:
        StatementFile.objects.filter(pk=record.pk).update(
            status=FileStatus.REFUSED, error_code=exc.code, error_message=exc.message[:1000],
            error_location=exc.location[:255], processed_at=timezone.now())
        record.refresh_from_db()
        logger.info("statement refused", extra={"file": record.pk, "code": exc.code})
        raise StatementImportError(exc, record) from exc
    intake_settle(installation=installation, results=intake, items=items, actor=uploaded_by)
    counts = {"matched": 0, "suggested": 0, "unmatched": 0, "duplicate": 0}
    for r in intake:
        r.incoming.refresh_from_db(fields=["status"])
        counts[r.incoming.status] = counts.get(r.incoming.status, 0) + 1
    for line in BankLine.objects.filter(statement__file=record, credit=False, status=LineStatus.OUTGOING):
        _bank_debit_process(line, actor=uploaded_by)
    result.counts = counts
    record.refresh_from_db()
    result.file = record
    return result


def _statements_store(record: StatementFile, parsed: list[ParsedStatement], given: BankAccount | None,
                      accept_gap: bool) -> tuple[ImportResult, list[IntakeItem]]:
    installation = record.installation
    result = ImportResult(file=record)
    items: list[IntakeItem] = []
    warnings: list[str] = []
    skipped = 0
    for st in parsed:
        account = given if st.format == "csv" else selectors.bank_account_for(installation=installation,
                                                                               iban=st.account_iban)
        if account is None:
            raise StatementError("STATEMENT_ACCOUNT_UNKNOWN", f"account {st.account_iban} is not one of the "
                                 "merchant's bank accounts (add it first)", element="Stmt/Acct/Id")
        if given is not None and account.pk != given.pk:
            raise StatementError("STATEMENT_ACCOUNT_MISMATCH", f"the file is for {st.account_iban}, not "
                                 f"{given.iban}", element="Stmt/Acct/Id")
        if st.currency and st.currency != account.currency:
            raise StatementError("STATEMENT_CURRENCY_MISMATCH", f"the statement is in {st.currency}, account "
                                 f"{account.iban} in {account.currency}", element="Stmt/Acct/Ccy")
        for line in st.lines:
            if line.currency != account.currency:
                raise StatementError("STATEMENT_CURRENCY_MISMATCH", f"an entry is in {line.currency}, account "
                                     f"{account.iban} in {account.currency}", element=line.location)
        for balance in (st.opening, st.closing):
            if balance is not None and balance.currency and balance.currency != account.currency:
                raise StatementError("STATEMENT_CURRENCY_MISMATCH", f"a balance is in {balance.currency}, account "
                                     f"{account.iban} in {account.currency}", element="Stmt/Bal/Amt")
        check, previous_amount = _balance_check(record, account, st, accept_gap)
        statement = Statement.objects.create(
            file=record, bank_account=account, format=st.format, statement_id=st.statement_id[:140],
            sequence=st.sequence[:64], from_date=st.from_date, to_date=st.to_date, currency=account.currency,
            opening_balance=st.opening.amount if st.opening else None,
            closing_balance=st.closing.amount if st.closing else None, balance_check=check,
            previous_closing=previous_amount)
        result.statements.append(statement)
        occurrences: dict[str, int] = {}
        keyed = []
        for line in st.lines:
            fp = line.fingerprint()
            occurrences[fp] = occurrences.get(fp, 0) + 1
            keyed.append((_entry_key(line, occurrences[fp]), line))
        known = set(BankLine.objects.filter(bank_account=account, entry_key__in=[k for k, _ in keyed])
                    .values_list("entry_key", flat=True))
        new_lines = [BankLine(
            installation=installation, bank_account=account, statement=statement, entry_key=key,
            status=LineStatus.CREDIT if line.credit and not line.reversal else LineStatus.OUTGOING,
            credit=line.credit, reversal=line.reversal, amount=line.amount, currency=line.currency,
            booking_date=line.booking_date, value_date=line.value_date, bank_reference=line.bank_reference[:140],
            bank_transaction_code=line.bank_transaction_code[:64], end_to_end_id=line.end_to_end_id[:140],
            counterparty_name=line.counterparty_name[:140], counterparty_iban=line.counterparty_iban[:34],
            remittance_text=line.remittance_text, creditor_reference=line.creditor_reference[:64],
            location=line.location[:255]) for key, line in keyed if key not in known]
        known_count = len(keyed) - len(new_lines)
        try:
            with transaction.atomic():
                BankLine.objects.bulk_create(new_lines, batch_size=2000)
        except IntegrityError as exc:
            raise StatementError("STATEMENT_IMPORTED_CONCURRENTLY", "the same entries are being imported by "
                                 "another upload; try again") from exc
        result.lines_new += len(new_lines)
        result.lines_known += known_count
        skipped += st.skipped
        warnings.extend(st.warnings)
        for line in new_lines:
            if line.status == LineStatus.CREDIT:
                items.append(IntakeItem(
                    source=IntakeSource.BANK, source_reference=f"{account.pk}:{line.entry_key}",
                    money=Money.of(line.amount, line.currency), received_on=line.value_date or line.booking_date,
                    end_to_end_id=line.end_to_end_id, creditor_reference=line.creditor_reference,
                    remittance_text=line.remittance_text, payer_name=line.counterparty_name,
                    payer_iban=line.counterparty_iban, bank_line=line))
    dates_from = [s.from_date for s in parsed if s.from_date]
    dates_to = [s.to_date for s in parsed if s.to_date]
    record.status = FileStatus.IMPORTED
    record.bank_account = result.statements[0].bank_account if result.statements else given
    record.format = parsed[0].format
    record.version = parsed[0].version
    record.period_from = min(dates_from) if dates_from else None
    record.period_to = max(dates_to) if dates_to else None
    record.lines_new, record.lines_known, record.lines_skipped = result.lines_new, result.lines_known, skipped
    record.warnings = warnings
    record.error_code = record.error_message = record.error_location = ""
    record.processed_at = timezone.now()
    record.save()
    return result, items


def _balance_check(record: StatementFile, account: BankAccount, st: ParsedStatement, accept_gap: bool
                   ) -> tuple[str, Decimal | None]:
    if st.format not in ("camt.053", "mt940"):
        return BalanceCheck.NOT_GIVEN, None
    if st.opening is None:
        return BalanceCheck.NOT_GIVEN, None
    redelivered = st.statement_id and Statement.objects.filter(
        bank_account=account, format=st.format, statement_id=st.statement_id[:140], sequence=st.sequence[:64],
        opening_balance=st.opening.amount).exclude(file=record).exists()
    if redelivered:
        return BalanceCheck.CONTINUOUS, st.opening.amount
    previous = selectors.previous_closing(bank_account=account, before=st.from_date or st.opening.date)
    if previous is None:
        return BalanceCheck.FIRST, None
    if previous.closing_balance == st.opening.amount:
        return BalanceCheck.CONTINUOUS, previous.closing_balance
    if accept_gap:
        return BalanceCheck.GAP, previous.closing_balance
    raise StatementError(
        "STATEMENT_BALANCE_GAP",
        f"opening balance {st.opening.amount} {account.currency} of statement {st.statement_id or '?'} differs from "
        f"the closing balance {previous.closing_balance} of statement {previous.statement_id or previous.pk} "
        f"({previous.to_date}): a statement is missing", element="Bal OPBD" if st.format != "mt940" else ":60F:")


def _bank_debit_process(line: BankLine, *, actor: str) -> None:
    """A debit that returns an earlier credit (same end-to-end id; or a reversal/return of the same
    amount from the same IBAN) undoes the payment it made; other debits are money out."""
    window = line.booking_date - dt.timedelta(days=RETURN_WINDOW_DAYS)
    candidates = IncomingPayment.objects.filter(
        installation=line.installation, currency=line.currency, amount=line.amount, received_on__gte=window,
        status__in=[IncomingStatus.MATCHED, IncomingStatus.UNMATCHED, IncomingStatus.SUGGESTED]).exclude(
        returned_by__isnull=False)
    original = None
    if line.end_to_end_id:
        original = candidates.filter(end_to_end_id=line.end_to_end_id).order_by("-received_on").first()
    is_return = line.reversal or any(code in line.bank_transaction_code for code in RETURN_CODES)
    if original is None and is_return and line.counterparty_iban:
        same = list(candidates.filter(payer_iban=line.counterparty_iban)[:2])
        original = same[0] if len(same) == 1 else None
    if original is None:
        if is_return:
            BankLine.objects.filter(pk=line.pk).update(status=LineStatus.REVERSAL_OPEN)
        return
    reason = f"Returned by the bank (line {line.bank_reference or line.entry_key}, {line.booking_date})"
    with transaction.atomic():
        if original.payment_id:
            company_lock(company_id=original.payment.company_id)
        current = IncomingPayment.objects.select_for_update().get(pk=original.pk)
        if current.payment_id:
            payment_reverse(payment=current.payment, reason=reason, actor=actor or AUTO_ACTOR)
        current.status = IncomingStatus.REVERSED
        current.explanation = reason
        current.save(update_fields=["status", "explanation", "updated_at"])
        BankLine.objects.filter(pk=line.pk).update(status=LineStatus.REVERSAL_APPLIED, reverses=current)
        audit_record(installation=line.installation, actor=actor or AUTO_ACTOR, action="reconciliation.returned",
                     object_type="incoming_payment", object_id=current.pk, company=current.company,
                     after={"returned_by_line": line.pk, "payment": current.payment_id}, reason=reason)
