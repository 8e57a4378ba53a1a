"""The one way to write to the ledger. Every movement of credit is one balanced posting.

ONLY THIS MODULE WRITES ``Account``, ``Posting`` and ``Entry`` rows (an import-linter contract may
enforce it). Every service is keyword-only, takes amounts as ``core.money.Money``, refuses
non-positive or over-precise amounts (``INVALID_AMOUNT``) and mixed currencies
(``CURRENCY_MISMATCH``), never overdraws a hold, a receivable or the credit balance, and writes
nothing when it refuses.

Accounts (created lazily)
-------------------------
Company-side, one per (company, currency, kind); merchant-side, one per (installation, currency,
kind). Every leg is a positive amount on one side; an account's balance is signed by its normal
side (``ledger.selectors``):

==============  =========  =======  =====================================================
account         owner      normal   meaning
==============  =========  =======  =====================================================
holds           company    debit    authorized exposure (checkouts not yet captured)
receivable      company    debit    owed by the buyer
credit_balance  company    credit   owed to the buyer (overpayments, credits on paid amounts)
hold_control    merchant   credit   contra of all holds (memo pair of ``holds``)
sales           merchant   credit   revenue clearing (invoiced on terms)
cash            merchant   debit    bank / clearing account receiving payments
fees            merchant   credit   late-fee income
write_off       merchant   debit    bad-debt expense
adjustments     merchant   debit    manual corrections (net debit = cost to the merchant)
payment_diff.   merchant   debit    small short payments closed within tolerance (bank fees)
discounts_gr.   merchant   debit    early-payment discounts the buyer took in time
==============  =========  =======  =====================================================

Posting kinds and their legs
----------------------------
``(ref)`` marks the leg carrying the denormalised ``hold_ref``/``receivable_ref``.

================  ===========================  =========================================  ====================================
posting kind      service                      debit legs                                 credit legs
================  ===========================  =========================================  ====================================
hold              hold_place                   holds (hold_ref)                           hold_control
hold_release      hold_release                 hold_control                               holds (hold_ref)
receivable        receivable_from_hold         hold_control; receivable (receivable_ref)  holds (hold_ref); sales
receivable        receivable_book              receivable (receivable_ref)                sales
payment           payment_apply                cash (whole payment)                       receivable (ref) per allocation;
                                                                                          credit_balance (unallocated rest)
credit_note       credit_note_post             sales (whole credit)                       receivable (ref) up to its open amount;
                                                                                          credit_balance (ref) the already-paid rest
fee               fee_post                     receivable (receivable_ref)                fees
credit_note       fee_waive_post (waiver)      fees                                       receivable (receivable_ref)
write_off         write_off_post               write_off                                  receivable (receivable_ref)
adjustment        adjustment_post              receivable (ref)  [receivable, increase]   adjustments
                                               adjustments       [receivable, decrease]   receivable (ref)
                                               adjustments       [credit_balance, incr.]  credit_balance
                                               credit_balance    [credit_balance, decr.]  adjustments
credit_apply      credit_balance_apply         credit_balance                             receivable (receivable_ref)
refund            credit_balance_refund        credit_balance                             cash
payment_diff.     payment_difference_post      payment_differences                        receivable (receivable_ref)
discount          discount_post                discounts_granted                          receivable (receivable_ref)
reversal          posting_reverse              the reversed posting's credit legs         its debit legs (sides swapped)
================  ===========================  =========================================  ====================================

Credit notes: a credit note first reduces what is still open on the receivable; the part of it
that exceeds the open amount covers money the buyer already paid, so it becomes credit balance
(owed to the buyer, refundable or applicable to another receivable). A credit note may not
exceed what was booked on the receivable less earlier credit notes, write-offs and decreasing
adjustments (``CREDIT_NOTE_EXCEEDS_INVOICE``).

Idempotency: ``Posting.idempotency_key`` is unique per installation. Calling a service again with
the same key and the same request (kind, company, amounts, currency, references, allocations;
not the memo or effective date) returns the existing posting with ``posting.replayed = True``
and writes nothing; the same key with a different request raises ``IDEMPOTENCY_CONFLICT``.

Locking: the balance checks and the write are serialized per company by the company row lock
(``SELECT … FOR UPDATE`` — the row ``companies.services.company_lock`` locks). A service handed
the instance ``company_lock`` returned trusts it (``core.locks``: the lock is taken once) and
writes in the caller's transaction; handed any other instance it runs in ``transaction.atomic()``
and takes the lock itself. Lock order is company row first, always; never call external services
while it is held.

Statements: a posting is written in four (the posting ``INSERT … ON CONFLICT DO NOTHING
RETURNING``, the company-side accounts found or created and their maintained balances added in
one upsert, the merchant-side accounts, the entries), after the reads its checks need.
Company-side balances are maintained on ``Account.debits``/``credits`` in the same transaction;
``manage.py ledger_verify`` recomputes them.

PostgreSQL re-checks at commit (deferred constraint trigger, migration 0002) that every posting
balances per currency and that every entry's currency equals its account's.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from collections.abc import Sequence
from typing import Callable, Literal

from django.db import connection, transaction
from django.utils import timezone

from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.core.inserts import Insert, Rider, inserts_run
from saleor_netterms.core.locks import row_lock_held, row_lock_mark
from saleor_netterms.core.money import InvalidMoney, Money, currency_validate, quantize

from . import selectors
from .errors import (
    CreditBalanceInsufficient,
    CreditNoteExceedsInvoice,
    CurrencyMismatch,
    HoldInsufficient,
    IdempotencyConflict,
    InvalidReference,
    LedgerInvalidAmount,
    LedgerUnbalanced,
    PaymentOverAllocated,
    ReceivableInsufficient,
)
from .models import COMPANY_ACCOUNT_KINDS, AccountKind, Posting, PostingKind, Side

AdjustmentTarget = Literal["receivable", "credit_balance"]
AdjustmentDirection = Literal["increase", "decrease"]

A = AccountKind


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg to be written: a positive amount on one side of one account kind."""

    account_kind: str
    side: str
    amount: Decimal
    hold_ref: str = ""
    receivable_ref: str = ""


# ---------------------------------------------------------------------------------------------
# validation helpers (pure)


def _money_check(money: Money, *, what: str = "amount") -> Money:
    if not isinstance(money, Money):
        raise LedgerInvalidAmount(f"{what} is not Money: {money!r}")
    try:
        currency = currency_validate(money.currency)
        quantized = quantize(money.amount, currency)
    except InvalidMoney as exc:
        raise LedgerInvalidAmount(f"{what} is not a valid amount: {money!r}") from exc
    if quantized != money.amount or currency != money.currency:
        raise LedgerInvalidAmount(f"{what} {money!r} is not quantized to {currency}")
    if quantized <= 0:
        raise LedgerInvalidAmount(f"{what} must be positive, got {money}")
    return Money(quantized, currency)


def _same_currency(money: Money, other: Money, *, what: str) -> None:
    if other.currency != money.currency:
        raise CurrencyMismatch(f"{what} is in {other.currency}, the operation in {money.currency}")


def _ref_check(value: str, *, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidReference(f"{what} is required")
    if len(value) > 255:
        raise InvalidReference(f"{what} is longer than 255 characters")
    return value


def legs_check_balanced(legs: list[Leg]) -> None:
    """Raise ``LEDGER_UNBALANCED`` unless every leg is positive and debits equal credits."""
    if len(legs) < 2:
        raise LedgerUnbalanced(f"a posting needs at least two legs, got {len(legs)}")
    debits = credits = Decimal(0)
    for leg in legs:
        if leg.amount <= 0:
            raise LedgerUnbalanced(f"non-positive leg {leg!r}")
        if leg.side == Side.DEBIT:
            debits += leg.amount
        elif leg.side == Side.CREDIT:
            credits += leg.amount
        else:
            raise LedgerUnbalanced(f"unknown side {leg.side!r}")
    if debits != credits:
        raise LedgerUnbalanced(f"debits {debits} != credits {credits}")


def _fingerprint(payload: dict) -> str:
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# the one writer


def _company_row_lock(company) -> None:
    """SELECT … FOR UPDATE the company row (the lock ``companies.services.company_lock`` takes),
    unless this transaction already holds it for this instance (``core.locks``)."""
    if row_lock_held(company):
        return
    company_model = Posting._meta.get_field("company").related_model
    locked = list(company_model._default_manager.select_for_update()
                  .filter(pk=company.pk).values_list("pk", flat=True))
    if not locked:
        raise InvalidReference(f"company {company.pk} does not exist")
    row_lock_mark(company)


def _business_today(company) -> date:
    """A posting's default effective date: today in the installation's time zone
    (core.business_time), never the server's. `companies.services.company_lock` hands over the
    company with its installation loaded; any other instance costs one query for it."""
    return business_today(company.installation)


def _replay(existing: Posting, fingerprint: str, idempotency_key: str) -> Posting:
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict(
            f"idempotency key {idempotency_key!r} was used for posting {existing.pk} "
            f"({existing.kind} {existing.amount} {existing.currency}) with a different request")
    existing.replayed = True
    return existing


def _existing(company, idempotency_key: str) -> Posting | None:
    return Posting.objects.filter(installation_id=company.installation_id,
                                  idempotency_key=idempotency_key).first()


_POSTING_INSERT = (
    "INSERT INTO ledger_posting (installation_id, company_id, kind, currency, amount, idempotency_key,"
    " request_fingerprint, memo, hold_ref, receivable_ref, payment_ref, effective_date, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (installation_id, idempotency_key) DO NOTHING RETURNING id")
# The merchant-side accounts (one per installation, currency and kind) are created by the first
# posting that needs them, in its statement; a process remembers which exist (only once that
# transaction committed), so later postings look them up by their key instead. The cache holds no
# ids: a forgotten or vanished account is found missing by the posting statement's own check.
_MERCHANT_ACCOUNTS_SEEN: set[tuple[int, str, str]] = set()
# Where a statement cannot write several tables (SQLite): one statement per table.
_COMPANY_ACCOUNTS_UPSERT = (
    "INSERT INTO ledger_account (installation_id, company_id, currency, kind, debits, credits, created_at)"
    " VALUES {values}"
    " ON CONFLICT (company_id, currency, kind) WHERE company_id IS NOT NULL"
    " DO UPDATE SET debits = ledger_account.debits + excluded.debits,"
    " credits = ledger_account.credits + excluded.credits"
    " RETURNING id, kind")
_RECEIVABLE_BALANCES_UPSERT = (
    "INSERT INTO ledger_receivablebalance (account_id, installation_id, company_id, currency, receivable_ref,"
    " debits, credits) VALUES {values}"
    " ON CONFLICT (account_id, receivable_ref)"
    " DO UPDATE SET debits = ledger_receivablebalance.debits + excluded.debits,"
    " credits = ledger_receivablebalance.credits + excluded.credits")
_ENTRIES_INSERT = (
    "INSERT INTO ledger_entry (posting_id, account_id, side, amount, currency, hold_ref, receivable_ref)"
    " VALUES {values}")
_MERCHANT_ACCOUNTS_SELECT = (
    "SELECT id, kind FROM ledger_account WHERE installation_id = %s AND company_id IS NULL"
    " AND currency = %s AND kind IN ({kinds})")
_MERCHANT_ACCOUNTS_CREATE = (
    "INSERT INTO ledger_account (installation_id, company_id, currency, kind, debits, credits, created_at)"
    " VALUES {values}"
    " ON CONFLICT (installation_id, currency, kind) WHERE company_id IS NULL DO NOTHING")


# The posting, its company-side accounts with their maintained balances (found, or created on
# first use, and added to in the same statement; the rows are the company's own, under its lock),
# its entries and the maintained balances of the receivable references it touches: ONE statement.
# Nothing but the posting is written when the idempotency key was posted before (no row in `p`).
_POST_CTES = (
    "p AS (" + _POSTING_INSERT + ")"
    "{company}{merchant}"
    ", k AS ({accounts})"
    ", e AS (INSERT INTO ledger_entry (posting_id, account_id, side, amount, currency, hold_ref, receivable_ref)"
    " SELECT p.id, k.id, l.side, l.amount, %s, l.hold_ref, l.receivable_ref"
    " FROM p CROSS JOIN (VALUES {legs}) AS l (kind, side, amount, hold_ref, receivable_ref, n)"
    " JOIN k ON k.kind = l.kind ORDER BY l.n RETURNING 1)"  # the entries' ids in the legs' order
    "{receivables}")
_POST_RESULT = "(SELECT id FROM p), (SELECT count(*) FROM e)"
_POST_WITH_CTE = "WITH " + _POST_CTES + " SELECT " + _POST_RESULT
_POST_COMPANY_ACCOUNTS = (
    ", a AS (INSERT INTO ledger_account (installation_id, company_id, currency, kind, debits, credits, created_at)"
    " SELECT v.installation_id, v.company_id, v.currency, v.kind, v.debits, v.credits, v.created_at"
    " FROM (VALUES {values}) AS v (installation_id, company_id, currency, kind, debits, credits, created_at)"
    " WHERE EXISTS (SELECT 1 FROM p)"
    " ON CONFLICT (company_id, currency, kind) WHERE company_id IS NOT NULL"
    " DO UPDATE SET debits = ledger_account.debits + excluded.debits,"
    " credits = ledger_account.credits + excluded.credits"
    " RETURNING id, kind)")
_POST_MERCHANT_ACCOUNTS = (
    ", m AS (SELECT id, kind FROM ledger_account WHERE installation_id = %s AND company_id IS NULL"
    " AND currency = %s AND kind IN ({kinds}))")
# First use in this process: created if missing; DO UPDATE (a no-op) returns the row also when it
# exists or a concurrent first posting is creating it (the insert waits for that one's commit).
_POST_MERCHANT_ACCOUNTS_CREATE = (
    ", m AS (INSERT INTO ledger_account (installation_id, company_id, currency, kind, debits, credits, created_at)"
    " SELECT %s::bigint, NULL::bigint, %s, v.kind, 0, 0, %s::timestamptz FROM (VALUES {kinds}) AS v (kind)"
    " WHERE EXISTS (SELECT 1 FROM p)"
    " ON CONFLICT (installation_id, currency, kind) WHERE company_id IS NULL DO UPDATE SET kind = excluded.kind"
    " RETURNING id, kind)")
_POST_RECEIVABLE_BALANCES = (
    ", r AS (INSERT INTO ledger_receivablebalance (account_id, installation_id, company_id, currency,"
    " receivable_ref, debits, credits)"
    " SELECT a.id, %s, %s, %s, v.ref, v.debits, v.credits"
    " FROM a JOIN (VALUES {values}) AS v (ref, debits, credits) ON a.kind = %s"
    " ON CONFLICT (account_id, receivable_ref)"
    " DO UPDATE SET debits = ledger_receivablebalance.debits + excluded.debits,"
    " credits = ledger_receivablebalance.credits + excluded.credits)")


def _placeholders(rows: int, columns: int, row: str | None = None) -> str:
    row = row or "(" + ", ".join(["%s"] * columns) + ")"
    return ", ".join([row] * rows)


def _write(*, company, kind: str, money: Money, idempotency_key: str, fingerprint: str, memo: str,
           effective_date: date | None, legs: list[Leg], hold_ref: str, receivable_ref: str,
           payment_ref: str) -> Posting | None:
    """Write the posting, its entries, the company-side balances, the merchant accounts on their
    first use and the maintained balances of the receivable references its legs carry: ONE
    statement (_POST_WITH_CTE). ``None`` if the key was already posted (the
    caller replays it). Runs inside the caller's transaction, under the lock."""
    if connection.vendor != "postgresql":
        return _write_portable(company=company, kind=kind, money=money, idempotency_key=idempotency_key,
                               fingerprint=fingerprint, memo=memo, effective_date=effective_date, legs=legs,
                               hold_ref=hold_ref, receivable_ref=receivable_ref, payment_ref=payment_ref)
    ctes, params, finish = _write_statement(
        company=company, kind=kind, money=money, idempotency_key=idempotency_key, fingerprint=fingerprint,
        memo=memo, effective_date=effective_date, legs=legs, hold_ref=hold_ref, receivable_ref=receivable_ref,
        payment_ref=payment_ref)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} SELECT {_POST_RESULT}", params)
        return finish(cursor.fetchone())


def _write_statement(*, company, kind: str, money: Money, idempotency_key: str, fingerprint: str, memo: str,
                     effective_date: date | None, legs: list[Leg], hold_ref: str, receivable_ref: str,
                     payment_ref: str) -> tuple[str, list, Callable[[tuple], Posting | None]]:
    """``_write``'s statement on PostgreSQL, built but not run: its CTEs (``_POST_CTES``: p, a, m, k,
    e, r), their parameters and what turns the ``_POST_RESULT`` row into the Posting (None: the
    key was posted before)."""
    ops = connection.ops
    moment = timezone.now()
    now = ops.adapt_datetimefield_value(moment)
    effective = effective_date or _business_today(company)
    installation_id, currency = company.installation_id, money.currency
    merchant = sorted({leg.account_kind for leg in legs} - COMPANY_ACCOUNT_KINDS)
    merchant_keys = {(installation_id, currency, k) for k in merchant}

    params: list = [installation_id, company.pk, kind, currency, ops.adapt_decimalfield_value(money.amount, 20, 4),
                    idempotency_key, fingerprint, memo or "", hold_ref, receivable_ref, payment_ref,
                    ops.adapt_datefield_value(effective), now]
    sums: dict[str, list[Decimal]] = {}
    for leg in legs:
        if leg.account_kind in COMPANY_ACCOUNT_KINDS:
            pair = sums.setdefault(leg.account_kind, [Decimal(0), Decimal(0)])
            pair[0 if leg.side == Side.DEBIT else 1] += leg.amount
    company_sql = merchant_sql = receivables_sql = ""
    sources = []
    if sums:
        company_sql = _POST_COMPANY_ACCOUNTS.format(values=_placeholders(
            len(sums), 7, "(%s::bigint, %s::bigint, %s, %s, %s::numeric, %s::numeric, %s::timestamptz)"))
        for account_kind, (debits, credits) in sorted(sums.items()):
            params += [installation_id, company.pk, currency, account_kind,
                       ops.adapt_decimalfield_value(debits, 24, 4), ops.adapt_decimalfield_value(credits, 24, 4),
                       now]
        sources.append("SELECT id, kind FROM a")
    if merchant and merchant_keys <= _MERCHANT_ACCOUNTS_SEEN:
        merchant_sql = _POST_MERCHANT_ACCOUNTS.format(kinds=", ".join(["%s"] * len(merchant)))
        params += [installation_id, currency, *merchant]
        sources.append("SELECT id, kind FROM m")
    elif merchant:
        merchant_sql = _POST_MERCHANT_ACCOUNTS_CREATE.format(kinds=", ".join(["(%s)"] * len(merchant)))
        params += [installation_id, currency, now, *merchant]
        sources.append("SELECT id, kind FROM m")
        transaction.on_commit(lambda: _MERCHANT_ACCOUNTS_SEEN.update(merchant_keys))
    params.append(currency)
    for n, leg in enumerate(legs):
        params += [leg.account_kind, leg.side, ops.adapt_decimalfield_value(leg.amount, 20, 4), leg.hold_ref,
                   leg.receivable_ref, n]
    by_ref: dict[str, list[Decimal]] = {}
    for leg in legs:
        if leg.account_kind == AccountKind.RECEIVABLE and leg.receivable_ref:
            pair = by_ref.setdefault(leg.receivable_ref, [Decimal(0), Decimal(0)])
            pair[0 if leg.side == Side.DEBIT else 1] += leg.amount
    if by_ref:
        receivables_sql = _POST_RECEIVABLE_BALANCES.format(
            values=_placeholders(len(by_ref), 3, "(%s, %s::numeric, %s::numeric)"))
        params += [installation_id, company.pk, currency]
        for ref, (debits, credits) in sorted(by_ref.items()):
            params += [ref, ops.adapt_decimalfield_value(debits, 24, 4), ops.adapt_decimalfield_value(credits, 24, 4)]
        params.append(AccountKind.RECEIVABLE)
    ctes = _POST_CTES.format(
        company=company_sql, merchant=merchant_sql, accounts=" UNION ALL ".join(sources),
        legs=_placeholders(len(legs), 6, "(%s, %s, %s::numeric, %s, %s, %s::integer)"), receivables=receivables_sql)

    def finish(row: tuple) -> Posting | None:
        posting_id, entries = row
        if posting_id is None:
            return None
        if entries != len(legs):  # a merchant account this process believed to exist does not
            _MERCHANT_ACCOUNTS_SEEN.difference_update(merchant_keys)
            raise LedgerUnbalanced(f"posting {posting_id}: {entries} of {len(legs)} entries found their account")
        posting = Posting(
            pk=posting_id, installation_id=installation_id, company=company, kind=kind, currency=currency,
            amount=money.amount, idempotency_key=idempotency_key, request_fingerprint=fingerprint,
            memo=memo or "", hold_ref=hold_ref, receivable_ref=receivable_ref, payment_ref=payment_ref,
            effective_date=effective, created_at=moment)
        posting._state.adding = False
        posting._state.db = connection.alias
        return posting

    return ctes, params, finish


def _write_portable(*, company, kind: str, money: Money, idempotency_key: str, fingerprint: str, memo: str,
           effective_date: date | None, legs: list[Leg], hold_ref: str, receivable_ref: str,
           payment_ref: str) -> Posting | None:
    """``_write`` where a statement cannot write several tables (SQLite): the posting, the company
    accounts with their balances, the merchant accounts, the entries and, when legs carry
    receivable references, their maintained balances, one statement each."""
    ops = connection.ops
    now = timezone.now()
    effective = effective_date or _business_today(company)
    installation_id, currency = company.installation_id, money.currency
    with connection.cursor() as cursor:
        cursor.execute(_POSTING_INSERT, [
            installation_id, company.pk, kind, currency, ops.adapt_decimalfield_value(money.amount, 20, 4),
            idempotency_key, fingerprint, memo or "", hold_ref, receivable_ref, payment_ref,
            ops.adapt_datefield_value(effective), ops.adapt_datetimefield_value(now)])
        row = cursor.fetchone()
        if row is None:
            return None
        posting_id = row[0]

        sums: dict[str, list[Decimal]] = {}
        for leg in legs:
            if leg.account_kind in COMPANY_ACCOUNT_KINDS:
                pair = sums.setdefault(leg.account_kind, [Decimal(0), Decimal(0)])
                pair[0 if leg.side == Side.DEBIT else 1] += leg.amount
        account_ids: dict[str, int] = {}
        if sums:
            params: list = []
            for account_kind, (debits, credits) in sorted(sums.items()):
                params += [installation_id, company.pk, currency, account_kind,
                           ops.adapt_decimalfield_value(debits, 24, 4),
                           ops.adapt_decimalfield_value(credits, 24, 4), ops.adapt_datetimefield_value(now)]
            cursor.execute(_COMPANY_ACCOUNTS_UPSERT.format(values=_placeholders(len(sums), 7)), params)
            account_ids.update({account_kind: pk for pk, account_kind in cursor.fetchall()})
        merchant = sorted({leg.account_kind for leg in legs} - COMPANY_ACCOUNT_KINDS)
        if merchant:
            select = _MERCHANT_ACCOUNTS_SELECT.format(kinds=", ".join(["%s"] * len(merchant)))
            cursor.execute(select, [installation_id, currency, *merchant])
            found = {account_kind: pk for pk, account_kind in cursor.fetchall()}
            missing = [k for k in merchant if k not in found]
            if missing:  # first posting of this installation and currency on these accounts
                params = []
                for account_kind in missing:
                    params += [installation_id, None, currency, account_kind, 0, 0,
                               ops.adapt_datetimefield_value(now)]
                cursor.execute(_MERCHANT_ACCOUNTS_CREATE.format(values=_placeholders(len(missing), 7)), params)
                cursor.execute(select, [installation_id, currency, *merchant])
                found = {account_kind: pk for pk, account_kind in cursor.fetchall()}
            account_ids.update(found)

        params = []
        for leg in legs:
            params += [posting_id, account_ids[leg.account_kind], leg.side,
                       ops.adapt_decimalfield_value(leg.amount, 20, 4), currency, leg.hold_ref,
                       leg.receivable_ref]
        cursor.execute(_ENTRIES_INSERT.format(values=_placeholders(len(legs), 7)), params)

        by_ref: dict[str, list[Decimal]] = {}
        for leg in legs:
            if leg.account_kind == AccountKind.RECEIVABLE and leg.receivable_ref:
                pair = by_ref.setdefault(leg.receivable_ref, [Decimal(0), Decimal(0)])
                pair[0 if leg.side == Side.DEBIT else 1] += leg.amount
        if by_ref:
            params = []
            for ref, (debits, credits) in sorted(by_ref.items()):
                params += [account_ids[AccountKind.RECEIVABLE], installation_id, company.pk, currency, ref,
                           ops.adapt_decimalfield_value(debits, 24, 4), ops.adapt_decimalfield_value(credits, 24, 4)]
            cursor.execute(_RECEIVABLE_BALANCES_UPSERT.format(values=_placeholders(len(by_ref), 7)), params)
    posting = Posting(
        pk=posting_id, installation_id=installation_id, company=company, kind=kind, currency=currency,
        amount=money.amount, idempotency_key=idempotency_key, request_fingerprint=fingerprint,
        memo=memo or "", hold_ref=hold_ref, receivable_ref=receivable_ref, payment_ref=payment_ref,
        effective_date=effective, created_at=now)
    posting._state.adding = False
    posting._state.db = connection.alias
    return posting


def _post_locked(*, company, kind: str, money: Money, idempotency_key: str, fingerprint: str, memo: str,
                 effective_date: date | None, legs: Callable[[], list[Leg]], hold_ref: str,
                 receivable_ref: str, payment_ref: str) -> Posting:
    try:
        computed = [leg for leg in legs() if leg.amount != 0]
        legs_check_balanced(computed)
    except NetTermsError:
        existing = _existing(company, idempotency_key)
        if existing is not None:
            return _replay(existing, fingerprint, idempotency_key)
        raise
    posting = _write(company=company, kind=kind, money=money, idempotency_key=idempotency_key,
                     fingerprint=fingerprint, memo=memo, effective_date=effective_date,
                     legs=computed, hold_ref=hold_ref, receivable_ref=receivable_ref,
                     payment_ref=payment_ref)
    if posting is None:  # the key was posted before (or concurrently, for another company)
        return _replay(_existing(company, idempotency_key), fingerprint, idempotency_key)
    return posting


def _request_fingerprint(*, kind: str, company, money: Money, hold_ref: str, receivable_ref: str,
                         payment_ref: str, request: dict | None) -> str:
    return _fingerprint({
        "kind": kind, "company": company.pk, "currency": money.currency, "amount": money.as_string(),
        "hold_ref": hold_ref, "receivable_ref": receivable_ref, "payment_ref": payment_ref,
        "request": request or {},
    })


def _post(*, company, kind: str, money: Money, idempotency_key: str, memo: str,
          effective_date: date | None, legs: Callable[[], list[Leg]], hold_ref: str = "",
          receivable_ref: str = "", payment_ref: str = "", request: dict | None = None) -> Posting:
    """Lock (unless the caller holds it), compute the legs (which may refuse), check balance,
    write one posting; a key already posted with the same request is replayed.

    The legs are computed before anything is written, so a refusal writes nothing and leaves the
    caller's transaction usable. A refusal for a key that was already posted answers as the
    first call did (the replay), exactly as if the key had been looked up first."""
    _ref_check(idempotency_key, what="idempotency_key")
    fingerprint = _request_fingerprint(kind=kind, company=company, money=money, hold_ref=hold_ref,
                                       receivable_ref=receivable_ref, payment_ref=payment_ref, request=request)
    if row_lock_held(company):  # the caller's transaction holds the lock: write in it, directly
        return _post_locked(company=company, kind=kind, money=money, idempotency_key=idempotency_key,
                            fingerprint=fingerprint, memo=memo, effective_date=effective_date,
                            legs=legs, hold_ref=hold_ref, receivable_ref=receivable_ref,
                            payment_ref=payment_ref)
    with transaction.atomic():
        _company_row_lock(company)
        posting = _post_locked(company=company, kind=kind, money=money, idempotency_key=idempotency_key,
                               fingerprint=fingerprint, memo=memo, effective_date=effective_date,
                               legs=legs, hold_ref=hold_ref, receivable_ref=receivable_ref,
                               payment_ref=payment_ref)
    return posting


# ---------------------------------------------------------------------------------------------
# balance guards (run under the company lock)


def _hold_available(*, company, money: Money, hold_ref: str) -> None:
    held = selectors.hold_balance(company=company, currency=money.currency, hold_ref=hold_ref)
    if held < money:
        other = selectors.ref_currencies(company=company, hold_ref=hold_ref) - {money.currency}
        if other and held.amount == 0:
            raise CurrencyMismatch(f"hold {hold_ref!r} is in {sorted(other)}, not {money.currency}")
        raise HoldInsufficient(f"hold {hold_ref!r} has {held} on hold, asked for {money}")


def _receivable_open(*, company, money: Money, receivable_ref: str) -> Money:
    open_amount = selectors.receivable_balance(company=company, currency=money.currency,
                                               receivable_ref=receivable_ref)
    if open_amount.amount == 0:
        other = selectors.ref_currencies(company=company, receivable_ref=receivable_ref) - {money.currency}
        if other:
            raise CurrencyMismatch(f"receivable {receivable_ref!r} is in {sorted(other)}, not {money.currency}")
    return open_amount


def _receivable_available(*, company, money: Money, receivable_ref: str) -> None:
    open_amount = _receivable_open(company=company, money=money, receivable_ref=receivable_ref)
    if open_amount < money:
        raise ReceivableInsufficient(f"receivable {receivable_ref!r} has {open_amount} open, asked for {money}")


def _credit_balance_available(*, company, money: Money) -> None:
    balance = selectors.credit_balance(company=company, currency=money.currency)
    if balance < money:
        raise CreditBalanceInsufficient(f"credit balance is {balance}, asked for {money}")


# ---------------------------------------------------------------------------------------------
# services


def hold_place(*, company, money: Money, hold_ref: str, idempotency_key: str, memo: str = "",
               effective_date: date | None = None) -> Posting:
    """Put ``money`` on hold for ``hold_ref`` (e.g. the checkout's transaction id).

    Does not check the credit limit: the caller decides under ``company_lock`` with
    ``available_credit``. Several holds on one hold_ref add up.
    """
    money = _money_check(money)
    hold_ref = _ref_check(hold_ref, what="hold_ref")
    return _post(
        company=company, kind=PostingKind.HOLD, money=money, idempotency_key=idempotency_key,
        memo=memo, effective_date=effective_date, hold_ref=hold_ref,
        legs=lambda: _hold_legs(money.amount, hold_ref))


def _hold_legs(amount: Decimal, hold_ref: str) -> list[Leg]:
    return [Leg(A.HOLDS, Side.DEBIT, amount, hold_ref=hold_ref), Leg(A.HOLD_CONTROL, Side.CREDIT, amount)]


def hold_place_with(*, inserts: Sequence[Insert], company, money: Money, hold_ref: str, idempotency_key: str,
                    memo: str = "", riders: Sequence[Rider] = ()) -> Posting:
    """``hold_place``, and the caller's new rows (``core.inserts``) written in the SAME statement:
    on PostgreSQL, when the caller's transaction holds the company lock (the checkout: the
    decision, its audit entry and the transaction with the hold, one statement under the lock).
    Elsewhere, or without the lock, the rows first and then ``hold_place`` as usual.
    ``riders``: other statements of the caller's that ride along in that one statement
    (``inserts_run(also=)``: each learns it was written from its ``finish``); not run otherwise."""
    money = _money_check(money)
    hold_ref = _ref_check(hold_ref, what="hold_ref")
    _ref_check(idempotency_key, what="idempotency_key")
    if connection.vendor != "postgresql" or not row_lock_held(company):
        inserts_run(*inserts)
        return hold_place(company=company, money=money, hold_ref=hold_ref, idempotency_key=idempotency_key,
                          memo=memo)
    fingerprint = _request_fingerprint(kind=PostingKind.HOLD, company=company, money=money, hold_ref=hold_ref,
                                       receivable_ref="", payment_ref="", request=None)
    legs = _hold_legs(money.amount, hold_ref)
    legs_check_balanced(legs)
    ctes, params, finish = _write_statement(
        company=company, kind=PostingKind.HOLD, money=money, idempotency_key=idempotency_key,
        fingerprint=fingerprint, memo=memo, effective_date=None, legs=legs, hold_ref=hold_ref,
        receivable_ref="", payment_ref="")
    posting = inserts_run(*inserts, rider=Rider(ctes=ctes, params=params, result=_POST_RESULT, finish=finish),
                          also=riders)
    if posting is None:  # the key was posted before: replayed, as hold_place would
        return _replay(_existing(company, idempotency_key), fingerprint, idempotency_key)
    return posting


def hold_release(*, company, money: Money, hold_ref: str, idempotency_key: str, memo: str = "",
                 effective_date: date | None = None) -> Posting:
    """Release (part of) a hold. More than remains on ``hold_ref`` → ``HOLD_INSUFFICIENT``."""
    money = _money_check(money)
    hold_ref = _ref_check(hold_ref, what="hold_ref")
    amount = money.amount

    def legs() -> list[Leg]:
        _hold_available(company=company, money=money, hold_ref=hold_ref)
        return [Leg(A.HOLD_CONTROL, Side.DEBIT, amount),
                Leg(A.HOLDS, Side.CREDIT, amount, hold_ref=hold_ref)]

    return _post(company=company, kind=PostingKind.HOLD_RELEASE, money=money,
                 idempotency_key=idempotency_key, memo=memo, effective_date=effective_date,
                 hold_ref=hold_ref, legs=legs)


def receivable_from_hold(*, company, money: Money, hold_ref: str, receivable_ref: str,
                         idempotency_key: str, memo: str = "",
                         effective_date: date | None = None) -> Posting:
    """Capture: release ``money`` of the hold and book it as a receivable — one posting, four
    legs. More than remains on the hold → ``HOLD_INSUFFICIENT``."""
    money = _money_check(money)
    hold_ref = _ref_check(hold_ref, what="hold_ref")
    receivable_ref = _ref_check(receivable_ref, what="receivable_ref")
    amount = money.amount

    def legs() -> list[Leg]:
        _hold_available(company=company, money=money, hold_ref=hold_ref)
        return [Leg(A.HOLD_CONTROL, Side.DEBIT, amount),
                Leg(A.HOLDS, Side.CREDIT, amount, hold_ref=hold_ref),
                Leg(A.RECEIVABLE, Side.DEBIT, amount, receivable_ref=receivable_ref),
                Leg(A.SALES, Side.CREDIT, amount)]

    return _post(company=company, kind=PostingKind.RECEIVABLE, money=money,
                 idempotency_key=idempotency_key, memo=memo, effective_date=effective_date,
                 hold_ref=hold_ref, receivable_ref=receivable_ref, legs=legs)


def receivable_book(*, company, money: Money, receivable_ref: str, idempotency_key: str,
                    memo: str = "", effective_date: date | None = None) -> Posting:
    """Book a receivable without a prior hold (e.g. a manual invoice)."""
    money = _money_check(money)
    receivable_ref = _ref_check(receivable_ref, what="receivable_ref")
    amount = money.amount
    return _post(
        company=company, kind=PostingKind.RECEIVABLE, money=money, idempotency_key=idempotency_key,
        memo=memo, effective_date=effective_date, receivable_ref=receivable_ref,
        legs=lambda: [Leg(A.RECEIVABLE, Side.DEBIT, amount, receivable_ref=receivable_ref),
                      Leg(A.SALES, Side.CREDIT, amount)])


def payment_apply(*, company, money: Money, payment_ref: str,
                  allocations: list[tuple[str, Money]], idempotency_key: str, memo: str = "",
                  effective_date: date | None = None) -> Posting:
    """Cash in. Each ``(receivable_ref, amount)`` allocation settles that receivable up to its
    open amount (more → ``RECEIVABLE_INSUFFICIENT``; several allocations to one ref add up);
    allocations over the payment → ``PAYMENT_OVER_ALLOCATED``; the unallocated rest goes to the
    buyer's credit_balance."""
    money = _money_check(money)
    payment_ref = _ref_check(payment_ref, what="payment_ref")
    per_ref: dict[str, Decimal] = defaultdict(Decimal)
    for ref, allocated in allocations:
        _ref_check(ref, what="allocation receivable_ref")
        if isinstance(allocated, Money):
            _same_currency(money, allocated, what=f"allocation to {ref!r}")
        per_ref[ref] += _money_check(allocated, what=f"allocation to {ref!r}").amount
    allocated_total = sum(per_ref.values(), Decimal(0))
    if allocated_total > money.amount:
        raise PaymentOverAllocated(f"allocations {allocated_total} exceed payment {money}")

    def legs() -> list[Leg]:
        result = [Leg(A.CASH, Side.DEBIT, money.amount)]
        for ref, amount in per_ref.items():
            _receivable_available(company=company, money=Money(amount, money.currency), receivable_ref=ref)
            result.append(Leg(A.RECEIVABLE, Side.CREDIT, amount, receivable_ref=ref))
        result.append(Leg(A.CREDIT_BALANCE, Side.CREDIT, money.amount - allocated_total))
        return result

    return _post(company=company, kind=PostingKind.PAYMENT, money=money,
                 idempotency_key=idempotency_key, memo=memo, effective_date=effective_date,
                 payment_ref=payment_ref, legs=legs,
                 request={"allocations": sorted((ref, format(a, "f")) for ref, a in per_ref.items())})


def credit_note_post(*, company, money: Money, receivable_ref: str, idempotency_key: str,
                     memo: str = "", effective_date: date | None = None) -> Posting:
    """Credit (part of) an invoice. Reduces the open receivable first; the part beyond what is
    open was already paid and goes to the buyer's credit_balance. More than was booked on the
    receivable less earlier credit notes/write-offs/decreases → ``CREDIT_NOTE_EXCEEDS_INVOICE``."""
    money = _money_check(money)
    receivable_ref = _ref_check(receivable_ref, what="receivable_ref")

    def legs() -> list[Leg]:
        open_amount = _receivable_open(company=company, money=money, receivable_ref=receivable_ref)
        creditable = selectors.receivable_creditable(company=company, currency=money.currency,
                                                     receivable_ref=receivable_ref)
        if creditable < money:
            raise CreditNoteExceedsInvoice(
                f"receivable {receivable_ref!r} can be credited {creditable}, asked for {money}")
        to_receivable = min(open_amount.amount, money.amount)
        return [Leg(A.SALES, Side.DEBIT, money.amount),
                Leg(A.RECEIVABLE, Side.CREDIT, to_receivable, receivable_ref=receivable_ref),
                Leg(A.CREDIT_BALANCE, Side.CREDIT, money.amount - to_receivable,
                    receivable_ref=receivable_ref)]

    return _post(company=company, kind=PostingKind.CREDIT_NOTE, money=money,
                 idempotency_key=idempotency_key, memo=memo, effective_date=effective_date,
                 receivable_ref=receivable_ref, legs=legs)


def fee_post(*, company, money: Money, receivable_ref: str, idempotency_key: str, memo: str = "",
             effective_date: date | None = None) -> Posting:
    """Charge a (late) fee onto a receivable: the buyer owes more, the merchant earns fee income."""
    money = _money_check(money)
    receivable_ref = _ref_check(receivable_ref, what="receivable_ref")
    amount = money.amount
    return _post(
        company=company, kind=PostingKind.FEE, money=money, idempotency_key=idempotency_key,
        memo=memo, effective_date=effective_date, receivable_ref=receivable_ref,
        legs=lambda: [Leg(A.RECEIVABLE, Side.DEBIT, amount, receivable_ref=receivable_ref),
                      Leg(A.FEES, Side.CREDIT, amount)])


def fee_waive_post(*, company, money: Money, receivable_ref: str, idempotency_key: str, memo: str = "",
                   effective_date: date | None = None) -> Posting:
    """Waive (part of) a charged fee: the reverse of ``fee_post`` (a credit note of the fee: fee
    income down, the fee's receivable down); more than open → ``RECEIVABLE_INSUFFICIENT``."""
    money = _money_check(money)
    receivable_ref = _ref_check(receivable_ref, what="receivable_ref")

    def legs() -> list[Leg]:
        _receivable_available(company=company, money=money, receivable_ref=receivable_ref)
        return [Leg(A.FEES, Side.DEBIT, money.amount),
                Leg(A.RECEIVABLE, Side.CREDIT, money.amount, receivable_ref=receivable_ref)]

    return _post(company=company, kind=PostingKind.CREDIT_NOTE, money=money,
                 idempotency_key=idempotency_key, memo=memo, effective_date=effective_date,
                 receivable_ref=receivable_ref, legs=legs, request={"waiver": True})


def write_off_post(*, company, money: Money, receivable_ref: str, idempotency_key: str,
                   memo: str = "", effective_date: date | None = None) -> Posting:
    """Write off (part of) an open receivable as bad debt; more than open → ``RECEIVABLE_INSUFFICIENT``."""
    money = _money_check(money)
    receivable_ref = _ref_check(receivable_ref, what="receivable_ref")

    def legs() -> list[Leg]:
        _receivable_available(company=company, money=money, receivable_ref=receivable_ref)
        return [Leg(A.WRITE_OFF, Side.DEBIT, money.amount),
                Leg(A.RECEIVABLE, Side.CREDIT, money.amount, receivable_ref=receivable_ref)]

    return _post(company=company, kind=PostingKind.WRITE_OFF, money=money,
                 idempotency_key=idempotency_key, memo=memo, effective_date=effective_date,
                 receivable_ref=receivable_ref, legs=legs)


def adjustment_post(*, company, money: Money, target: AdjustmentTarget,
                    direction: AdjustmentDirection, idempotency_key: str, receivable_ref: str = "",
                    memo: str = "", effective_date: date | None = None) -> Posting:
    """A manual correction against the ``adjustments`` account.

    ``target="receivable"`` (needs ``receivable_ref``) increases or decreases what the buyer owes
    on that receivable; ``target="credit_balance"`` increases or decreases what is owed to the
    buyer. A decrease never overdraws (``RECEIVABLE_INSUFFICIENT`` / ``CREDIT_BALANCE_INSUFFICIENT``).
    """
    money = _money_check(money)
    if target not in ("receivable", "credit_balance"):
        raise InvalidReference(f"unknown adjustment target {target!r}", code="INVALID_ADJUSTMENT")
    if direction not in ("increase", "decrease"):
        raise InvalidReference(f"unknown adjustment direction {direction!r}", code="INVALID_ADJUSTMENT")
    if target == "receivable":
        receivable_ref = _ref_check(receivable_ref, what="receivable_ref")
    elif receivable_ref:
        raise InvalidReference("a credit_balance adjustment takes no receivable_ref", code="INVALID_ADJUSTMENT")
    amount = money.amount

    def legs() -> list[Leg]:
        if target == "receivable":
            receivable_leg_side = Side.DEBIT if direction == "increase" else Side.CREDIT
            if direction == "decrease":
                _receivable_available(company=company, money=money, receivable_ref=receivable_ref)
            other = Side.CREDIT if receivable_leg_side == Side.DEBIT else Side.DEBIT
            return [Leg(A.RECEIVABLE, receivable_leg_side, amount, receivable_ref=receivable_ref),
                    Leg(A.ADJUSTMENTS, other, amount)]
        if direction == "decrease":
            _credit_balance_available(company=company, money=money)
            return [Leg(A.CREDIT_BALANCE, Side.DEBIT, amount), Leg(A.ADJUSTMENTS, Side.CREDIT, amount)]
        return [Leg(A.ADJUSTMENTS, Side.DEBIT, amount), Leg(A.CREDIT_BALANCE, Side.CREDIT, amount)]

    return _post(company=company, kind=PostingKind.ADJUSTMENT, money=money,
                 idempotency_key=idempotency_key, memo=memo, effective_date=effective_date,
                 receivable_ref=receivable_ref, legs=legs,
                 request={"target": target, "direction": direction})


def credit_balance_apply(*, company, money: Money, receivable_ref: str, idempotency_key: str,
                         memo: str = "", effective_date: date | None = None) -> Posting:
    """Settle (part of) a receivable from the buyer's credit balance."""
    money = _money_check(money)
    receivable_ref = _ref_check(receivable_ref, what="receivable_ref")

    def legs() -> list[Leg]:
        _credit_balance_available(company=company, money=money)
        _receivable_available(company=company, money=money, receivable_ref=receivable_ref)
        return [Leg(A.CREDIT_BALANCE, Side.DEBIT, money.amount),
                Leg(A.RECEIVABLE, Side.CREDIT, money.amount, receivable_ref=receivable_ref)]

    return _post(company=company, kind=PostingKind.CREDIT_APPLY, money=money,
                 idempotency_key=idempotency_key, memo=memo, effective_date=effective_date,
                 receivable_ref=receivable_ref, legs=legs)


def credit_balance_refund(*, company, money: Money, payment_ref: str, idempotency_key: str,
                          memo: str = "", effective_date: date | None = None) -> Posting:
    """Pay (part of) the buyer's credit balance back in cash (``payment_ref``: the outgoing payment)."""
    money = _money_check(money)
    payment_ref = _ref_check(payment_ref, what="payment_ref")

    def legs() -> list[Leg]:
        _credit_balance_available(company=company, money=money)
        return [Leg(A.CREDIT_BALANCE, Side.DEBIT, money.amount), Leg(A.CASH, Side.CREDIT, money.amount)]

    return _post(company=company, kind=PostingKind.REFUND, money=money,
                 idempotency_key=idempotency_key, memo=memo, effective_date=effective_date,
                 payment_ref=payment_ref, legs=legs)


def _receivable_reduce(*, kind: str, account_kind: str, company, money: Money, receivable_ref: str,
                       idempotency_key: str, memo: str, effective_date: date | None) -> Posting:
    money = _money_check(money)
    receivable_ref = _ref_check(receivable_ref, what="receivable_ref")

    def legs() -> list[Leg]:
        _receivable_available(company=company, money=money, receivable_ref=receivable_ref)
        return [Leg(account_kind, Side.DEBIT, money.amount),
                Leg(A.RECEIVABLE, Side.CREDIT, money.amount, receivable_ref=receivable_ref)]

    return _post(company=company, kind=kind, money=money, idempotency_key=idempotency_key, memo=memo,
                 effective_date=effective_date, receivable_ref=receivable_ref, legs=legs)


def payment_difference_post(*, company, money: Money, receivable_ref: str, idempotency_key: str,
                            memo: str = "", effective_date: date | None = None) -> Posting:
    """Close the small rest of a receivable a payment left within tolerance (e.g. a bank fee the
    buyer's bank kept) to the payment_differences expense account — not bad debt."""
    return _receivable_reduce(kind=PostingKind.PAYMENT_DIFFERENCE, account_kind=A.PAYMENT_DIFFERENCES,
                              company=company, money=money, receivable_ref=receivable_ref,
                              idempotency_key=idempotency_key, memo=memo, effective_date=effective_date)


def discount_post(*, company, money: Money, receivable_ref: str, idempotency_key: str, memo: str = "",
                  effective_date: date | None = None) -> Posting:
    """The early-payment discount the buyer took in time (terms 2/10 net 30): the receivable is
    reduced by it, discounts_granted records it."""
    return _receivable_reduce(kind=PostingKind.DISCOUNT, account_kind=A.DISCOUNTS_GRANTED, company=company,
                              money=money, receivable_ref=receivable_ref, idempotency_key=idempotency_key,
                              memo=memo, effective_date=effective_date)


def posting_reverse(*, posting: Posting, memo: str = "", effective_date: date | None = None) -> Posting:
    """Undo a posting with its mirror (every leg on the other side). Used when a bank returns a
    transfer or a match is undone. Refuses (writing nothing) when the mirror would overdraw: a
    receivable credited below zero (``RECEIVABLE_INSUFFICIENT``), a credit balance already used
    (``CREDIT_BALANCE_INSUFFICIENT``), a hold already released (``HOLD_INSUFFICIENT``). The key is
    ``reversal:<posting id>``, so a posting is reversed at most once (calling again replays the
    reversal); a reversal itself is not reversible (``POSTING_NOT_REVERSIBLE``)."""
    company = posting.company
    money = _money_check(Money(posting.amount, posting.currency))
    if posting.kind == PostingKind.REVERSAL:
        raise InvalidReference(f"posting {posting.pk} is itself a reversal", code="POSTING_NOT_REVERSIBLE")

    def legs() -> list[Leg]:
        mirrored = [Leg(entry.account.kind, Side.CREDIT if entry.side == Side.DEBIT else Side.DEBIT, entry.amount,
                        hold_ref=entry.hold_ref, receivable_ref=entry.receivable_ref)
                    for entry in posting.entries.select_related("account").order_by("id")]
        for leg in mirrored:
            amount = Money(leg.amount, money.currency)
            if leg.account_kind == A.RECEIVABLE and leg.side == Side.CREDIT:
                _receivable_available(company=company, money=amount, receivable_ref=leg.receivable_ref)
            elif leg.account_kind == A.CREDIT_BALANCE and leg.side == Side.DEBIT:
                _credit_balance_available(company=company, money=amount)
            elif leg.account_kind == A.HOLDS and leg.side == Side.CREDIT:
                _hold_available(company=company, money=amount, hold_ref=leg.hold_ref)
        return mirrored

    return _post(company=company, kind=PostingKind.REVERSAL, money=money, idempotency_key=f"reversal:{posting.pk}",
                 memo=memo or f"Reversal of {posting.kind} {posting.idempotency_key}",
                 effective_date=effective_date, hold_ref=posting.hold_ref,
                 receivable_ref=posting.receivable_ref, payment_ref=posting.payment_ref, legs=legs,
                 request={"reverses": posting.pk})
