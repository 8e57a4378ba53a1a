"""Replaying snapshots under the current and a proposed policy."""
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from saleor_netterms.decisions.engine import CreditPolicy, Outcome
from saleor_netterms.decisions.simulation import simulate

from .builders import policies, snapshot, snapshots

D = Decimal
A, R, X = Outcome.APPROVE, Outcome.REVIEW, Outcome.DECLINE


def _history():
    return [
        snapshot(),                                                    # 0 approve → approve
        snapshot(is_first_order=True),                                 # 1 approve → review
        snapshot(exposure=D("9000.00"), order_amount=D("1250.00")),    # 2 decline → review
        snapshot(company_status="on_hold"),                            # 3 decline → decline
        snapshot(late_invoice_share=D("0.35")),                        # 4 approve → review
    ]


def test_simulate_counts_transitions_and_lists_changed_orders():
    # given
    current = CreditPolicy()
    proposed = CreditPolicy(
        name="Proposed",
        tolerance_over_limit_pct=D(5),
        review_first_order=True,
        review_late_share_above=D("0.30"),
    )

    # when
    report = simulate(iter(_history()), current, proposed)

    # then
    assert report.total == 5
    assert dict(report.transitions) == {
        (A, A): 1, (A, R): 2, (A, X): 0,
        (R, A): 0, (R, R): 0, (R, X): 0,
        (X, A): 0, (X, R): 1, (X, X): 1,
    }
    assert [
        (c.index, c.old, c.new, c.primary.code, c.old_primary.code) for c in report.changed
    ] == [
        (1, A, R, "FIRST_ORDER", "WITHIN_LIMIT"),
        (2, X, R, "OVER_LIMIT_WITHIN_TOLERANCE", "OVER_LIMIT"),
        (4, A, R, "LATE_PAYMENT_HISTORY", "WITHIN_LIMIT"),
    ]
    assert (report.tightened, report.loosened) == (2, 1)
    assert report.as_dict()["transitions"]["decline->review"] == 1
    assert report.as_dict()["changed"][1] == {
        "index": 2,
        "old": "decline",
        "new": "review",
        "reason": "OVER_LIMIT_WITHIN_TOLERANCE",
        "message": "Over the credit limit within the 5% tolerance: limit $10,000.00, "
                   "exposure $9,000.00, order $1,250.00, shortfall $250.00.",
    }


def test_simulate_of_nothing_reports_zero_everywhere():
    # when
    report = simulate([], CreditPolicy(), CreditPolicy(review_first_order=True))

    # then
    assert report.total == 0
    assert set(report.transitions.values()) == {0}
    assert len(report.transitions) == 9
    assert report.changed == ()


@given(items=st.lists(snapshots, max_size=20), policy=policies)
def test_simulating_a_policy_against_itself_changes_nothing(items, policy):
    # when
    report = simulate(items, policy, policy)

    # then
    assert report.changed == ()
    assert sum(report.transitions.values()) == len(items)
    assert all(n == 0 for (old, new), n in report.transitions.items() if old is not new)
