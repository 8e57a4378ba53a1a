"""Every checkout decision is stored with its full snapshot, policy version, outcome, score and
reasons, audited once; replays write nothing more. Simulation replays stored records exactly."""
from decimal import Decimal

import pytest

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.decisions.engine import CreditPolicy, Outcome
from saleor_netterms.decisions.errors import DecisionsInputError
from saleor_netterms.decisions.models import DecisionRecord
from saleor_netterms.decisions.services import company_tier_set, policy_save, policy_simulate
from saleor_netterms.decisions.tiers import STANDARD, STARTER, policy_to_dict

from .conftest import authorize, record_seed, snapshot


@pytest.mark.django_db
def test_checkout_stores_the_decision_with_its_snapshot_and_policy_version(buyer, credit_installation):
    # given
    version = policy_save(installation=credit_installation, tier="standard", channel_slug="",
                          policy=STANDARD.policy, actor="anna@example.com")

    # when
    tx = authorize(credit_installation, tx="tx-1", amount="250.00")

    # then
    record = DecisionRecord.objects.get()
    assert tx.status == "in_review"  # Standard: accounts younger than 30 days are reviewed
    assert (record.company_id, record.saleor_transaction_id, record.channel_slug, record.tier) == (
        buyer.pk, "tx-1", "default-channel", "standard")
    assert (record.policy_version_id, record.policy_source, record.policy) == (
        version.pk, "version", policy_to_dict(STANDARD.policy))
    assert (record.outcome, record.local_outcome, record.reasons) == ("review", "review",
                                                                      ["NEW_ACCOUNT", "WITHIN_LIMIT"])
    assert record.score == tx.decision_score
    assert record.snapshot == {
        "currency": "USD", "order_amount": "250.00", "company_status": "active", "limit": "10000.00",
        "exposure": "0.00", "channel_allowed": True, "overdue_amount": "0", "max_days_past_due": 0,
        "avg_days_to_pay": None, "avg_days_beyond_terms": None, "late_invoice_share": None,
        "account_age_days": 0, "is_first_order": True, "median_order_amount": None, "member_role": "buyer",
        "member_spending_limit": None, "account_hold": None, "account_hold_message": "",
        "promises_kept": 0, "promises_broken": 0}
    assert record.underwriter is None
    entry = AuditEntry.objects.get(action="decision.made")
    assert (entry.actor, entry.object_type, entry.object_id, entry.company_id, entry.before) == (
        "buyer:VXNlcjo2", "decision_record", str(record.pk), buyer.pk, None)
    assert entry.after == {"transaction": "tx-1", "outcome": "review", "score": record.score,
                           "reasons": ["NEW_ACCOUNT", "WITHIN_LIMIT"], "policy_version": 1,
                           "policy_source": "version", "underwriter": None}


@pytest.mark.django_db
def test_a_declined_checkout_is_recorded_and_a_replay_writes_nothing_more(buyer, credit_installation):
    # when
    first = authorize(credit_installation, tx="tx-big", amount="10000.01")
    again = authorize(credit_installation, tx="tx-big", amount="10000.01")

    # then
    assert (first.status, again.pk) == ("declined", first.pk)
    assert list(DecisionRecord.objects.values_list("outcome", "reasons", "policy_source")) == [
        ("decline", ["OVER_LIMIT"], "limit_only")]
    assert AuditEntry.objects.filter(action="decision.made").count() == 1


@pytest.mark.django_db
def test_no_engine_decision_no_record(buyer, credit_installation):
    # when: an unknown buyer is declined before any credit snapshot exists
    authorize(credit_installation, tx="tx-guest", amount="10.00", user_id="VXNlcjo5OTk=")

    # then
    assert DecisionRecord.objects.count() == 0


@pytest.mark.django_db
def test_simulation_counts_exact_transitions_over_stored_decisions(buyer, credit_installation):
    # given: six stored decisions of Standard in the channel, one too old, one of another tier,
    # one in another channel
    young = snapshot(account_age_days=10)                              # Starter: review (age < 90)
    plain = snapshot()                                                 # approve under both
    late = snapshot(late_invoice_share=Decimal("0.25"))                 # Starter: review (> 20 %)
    over = snapshot(exposure=Decimal("9950.00"))                         # decline under both
    seeded = [young, plain, late, over]
    for i, snap in enumerate(seeded):
        record_seed(installation=credit_installation, company=buyer, snap=snap, tx=f"tx-{i}", days_ago=i)
    record_seed(installation=credit_installation, company=buyer, snap=young, tx="tx-old", days_ago=40)
    record_seed(installation=credit_installation, company=buyer, snap=young, tx="tx-premium", tier="premium")
    record_seed(installation=credit_installation, company=buyer, snap=young, tx="tx-b2b", channel="b2b")

    # when
    report = policy_simulate(installation=credit_installation, tier="standard", channel_slug="default-channel",
                             proposed=STARTER.policy, days=30)

    # then: current = the plain limit check (nothing saved yet)
    assert report.total == 4
    assert {f"{old}->{new}": n for (old, new), n in report.transitions.items() if n} == {
        "approve->review": 2, "approve->approve": 1, "decline->decline": 1}
    assert [(c.index, c.old, c.new, c.primary.code) for c in report.changed] == [
        (0, Outcome.APPROVE, Outcome.REVIEW, "NEW_ACCOUNT"),
        (2, Outcome.APPROVE, Outcome.REVIEW, "LATE_PAYMENT_HISTORY")]


@pytest.mark.django_db
def test_all_channels_simulation_skips_channels_with_their_own_policy(buyer, credit_installation):
    # given
    policy_save(installation=credit_installation, tier="standard", channel_slug="b2b", policy=CreditPolicy(),
                actor="anna@example.com")
    young = snapshot(account_age_days=10)
    record_seed(installation=credit_installation, company=buyer, snap=young, tx="tx-default")
    record_seed(installation=credit_installation, company=buyer, snap=young, tx="tx-b2b", channel="b2b")
    record_seed(installation=credit_installation, company=buyer, snap=young, tx="tx-eu", channel="eu")

    # when
    report = policy_simulate(installation=credit_installation, tier="standard", channel_slug="",
                             proposed=STARTER.policy, days=30)

    # then
    assert report.total == 2
    assert report.transitions[(Outcome.APPROVE, Outcome.REVIEW)] == 2


@pytest.mark.django_db
def test_simulation_refuses_days_out_of_range(credit_installation):
    # when / then
    with pytest.raises(DecisionsInputError) as refused:
        policy_simulate(installation=credit_installation, tier="standard", channel_slug="", proposed=CreditPolicy(),
                        days=0)
    assert refused.value.code == "INVALID_DAYS"


@pytest.mark.django_db
def test_the_decision_uses_the_tier_assigned(buyer, credit_installation):
    # given
    policy_save(installation=credit_installation, tier="premium", channel_slug="", policy=CreditPolicy(name="P"),
                actor="anna@example.com")
    company_tier_set(company=buyer, tier="premium", actor="anna@example.com")

    # when
    tx = authorize(credit_installation, tx="tx-p", amount="100.00")

    # then
    assert tx.status == "authorized"
    assert DecisionRecord.objects.get().tier == "premium"
