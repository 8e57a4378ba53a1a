"""The policies area of the merchant API: save (audited, refusals write nothing), tiers,
simulation, decision records, audit entries and the CSV export."""
import csv
import io
import json

import pytest

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.decisions.models import CreditPolicyVersion
from saleor_netterms.decisions.tiers import STARTER, policy_to_dict
from tests.api.conftest import gql, gql_raw, other_installation  # noqa: F401  (fixtures)

from .conftest import authorize, record_seed, snapshot

SAVE = """mutation($tier: CreditTier!, $channel: String, $policy: JSONString!, $threshold: String, $base: Int) {
  policySave(tier: $tier, channel: $channel, policy: $policy, underwriterThreshold: $threshold,
             baseVersion: $base, reason: "pilot") {
    version { version tier channel active policy underwriterThreshold createdBy }
    errors { code field message } } }"""


@pytest.mark.django_db
def test_policy_save_and_read_back(gql, credit_installation):
    # when
    saved = gql(SAVE, {"tier": "STARTER", "channel": "b2b", "policy": json.dumps({"review_first_order": True}),
                       "threshold": "5000.00", "base": 0})["policySave"]
    effective = gql('{ policies(tier: STARTER, channel: "b2b") { tier source version versionScope policy '
                    'underwriterThreshold builtin } }')["policies"]

    # then
    assert saved["errors"] == []
    assert saved["version"] == {"version": 1, "tier": "STARTER", "channel": "b2b", "active": True,
                                "policy": json.dumps(policy_to_dict(
                                    STARTER.policy.__class__(review_first_order=True))),
                                "underwriterThreshold": "5000", "createdBy": "staff@example.com"}
    assert effective == [{"tier": "STARTER", "source": "VERSION", "version": 1, "versionScope": "b2b",
                          "policy": saved["version"]["policy"], "underwriterThreshold": "5000",
                          "builtin": json.dumps(policy_to_dict(STARTER.policy))}]
    entry = AuditEntry.objects.get(action="policy.save")
    assert (entry.actor, entry.reason, entry.after["version"]) == ("staff@example.com", "pilot", 1)


@pytest.mark.django_db
@pytest.mark.parametrize("policy, threshold, code, field", [
    ({"tolerance_over_limit_pct": 5}, None, "INVALID_POLICY", "tolerance_over_limit_pct"),
    ({"colour": "red"}, None, "INVALID_POLICY", "colour"),
    ([1, 2], None, "INVALID_POLICY", "policy"),
    ({}, "-1", "INVALID_UNDERWRITER_THRESHOLD", "underwriterThreshold"),
])
def test_policy_save_refusals_write_nothing(gql, policy, threshold, code, field):
    # when
    answer = gql(SAVE, {"tier": "STANDARD", "policy": json.dumps(policy), "threshold": threshold})["policySave"]

    # then
    assert answer["version"] is None
    assert [(e["code"], e["field"]) for e in answer["errors"]] == [(code, field)]
    assert CreditPolicyVersion.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_company_tier_set_and_audit_entries(gql, buyer, other_installation):  # noqa: F811
    # when
    answer = gql('mutation($id: ID!) { companyTierSet(companyId: $id, tier: PREMIUM, reason: "good payer") '
                 '{ tier company { id } errors { code } } }', {"id": str(buyer.pk)})["companyTierSet"]
    entries = gql('query($id: ID!) { auditEntries(objectType: "company", companyId: $id) '
                  '{ actor action objectType objectId before after reason } }',
                  {"id": str(buyer.pk)})["auditEntries"]
    hidden = gql('query($id: ID!) { companyTierSet(companyId: $id, tier: STARTER) { errors { code field } } }'
                 .replace("query", "mutation"), {"id": str(buyer.pk)}, installation=other_installation)

    # then
    assert answer == {"tier": "PREMIUM", "company": {"id": str(buyer.pk)}, "errors": []}
    assert [e for e in entries if e["action"] == "company.tier_set"] == [{
        "actor": "staff@example.com", "action": "company.tier_set", "objectType": "company",
        "objectId": str(buyer.pk), "before": json.dumps({"credit_tier": "standard"}),
        "after": json.dumps({"credit_tier": "premium"}), "reason": "good payer"}]
    assert hidden["companyTierSet"]["errors"] == [{"code": "NOT_FOUND", "field": "companyId"}]
    buyer.refresh_from_db()
    assert buyer.credit_tier == "premium"


@pytest.mark.django_db
def test_audit_export_csv(gql, buyer):
    # given
    gql('mutation($id: ID!) { companyTierSet(companyId: $id, tier: STARTER) { errors { code } } }',
        {"id": str(buyer.pk)})

    # when
    text = gql('query($id: ID!) { auditExportCsv(companyId: $id) }', {"id": str(buyer.pk)})["auditExportCsv"]

    # then
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["id", "occurred_at", "actor", "action", "object_type", "object_id", "company_id",
                       "before", "after", "reason"]
    assert [r[2:] for r in rows[1:]] == [
        ["system", "credit_limit.set", "company", str(buyer.pk), str(buyer.pk), "",
         '{"amount": "10000.00", "currency": "USD"}', ""],
        ["staff@example.com", "company.tier_set", "company", str(buyer.pk), str(buyer.pk),
         '{"credit_tier": "standard"}', '{"credit_tier": "starter"}', ""]]


@pytest.mark.django_db
def test_policy_simulate_and_decision_records(gql, buyer, credit_installation):
    # given
    authorize(credit_installation, tx="tx-1", amount="100.00")
    record_seed(installation=credit_installation, company=buyer, snap=snapshot(), tx="tx-seeded")

    # when
    simulation = gql('query($p: JSONString!) { policySimulate(tier: STANDARD, channel: "default-channel", '
                     'policy: $p, days: 30) { total tightened loosened transitions { old new count } '
                     'changed { decisionRecordId old new reason } } }',
                     {"p": json.dumps(policy_to_dict(STARTER.policy))})["policySimulate"]
    records = gql('query($id: ID!) { decisionRecords(companyId: $id, days: 7) { saleorTransactionId outcome '
                  'reasons policySource amount { amount currency } } }', {"id": str(buyer.pk)})["decisionRecords"]

    # then
    first = credit_installation.decision_records.get(saleor_transaction_id="tx-1")
    assert {k: simulation[k] for k in ("total", "tightened", "loosened")} == {"total": 2, "tightened": 1,
                                                                              "loosened": 0}
    assert [t for t in simulation["transitions"] if t["count"]] == [
        {"old": "approve", "new": "approve", "count": 1}, {"old": "approve", "new": "review", "count": 1}]
    assert simulation["changed"] == [{"decisionRecordId": str(first.pk), "old": "approve", "new": "review",
                                      "reason": "FIRST_ORDER"}]
    assert records == [
        {"saleorTransactionId": "tx-seeded", "outcome": "approve", "reasons": ["WITHIN_LIMIT"],
         "policySource": "limit_only", "amount": {"amount": "100.00", "currency": "USD"}},
        {"saleorTransactionId": "tx-1", "outcome": "approve", "reasons": ["WITHIN_LIMIT"],
         "policySource": "limit_only", "amount": {"amount": "100.00", "currency": "USD"}}]
