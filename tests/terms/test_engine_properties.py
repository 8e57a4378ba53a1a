"""Property tests of the engine (hypothesis): exact splits, no due date before issue, discount
deadline before the due date, late fees capped and monotone, lossless serialization."""

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_netterms.core.money import Money, currency_exponent
from saleor_netterms.terms.errors import InvalidTerms
from saleor_netterms.terms.engine import (
    DayOfMonth,
    Deposit,
    DiscountRule,
    DueOnFulfilment,
    DueOnReceipt,
    EndOfMonth,
    EndOfMonthOnDay,
    FixedDate,
    Instalment,
    Instalments,
    LateFeeRule,
    NetDays,
    PaymentTerms,
    late_fee_cap,
    late_fee_compute,
    schedule_compute,
    terms_from_dict,
    terms_to_dict,
)

FAST = settings(max_examples=100, deadline=None)

CURRENCIES = st.sampled_from(["USD", "EUR", "JPY", "BHD", "KWD"])
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
DAYS = st.integers(min_value=0, max_value=400)

DUE_RULES = st.one_of(
    st.builds(NetDays, DAYS),
    st.builds(EndOfMonth, DAYS),
    st.builds(EndOfMonthOnDay, DAYS, st.integers(1, 31)),
    st.just(DueOnReceipt()),
    st.builds(DueOnFulfilment, DAYS),
    st.builds(DayOfMonth, st.integers(1, 31), DAYS),
    st.builds(FixedDate, DATES),
)


@st.composite
def money(draw, currency=None):
    code = currency or draw(CURRENCIES)
    minor = draw(st.integers(min_value=0, max_value=10**12))
    return Money(Decimal(minor) * currency_exponent(code), code)


@st.composite
def basis_point_shares(draw, count):
    """`count` positive percentages with two decimals summing to exactly 100."""
    cuts = sorted(draw(st.sets(st.integers(1, 9999), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10000]
    return [Decimal(hi - lo) / 100 for lo, hi in zip(bounds, bounds[1:], strict=False)]


@st.composite
def instalments(draw):
    count = draw(st.integers(2, 8))
    shares = draw(basis_point_shares(count))
    return Instalments(tuple(Instalment(share, draw(DUE_RULES)) for share in shares))


DEPOSITS = st.builds(Deposit, st.integers(1, 9999).map(lambda bp: Decimal(bp) / 100), DUE_RULES)
PERCENTS = st.integers(1, 9999).map(lambda bp: Decimal(bp) / 100)  # 0.01 .. 99.99


def _shares(terms) -> list[Fraction]:
    plan = terms.plan
    if isinstance(plan, Instalments):
        return [Fraction(p.percent) / 100 for p in plan.parts]
    if isinstance(plan, Deposit):
        return [Fraction(plan.percent) / 100, 1 - Fraction(plan.percent) / 100]
    return [Fraction(1)]


@st.composite
def payment_terms(draw):
    plan = draw(st.one_of(DUE_RULES, instalments(), DEPOSITS))
    discount = None
    earliest = {NetDays: "days", EndOfMonth: "days", DayOfMonth: "min_days"}.get(type(plan))
    if earliest is not None and getattr(plan, earliest) > 0 and draw(st.booleans()):
        discount = DiscountRule(draw(PERCENTS), draw(st.integers(0, getattr(plan, earliest) - 1)))
    elif isinstance(plan, EndOfMonthOnDay) and draw(st.booleans()):
        discount = DiscountRule(draw(PERCENTS), draw(st.integers(0, plan.days)))
    return PaymentTerms(plan=plan, discount=discount)


@st.composite
def late_fee_rules(draw, currency):
    period = draw(st.sampled_from(["once", "day", "month"]))
    flat = draw(st.booleans())
    cap_amount = draw(st.none() | money(currency).filter(lambda m: m.amount > 0))
    return LateFeeRule(
        period=period,
        percent=None if flat else draw(st.integers(1, 10000).map(lambda bp: Decimal(bp) / 100)),
        amount=draw(money(currency).filter(lambda m: m.amount > 0)) if flat else None,
        grace_days=draw(st.integers(0, 60)),
        cap_amount=cap_amount,
        cap_percent=draw(st.none() | st.integers(1, 10000).map(lambda bp: Decimal(bp) / 100)),
    )


@FAST
@given(
    terms=payment_terms(),
    total=money(),
    issue_date=DATES,
    fulfilment_offset=st.none() | st.integers(-60, 400),
)
def test_schedule_parts_sum_exactly_and_nothing_is_due_before_issue(
    terms, total, issue_date, fulfilment_offset
):
    # given
    fulfilment_date = (
        None if fulfilment_offset is None else issue_date + timedelta(days=fulfilment_offset)
    )

    # when
    try:
        schedule = schedule_compute(
            terms=terms, total=total, issue_date=issue_date, fulfilment_date=fulfilment_date
        )
    except InvalidTerms as refused:
        # then: only a split with a part of zero is refused
        assert refused.reason == "SPLIT_TOO_SMALL"
        unit = currency_exponent(total.currency)
        shares = _shares(terms)
        assert total.amount > 0 and min(share * Fraction(total.amount / unit) for share in shares) < 1
        return

    # then
    assert sum((p.amount.amount for p in schedule.parts), Decimal(0)) == total.amount
    if total.amount > 0:
        assert all(p.amount.amount > 0 for p in schedule.parts)  # never a payment of nothing
    unit = Fraction(currency_exponent(total.currency))
    for part, share in zip(schedule.parts, _shares(terms), strict=True):  # largest remainder
        assert abs(Fraction(part.amount.amount) - share * Fraction(total.amount)) < unit
    assert all(p.amount.currency == total.currency and p.amount.amount >= 0 for p in schedule.parts)
    assert all(
        p.amount.amount == p.amount.amount.quantize(currency_exponent(total.currency))
        for p in schedule.parts
    )
    assert all(p.due_date >= issue_date for p in schedule.parts if p.due_date is not None)
    assert all((p.due_date is None) == (p.pending == "fulfilment") for p in schedule.parts)
    if schedule.final_due_date is not None:
        assert schedule.final_due_date == max(p.due_date for p in schedule.parts)


@FAST
@given(
    terms=payment_terms().filter(lambda t: t.discount is not None), total=money(), issue_date=DATES
)
def test_discount_deadline_precedes_the_final_due_date(terms, total, issue_date):
    # given terms with an early-payment discount
    # when
    schedule = schedule_compute(terms=terms, total=total, issue_date=issue_date)

    # then
    assert schedule.discount.deadline < schedule.final_due_date
    assert Decimal(0) <= schedule.discount.amount.amount <= total.amount
    assert (
        schedule.discount.discounted_total.amount == total.amount - schedule.discount.amount.amount
    )


@FAST
@given(
    data=st.data(),
    currency=CURRENCIES,
    due_date=DATES,
    first=st.integers(-30, 800),
    later=st.integers(0, 800),
)
def test_late_fees_are_capped_and_monotone_in_as_of(data, currency, due_date, first, later):
    # given a late fee rule, a principal and a fee already charged within the cap
    rule = data.draw(late_fee_rules(currency))
    terms = PaymentTerms(plan=NetDays(30), late_fee=rule)
    principal = data.draw(money(currency))
    cap = late_fee_cap(rule=rule, principal=principal)
    max_charged = cap.amount if cap is not None else Decimal(10**6)
    charged_minor = data.draw(st.integers(0, int(max_charged / currency_exponent(currency))))
    already_charged = Money(Decimal(charged_minor) * currency_exponent(currency), currency)
    as_of = due_date + timedelta(days=first)

    # when
    fee = late_fee_compute(
        terms=terms,
        principal=principal,
        due_date=due_date,
        as_of=as_of,
        already_charged=already_charged,
    )
    fee_later = late_fee_compute(
        terms=terms,
        principal=principal,
        due_date=due_date,
        as_of=as_of + timedelta(days=later),
        already_charged=already_charged,
    )

    # then
    assert Decimal(0) <= fee.amount <= fee_later.amount
    if cap is not None:
        assert already_charged.amount + fee_later.amount <= cap.amount or fee_later.amount == 0
    if first <= rule.grace_days:
        assert fee.amount == 0


@FAST
@given(terms=payment_terms())
def test_terms_serialization_is_lossless(terms):
    # given terms
    # when
    data = json.loads(json.dumps(terms_to_dict(terms)))

    # then
    assert terms_from_dict(data) == terms
