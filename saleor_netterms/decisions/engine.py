"""The credit decision engine: one snapshot of a company's credit position + one policy → a
graduated, explainable decision (approve / review / decline).

Pure by construction: no database, no I/O, no Django, no clock, no randomness. The same
`(CreditSnapshot, CreditPolicy)` always gives the same `Decision`, in microseconds, so the checkout
webhook can call it inside its time budget and the dashboard can replay history (`simulation.py`).

How a decision is made
----------------------
Every rule below is evaluated (no short-circuit, so the merchant sees every reason at once) and
yields at most one `Reason`. Each reason has a stable code, the figures it was decided on (`params`)
and the outcome it pushes toward (`effect`); its buyer and merchant sentences are written from the
code and the figures by `decisions/texts.py`, in the reader's language, where the text is shown. The decision's outcome is the most severe effect
(DECLINE > REVIEW > APPROVE); reasons are ordered most severe first, then in the rule order below,
so `Decision.primary` is the one to show the buyer.

=========================== ======== ============================================================
code                        effect   when
=========================== ======== ============================================================
COMPANY_ON_HOLD             decline  company_status == "on_hold"
DUNNING_HOLD                decline  account_hold == "decline" (collections put the account on hold;
                                     the buyer message is the hold's own, saying why)
COMPANY_SUSPENDED           decline  company_status == "suspended"
COMPANY_CLOSED              decline  company_status == "closed"
CHANNEL_NOT_ALLOWED         decline  not channel_allowed
NO_LIMIT_FOR_CURRENCY       decline  limit is None (no credit line in this currency)
OVER_LIMIT                  decline  exposure + order > limit × (1 + tolerance_over_limit_pct/100)
OVERDUE_AUTO_HOLD           decline  auto_hold_days_overdue set and max_days_past_due > it
OVER_LIMIT_WITHIN_TOLERANCE review   limit < exposure + order <= limit × (1 + tolerance/100)
DUNNING_HOLD                review   account_hold == "review" (same, orders go to credit review)
OVERDUE_INVOICES            review   review_days_overdue = N set and max_days_past_due > N
                                     (N = 0 also catches any overdue_amount > 0); not reported
                                     together with OVERDUE_AUTO_HOLD
OVER_SPENDING_LIMIT         review   member_spending_limit set, member_role != "admin", and
                                     order > member_spending_limit
FIRST_ORDER                 review   review_first_order and is_first_order
UNUSUAL_ORDER_SIZE          review   multiple k set, median_order_amount > 0 and order > k × median
LATE_PAYMENT_HISTORY        review   review_late_share_above set and late_invoice_share > it
BROKEN_PROMISES             review   review_broken_promises_above = N set and promises_broken −
                                     promises_kept > N (each kept promise offsets a broken one)
NEW_ACCOUNT                 review   min_account_age_days set and account_age_days < it, or the
                                     account age is unknown (None): unknown is treated as new
HIGH_UTILISATION            approve  within the limit and utilisation after the order
                                     > utilisation_warning_pct (informative)
WITHIN_LIMIT                approve  exposure + order <= limit
=========================== ======== ============================================================

Exactly one of NO_LIMIT_FOR_CURRENCY / OVER_LIMIT / OVER_LIMIT_WITHIN_TOLERANCE / WITHIN_LIMIT is
always present, so a decision always has at least one reason.

Buyer messages are short and polite and show no internal figure except the buyer's own available
credit (OVER_LIMIT*). Merchant messages carry exact figures. The engine writes no text: `params`
holds amounts quantized half-up to the currency's minor unit (Decimal, with `currency`),
percentages and multiples rounded half-up to one decimal (Decimal), days and counts (int); texts.py
formats them (babel) only when a sentence is read, so the hot path never formats money.

Score (0..1000, higher = safer)
-------------------------------
A risk score for ranking and dashboards; it does not change the outcome (policies do, through
reasons). It is 1000 minus four penalties whose maxima add up to exactly 1000; every penalty is
floored to an integer, so the score is an exact integer function of the snapshot:

* utilisation (max 350): 3.5 points per percent of the limit used *after* this order, capped at
  100 %; 350 when there is no positive limit.
* overdue (max 250): 4 points per day of `max_days_past_due` (cap 200) + 1 point per percent of
  the limit that is overdue (cap 50; 50 if anything is overdue and there is no positive limit).
* payment history (max 250): `late_invoice_share` × 150 (75 if unknown) + 5 points per average
  day beyond terms (cap 100, 0 when paid on time or early, 50 if unknown).
* account age (max 150): 150 × (365 − age) / 365 for accounts younger than a year (150 if
  unknown), 0 from one year on.

Each penalty is non-decreasing in exposure, order amount, overdue amount and days past due, so more
exposure or more overdue never raises the score. `avg_days_to_pay`, status, channel, role and
first-order flag are not scored (they depend on terms or are gates, handled as reasons).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ..core.money import InvalidMoney, currency_exponent, currency_validate
from .errors import InvalidCreditSnapshot, InvalidPolicy

__all__ = [
    "COMPANY_STATUSES",
    "MEMBER_ROLES",
    "CreditPolicy",
    "CreditSnapshot",
    "Decision",
    "Outcome",
    "Reason",
    "ReasonCode",
    "available_credit",
    "decide",
    "score",
    "utilisation_after",
]


class Outcome(StrEnum):
    APPROVE = "approve"
    REVIEW = "review"
    DECLINE = "decline"

    @property
    def severity(self) -> int:
        """0 approve, 1 review, 2 decline: compare outcomes by this, never by their strings."""
        return _SEVERITY[self]


_SEVERITY: dict[Outcome, int] = {Outcome.APPROVE: 0, Outcome.REVIEW: 1, Outcome.DECLINE: 2}


class ReasonCode(StrEnum):
    """Stable reason codes. Stored, shown to merchants, used by integrations: never rename."""

    COMPANY_ON_HOLD = "COMPANY_ON_HOLD"
    DUNNING_HOLD = "DUNNING_HOLD"
    COMPANY_SUSPENDED = "COMPANY_SUSPENDED"
    COMPANY_CLOSED = "COMPANY_CLOSED"
    CHANNEL_NOT_ALLOWED = "CHANNEL_NOT_ALLOWED"
    NO_LIMIT_FOR_CURRENCY = "NO_LIMIT_FOR_CURRENCY"
    OVER_LIMIT = "OVER_LIMIT"
    OVER_LIMIT_WITHIN_TOLERANCE = "OVER_LIMIT_WITHIN_TOLERANCE"
    OVERDUE_AUTO_HOLD = "OVERDUE_AUTO_HOLD"
    OVERDUE_INVOICES = "OVERDUE_INVOICES"
    OVER_SPENDING_LIMIT = "OVER_SPENDING_LIMIT"
    FIRST_ORDER = "FIRST_ORDER"
    UNUSUAL_ORDER_SIZE = "UNUSUAL_ORDER_SIZE"
    LATE_PAYMENT_HISTORY = "LATE_PAYMENT_HISTORY"
    BROKEN_PROMISES = "BROKEN_PROMISES"
    NEW_ACCOUNT = "NEW_ACCOUNT"
    HIGH_UTILISATION = "HIGH_UTILISATION"
    WITHIN_LIMIT = "WITHIN_LIMIT"


COMPANY_STATUSES = frozenset({"active", "on_hold", "suspended", "closed"})
MEMBER_ROLES = frozenset({"buyer", "approver", "admin"})


@dataclass(frozen=True, slots=True)
class Reason:
    """One explainable cause of a decision.

    `effect` is the outcome this reason pushes toward (APPROVE for informative reasons). `params` are
    the figures behind it (see the module docstring for their kinds); decisions/texts.py writes the
    buyer and merchant sentences from `code` and `params`. Never mutate `params`."""

    code: str
    effect: Outcome
    params: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer. `reasons` is never empty and is ordered most severe first."""

    outcome: Outcome
    score: int
    reasons: tuple[Reason, ...]
    policy_name: str = ""

    @property
    def primary(self) -> Reason:
        """The reason to show the buyer: the first, most severe one."""
        return self.reasons[0]

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order (for storage, logs and tests)."""
        return tuple(reason.code for reason in self.reasons)


# --- validation helpers (run once per snapshot / policy construction, not in `decide`) --------


def _check_decimal(error: type, owner: object, field: str, *, minimum: Decimal | None = None,
                   strictly_above: Decimal | None = None, maximum: Decimal | None = None,
                   optional: bool = False) -> None:
    value = getattr(owner, field)
    if value is None:
        if optional:
            return
        raise error(field, "is required")
    if not isinstance(value, Decimal):
        raise error(field, f"must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise error(field, "must be a finite number")
    if minimum is not None and value < minimum:
        raise error(field, f"must be at least {minimum}")
    if strictly_above is not None and value <= strictly_above:
        raise error(field, f"must be greater than {strictly_above}")
    if maximum is not None and value > maximum:
        raise error(field, f"must be at most {maximum}")


def _check_int(error: type, owner: object, field: str, *, minimum: int = 0,
               optional: bool = False) -> None:
    value = getattr(owner, field)
    if value is None:
        if optional:
            return
        raise error(field, "is required")
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(field, f"must be a whole number, not {type(value).__name__}")
    if value < minimum:
        raise error(field, f"must be at least {minimum}")


def _check_bool(error: type, owner: object, field: str) -> None:
    if not isinstance(getattr(owner, field), bool):
        raise error(field, "must be true or false")


_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class CreditSnapshot:
    """Everything the engine knows about one order of one company, in one currency.

    Amounts are Decimals in `currency` (quantized by the caller). Validated on construction
    (`InvalidCreditSnapshot`, an app fault): a snapshot that exists is one the engine can decide.
    `exposure` is open receivables + active holds *before* this order and is never negative.
    """

    currency: str
    order_amount: Decimal
    company_status: str
    limit: Decimal | None
    exposure: Decimal
    channel_allowed: bool = True
    overdue_amount: Decimal = Decimal(0)
    max_days_past_due: int = 0
    avg_days_to_pay: Decimal | None = None
    avg_days_beyond_terms: Decimal | None = None
    late_invoice_share: Decimal | None = None
    account_age_days: int | None = None
    is_first_order: bool = False
    median_order_amount: Decimal | None = None
    member_role: str = "buyer"
    member_spending_limit: Decimal | None = None
    account_hold: str | None = None
    account_hold_message: str = ""
    promises_kept: int = 0
    promises_broken: int = 0

    def __post_init__(self) -> None:
        err = InvalidCreditSnapshot
        if not isinstance(self.currency, str) or len(self.currency) != 3:
            raise err("currency", "must be an ISO 4217 code")
        try:
            known = currency_validate(self.currency)
        except InvalidMoney:  # re-raised below under this snapshot's own code
            known = None
        if known != self.currency:
            raise err("currency", "must be an upper-case ISO 4217 code")
        _check_decimal(err, self, "order_amount", strictly_above=_ZERO)
        if self.company_status not in COMPANY_STATUSES:
            raise err("company_status", f"must be one of {sorted(COMPANY_STATUSES)}")
        _check_decimal(err, self, "limit", minimum=_ZERO, optional=True)
        _check_decimal(err, self, "exposure", minimum=_ZERO)
        _check_bool(err, self, "channel_allowed")
        _check_decimal(err, self, "overdue_amount", minimum=_ZERO)
        _check_int(err, self, "max_days_past_due")
        _check_decimal(err, self, "avg_days_to_pay", minimum=_ZERO, optional=True)
        _check_decimal(err, self, "avg_days_beyond_terms", optional=True)
        _check_decimal(err, self, "late_invoice_share", minimum=_ZERO, maximum=_ONE, optional=True)
        _check_int(err, self, "account_age_days", optional=True)
        _check_bool(err, self, "is_first_order")
        _check_decimal(err, self, "median_order_amount", minimum=_ZERO, optional=True)
        if self.member_role not in MEMBER_ROLES:
            raise err("member_role", f"must be one of {sorted(MEMBER_ROLES)}")
        _check_decimal(err, self, "member_spending_limit", minimum=_ZERO, optional=True)
        if self.account_hold not in (None, "decline", "review"):
            raise err("account_hold", "must be null, decline or review")
        if not isinstance(self.account_hold_message, str):
            raise err("account_hold_message", "must be a text")
        _check_int(err, self, "promises_kept")
        _check_int(err, self, "promises_broken")


@dataclass(frozen=True, slots=True)
class CreditPolicy:
    """The rules a merchant sets per channel and credit tier (see `tiers.py` for the built-ins).

    Validated on construction (`InvalidPolicy`). `CreditPolicy()` is the bare limit-only policy:
    no overdue, first-order, size, history or age rules; the built-in tiers are stricter.
    """

    name: str = "Standard"
    tolerance_over_limit_pct: Decimal = Decimal(0)
    utilisation_warning_pct: Decimal = Decimal(80)
    auto_hold_days_overdue: int | None = None
    review_days_overdue: int | None = None
    review_first_order: bool = False
    review_order_over_median_multiple: Decimal | None = None
    review_late_share_above: Decimal | None = None
    min_account_age_days: int | None = None
    review_broken_promises_above: int | None = None

    def __post_init__(self) -> None:
        err = InvalidPolicy
        if not isinstance(self.name, str) or not self.name.strip():
            raise err("name", "must be a non-empty text")
        if len(self.name) > 64:
            raise err("name", "must be at most 64 characters")
        _check_decimal(err, self, "tolerance_over_limit_pct", minimum=_ZERO, maximum=_HUNDRED)
        _check_decimal(err, self, "utilisation_warning_pct", minimum=_ZERO, maximum=_HUNDRED)
        _check_int(err, self, "auto_hold_days_overdue", optional=True)
        _check_int(err, self, "review_days_overdue", optional=True)
        if (self.auto_hold_days_overdue is not None and self.review_days_overdue is not None
                and self.review_days_overdue > self.auto_hold_days_overdue):
            raise err("review_days_overdue", "must not exceed auto_hold_days_overdue")
        _check_bool(err, self, "review_first_order")
        _check_decimal(err, self, "review_order_over_median_multiple", minimum=_ONE,
                       maximum=Decimal(1000), optional=True)
        _check_decimal(err, self, "review_late_share_above", minimum=_ZERO, maximum=_ONE,
                       optional=True)
        _check_int(err, self, "min_account_age_days", optional=True)
        _check_int(err, self, "review_broken_promises_above", optional=True)


_DEFAULT_POLICY = CreditPolicy()


# --- figures ----------------------------------------------------------------------------------


def available_credit(snapshot: CreditSnapshot) -> Decimal | None:
    """Credit left before this order: `limit − exposure`, never below zero.

    None when the company has no credit limit in the snapshot's currency."""
    if snapshot.limit is None:
        return None
    available = snapshot.limit - snapshot.exposure
    return available if available > _ZERO else _ZERO * snapshot.limit  # keeps the exponent


def utilisation_after(snapshot: CreditSnapshot) -> Decimal | None:
    """Percent of the limit used if this order is accepted: (exposure + order) × 100 / limit.

    Unrounded (Decimal context precision); may exceed 100. None when there is no positive limit
    (no limit in this currency, or a zero limit, where any order is over the limit)."""
    limit = snapshot.limit
    if limit is None or limit <= _ZERO:
        return None
    return (snapshot.exposure + snapshot.order_amount) * _HUNDRED / limit


def _amount(value: Decimal, currency: str) -> Decimal:
    """Quantized half-up to the currency's minor unit (the figure a text shows)."""
    return value.quantize(currency_exponent(currency), rounding=ROUND_HALF_UP)


_TENTH = Decimal("0.1")


def _tenth(value: Decimal) -> Decimal:
    """A percentage or multiple rounded half-up to one decimal."""
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


# --- score --------------------------------------------------------------------------------------

_UNKNOWN_LATE_SHARE_PENALTY = 75
_UNKNOWN_BEYOND_TERMS_PENALTY = 50


def score(snapshot: CreditSnapshot) -> int:
    """The 0..1000 risk score (higher = safer); see the module docstring for the formula."""
    limit = snapshot.limit
    has_limit = limit is not None and limit > _ZERO

    # utilisation after the order: 3.5 points per percent, max 350
    if has_limit:
        used = snapshot.exposure + snapshot.order_amount
        penalty = 350 if used >= limit else int(used * 350 / limit)
    else:
        penalty = 350

    # overdue: 4 points per day past due (max 200) + 1 per percent of the limit overdue (max 50)
    days = snapshot.max_days_past_due
    penalty += 200 if days >= 50 else 4 * days
    overdue = snapshot.overdue_amount
    if overdue > _ZERO:
        if has_limit and overdue * 2 < limit:
            penalty += int(overdue * 100 / limit)
        else:
            penalty += 50

    # payment history: late share (max 150) + days beyond terms (max 100)
    share = snapshot.late_invoice_share
    penalty += _UNKNOWN_LATE_SHARE_PENALTY if share is None else int(share * 150)
    beyond = snapshot.avg_days_beyond_terms
    if beyond is None:
        penalty += _UNKNOWN_BEYOND_TERMS_PENALTY
    elif beyond > _ZERO:
        penalty += 100 if beyond >= 20 else int(beyond * 5)

    # account age: linear from 150 (new) to 0 (one year or older)
    age = snapshot.account_age_days
    if age is None:
        penalty += 150
    elif age < 365:
        penalty += 150 * (365 - age) // 365

    return 1000 - penalty if penalty < 1000 else 0


# --- rules --------------------------------------------------------------------------------------


def _status_reason(status: str) -> Reason | None:
    if status == "active":
        return None
    return _STATUS_REASONS[status]


_STATUS_REASONS: dict[str, Reason] = {
    "on_hold": Reason(code=ReasonCode.COMPANY_ON_HOLD, effect=Outcome.DECLINE),
    "suspended": Reason(code=ReasonCode.COMPANY_SUSPENDED, effect=Outcome.DECLINE),
    "closed": Reason(code=ReasonCode.COMPANY_CLOSED, effect=Outcome.DECLINE),
}

_CHANNEL_NOT_ALLOWED = Reason(code=ReasonCode.CHANNEL_NOT_ALLOWED, effect=Outcome.DECLINE)

_FIRST_ORDER = Reason(code=ReasonCode.FIRST_ORDER, effect=Outcome.REVIEW)


def _limit_reasons(s: CreditSnapshot, policy: CreditPolicy) -> tuple[Reason, Reason | None]:
    """The limit reason (always exactly one) and the optional HIGH_UTILISATION reason."""
    cur = s.currency
    limit = s.limit
    if limit is None:
        return Reason(code=ReasonCode.NO_LIMIT_FOR_CURRENCY, effect=Outcome.DECLINE,
                      params={"currency": cur}), None

    used = s.exposure + s.order_amount
    if used <= limit:
        warning = None
        warn_pct = policy.utilisation_warning_pct
        if limit > _ZERO and used * _HUNDRED > warn_pct * limit:
            warning = Reason(code=ReasonCode.HIGH_UTILISATION, effect=Outcome.APPROVE, params={
                "currency": cur, "utilisation_pct": _tenth(used * _HUNDRED / limit),
                "limit": _amount(limit, cur), "warning_pct": _tenth(warn_pct)})
        return Reason(code=ReasonCode.WITHIN_LIMIT, effect=Outcome.APPROVE, params={
            "currency": cur, "order": _amount(s.order_amount, cur),
            "available": _amount(limit - s.exposure, cur), "limit": _amount(limit, cur),
            "exposure": _amount(s.exposure, cur)}), warning

    figures = {
        "currency": cur, "available": _amount(available_credit(s), cur),  # type: ignore[arg-type]
        "limit": _amount(limit, cur), "exposure": _amount(s.exposure, cur),
        "order": _amount(s.order_amount, cur), "shortfall": _amount(used - limit, cur),
    }
    tolerance = policy.tolerance_over_limit_pct
    if tolerance > _ZERO and used * _HUNDRED <= limit * (_HUNDRED + tolerance):
        return Reason(code=ReasonCode.OVER_LIMIT_WITHIN_TOLERANCE, effect=Outcome.REVIEW,
                      params={**figures, "tolerance_pct": _tenth(tolerance)}), None
    return Reason(code=ReasonCode.OVER_LIMIT, effect=Outcome.DECLINE, params=figures), None


def _overdue_figures(s: CreditSnapshot) -> dict:
    return {"currency": s.currency, "overdue": _amount(s.overdue_amount, s.currency),
            "days_past_due": s.max_days_past_due}


def _overdue_reason(s: CreditSnapshot, policy: CreditPolicy) -> Reason | None:
    days = s.max_days_past_due
    hold_after = policy.auto_hold_days_overdue
    if hold_after is not None and days > hold_after:
        return Reason(code=ReasonCode.OVERDUE_AUTO_HOLD, effect=Outcome.DECLINE,
                      params={**_overdue_figures(s), "threshold_days": hold_after})
    review_after = policy.review_days_overdue
    if review_after is not None and (
        days > review_after or (review_after == 0 and s.overdue_amount > _ZERO)
    ):
        return Reason(code=ReasonCode.OVERDUE_INVOICES, effect=Outcome.REVIEW,
                      params={**_overdue_figures(s), "threshold_days": review_after})
    return None


def _dunning_hold_reason(s: CreditSnapshot) -> Reason | None:
    if s.account_hold is None:
        return None
    decline = s.account_hold == "decline"
    return Reason(code=ReasonCode.DUNNING_HOLD, effect=Outcome.DECLINE if decline else Outcome.REVIEW,
                  params={"mode": s.account_hold, "hold_message": s.account_hold_message})


def _spending_reason(s: CreditSnapshot) -> Reason | None:
    member_limit = s.member_spending_limit
    if member_limit is None or s.member_role == "admin" or s.order_amount <= member_limit:
        return None
    return Reason(code=ReasonCode.OVER_SPENDING_LIMIT, effect=Outcome.REVIEW, params={
        "currency": s.currency, "order": _amount(s.order_amount, s.currency),
        "spending_limit": _amount(member_limit, s.currency), "role": s.member_role})


def _size_reason(s: CreditSnapshot, policy: CreditPolicy) -> Reason | None:
    multiple = policy.review_order_over_median_multiple
    median = s.median_order_amount
    if multiple is None or median is None or median <= _ZERO:
        return None
    if s.order_amount <= multiple * median:
        return None
    return Reason(code=ReasonCode.UNUSUAL_ORDER_SIZE, effect=Outcome.REVIEW, params={
        "currency": s.currency, "order": _amount(s.order_amount, s.currency),
        "multiple": _tenth(s.order_amount / median), "median": _amount(median, s.currency),
        "threshold_multiple": _tenth(multiple)})


def _history_reason(s: CreditSnapshot, policy: CreditPolicy) -> Reason | None:
    threshold = policy.review_late_share_above
    share = s.late_invoice_share
    if threshold is None or share is None or share <= threshold:
        return None
    beyond = s.avg_days_beyond_terms
    return Reason(code=ReasonCode.LATE_PAYMENT_HISTORY, effect=Outcome.REVIEW, params={
        "late_pct": _tenth(share * _HUNDRED), "threshold_pct": _tenth(threshold * _HUNDRED),
        "days_beyond_terms": None if beyond is None else _tenth(beyond)})


def _promises_reason(s: CreditSnapshot, policy: CreditPolicy) -> Reason | None:
    threshold = policy.review_broken_promises_above
    net = s.promises_broken - s.promises_kept
    if threshold is None or net <= threshold:
        return None
    return Reason(code=ReasonCode.BROKEN_PROMISES, effect=Outcome.REVIEW, params={
        "broken": s.promises_broken, "kept": s.promises_kept, "net": net, "threshold": threshold})


def _age_reason(s: CreditSnapshot, policy: CreditPolicy) -> Reason | None:
    minimum = policy.min_account_age_days
    age = s.account_age_days
    if minimum is None or (age is not None and age >= minimum):
        return None
    return Reason(code=ReasonCode.NEW_ACCOUNT, effect=Outcome.REVIEW,
                  params={"age_days": age, "minimum_days": minimum})


def decide(snapshot: CreditSnapshot, policy: CreditPolicy = _DEFAULT_POLICY) -> Decision:
    """Decide one net-terms order. Pure and deterministic; see the module docstring."""
    s = snapshot
    declines: list[Reason] = []
    reviews: list[Reason] = []

    status = _status_reason(s.company_status)
    if status is not None:
        declines.append(status)
    hold = _dunning_hold_reason(s)
    if hold is not None:
        (declines if hold.effect is Outcome.DECLINE else reviews).append(hold)
    if not s.channel_allowed:
        declines.append(_CHANNEL_NOT_ALLOWED)

    limit_reason, warning = _limit_reasons(s, policy)
    if limit_reason.effect is Outcome.DECLINE:
        declines.append(limit_reason)
    elif limit_reason.effect is Outcome.REVIEW:
        reviews.append(limit_reason)

    overdue = _overdue_reason(s, policy)
    if overdue is not None:
        (declines if overdue.effect is Outcome.DECLINE else reviews).append(overdue)

    for reason in (
        _spending_reason(s),
        _FIRST_ORDER if policy.review_first_order and s.is_first_order else None,
        _size_reason(s, policy),
        _history_reason(s, policy),
        _promises_reason(s, policy),
        _age_reason(s, policy),
    ):
        if reason is not None:
            reviews.append(reason)

    approves: list[Reason] = []
    if warning is not None:
        approves.append(warning)
    if limit_reason.effect is Outcome.APPROVE:
        approves.append(limit_reason)

    if declines:
        outcome = Outcome.DECLINE
    elif reviews:
        outcome = Outcome.REVIEW
    else:
        outcome = Outcome.APPROVE
    return Decision(
        outcome=outcome,
        score=score(s),
        reasons=(*declines, *reviews, *approves),
        policy_name=policy.name,
    )
