"""Writes of the decisions domain: policy versions, tier assignment, decision records, simulation.

Every merchant change is audited in its own transaction (``audit.services.audit_record``):

=========================== ===================== ================================================
action                      object                before / after
=========================== ===================== ================================================
policy.save                 credit_policy_version the policy in force before (version or built-in)
                                                  / the new version
policy.reset                credit_policy_version the version reset / the fallback now in force
company.tier_set            company               {"credit_tier": old} / {"credit_tier": new}
decision.made               decision_record       null / outcome, score, reasons, policy version
=========================== ===================== ================================================
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from saleor_netterms.audit.services import audit_entry_build, audit_record
from saleor_netterms.companies import services as company_services
from saleor_netterms.core.inserts import Insert, inserts_run
from saleor_netterms.core.money import Money

from . import selectors
from .engine import CreditPolicy, CreditSnapshot, Decision, decide
from .errors import PolicyVersionConflict, invalid_channel, invalid_days, invalid_threshold
from .models import CreditPolicyVersion, DecisionRecord
from .selectors import PolicySource, ResolvedPolicy
from .simulation import SimulationReport, simulate
from .snapshots import snapshot_from_dict, snapshot_to_dict
from .tiers import policy_to_dict, tier_get
from .underwriting import UnderwritingVerdict, underwriter_get, underwriting_apply, underwriting_call, \
    underwriting_threshold

_CHANNEL_SLUG = re.compile(r"[A-Za-z0-9_-]{1,255}")
MAX_SIMULATION_DAYS = 365


def _channel(channel_slug: str | None) -> str:
    slug = (channel_slug or "").strip()
    if slug and not _CHANNEL_SLUG.fullmatch(slug):
        raise invalid_channel(channel_slug)
    return slug


def _threshold(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value >= Decimal(10) ** 16:
        raise invalid_threshold(value)
    return value


def _resolved_json(resolved: ResolvedPolicy) -> dict:
    return {"source": resolved.source, "version": resolved.version, "channel": resolved.channel_slug,
            "policy": policy_to_dict(resolved.policy),
            "underwriter_threshold": resolved.underwriter_threshold}


def _version_json(version: CreditPolicyVersion) -> dict:
    return {"source": PolicySource.VERSION if version.active else "reset", "version": version.version,
            "tier": version.tier, "channel": version.channel_slug, "policy": version.policy,
            "underwriter_threshold": version.underwriter_threshold}


def _version_insert(*, installation, tier: str, channel_slug: str, policy: dict, threshold, active: bool,
                    actor: str, reason: str, number: int) -> CreditPolicyVersion:
    """The one writer of policy versions. In the same transaction it records the new version's id
    on the installation row, which every webhook reads: a per-process policy cache keyed by it
    (``selectors.policy_resolve_for``) can never serve a policy older than the newest save."""
    try:
        with transaction.atomic():
            version = CreditPolicyVersion.objects.create(
                installation=installation, tier=tier, channel_slug=channel_slug, version=number,
                policy=policy, underwriter_threshold=threshold, active=active, created_by=actor or "system",
                reason=reason or "")
    except IntegrityError as exc:  # the same version number saved concurrently
        raise PolicyVersionConflict(f"version {number} of {tier}/{channel_slug or '*'} exists") from exc
    type(installation)._default_manager.filter(pk=installation.pk).update(policy_version_last_id=version.pk)
    installation.policy_version_last_id = version.pk
    return version


def policy_save(*, installation, tier: str, channel_slug: str, policy: CreditPolicy, actor: str,
                underwriter_threshold: Decimal | None = None, reason: str = "",
                base_version: int | None = None) -> CreditPolicyVersion:
    """Save the policy of ``tier`` for ``channel_slug`` ("" = all channels) as the next version.

    Never changes a stored version. ``base_version`` (the version the merchant edited, 0 for
    none) guards against overwriting a concurrent save (``POLICY_VERSION_CONFLICT``). Saving
    exactly what is in force already returns that version and writes nothing."""
    key = tier_get(tier).key
    slug = _channel(channel_slug)
    threshold = _threshold(underwriter_threshold)
    stored = policy_to_dict(policy)
    with transaction.atomic():
        latest = selectors.policy_version_latest(installation_id=installation.pk, tier=key, channel_slug=slug)
        number = latest.version if latest is not None else 0
        if base_version is not None and base_version != number:
            raise PolicyVersionConflict(f"base version {base_version}, latest {number}")
        if (latest is not None and latest.active and latest.policy == stored
                and latest.underwriter_threshold == threshold):
            return latest
        before = (_version_json(latest) if latest is not None and latest.active
                  else _resolved_json(selectors.policy_resolve(installation_id=installation.pk, tier=key,
                                                               channel_slug=slug)))
        version = _version_insert(installation=installation, tier=key, channel_slug=slug, policy=stored,
                                  threshold=threshold, active=True, actor=actor, reason=reason,
                                  number=number + 1)
        audit_record(installation=installation, actor=actor, action="policy.save",
                     object_type="credit_policy_version", object_id=version.pk, before=before,
                     after=_version_json(version), reason=reason)
    return version


def policy_reset(*, installation, tier: str, channel_slug: str, actor: str, reason: str = "",
                 base_version: int | None = None) -> CreditPolicyVersion | None:
    """Stop using the saved policy of (tier, channel): records an inactive version, after which
    the next level decides (see ``selectors.policy_resolve``). None when nothing is in force."""
    key = tier_get(tier).key
    slug = _channel(channel_slug)
    with transaction.atomic():
        latest = selectors.policy_version_latest(installation_id=installation.pk, tier=key, channel_slug=slug)
        number = latest.version if latest is not None else 0
        if base_version is not None and base_version != number:
            raise PolicyVersionConflict(f"base version {base_version}, latest {number}")
        if latest is None or not latest.active:
            return None
        version = _version_insert(installation=installation, tier=key, channel_slug=slug, policy=latest.policy,
                                  threshold=latest.underwriter_threshold, active=False, actor=actor,
                                  reason=reason, number=number + 1)
        after = _resolved_json(selectors.policy_resolve(installation_id=installation.pk, tier=key,
                                                        channel_slug=slug))
        audit_record(installation=installation, actor=actor, action="policy.reset",
                     object_type="credit_policy_version", object_id=version.pk, before=_version_json(latest),
                     after=after, reason=reason)
    return version


def company_tier_set(*, company, tier: str, actor: str, reason: str = ""):
    """Assign the company's credit tier (under the company lock, so a decision in flight uses
    either the old or the new tier). The same tier again writes nothing."""
    key = tier_get(tier).key
    with transaction.atomic():
        locked = company_services.company_lock(company_id=company.pk)
        if locked.credit_tier == key:
            return locked
        before = {"credit_tier": locked.credit_tier}
        company_services.company_update(company=locked, credit_tier=key)
        audit_record(installation=locked.installation, actor=actor, action="company.tier_set",
                     object_type="company", object_id=locked.pk, company=locked, before=before,
                     after={"credit_tier": key}, reason=reason)
    company.credit_tier = key
    return locked


# --- checkout ----------------------------------------------------------------------------------


def policy_in_force(*, company, channel_slug: str, installation=None):
    """The policy resolution for the company's tier in this channel (checkout reads it once,
    before the lock, and hands it to underwriting_before_lock and decision_make). Given the
    installation row read for this request, it comes from the per-process cache."""
    if installation is not None and installation.pk == company.installation_id:
        return selectors.policy_resolve_for(installation=installation, tier=company.credit_tier,
                                            channel_slug=channel_slug)
    return selectors.policy_resolve(installation_id=company.installation_id, tier=company.credit_tier,
                                    channel_slug=channel_slug)


def underwriting_before_lock(*, company, money: Money, channel_slug: str,
                             snapshot: Callable[[], CreditSnapshot], resolved=None) -> UnderwritingVerdict | None:
    """Called by checkout BEFORE the company lock: when the order is above the underwriter
    threshold, build the (unlocked) snapshot and ask the provider. None when not routed."""
    if resolved is None:
        resolved = policy_in_force(company=company, channel_slug=channel_slug)
    threshold = underwriting_threshold(resolved.underwriter_threshold)
    if threshold is None or money.amount <= threshold:
        return None
    return underwriting_call(underwriter_get(), snapshot())


def decision_make(*, installation, company, snapshot: CreditSnapshot, channel_slug: str,
                  saleor_transaction_id: str, underwriting: UnderwritingVerdict | None = None,
                  actor: str = "system", resolved=None) -> Decision:
    """Called by checkout under the company lock: decide with the policy in force, apply the
    underwriter's verdict, and store the DecisionRecord and its audit entry (same transaction).
    `resolved` (from policy_in_force, read just before the lock) is reused unless the company's
    tier changed meanwhile; policy versions are append-only, so it is the version in force."""
    decision, rows = decision_take(installation=installation, company=company, snapshot=snapshot,
                                   channel_slug=channel_slug, saleor_transaction_id=saleor_transaction_id,
                                   underwriting=underwriting, actor=actor, resolved=resolved)
    inserts_run(*rows)
    return decision


def decision_take(*, installation, company, snapshot: CreditSnapshot, channel_slug: str,
                  saleor_transaction_id: str, underwriting: UnderwritingVerdict | None = None,
                  actor: str = "system", resolved=None) -> tuple[Decision, tuple[Insert, ...]]:
    """``decision_make`` with its two rows (the DecisionRecord, its ``decision.made`` audit entry)
    built but not yet written: the caller writes them with ``core.inserts.inserts_run`` in the
    same transaction, together with its own rows (the checkout: one statement under the lock)."""
    if resolved is None or resolved.tier != company.credit_tier:
        resolved = policy_in_force(company=company, channel_slug=channel_slug, installation=installation)
    local = decide(snapshot, resolved.policy)
    decision = underwriting_apply(local, underwriting)
    record = DecisionRecord(
        installation=installation, company=company, saleor_transaction_id=saleor_transaction_id,
        channel_slug=channel_slug or "", tier=resolved.tier, currency=snapshot.currency,
        amount=snapshot.order_amount, snapshot=snapshot_to_dict(snapshot),
        policy=policy_to_dict(resolved.policy), policy_version_id=resolved.version_id,
        policy_source=resolved.source, outcome=str(decision.outcome), score=decision.score,
        reasons=list(decision.codes), local_outcome=str(local.outcome),
        underwriter=underwriting.as_dict() if underwriting is not None else None)
    entry = audit_entry_build(
        installation=installation, actor=actor, action="decision.made", object_type="decision_record",
        object_id="", company=company,
        after={"transaction": saleor_transaction_id, "outcome": record.outcome, "score": record.score,
               "reasons": record.reasons, "policy_version": resolved.version,
               "policy_source": resolved.source,
               "underwriter": (underwriting.status if underwriting is not None else None)})
    written = Insert(record)
    return decision, (written, Insert(entry, refs={"object_id": (written, str)}))


# --- simulation ----------------------------------------------------------------------------------


def policy_simulation_records(*, installation, tier: str, channel_slug: str, days: int,
                              now: dt.datetime | None = None) -> list[DecisionRecord]:
    """The stored decisions the proposed policy of (tier, channel) would have decided, oldest
    first: the tier's decisions of the last ``days`` days in that channel; for the all-channels
    policy (channel ""), in every channel that has no active policy of its own."""
    key = tier_get(tier).key
    slug = _channel(channel_slug)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_SIMULATION_DAYS:
        raise invalid_days(days)
    since = (now or timezone.now()) - dt.timedelta(days=days)
    qs = DecisionRecord.objects.filter(installation=installation, tier=key, created_at__gte=since)
    if slug:
        qs = qs.filter(channel_slug=slug)
    else:
        qs = qs.exclude(channel_slug__in=selectors.channels_with_own_version(installation_id=installation.pk,
                                                                              tier=key))
    return list(qs.order_by("id"))


def policy_simulate(*, installation, tier: str, channel_slug: str, proposed: CreditPolicy, days: int,
                    records: Sequence[DecisionRecord] | None = None) -> SimulationReport:
    """Replay the stored snapshots through the policy in force now and the proposed one
    (``decisions.simulation.simulate``); ``changed[i].index`` indexes ``records`` (or
    ``policy_simulation_records`` with the same arguments). Reads only."""
    if records is None:
        records = policy_simulation_records(installation=installation, tier=tier, channel_slug=channel_slug,
                                            days=days)
    current = selectors.policy_resolve(installation_id=installation.pk, tier=tier_get(tier).key,
                                       channel_slug=_channel(channel_slug)).policy
    return simulate((snapshot_from_dict(r.snapshot) for r in records), current, proposed)
