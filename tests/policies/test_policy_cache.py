"""The policy in force is cached per process, keyed by the installation's newest saved version:
a save is seen by the next decision, whichever Installation instance (or process) saved it."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_netterms.decisions.engine import CreditPolicy
from saleor_netterms.decisions.models import DecisionRecord
from saleor_netterms.decisions.services import policy_reset, policy_save
from saleor_netterms.decisions.tiers import STANDARD
from saleor_netterms.installations.models import Installation

from .conftest import authorize

pytestmark = pytest.mark.django_db

LENIENT = CreditPolicy(name="Lenient")
STRICT = CreditPolicy(name="Strict", review_first_order=True)


def _policy_queries(queries) -> int:
    return sum("decisions_creditpolicyversion" in q["sql"] for q in queries.captured_queries)


def test_a_cached_policy_version_is_never_stale_after_a_policy_save(buyer, credit_installation):
    # given a saved policy that decided one order (and is now cached)
    first = policy_save(installation=credit_installation, tier="standard", channel_slug="",
                        policy=LENIENT, actor="anna@example.com")
    authorize(credit_installation, tx="tx-1", amount="100.00")

    # when the next order is decided with the same installation row
    with CaptureQueriesContext(connection) as queries:
        second_tx = authorize(credit_installation, tx="tx-2", amount="100.00")

    # then the policy came from the cache
    if connection.vendor == "postgresql":
        assert _policy_queries(queries) == 0
    assert second_tx.status == "authorized"

    # when another process saves a new version (another Installation instance, as it would be
    # there) and this process reads the installation row again, as every webhook does
    elsewhere = Installation.objects.get(pk=credit_installation.pk)
    second = policy_save(installation=elsewhere, tier="standard", channel_slug="", policy=STRICT,
                         actor="ben@example.com")
    fresh = Installation.objects.get(pk=credit_installation.pk)
    third_tx = authorize(fresh, tx="tx-3", amount="100.00")

    # then the new version decides at once
    assert fresh.policy_version_last_id == second.pk != first.pk
    assert list(DecisionRecord.objects.order_by("id").values_list(
        "saleor_transaction_id", "policy_version_id", "policy__name")) == [
        ("tx-1", first.pk, "Lenient"), ("tx-2", first.pk, "Lenient"), ("tx-3", second.pk, "Strict")]
    assert third_tx.decision_outcome == "approve"  # not the first order any more: Strict approves

    # when the version is reset (an inactive version saved): the fallback decides again
    policy_reset(installation=fresh, tier="standard", channel_slug="", actor="ben@example.com")
    authorize(fresh, tx="tx-4", amount="100.00")
    assert DecisionRecord.objects.get(saleor_transaction_id="tx-4").policy_source == "limit_only"


def test_the_saving_instance_sees_its_own_save(buyer, credit_installation):
    # given a decision under the built-in fallback (cached)
    authorize(credit_installation, tx="tx-1", amount="100.00")

    # when the same instance saves a version
    version = policy_save(installation=credit_installation, tier="standard", channel_slug="",
                          policy=STANDARD.policy, actor="anna@example.com")
    authorize(credit_installation, tx="tx-2", amount="100.00")

    # then
    assert list(DecisionRecord.objects.order_by("id").values_list("policy_version_id", "policy_source")) == [
        (None, "limit_only"), (version.pk, "version")]
