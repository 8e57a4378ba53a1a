"""One effect per logical event: the idempotency key is unique per installation."""
import pytest

from saleor_netterms.ledger.errors import IdempotencyConflict
from saleor_netterms.ledger.models import Entry, Posting
from saleor_netterms.ledger.selectors import hold_balance, receivable_balance
from saleor_netterms.ledger.services import hold_place, hold_release, payment_apply, receivable_book
from tests.fixtures_credit import ledger_counts

from .helpers import usd


def test_same_key_twice_posts_once(company):
    # given
    first = hold_place(company=company, money=usd("100.00"), hold_ref="txn-1", idempotency_key="checkout-1")

    # when
    second = hold_place(company=company, money=usd("100.00"), hold_ref="txn-1", idempotency_key="checkout-1",
                        memo="webhook redelivered")

    # then
    assert second.pk == first.pk
    assert (first.replayed, second.replayed) == (False, True)
    assert Posting.objects.count() == 1
    assert Entry.objects.count() == 2
    assert hold_balance(company=company, currency="USD") == usd("100.00")


def test_replay_after_the_state_moved_on_still_returns_the_posting(company):
    # given a release that emptied the hold
    hold_place(company=company, money=usd("100.00"), hold_ref="txn-1", idempotency_key="h1")
    release = hold_release(company=company, money=usd("100.00"), hold_ref="txn-1", idempotency_key="h2")

    # when the release is replayed (the hold is empty now, a new release would be refused)
    replay = hold_release(company=company, money=usd("100.00"), hold_ref="txn-1", idempotency_key="h2")

    # then
    assert replay.pk == release.pk
    assert Posting.objects.count() == 2


@pytest.mark.parametrize("changes", [
    {"money": usd("100.01")},
    {"hold_ref": "txn-2"},
])
def test_same_key_different_request_is_a_coded_conflict_and_writes_nothing(company, changes):
    # given
    hold_place(company=company, money=usd("100.00"), hold_ref="txn-1", idempotency_key="checkout-1")
    before = ledger_counts()

    # when
    with pytest.raises(IdempotencyConflict) as info:
        hold_place(**{"company": company, "money": usd("100.00"), "hold_ref": "txn-1",
                      "idempotency_key": "checkout-1", **changes})

    # then
    assert info.value.code == "IDEMPOTENCY_CONFLICT"
    assert ledger_counts() == before
    assert hold_balance(company=company, currency="USD") == usd("100.00")


def test_same_key_for_another_kind_or_company_is_a_conflict(company_factory):
    # given two companies of one installation
    acme, globex = company_factory(), company_factory()
    receivable_book(company=acme, money=usd("50.00"), receivable_ref="inv-1", idempotency_key="evt-1")
    before = ledger_counts()

    # when / then
    with pytest.raises(IdempotencyConflict):
        receivable_book(company=globex, money=usd("50.00"), receivable_ref="inv-1", idempotency_key="evt-1")
    with pytest.raises(IdempotencyConflict):
        hold_place(company=acme, money=usd("50.00"), hold_ref="inv-1", idempotency_key="evt-1")
    assert ledger_counts() == before
    assert receivable_balance(company=globex, currency="USD") == usd("0.00")


def test_payment_allocations_are_part_of_the_request(company):
    # given
    receivable_book(company=company, money=usd("100.00"), receivable_ref="inv-1", idempotency_key="r1")
    receivable_book(company=company, money=usd("100.00"), receivable_ref="inv-2", idempotency_key="r2")
    payment_apply(company=company, money=usd("100.00"), payment_ref="bank-1",
                  allocations=[("inv-1", usd("60.00")), ("inv-2", usd("40.00"))], idempotency_key="p1")
    before = ledger_counts()

    # when the same allocations come in another order: a replay
    replay = payment_apply(company=company, money=usd("100.00"), payment_ref="bank-1",
                           allocations=[("inv-2", usd("40.00")), ("inv-1", usd("60.00"))], idempotency_key="p1")
    # then
    assert replay.replayed
    assert ledger_counts() == before

    # when different allocations come under the same key: a conflict
    with pytest.raises(IdempotencyConflict):
        payment_apply(company=company, money=usd("100.00"), payment_ref="bank-1",
                      allocations=[("inv-1", usd("100.00"))], idempotency_key="p1")
    # then
    assert ledger_counts() == before


def test_keys_are_per_installation(company_factory):
    # given two installations using the same key
    from tests.fixtures_credit import installation_make

    acme = company_factory()
    other = company_factory(installation=installation_make())

    # when
    hold_place(company=acme, money=usd("10.00"), hold_ref="t", idempotency_key="same")
    hold_place(company=other, money=usd("10.00"), hold_ref="t", idempotency_key="same")

    # then
    assert Posting.objects.count() == 2
