"""The external underwriter: routing by threshold, decline with its reasons, timeout or error →
review, and never called while the company row is locked."""
import time
from decimal import Decimal

import pytest
from django.db import OperationalError, connections, transaction

from saleor_netterms.companies.models import Company
from saleor_netterms.decisions.engine import Outcome
from saleor_netterms.decisions.models import DecisionRecord
from saleor_netterms.decisions.services import policy_save
from saleor_netterms.decisions.underwriting import (LocalUnderwriter, UnderwriterReason, UnderwriterResult,
                                                    UnderwriterTimeout)
from saleor_netterms.decisions.tiers import STANDARD
from saleor_netterms.decisions.texts import stored_merchant_text
from tests.fixtures_credit import postgres_only

from .conftest import authorize, snapshot


class FakeUnderwriter:
    """Answers `outcome`, or sleeps `sleep_s`, or raises `error`; records every call."""

    name = "fake"

    def __init__(self, outcome=Outcome.APPROVE, *, sleep_s=0.0, error=None, company_id=None):
        self.outcome, self.sleep_s, self.error, self.company_id = outcome, sleep_s, error, company_id
        self.calls = []
        self.caller = connections["default"]  # the checkout's connection (this thread's)

    def assess(self, snapshot, *, timeout_s):
        observed = {"amount": snapshot.order_amount, "timeout_s": timeout_s,
                    "caller_in_atomic_block": self.caller.in_atomic_block}
        if self.company_id is not None:
            observed["company_row_free"] = _row_free(self.company_id)
        self.calls.append(observed)
        if self.sleep_s:
            time.sleep(self.sleep_s)
        if self.error is not None:
            raise self.error
        return UnderwriterResult(self.outcome, (UnderwriterReason("THIN_FILE", "Fewer than 3 trade lines."),),
                                 "uw-4711")


def _row_free(company_id: int) -> bool:
    """From this (the provider's) own connection: is the company row there and lockable right
    now? (NOWAIT: a row locked by the checkout raises instead of waiting.)"""
    try:
        with transaction.atomic():
            return Company.objects.select_for_update(nowait=True).filter(pk=company_id).exists()
    except OperationalError:
        return False


@pytest.fixture
def provider(settings):
    def install(fake, threshold="1000.00", timeout_s=0.5):
        settings.UNDERWRITER = fake
        settings.UNDERWRITER_THRESHOLD = threshold
        settings.UNDERWRITER_TIMEOUT_S = timeout_s
        return fake
    return install


@pytest.mark.django_db
def test_orders_at_or_below_the_threshold_are_not_sent(buyer, credit_installation, provider):
    # given
    fake = provider(FakeUnderwriter(Outcome.DECLINE))

    # when
    tx = authorize(credit_installation, tx="tx-small", amount="1000.00")

    # then
    assert fake.calls == []
    assert tx.status == "authorized"
    assert DecisionRecord.objects.get().underwriter is None


@pytest.mark.django_db
def test_above_the_threshold_an_approval_keeps_the_local_decision(buyer, credit_installation, provider):
    # given
    fake = provider(FakeUnderwriter(Outcome.APPROVE))

    # when
    tx = authorize(credit_installation, tx="tx-big", amount="1000.01")

    # then
    assert [c["amount"] for c in fake.calls] == [Decimal("1000.01")]
    assert tx.status == "authorized"
    record = DecisionRecord.objects.get()
    assert (record.outcome, record.local_outcome, record.reasons) == (
        "approve", "approve", ["UNDERWRITER_APPROVED", "WITHIN_LIMIT"])
    assert {k: record.underwriter[k] for k in ("provider", "status", "outcome", "reference", "reasons")} == {
        "provider": "fake", "status": "answered", "outcome": "approve", "reference": "uw-4711",
        "reasons": [{"code": "THIN_FILE", "message": "Fewer than 3 trade lines."}]}


@pytest.mark.django_db
def test_a_provider_decline_declines_with_its_reasons(buyer, credit_installation, provider):
    # given
    provider(FakeUnderwriter(Outcome.DECLINE))

    # when
    tx = authorize(credit_installation, tx="tx-big", amount="2000.00")

    # then
    assert tx.status == "declined"
    assert [r["code"] for r in tx.decision_reasons] == ["UNDERWRITER_DECLINED", "WITHIN_LIMIT"]
    assert stored_merchant_text(tx.decision_reasons[0], language="en_US") == (
        "The external underwriter (fake) declined (reference uw-4711): THIN_FILE: Fewer than 3 trade lines..")
    assert tx.initialize_response["outcome"] == "declined"


@pytest.mark.django_db
def test_a_timeout_downgrades_the_local_approval_to_review(buyer, credit_installation, provider):
    # given
    fake = provider(FakeUnderwriter(Outcome.APPROVE, sleep_s=2.0), timeout_s=0.05)

    # when
    started = time.perf_counter()
    tx = authorize(credit_installation, tx="tx-big", amount="2000.00")
    waited = time.perf_counter() - started

    # then
    assert waited < 1.5
    assert fake.calls[0]["timeout_s"] == 0.05
    assert tx.status == "in_review"
    record = DecisionRecord.objects.get()
    assert (record.outcome, record.local_outcome, record.reasons) == (
        "review", "approve", ["UNDERWRITER_UNAVAILABLE", "WITHIN_LIMIT"])
    assert (record.underwriter["status"], record.underwriter["error"]) == ("timeout", "no answer within 0.05 s")


@pytest.mark.django_db
@pytest.mark.parametrize("error, status", [(RuntimeError("HTTP 502"), "error"),
                                           (UnderwriterTimeout("read timed out"), "timeout")])
def test_a_provider_error_downgrades_to_review(buyer, credit_installation, provider, error, status):
    # given
    provider(FakeUnderwriter(error=error))

    # when
    tx = authorize(credit_installation, tx="tx-big", amount="2000.00")

    # then
    assert tx.status == "in_review"
    assert DecisionRecord.objects.get().underwriter["status"] == status


@pytest.mark.django_db
def test_a_local_decline_stays_a_decline_when_the_provider_fails(buyer, credit_installation, provider):
    # given
    provider(FakeUnderwriter(error=RuntimeError("down")))

    # when
    tx = authorize(credit_installation, tx="tx-huge", amount="20000.00")

    # then
    assert tx.status == "declined"
    assert [r["code"] for r in tx.decision_reasons] == ["OVER_LIMIT", "UNDERWRITER_UNAVAILABLE"]


@pytest.mark.django_db
def test_the_policy_versions_threshold_beats_the_settings(buyer, credit_installation, provider):
    # given
    fake = provider(FakeUnderwriter(Outcome.REVIEW), threshold="100000.00")
    policy_save(installation=credit_installation, tier="standard", channel_slug="", policy=STANDARD.policy,
                actor="anna@example.com", underwriter_threshold=Decimal("500.00"))

    # when
    authorize(credit_installation, tx="tx-mid", amount="600.00")

    # then
    assert len(fake.calls) == 1
    assert DecisionRecord.objects.get().reasons == ["UNDERWRITER_REVIEW", "NEW_ACCOUNT", "WITHIN_LIMIT"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_provider_is_never_called_while_the_company_row_is_locked(company_factory, member_factory,
                                                                      provider):
    # given: committed rows (transactional test), so the provider's own connection sees the company
    company = company_factory(legal_name="Acme Industrial Supply")
    member_factory(company=company, value="VXNlcjo2")
    fake = provider(FakeUnderwriter(Outcome.APPROVE, company_id=company.pk))

    # when
    tx = authorize(company.installation, tx="tx-locked?", amount="2000.00")

    # then
    assert tx.status == "authorized"
    assert fake.calls == [{"amount": Decimal("2000.00"), "timeout_s": 0.5, "caller_in_atomic_block": False,
                           "company_row_free": True}]


def test_the_local_underwriter_is_the_engine_with_starters_rules():
    # when
    result = LocalUnderwriter().assess(snapshot(account_age_days=10), timeout_s=1.0)

    # then
    assert result.outcome is Outcome.REVIEW
    assert [r.code for r in result.reasons] == ["NEW_ACCOUNT", "WITHIN_LIMIT"]
    assert result.provider_reference.startswith("local-")
