"""Which policy decides (channel version > all-channels version > built-in fallback), versions are
append-only, and every change is audited exactly; refused input writes nothing."""
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.companies.services import credit_limit_set
from saleor_netterms.decisions.engine import CreditPolicy
from saleor_netterms.decisions.errors import InvalidPolicy, PolicyVersionConflict, UnknownTier
from saleor_netterms.decisions.models import CreditPolicyVersion
from saleor_netterms.decisions.selectors import policy_for, policy_resolve
from saleor_netterms.decisions.services import company_tier_set, policy_reset, policy_save
from saleor_netterms.decisions.tiers import PREMIUM, STANDARD, STARTER, policy_to_dict
from saleor_netterms.decisions.tiers import policy_from_dict
from tests.fixtures_credit import postgres_only

from .conftest import usd

TIGHT = CreditPolicy(name="Tight", review_first_order=True)
LOOSE = CreditPolicy(name="Loose", tolerance_over_limit_pct=Decimal("10"))


@pytest.mark.django_db
def test_without_saved_versions_the_plain_limit_check_decides_by_default(buyer):
    # when
    policy, version_id = policy_for(company=buyer, channel_slug="default-channel")

    # then
    assert policy == CreditPolicy()
    assert version_id is None


@pytest.mark.django_db
def test_with_builtin_tier_policies_on_the_companys_tier_decides(buyer, settings):
    # given
    settings.CREDIT_TIER_POLICIES_BUILTIN = True

    # when
    standard = policy_for(company=buyer, channel_slug="default-channel")
    company_tier_set(company=buyer, tier="premium", actor="staff@example.com")
    premium = policy_for(company=buyer, channel_slug="default-channel")

    # then
    assert standard == (STANDARD.policy, None)
    assert premium == (PREMIUM.policy, None)


@pytest.mark.django_db
def test_channel_version_beats_all_channels_version_beats_builtin(buyer, credit_installation):
    # given
    everywhere = policy_save(installation=credit_installation, tier="standard", channel_slug="",
                             policy=LOOSE, actor="staff@example.com")
    b2b = policy_save(installation=credit_installation, tier="standard", channel_slug="b2b", policy=TIGHT,
                      actor="staff@example.com")
    policy_save(installation=credit_installation, tier="starter", channel_slug="default-channel",
                policy=STARTER.policy, actor="staff@example.com")

    # when
    in_b2b = policy_for(company=buyer, channel_slug="b2b")
    in_default = policy_for(company=buyer, channel_slug="default-channel")

    # then
    assert in_b2b == (TIGHT, b2b.pk)
    assert in_default == (LOOSE, everywhere.pk)


@pytest.mark.django_db
def test_a_reset_falls_back_to_the_next_level(buyer, credit_installation):
    # given
    everywhere = policy_save(installation=credit_installation, tier="standard", channel_slug="", policy=LOOSE,
                             actor="staff@example.com")
    policy_save(installation=credit_installation, tier="standard", channel_slug="b2b", policy=TIGHT,
                actor="staff@example.com")

    # when
    reset = policy_reset(installation=credit_installation, tier="standard", channel_slug="b2b",
                         actor="staff@example.com", reason="back to the default")

    # then
    assert (reset.version, reset.active, reset.policy) == (2, False, policy_to_dict(TIGHT))
    assert policy_for(company=buyer, channel_slug="b2b") == (LOOSE, everywhere.pk)
    assert policy_reset(installation=credit_installation, tier="standard", channel_slug="b2b",
                        actor="staff@example.com") is None


@pytest.mark.django_db
def test_editing_creates_a_new_version_and_leaves_the_old_one_as_it_was(credit_installation):
    # given
    first = policy_save(installation=credit_installation, tier="Standard", channel_slug="", policy=LOOSE,
                        actor="anna@example.com", reason="launch")

    # when
    second = policy_save(installation=credit_installation, tier="standard", channel_slug="", policy=TIGHT,
                         actor="ben@example.com", base_version=1, underwriter_threshold=Decimal("5000.00"))

    # then
    rows = list(CreditPolicyVersion.objects.order_by("version").values_list(
        "pk", "tier", "channel_slug", "version", "active", "policy", "created_by", "reason",
        "underwriter_threshold"))
    assert rows == [
        (first.pk, "standard", "", 1, True, policy_to_dict(LOOSE), "anna@example.com", "launch", None),
        (second.pk, "standard", "", 2, True, policy_to_dict(TIGHT), "ben@example.com", "", Decimal("5000.0000")),
    ]
    resolved = policy_resolve(installation_id=credit_installation.pk, tier="standard", channel_slug="x")
    assert (resolved.version, resolved.underwriter_threshold) == (2, Decimal("5000.0000"))


@pytest.mark.django_db
def test_saving_what_is_in_force_writes_nothing(credit_installation):
    # given
    first = policy_save(installation=credit_installation, tier="standard", channel_slug="", policy=LOOSE,
                        actor="anna@example.com")
    audits = AuditEntry.objects.count()

    # when
    again = policy_save(installation=credit_installation, tier="standard", channel_slug="", policy=LOOSE,
                        actor="ben@example.com")

    # then
    assert again.pk == first.pk
    assert CreditPolicyVersion.objects.count() == 1
    assert AuditEntry.objects.count() == audits


@postgres_only
@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_a_version(credit_installation):
    # given
    version = policy_save(installation=credit_installation, tier="standard", channel_slug="", policy=LOOSE,
                          actor="anna@example.com")

    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        CreditPolicyVersion.objects.filter(pk=version.pk).update(policy=policy_to_dict(TIGHT))
    with pytest.raises(DatabaseError), transaction.atomic():
        CreditPolicyVersion.objects.filter(pk=version.pk).delete()
    assert CreditPolicyVersion.objects.get(pk=version.pk).policy == policy_to_dict(LOOSE)


@pytest.mark.django_db
def test_a_stale_base_version_is_refused_and_writes_nothing(credit_installation):
    # given
    policy_save(installation=credit_installation, tier="standard", channel_slug="", policy=LOOSE,
                actor="anna@example.com")
    audits = AuditEntry.objects.count()

    # when
    with pytest.raises(PolicyVersionConflict):
        policy_save(installation=credit_installation, tier="standard", channel_slug="", policy=TIGHT,
                    actor="ben@example.com", base_version=0)

    # then
    assert CreditPolicyVersion.objects.count() == 1
    assert AuditEntry.objects.count() == audits


@pytest.mark.django_db
def test_unknown_tier_and_invalid_channel_are_refused_and_write_nothing(credit_installation):
    # when
    with pytest.raises(UnknownTier):
        policy_save(installation=credit_installation, tier="gold", channel_slug="", policy=LOOSE, actor="a")
    with pytest.raises(Exception) as refused:
        policy_save(installation=credit_installation, tier="standard", channel_slug="no spaces", policy=LOOSE,
                    actor="a")

    # then
    assert refused.value.code == "INVALID_CHANNEL"
    assert CreditPolicyVersion.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_policy_save_is_audited_with_before_and_after(credit_installation):
    # given
    first = policy_save(installation=credit_installation, tier="standard", channel_slug="b2b", policy=LOOSE,
                        actor="anna@example.com", reason="launch")

    # when
    second = policy_save(installation=credit_installation, tier="standard", channel_slug="b2b", policy=TIGHT,
                         actor="ben@example.com", reason="too many defaults",
                         underwriter_threshold=Decimal("2500.5"))

    # then
    entries = list(AuditEntry.objects.filter(action="policy.save").order_by("id").values(
        "actor", "object_type", "object_id", "company_id", "before", "after", "reason"))
    assert entries == [
        {"actor": "anna@example.com", "object_type": "credit_policy_version", "object_id": str(first.pk),
         "company_id": None, "reason": "launch",
         "before": {"source": "limit_only", "version": None, "channel": "",
                    "policy": policy_to_dict(CreditPolicy()), "underwriter_threshold": None},
         "after": {"source": "version", "version": 1, "tier": "standard", "channel": "b2b",
                   "policy": policy_to_dict(LOOSE), "underwriter_threshold": None}},
        {"actor": "ben@example.com", "object_type": "credit_policy_version", "object_id": str(second.pk),
         "company_id": None, "reason": "too many defaults",
         "before": {"source": "version", "version": 1, "tier": "standard", "channel": "b2b",
                    "policy": policy_to_dict(LOOSE), "underwriter_threshold": None},
         "after": {"source": "version", "version": 2, "tier": "standard", "channel": "b2b",
                   "policy": policy_to_dict(TIGHT), "underwriter_threshold": "2500.5"}},
    ]


@pytest.mark.django_db
def test_company_tier_set_is_audited_once(buyer):
    # when
    company_tier_set(company=buyer, tier="Premium", actor="anna@example.com", reason="10 years, never late")
    company_tier_set(company=buyer, tier="premium", actor="anna@example.com")

    # then
    buyer.refresh_from_db()
    assert buyer.credit_tier == "premium"
    entries = list(AuditEntry.objects.filter(action="company.tier_set").values(
        "actor", "object_type", "object_id", "company_id", "before", "after", "reason"))
    assert entries == [{"actor": "anna@example.com", "object_type": "company", "object_id": str(buyer.pk),
                        "company_id": buyer.pk, "before": {"credit_tier": "standard"},
                        "after": {"credit_tier": "premium"}, "reason": "10 years, never late"}]


@pytest.mark.django_db
def test_an_unknown_tier_for_a_company_is_refused_and_writes_nothing(buyer):
    # when
    with pytest.raises(UnknownTier):
        company_tier_set(company=buyer, tier="gold", actor="anna@example.com")

    # then
    buyer.refresh_from_db()
    assert buyer.credit_tier == "standard"
    assert not AuditEntry.objects.filter(action="company.tier_set").exists()


@pytest.mark.django_db
def test_credit_limit_set_is_audited_with_before_and_after(company_factory):
    # given
    company = company_factory(limit=None)

    # when
    credit_limit_set(company=company, amount=usd("5000"))
    credit_limit_set(company=company, amount=usd("7500.5"), actor="anna@example.com", reason="annual review")
    credit_limit_set(company=company, amount=usd("7500.50"), actor="anna@example.com")

    # then
    entries = list(AuditEntry.objects.filter(action="credit_limit.set").order_by("id").values(
        "actor", "object_type", "object_id", "company_id", "before", "after", "reason"))
    assert entries == [
        {"actor": "system", "object_type": "company", "object_id": str(company.pk), "company_id": company.pk,
         "before": None, "after": {"currency": "USD", "amount": "5000.00"}, "reason": ""},
        {"actor": "anna@example.com", "object_type": "company", "object_id": str(company.pk),
         "company_id": company.pk, "before": {"currency": "USD", "amount": "5000.00"},
         "after": {"currency": "USD", "amount": "7500.50"}, "reason": "annual review"},
    ]


@pytest.mark.django_db
def test_an_invalid_policy_document_is_refused():
    # when / then

    with pytest.raises(InvalidPolicy) as refused:
        policy_from_dict({"tolerance_over_limit_pct": 5})
    assert refused.value.field == "tolerance_over_limit_pct"
