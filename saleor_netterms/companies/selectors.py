"""Reads of credit accounts: who is the buyer's company, and how much credit is left.

Figures come from the ledger (``ledger.selectors``); nothing here is stored as truth.
"""
from __future__ import annotations

from dataclasses import dataclass

from decimal import Decimal

from django.db import connection
from django.db.models import CharField, DecimalField, Q, Sum, Value
from django.db.models.functions import Cast

from saleor_netterms.core.compiled import CompiledQuery
from saleor_netterms.core.money import Money, currency_validate
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger.models import AccountKind
from saleor_netterms.masters.models import ErpOpenItem, InstallationMasters, Master

from .models import MEMBER_KIND_PRECEDENCE, Company, CreditLimit, Member, MemberKind
from .validators import email_domain_of


# Kinds that match on the e-mail address the customer typed at sign-up. Saleor creates every
# account unconfirmed (`accountRegister`), and a shop may let unconfirmed accounts sign in, so an
# address proves nothing until Saleor says `User.isConfirmed`. The other kinds are set by the
# merchant (user id, externalReference, customerType) and stay as they are.
EMAIL_KINDS = frozenset({MemberKind.EMAIL, MemberKind.EMAIL_DOMAIN})


@dataclass(frozen=True, slots=True)
class MemberResolution:
    """``member``: the member the customer resolves to, or None. ``unconfirmed_email_match``: no
    member matched, but an EMAIL / EMAIL_DOMAIN member would have matched this address had the
    account been confirmed (the buyer is told to confirm their e-mail address)."""
    member: Member | None
    unconfirmed_email_match: Member | None = None
    also: dict | None = None  # the caller's ``also`` annotations, read with the candidates (None: no candidate)


def member_resolution(*, installation, user_id: str, email: str | None, email_confirmed: bool,
                      external_reference: str | None, customer_type_slug: str | None,
                      also: dict | None = None) -> MemberResolution:
    """The member an AUTHENTICATED Saleor customer (``checkout.user``) resolves to.

    Precedence, strongest first: ``saleor_user_id`` > ``email`` (case-insensitive exact) >
    ``external_reference`` > ``email_domain`` (only rows with ``domain_verified=True``; the exact
    domain after the last ``@``, sub-domains do not match) > ``customer_type``. Only active
    members are considered; the company may be in any status — the caller decides what
    on_hold/suspended/closed mean for the order.

    ``email`` and ``email_domain`` members match only when ``email_confirmed`` is True (Saleor's
    ``User.isConfirmed``; pass False when it is unknown): anyone can register an unconfirmed
    account for a customer's address or domain.

    Call this only with ``checkout.user`` (its id, email, isConfirmed, externalReference and
    customerType). A guest checkout has no user: the checkout's free-text ``email`` is typed by
    whoever checks out and proves nothing, so a guest email NEVER grants credit. Without a
    ``user_id`` this resolves to nothing without looking at the other arguments. One query.

    ``also``: annotations (name → expression, e.g. a Subquery) the caller wants read in the same
    query; their values come back in ``MemberResolution.also`` when any candidate was found.
    """
    if not user_id:
        return MemberResolution(None)
    email_value, domain_value = member_email_values(email)
    values = dict(installation_id=installation.pk, user_id=user_id, email=email_value, email_domain=domain_value,
                  external_reference=external_reference or None, customer_type_slug=customer_type_slug or None)
    candidates = (list(member_candidates_query(**values).annotate(**also)) if also
                  else MEMBER_CANDIDATES.instances(**values))
    return member_resolution_from(candidates, email_confirmed=email_confirmed, also=tuple(also or ()))


def member_email_values(email: str | None) -> tuple[str | None, str | None]:
    """The e-mail and e-mail-domain values an authenticated customer's address is matched on
    (``member_candidates_query``): the address stripped and lower-cased, its domain (None: none)."""
    if not email:
        return None, None
    normalized = email.strip().lower()
    return normalized, email_domain_of(normalized) if "@" in normalized else None


def member_candidates_query(*, installation_id: int, user_id: str, email: str | None, email_domain: str | None,
                            external_reference: str | None, customer_type_slug: str | None):
    """The active members a customer may resolve to, by id (``member_resolution`` picks one by
    precedence: ``member_resolution_from``), with their company. ``email`` and ``email_domain``
    as ``member_email_values`` gives them; a value that is None is not matched on (the query
    branches on None only, so ``core.compiled.CompiledQuery`` can compile it once per shape)."""
    wanted = Q(kind=MemberKind.SALEOR_USER_ID, value=user_id)
    if email is not None:
        wanted |= Q(kind=MemberKind.EMAIL, value=email)
    if email_domain is not None:
        wanted |= Q(kind=MemberKind.EMAIL_DOMAIN, value=email_domain, domain_verified=True)
    if external_reference is not None:
        wanted |= Q(kind=MemberKind.EXTERNAL_REFERENCE, value=external_reference)
    if customer_type_slug is not None:
        wanted |= Q(kind=MemberKind.CUSTOMER_TYPE, value=customer_type_slug)
    return (Member.objects.filter(wanted, installation_id=installation_id, is_active=True,
                                  company__installation_id=installation_id)
            .select_related("company").order_by("id"))


# Samples of every value of member_candidates_query (core.compiled: compiled once per shape).
MEMBER_CANDIDATE_SAMPLES = dict(
    installation_id=(-1, -2), user_id=("~user-1", "~user-2"), email=("~email-1", "~email-2"),
    email_domain=("~domain-1", "~domain-2"), external_reference=("~reference-1", "~reference-2"),
    customer_type_slug=("~type-1", "~type-2"))
MEMBER_CANDIDATES = CompiledQuery(member_candidates_query, **MEMBER_CANDIDATE_SAMPLES)


def member_resolution_from(candidates: list[Member], *, email_confirmed: bool, also: tuple[str, ...] = ()
                           ) -> MemberResolution:
    """``member_resolution`` of the candidates ``member_candidates_query`` found (in its order);
    ``also``: the names of the caller's annotations on them."""
    found = {name: getattr(candidates[0], name) for name in also} if also and candidates else None
    blocked = None
    for kind in MEMBER_KIND_PRECEDENCE:
        for member in candidates:
            if member.kind != kind:
                continue
            if kind in EMAIL_KINDS and email_confirmed is not True:
                blocked = blocked or member
                continue
            return MemberResolution(member, also=found)
    return MemberResolution(None, unconfirmed_email_match=blocked, also=found)


def member_resolve(*, installation, user_id: str, email: str | None, email_confirmed: bool,
                   external_reference: str | None, customer_type_slug: str | None) -> Member | None:
    """``member_resolution(...).member``: the member, or None."""
    return member_resolution(
        installation=installation, user_id=user_id, email=email, email_confirmed=email_confirmed,
        external_reference=external_reference, customer_type_slug=customer_type_slug).member


def company_get(*, installation, company_id: int) -> Company | None:
    """The installation's company with this id, or None (never another installation's)."""
    return Company.objects.filter(installation=installation, pk=company_id).first()


def company_list(*, installation):
    """The installation's companies, by id."""
    return Company.objects.filter(installation=installation).order_by("id")


def company_credit_limit(*, company: Company, currency: str) -> Money | None:
    """The company's credit limit in this currency, or None when none is set."""
    limit = CreditLimit.objects.filter(company=company, currency=currency_validate(currency)).first()
    return limit.money if limit else None


_LIMIT_ROW = "limit"  # not an account kind: marks the credit limit's row in credit_position
_ERP_AR_ROW = "erp_ar"  # present when the ERP is the installation's master of open items
_ERP_OPEN_ROW = "erp_open"  # the sum of the company's ERP open items in the currency
_MARKER_ROWS = frozenset({_LIMIT_ROW, _ERP_AR_ROW, _ERP_OPEN_ROW})


def credit_position(*, company: Company, currency: str) -> tuple[Money | None, dict[str, Money]]:
    """See ``credit_position_with`` (without rows of the caller's own)."""
    limit, balances, _ = credit_position_with(company=company, currency=currency)
    return limit, balances


def credit_position_amount_field() -> DecimalField:
    """The output field of the ``(row, debits, credits)`` rows a caller adds to ``credit_position_with``."""
    return DecimalField(max_digits=24, decimal_places=4)


def credit_position_with(*, company: Company, currency: str, also: tuple = (), also_sql: tuple = ()
                         ) -> tuple[Money | None, dict[str, Money], list[tuple[str, Decimal, Decimal]]]:
    """``credit_position`` and, in the same query, the caller's own ``(row, debits, credits)``
    rows (``also``: querysets of that shape whose ``row`` is none of this module's markers nor an
    account kind; ``also_sql``: ``(sql, params)`` SELECTs of that shape, PostgreSQL only),
    returned as read. The checkout reads everything it needs this way: one statement
    (``credit_position_query`` builds it without running it, so a caller can build it before a
    lock and run it under the lock).

    The credit limit (None when none is set) and the ledger's maintained balances
    (``ledger.selectors.account_balances``) in ONE query: the limit row and the account rows
    read together (UNION ALL). Where the ERP is master of open items (masters), ``receivable``
    is the sum of the company's ERP open items instead (read in the same query), so exposure is
    the ERP's AR plus the app's open holds."""
    return credit_position_query(company=company, currency=currency, also=also, also_sql=also_sql).read()


@dataclass(frozen=True)
class CreditPositionQuery:
    """The one statement of ``credit_position_with``, built and not yet run: ``read()`` runs it
    (on PostgreSQL the compiled SQL; elsewhere the lazy queryset, so the ORM's converters apply)."""

    currency: str
    sql: str | None
    params: tuple
    queryset: object | None

    def read(self) -> tuple[Money | None, dict[str, Money], list[tuple[str, Decimal, Decimal]]]:
        if self.sql is not None:
            with connection.cursor() as cursor:
                cursor.execute(self.sql, self.params)
                rows = cursor.fetchall()
        else:
            rows = list(self.queryset)
        return _credit_position_from_rows(rows, self.currency)


def credit_position_query(*, company: Company | int, currency: str, also: tuple = (), also_sql: tuple = (),
                          installation_id: int | None = None) -> CreditPositionQuery:
    """``credit_position_with``'s statement, built (and on PostgreSQL compiled) without running it.
    ``company``: the company, or its id with ``installation_id`` (a statement built from ids only,
    such as one ``core.compiled`` compiles once)."""
    installation_id = installation_id if installation_id is not None else company.installation_id
    currency = currency_validate(currency)
    amount = credit_position_amount_field()
    limit_row = (CreditLimit.objects.filter(company=company, currency=currency)
                 .annotate(row=Value(_LIMIT_ROW, output_field=CharField()),
                           debits=Cast("amount", amount), credits=Value(Decimal(0), output_field=amount))
                 .values_list("row", "debits", "credits").order_by())
    accounts = ledger_selectors.account_balances_rows(company=company, currency=currency).order_by()
    zero = Value(Decimal(0), output_field=amount)
    erp_ar = (InstallationMasters.objects.filter(installation_id=installation_id, open_items=Master.ERP)
              .annotate(row=Value(_ERP_AR_ROW, output_field=CharField()), debits=zero, credits=zero)
              .values_list("row", "debits", "credits").order_by())
    erp_open = (ErpOpenItem.objects.filter(company=company, currency=currency).values("company")
                .annotate(row=Value(_ERP_OPEN_ROW, output_field=CharField()),
                          debits=Cast(Sum("amount_open"), amount), credits=zero)
                .values_list("row", "debits", "credits").order_by())
    combined = limit_row.union(accounts, erp_ar, erp_open, *also, all=True)
    if also_sql or connection.vendor == "postgresql":  # PostgreSQL returns numeric as Decimal: no converters
        sql, params = combined.query.sql_with_params()
        for part_sql, part_params in also_sql:
            sql, params = f"{sql} UNION ALL ({part_sql})", (*params, *part_params)
        return CreditPositionQuery(currency=currency, sql=sql, params=tuple(params), queryset=None)
    return CreditPositionQuery(currency=currency, sql=None, params=(), queryset=combined)


def _credit_position_from_rows(rows, currency: str
                               ) -> tuple[Money | None, dict[str, Money], list[tuple[str, Decimal, Decimal]]]:
    own_rows = _MARKER_ROWS | set(AccountKind.values)
    theirs = [r for r in rows if r[0] not in own_rows]
    rows = [r for r in rows if r[0] in own_rows]
    limit = next((Money.of(debits, currency) for row, debits, _ in rows if row == _LIMIT_ROW), None)
    balances = ledger_selectors.account_balances_from_rows(
        [r for r in rows if r[0] not in _MARKER_ROWS], currency)
    if any(row == _ERP_AR_ROW for row, _, _ in rows):  # the ERP is master of open items: its AR is the truth
        balances["receivable"] = next((Money.of(debits, currency) for row, debits, _ in rows if row == _ERP_OPEN_ROW),
                                      Money.zero(currency))
    return limit, balances, theirs


@dataclass(frozen=True, slots=True)
class CreditSummary:
    """A company's credit position in one currency.

    ``limit`` is zero when no limit is set. ``exposure = holds + receivables`` (the credit
    balance owed to the buyer is shown, not netted: it can be refunded at any time).
    ``available = limit − exposure``; it is negative when the exposure exceeds the limit
    (e.g. after the limit was lowered).
    """

    limit: Money
    holds: Money
    receivables: Money
    credit_balance: Money
    exposure: Money
    available: Money


def credit_summary(*, company: Company, currency: str) -> CreditSummary:
    """Limit, balances, exposure and available credit (one query: ``credit_position``)."""
    currency = currency_validate(currency)
    limit, balances = credit_position(company=company, currency=currency)
    limit = limit or Money.zero(currency)
    holds = balances["holds"]
    receivables = balances["receivable"]
    exposure = holds + receivables
    return CreditSummary(limit=limit, holds=holds, receivables=receivables,
                         credit_balance=balances["credit_balance"], exposure=exposure,
                         available=limit - exposure)


def available_credit(*, company: Company, currency: str) -> Money:
    """limit − open receivables − active holds. Zero limit when none is set; may be negative.

    For a credit decision call it under ``companies.services.company_lock`` in the same
    transaction as the ``hold_place`` it guards.
    """
    return credit_summary(company=company, currency=currency).available
