"""GraphQL operations of the policies area, composed into the schema by api/schema.py.

Credit policies per tier and channel (append-only versions), their simulation over stored
decisions, company tiers, decision records, limit recommendations and the audit trail. Policies
travel as JSON objects in the storage format of ``decisions.tiers.policy_to_dict`` (decimals as
strings, e.g. ``{"tolerance_over_limit_pct": "5", "review_late_share_above": "0.30", ...}``);
keys left out take the field's default. Every change is audited (``decisions.services``).
"""
from __future__ import annotations

import re
from decimal import Decimal

import graphene

from saleor_netterms.audit import selectors as audit_selectors
from saleor_netterms.audit.services import audit_export_csv
from saleor_netterms.decisions import selectors as decision_selectors
from saleor_netterms.decisions import services as decision_services
from saleor_netterms.decisions.models import RecommendationStatus as RecommendationStatusChoices
from saleor_netterms.decisions.texts import reason_text
from saleor_netterms.decisions.tiers import TIERS, policy_from_dict, policy_to_dict

from . import selectors
from .context import actor_of, installation_of, language_of
from .errors import ApiInputError
from .inputs import page_parse
from .mutations import _company, _errors, _run
from .types import CompanyType, MoneyType, coded, enum_value, money

MAX_CSV_ROWS = 10_000
_THRESHOLD_RE = re.compile(r"(0|[1-9][0-9]{0,15})(\.[0-9]{1,4})?")

CreditTier = graphene.Enum("CreditTier", [(key.upper(), key) for key in TIERS],
                           description="A built-in credit tier (decisions.tiers).")
PolicySource = graphene.Enum("PolicySource", [("VERSION", "version"), ("BUILTIN_TIER", "builtin_tier"),
                                              ("LIMIT_ONLY", "limit_only")],
                             description="Where the policy in force comes from.")
RecommendationStatus = graphene.Enum(
    "LimitRecommendationStatus", [(v.upper(), v) for v in RecommendationStatusChoices.values],
    description="proposed: stored, approval request not opened yet; sent: awaiting approval.")


def _tier(value) -> str:
    return enum_value(value)


def _policy(value, *, field: str = "policy"):
    if not isinstance(value, dict):
        raise ApiInputError("INVALID_POLICY", "The policy must be a JSON object.", field=field)
    return policy_from_dict(value)


def _days(value: int | None, default: int = 90) -> int:
    days = default if value is None else value
    if not 1 <= days <= 365:
        raise ApiInputError("INVALID_DAYS", f"days must be 1 to 365, not {days}.", field="days")
    return days


def _threshold(value: str | None) -> Decimal | None:
    """Nominal in the order's currency: a plain decimal string ≥ 0, at most 4 decimals."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _THRESHOLD_RE.fullmatch(value):
        raise ApiInputError("INVALID_UNDERWRITER_THRESHOLD",
                            f"{value!r} is not an amount of zero or more like \"5000.00\".",
                            field="underwriterThreshold")
    return Decimal(value)


class EffectivePolicyType(graphene.ObjectType):
    class Meta:
        name = "EffectivePolicy"
        description = ("The policy deciding a tier's orders in a channel (or at the all-channels level), "
                       "where it comes from, and the built-in tier policy as a template.")

    tier = graphene.Field(CreditTier, required=True)
    channel = graphene.String(required=True, description="The channel asked for; empty: all channels.")
    source = graphene.Field(PolicySource, required=True)
    version = graphene.Int(description="The version in force; null for a built-in policy.")
    version_scope = graphene.String(required=True,
                                    description="Channel of the version in force; empty: all channels.")
    policy = graphene.JSONString(required=True)
    underwriter_threshold = graphene.String(description="Version's threshold; null: the settings'.")
    builtin = graphene.JSONString(required=True, description="The built-in tier policy.")


class CreditPolicyVersionType(graphene.ObjectType):
    class Meta:
        name = "CreditPolicyVersion"
        description = "One saved version (never changed; a new save is a new version)."

    id = graphene.ID(required=True)
    tier = graphene.Field(CreditTier, required=True)
    channel = graphene.String(required=True, description="Empty: all channels.")
    version = graphene.Int(required=True)
    active = graphene.Boolean(required=True, description="False: a reset to the fallback.")
    policy = graphene.JSONString(required=True)
    underwriter_threshold = graphene.String()
    created_by = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    reason = graphene.String(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_channel(root, info):
        return root.channel_slug

    @staticmethod
    def resolve_underwriter_threshold(root, info):
        return None if root.underwriter_threshold is None else format(root.underwriter_threshold.normalize(), "f")


class TransitionType(graphene.ObjectType):
    class Meta:
        name = "SimulationTransition"

    old = graphene.String(required=True)
    new = graphene.String(required=True)
    count = graphene.Int(required=True)


class SimulationChangeType(graphene.ObjectType):
    class Meta:
        name = "SimulationChange"
        description = "A stored decision whose outcome the proposed policy changes."

    decision_record_id = graphene.ID(required=True)
    company_id = graphene.ID(required=True)
    company_name = graphene.String(required=True, description="The company's legal name.")
    old = graphene.String(required=True)
    new = graphene.String(required=True)
    reason = graphene.String(required=True, description="The proposed decision's primary reason code.")
    message = graphene.String(required=True)


class PolicySimulationType(graphene.ObjectType):
    class Meta:
        name = "PolicySimulation"
        description = "The stored decisions replayed through the policy in force and the proposed one."

    total = graphene.Int(required=True)
    tightened = graphene.Int(required=True)
    loosened = graphene.Int(required=True)
    transitions = graphene.List(graphene.NonNull(TransitionType), required=True,
                                description="All nine (old, new) pairs, zeros included.")
    changed = graphene.List(graphene.NonNull(SimulationChangeType), required=True)


class DecisionRecordType(graphene.ObjectType):
    class Meta:
        name = "DecisionRecord"
        description = "One checkout decision with its full credit snapshot."

    id = graphene.ID(required=True)
    company_id = graphene.ID(required=True)
    saleor_transaction_id = graphene.String(required=True)
    channel = graphene.String(required=True)
    tier = graphene.String(required=True)
    amount = graphene.Field(MoneyType, required=True)
    outcome = graphene.String(required=True)
    local_outcome = graphene.String(required=True)
    score = graphene.Int(required=True)
    reasons = graphene.List(graphene.NonNull(graphene.String), required=True)
    snapshot = graphene.JSONString(required=True)
    policy = graphene.JSONString(required=True)
    policy_version = graphene.Int()
    policy_source = graphene.String(required=True)
    underwriter = graphene.JSONString()
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_channel(root, info):
        return root.channel_slug

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_policy_version(root, info):
        return root.policy_version.version if root.policy_version_id else None


class LimitRecommendationType(graphene.ObjectType):
    class Meta:
        name = "LimitRecommendation"
        description = "A proposed credit-limit change from payment history; applied only when approved."

    id = graphene.ID(required=True)
    company = graphene.Field(CompanyType, required=True)
    action = graphene.String(required=True, description="raise or lower")
    current_limit = graphene.Field(MoneyType, required=True)
    proposed_limit = graphene.Field(MoneyType, required=True)
    reasons = graphene.JSONString(required=True)
    status = graphene.Field(RecommendationStatus, required=True)
    approval_request_id = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_current_limit(root, info):
        return money(root.current_limit, root.currency)

    @staticmethod
    def resolve_proposed_limit(root, info):
        return money(root.proposed_limit, root.currency)


class AuditEntryType(graphene.ObjectType):
    class Meta:
        name = "AuditEntry"
        description = "Who did what, when, to what; the state before and after, and why."

    id = graphene.ID(required=True)
    occurred_at = graphene.DateTime(required=True)
    actor = graphene.String(required=True)
    action = graphene.String(required=True)
    object_type = graphene.String(required=True)
    object_id = graphene.String(required=True)
    company_id = graphene.ID()
    company_name = graphene.String(description="The legal name of the company concerned, if any.")
    before = graphene.JSONString()
    after = graphene.JSONString()
    reason = graphene.String(required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.pk

    @staticmethod
    def resolve_company_name(root, info):
        return root.company.legal_name if root.company_id else None


def _effective(installation, tier: str, channel: str) -> dict:
    resolved = decision_selectors.policy_resolve(installation_id=installation.pk, tier=tier, channel_slug=channel)
    threshold = resolved.underwriter_threshold
    return {"tier": tier, "channel": channel, "source": resolved.source, "version": resolved.version,
            "version_scope": resolved.channel_slug, "policy": policy_to_dict(resolved.policy),
            "underwriter_threshold": None if threshold is None else format(threshold.normalize(), "f"),
            "builtin": policy_to_dict(TIERS[tier].policy)}


def _audit_entries(info, object_type, object_id, company_id, since, until):
    company = _company(info, company_id) if company_id is not None else None
    return audit_selectors.audit_entries(installation=installation_of(info), object_type=object_type,
                                         object_id=object_id, company=company, since=since, until=until)


_AUDIT_ARGS = dict(object_type=graphene.String(), object_id=graphene.String(), company_id=graphene.ID(),
                   since=graphene.DateTime(), until=graphene.DateTime(description="Exclusive."))


class Query(graphene.ObjectType):
    policies = graphene.List(
        graphene.NonNull(EffectivePolicyType), required=True,
        description="The policy in force per tier (or for one tier) in a channel (empty: all channels).",
        tier=graphene.Argument(CreditTier), channel=graphene.String())
    policy_versions = graphene.List(graphene.NonNull(CreditPolicyVersionType), required=True,
                                    description="Saved versions, newest first per tier and channel.",
                                    tier=graphene.Argument(CreditTier), channel=graphene.String())
    policy_simulate = graphene.Field(
        PolicySimulationType, required=True,
        description=("What would change if the policy were saved: the tier's stored decisions of the last "
                     "`days` days (default 90) in the channel, replayed. Writes nothing."),
        tier=graphene.Argument(CreditTier, required=True), channel=graphene.String(),
        policy=graphene.JSONString(required=True), days=graphene.Int())
    decision_records = graphene.List(graphene.NonNull(DecisionRecordType), required=True,
                                     description="A company's checkout decisions, newest first.",
                                     company_id=graphene.ID(required=True), days=graphene.Int(),
                                     first=graphene.Int(), offset=graphene.Int())
    limit_recommendations = graphene.List(graphene.NonNull(LimitRecommendationType), required=True,
                                          company_id=graphene.ID(), status=graphene.Argument(RecommendationStatus),
                                          first=graphene.Int(), offset=graphene.Int())
    audit_entries = graphene.List(graphene.NonNull(AuditEntryType), required=True,
                                  description="The audit trail, oldest first (newestFirst: newest first).",
                                  first=graphene.Int(), offset=graphene.Int(),
                                  newest_first=graphene.Boolean(default_value=False), **_AUDIT_ARGS)
    audit_export_csv = graphene.String(required=True, description=f"The audit trail as CSV (at most "
                                       f"{MAX_CSV_ROWS} rows, oldest first).", **_AUDIT_ARGS)

    @staticmethod
    @coded
    def resolve_policies(root, info, tier=None, channel=None):
        installation = installation_of(info)
        channel = decision_services._channel(channel)
        tiers = [_tier(tier)] if tier is not None else list(TIERS)
        return [_effective(installation, key, channel) for key in tiers]

    @staticmethod
    @coded
    def resolve_policy_versions(root, info, tier=None, channel=None):
        return list(decision_selectors.policy_versions(
            installation=installation_of(info), tier=_tier(tier) if tier is not None else None,
            channel_slug=decision_services._channel(channel) if channel is not None else None))

    @staticmethod
    @coded
    def resolve_policy_simulate(root, info, tier, policy, channel=None, days=None):
        installation = installation_of(info)
        proposed = _policy(policy)
        records = decision_services.policy_simulation_records(
            installation=installation, tier=_tier(tier), channel_slug=channel or "", days=_days(days))
        report = decision_services.policy_simulate(installation=installation, tier=_tier(tier),
                                                   channel_slug=channel or "", proposed=proposed,
                                                   days=_days(days), records=records)
        names = selectors.company_names(installation=installation, ids={records[c.index].company_id
                                                                        for c in report.changed})
        return PolicySimulationType(
            total=report.total, tightened=report.tightened, loosened=report.loosened,
            transitions=[TransitionType(old=str(old), new=str(new), count=n)
                         for (old, new), n in report.transitions.items()],
            changed=[SimulationChangeType(decision_record_id=records[c.index].pk,
                                          company_id=records[c.index].company_id,
                                          company_name=names.get(records[c.index].company_id, ""), old=str(c.old),
                                          new=str(c.new), reason=str(c.primary.code),
                                          message=reason_text(c.primary, language=language_of(info)).merchant)
                     for c in report.changed])

    @staticmethod
    @coded
    def resolve_decision_records(root, info, company_id, days=None, first=None, offset=None):
        first, offset = page_parse(first, offset)
        company = _company(info, company_id)
        qs = decision_selectors.decision_records(installation=installation_of(info), company=company,
                                                 days=_days(days))
        return list(qs.select_related("policy_version")[offset:offset + first])

    @staticmethod
    @coded
    def resolve_limit_recommendations(root, info, company_id=None, status=None, first=None, offset=None):
        first, offset = page_parse(first, offset)
        company = _company(info, company_id) if company_id is not None else None
        qs = decision_selectors.limit_recommendations(installation=installation_of(info), company=company,
                                                      status=enum_value(status))
        return list(qs[offset:offset + first])

    @staticmethod
    @coded
    def resolve_audit_entries(root, info, first=None, offset=None, object_type=None, object_id=None,
                              company_id=None, since=None, until=None, newest_first=False):
        first, offset = page_parse(first, offset)
        entries = _audit_entries(info, object_type, object_id, company_id, since, until).select_related("company")
        if newest_first:
            entries = entries.order_by("-id")
        return list(entries[offset:offset + first])

    @staticmethod
    @coded
    def resolve_audit_export_csv(root, info, object_type=None, object_id=None, company_id=None, since=None,
                                 until=None):
        return audit_export_csv(_audit_entries(info, object_type, object_id, company_id, since, until)
                                [:MAX_CSV_ROWS])


POLICY_ERROR_FIELDS = {"INVALID_POLICY": "policy", "UNKNOWN_TIER": "tier"}


class PolicySave(graphene.Mutation):
    """Save the policy of a tier for a channel (empty: all channels) as its next version; the
    versions before it stay as they were. Audited (policy.save, before/after)."""

    class Arguments:
        tier = graphene.Argument(CreditTier, required=True)
        channel = graphene.String(description="Saleor channel slug; empty or omitted: all channels.")
        policy = graphene.JSONString(required=True)
        underwriter_threshold = graphene.String(
            description="Orders above this amount (order currency) also go to the external underwriter.")
        base_version = graphene.Int(description="The version edited (0: none); refused if another was saved since.")
        reason = graphene.String()

    version = graphene.Field(CreditPolicyVersionType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, tier, policy, channel=None, underwriter_threshold=None, base_version=None, reason=None):
        actor = actor_of(info)

        def action():
            return decision_services.policy_save(
                installation=installation_of(info), tier=_tier(tier), channel_slug=channel or "",
                policy=_policy(policy), underwriter_threshold=_threshold(underwriter_threshold),
                actor=actor, reason=(reason or "").strip(), base_version=base_version)

        version, errors = _run(action, fields=POLICY_ERROR_FIELDS)
        return PolicySave(version=version, errors=errors)


class PolicyReset(graphene.Mutation):
    """Stop using the saved policy of a tier and channel: the next level decides again (all
    channels, then the built-in fallback). Audited (policy.reset)."""

    class Arguments:
        tier = graphene.Argument(CreditTier, required=True)
        channel = graphene.String()
        base_version = graphene.Int()
        reason = graphene.String()

    version = graphene.Field(CreditPolicyVersionType, description="The inactive version recorded; null: nothing was in force.")
    errors = _errors()

    @staticmethod
    def mutate(root, info, tier, channel=None, base_version=None, reason=None):
        actor = actor_of(info)

        def action():
            return decision_services.policy_reset(installation=installation_of(info), tier=_tier(tier),
                                                  channel_slug=channel or "", actor=actor,
                                                  reason=(reason or "").strip(), base_version=base_version)

        version, errors = _run(action, fields=POLICY_ERROR_FIELDS)
        return PolicyReset(version=version, errors=errors)


class CompanyTierSet(graphene.Mutation):
    """Assign a company's credit tier (which policy decides its orders). Audited (company.tier_set)."""

    class Arguments:
        company_id = graphene.ID(required=True)
        tier = graphene.Argument(CreditTier, required=True)
        reason = graphene.String()

    company = graphene.Field(CompanyType)
    tier = graphene.Field(CreditTier)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id, tier, reason=None):
        actor = actor_of(info)

        def action():
            company = _company(info, company_id)
            return decision_services.company_tier_set(company=company, tier=_tier(tier), actor=actor,
                                                      reason=(reason or "").strip())

        company, errors = _run(action)
        return CompanyTierSet(company=company, tier=company.credit_tier if company else None, errors=errors)


class Mutation(graphene.ObjectType):
    policy_save = PolicySave.Field()
    policy_reset = PolicyReset.Field()
    company_tier_set = CompanyTierSet.Field()
