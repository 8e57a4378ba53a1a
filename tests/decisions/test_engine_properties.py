"""Properties of the engine over generated snapshots and policies (hypothesis)."""
import json
import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_netterms.decisions.engine import (
    CreditPolicy,
    Outcome,
    ReasonCode,
    available_credit,
    decide,
)
from saleor_netterms.core.formatting import money_text
from saleor_netterms.decisions.tiers import TIERS, policy_from_dict, policy_to_dict

from .builders import buyer, cents, policies, snapshots

LIMIT_CODES = {
    ReasonCode.NO_LIMIT_FOR_CURRENCY,
    ReasonCode.OVER_LIMIT,
    ReasonCode.OVER_LIMIT_WITHIN_TOLERANCE,
    ReasonCode.WITHIN_LIMIT,
}
any_policy = policies | st.sampled_from([CreditPolicy()] + [t.policy for t in TIERS.values()])


def _not_better(before, after) -> bool:
    return after.outcome.severity >= before.outcome.severity and after.score <= before.score


@settings(max_examples=300)
@given(credit=snapshots, policy=any_policy, more=cents(1, 5_000_000))
def test_more_exposure_never_improves_the_decision(credit, policy, more):
    # given
    before = decide(credit, policy)

    # when
    after = decide(replace(credit, exposure=credit.exposure + more), policy)

    # then
    assert _not_better(before, after)


@settings(max_examples=300)
@given(credit=snapshots, policy=any_policy, more=cents(1, 5_000_000))
def test_a_larger_order_never_improves_the_decision(credit, policy, more):
    # given
    before = decide(credit, policy)

    # when
    after = decide(replace(credit, order_amount=credit.order_amount + more), policy)

    # then
    assert _not_better(before, after)


@settings(max_examples=300)
@given(credit=snapshots, policy=any_policy, more_days=st.integers(1, 60))
def test_more_days_past_due_never_improve_the_decision(credit, policy, more_days):
    # given
    before = decide(credit, policy)

    # when
    after = decide(replace(credit, max_days_past_due=credit.max_days_past_due + more_days), policy)

    # then
    assert _not_better(before, after)


@settings(max_examples=300)
@given(credit=snapshots, policy=any_policy, more=cents(1, 500_000))
def test_more_overdue_amount_never_improves_the_decision(credit, policy, more):
    # given
    before = decide(credit, policy)

    # when
    after = decide(replace(credit, overdue_amount=credit.overdue_amount + more), policy)

    # then
    assert _not_better(before, after)


@given(credit=snapshots, policy=any_policy)
def test_decide_is_deterministic(credit, policy):
    # when
    first = decide(credit, policy)
    second = decide(replace(credit), replace(policy))

    # then
    assert first == second
    assert hash(first) == hash(second)


@settings(max_examples=300)
@given(credit=snapshots, policy=any_policy)
def test_outcome_is_the_most_severe_reason_effect(credit, policy):
    # when
    decision = decide(credit, policy)

    # then
    severities = [reason.effect.severity for reason in decision.reasons]
    assert decision.outcome.severity == max(severities)
    assert severities == sorted(severities, reverse=True)
    assert decision.primary is decision.reasons[0]
    assert len(LIMIT_CODES.intersection(decision.codes)) == 1
    assert len(set(decision.codes)) == len(decision.codes)
    assert 0 <= decision.score <= 1000
    assert decision.outcome in (Outcome.APPROVE, Outcome.REVIEW, Outcome.DECLINE)


@settings(max_examples=300)
@given(credit=snapshots, policy=any_policy)
def test_buyer_messages_show_no_figure_but_the_buyers_available_credit(credit, policy):
    # given
    available = available_credit(credit)
    own_figure = "" if available is None else money_text(available, credit.currency, "en_US")

    # when
    decision = decide(credit, policy)

    # then
    for reason in decision.reasons:
        text = buyer(reason).replace(own_figure, "") if own_figure else buyer(reason)
        assert not re.search(r"[0-9]", text), buyer(reason)


@given(policy=any_policy)
def test_policy_round_trips_through_a_json_dict(policy):
    # when
    stored = json.dumps(policy_to_dict(policy))
    loaded = policy_from_dict(json.loads(stored))

    # then
    assert loaded == policy
    assert policy_to_dict(loaded) == policy_to_dict(policy)


@settings(max_examples=50)
@given(credit=snapshots, policy=any_policy)
def test_decisions_along_a_sweep_of_days_past_due_only_get_worse(credit, policy):
    # when
    decisions = [decide(replace(credit, max_days_past_due=days), policy) for days in range(131)]

    # then
    severities = [decision.outcome.severity for decision in decisions]
    scores = [decision.score for decision in decisions]
    assert severities == sorted(severities)
    assert scores == sorted(scores, reverse=True)
