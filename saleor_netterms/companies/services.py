"""Writes of credit accounts: companies, their credit limits and members.

Locking: ``company_lock`` is the ONE lock helper for credit decisions. Call it inside
``transaction.atomic()``; it takes ``SELECT … FOR UPDATE`` on the company row. Lock order is the
company row first, always (the returned instance carries a ``core.locks`` mark, so the ledger
services handed it do not lock the row again; handed another instance they lock it); hold it
briefly and never call Saleor, an ERP, a mail server or a renderer while holding it — do those
after commit (outbox).
"""
from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from saleor_netterms.audit.services import audit_record
from saleor_netterms.core.compiled import CompiledQuery
from saleor_netterms.core.locks import row_lock_mark
from saleor_netterms.core.money import InvalidMoney, Money, currency_validate, quantize

from .events import (
    account_status_changed_publish,
    company_created_publish,
    company_updated_publish,
    credit_limit_changed_publish,
)
from .errors import (
    CompanyNotFound,
    ErpCustomerNumberTaken,
    InvalidCompany,
    InvalidCreditLimit,
    InvalidMember,
    LockOutsideTransaction,
    MemberAlreadyExists,
)
from .models import AccountHold, AccountHoldMode, Company, CompanyStatus, CreditLimit, Member, MemberKind, MemberRole
from .validators import (channel_slugs_validate, email_domain_normalize, email_normalize, po_pattern_validate,
                         tax_id_validate)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# The installation comes along (not locked: `of=self`): the ledger dates postings in its time zone.
# Compiled once per process (core.compiled): a checkout takes this lock on every authorization.
_COMPANY_LOCKED = CompiledQuery(
    lambda *, company_id: (Company.objects.select_related("installation").select_for_update(of=("self",))
                           .filter(pk=company_id).order_by()[:1]),
    company_id=(-1, -2))


def company_lock(*, company_id: int) -> Company:
    """``SELECT … FOR UPDATE`` the company row and return it fresh.

    Must run inside ``transaction.atomic()`` (else ``LOCK_OUTSIDE_TRANSACTION``). Take it before
    any other row lock; re-check credit after taking it; never do external I/O while holding it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise LockOutsideTransaction("company_lock called outside transaction.atomic()")
    found = _COMPANY_LOCKED.instances(company_id=company_id)
    company = found[0] if found else None
    if company is None:
        raise CompanyNotFound(f"company {company_id} does not exist")
    row_lock_mark(company)  # the ledger, handed this instance, does not lock the row again
    return company


def _tax_fields(tax_id: str, tax_id_country: str) -> tuple[str, str]:
    if not (tax_id or "").strip() and not (tax_id_country or "").strip():
        return "", ""
    return tax_id_validate(tax_id=tax_id, country=tax_id_country)


def _erp_number_check(*, installation_id: int, erp_customer_number: str, exclude_pk: int | None) -> None:
    if not erp_customer_number:
        return
    clash = Company.objects.filter(installation_id=installation_id, erp_customer_number=erp_customer_number)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ErpCustomerNumberTaken(f"erp_customer_number {erp_customer_number!r} is taken")


def _company_save(company: Company, *, update_fields: list[str] | None = None) -> Company:
    try:
        with transaction.atomic():
            company.save(update_fields=update_fields)
    except IntegrityError as exc:
        if "erp_customer_number" in str(exc) or "company_erp_customer_number_unique" in str(exc):
            raise ErpCustomerNumberTaken(f"erp_customer_number {company.erp_customer_number!r} is taken") from exc
        raise
    return company


def company_create(*, installation, legal_name: str, tax_id: str = "", tax_id_country: str = "",
                   billing_contact_name: str = "", billing_contact_email: str = "",
                   billing_contact_phone: str = "", erp_customer_number: str = "",
                   default_terms_days: int = 30, po_number_required: bool = False, po_number_pattern: str = "",
                   allowed_channels: list[str] | None = None) -> Company:
    """Create an active company. The tax id is validated and stored compact (``INVALID_TAX_ID``);
    a taken ERP customer number → ``ERP_CUSTOMER_NUMBER_TAKEN``."""
    legal_name = (legal_name or "").strip()
    if not legal_name:
        raise InvalidCompany("legal_name is required", merchant_message="The legal name is required.")
    if not isinstance(default_terms_days, int) or default_terms_days < 0:
        raise InvalidCompany(f"default_terms_days must be a non-negative integer, got {default_terms_days!r}")
    tax_id, tax_id_country = _tax_fields(tax_id, tax_id_country)
    erp_customer_number = (erp_customer_number or "").strip()
    _erp_number_check(installation_id=installation.pk, erp_customer_number=erp_customer_number, exclude_pk=None)
    company = Company(
        installation=installation, legal_name=legal_name, tax_id=tax_id, tax_id_country=tax_id_country,
        billing_contact_name=(billing_contact_name or "").strip(),
        billing_contact_email=(email_normalize(billing_contact_email) if billing_contact_email else ""),
        billing_contact_phone=(billing_contact_phone or "").strip(),
        erp_customer_number=erp_customer_number, default_terms_days=default_terms_days,
        po_number_required=po_number_required, po_number_pattern=po_pattern_validate(po_number_pattern),
        allowed_channels=channel_slugs_validate(allowed_channels),
        status=CompanyStatus.ACTIVE, status_changed_at=timezone.now(),
    )
    with transaction.atomic():
        _company_save(company)
        company_created_publish(company)
    return company


_UPDATABLE = ("legal_name", "tax_id", "tax_id_country", "billing_contact_name", "billing_contact_email",
              "billing_contact_phone", "erp_customer_number", "default_terms_days", "po_number_required",
              "po_number_pattern", "allowed_channels", "credit_tier")


def company_update(*, company: Company, legal_name: str = UNSET, tax_id: str = UNSET,
                   tax_id_country: str = UNSET, billing_contact_name: str = UNSET,
                   billing_contact_email: str = UNSET, billing_contact_phone: str = UNSET,
                   erp_customer_number: str = UNSET, default_terms_days: int = UNSET,
                   po_number_required: bool = UNSET, po_number_pattern: str = UNSET,
                   allowed_channels: list[str] = UNSET, credit_tier: str = UNSET) -> Company:
    """Change the given fields (others untouched); fields given with their current value change
    nothing (no save, no company.updated). Status has its own service, limits too.
    ``credit_tier`` is a built-in tier key (``INVALID_COMPANY`` otherwise); merchants change it
    through ``decisions.services.company_tier_set``, which audits the change."""
    changed: list[str] = []
    before = {f: getattr(company, f) for f in _UPDATABLE}
    if legal_name is not UNSET:
        if not (legal_name or "").strip():
            raise InvalidCompany("legal_name is required", merchant_message="The legal name is required.")
        company.legal_name = legal_name.strip()
        changed.append("legal_name")
    if tax_id is not UNSET or tax_id_country is not UNSET:
        company.tax_id, company.tax_id_country = _tax_fields(
            company.tax_id if tax_id is UNSET else tax_id,
            company.tax_id_country if tax_id_country is UNSET else tax_id_country)
        changed += ["tax_id", "tax_id_country"]
    if billing_contact_name is not UNSET:
        company.billing_contact_name = (billing_contact_name or "").strip()
        changed.append("billing_contact_name")
    if billing_contact_email is not UNSET:
        company.billing_contact_email = email_normalize(billing_contact_email) if billing_contact_email else ""
        changed.append("billing_contact_email")
    if billing_contact_phone is not UNSET:
        company.billing_contact_phone = (billing_contact_phone or "").strip()
        changed.append("billing_contact_phone")
    if erp_customer_number is not UNSET:
        company.erp_customer_number = (erp_customer_number or "").strip()
        _erp_number_check(installation_id=company.installation_id,
                          erp_customer_number=company.erp_customer_number, exclude_pk=company.pk)
        changed.append("erp_customer_number")
    if default_terms_days is not UNSET:
        if not isinstance(default_terms_days, int) or default_terms_days < 0:
            raise InvalidCompany(f"default_terms_days must be a non-negative integer, got {default_terms_days!r}")
        company.default_terms_days = default_terms_days
        changed.append("default_terms_days")
    if po_number_required is not UNSET:
        company.po_number_required = bool(po_number_required)
        changed.append("po_number_required")
    if po_number_pattern is not UNSET:
        company.po_number_pattern = po_pattern_validate(po_number_pattern)
        changed.append("po_number_pattern")
    if allowed_channels is not UNSET:
        company.allowed_channels = channel_slugs_validate(allowed_channels)
        changed.append("allowed_channels")
    if credit_tier is not UNSET:
        # Which tiers exist is the decisions domain's (decisions.tiers): company_tier_set
        # resolves the key there before storing it here. This only refuses what cannot be a key.
        if not isinstance(credit_tier, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,15}", credit_tier):
            raise InvalidCompany(f"unknown credit tier {credit_tier!r}",
                                 merchant_message="Unknown credit tier; use starter, standard or premium.")
        company.credit_tier = credit_tier
        changed.append("credit_tier")
    changed = [f for f in changed if getattr(company, f) != before[f]]  # the same values again: nothing happens
    if not changed:
        return company
    with transaction.atomic():
        _company_save(company, update_fields=[*changed, "updated_at"])
        company_updated_publish(company, changed)
    return company


def company_status_set(*, company: Company, status: str, reason: str) -> Company:
    """Set the status (active, on_hold, suspended, closed) with a reason (required unless
    active) and stamp ``status_changed_at``. Takes the company lock, so a credit decision in
    flight sees either the old or the new status, never half of it."""
    if status not in CompanyStatus.values:
        raise InvalidCompany(f"unknown status {status!r}", merchant_message="The status is not valid.")
    reason = (reason or "").strip()
    if status != CompanyStatus.ACTIVE and not reason:
        raise InvalidCompany(f"a reason is required for status {status}",
                             merchant_message="Say why the account is put on hold, suspended or closed.")
    with transaction.atomic():
        locked = company_lock(company_id=company.pk)
        if locked.status == status and locked.status_reason == reason:
            return locked
        previous = locked.status
        locked.status = status
        locked.status_reason = reason[:255]
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
        if previous != status:
            account_status_changed_publish(locked, previous=previous, reason=locked.status_reason)
    company.status, company.status_reason, company.status_changed_at = (
        locked.status, locked.status_reason, locked.status_changed_at)
    return locked


def credit_limit_set(*, company: Company, amount: Money, actor: str = "system", reason: str = "") -> CreditLimit:
    """Set the company's credit limit in ``amount.currency`` (≥ 0, quantized). Lowering it below
    the current exposure is allowed: available credit turns negative and new holds are refused.
    Audited in the same transaction (``credit_limit.set``, before/after ``{currency, amount}``,
    before null for a new limit); setting the same amount again records nothing."""
    if not isinstance(amount, Money):
        raise InvalidCreditLimit(f"not Money: {amount!r}")
    try:
        currency = currency_validate(amount.currency)
        value = quantize(amount.amount, currency)
    except InvalidMoney as exc:
        raise InvalidCreditLimit(f"invalid credit limit {amount!r}") from exc
    if value < 0:
        raise InvalidCreditLimit(f"credit limit must be zero or positive, got {value} {currency}")
    with transaction.atomic():
        locked = company_lock(company_id=company.pk)
        previous = CreditLimit.objects.filter(company=locked, currency=currency).first()
        if previous is not None and previous.amount == value:
            return previous
        limit, _ = CreditLimit.objects.update_or_create(company=company, currency=currency,
                                                        defaults={"amount": value})
        audit_record(installation=locked.installation, actor=actor, action="credit_limit.set",
                     object_type="company", object_id=locked.pk, company=locked,
                     before=(None if previous is None
                             else {"currency": currency, "amount": quantize(previous.amount, currency)}),
                     after={"currency": currency, "amount": value}, reason=reason)
        credit_limit_changed_publish(locked, currency=currency, previous=None if previous is None else previous.amount,
                                     amount=value, actor=actor, reason=reason)
    return limit


def _member_value_normalize(kind: str, value: str) -> str:
    if kind not in MemberKind.values:
        raise InvalidMember(f"unknown member kind {kind!r}")
    if kind == MemberKind.EMAIL:
        return email_normalize(value)
    if kind == MemberKind.EMAIL_DOMAIN:
        return email_domain_normalize(value)
    value = (value or "").strip()
    if not value or len(value) > 255:
        raise InvalidMember(f"empty or too long {kind} value")
    return value


def _spending_limit_fields(spending_limit: Money | None) -> tuple[Any, str]:
    """(amount, currency) of a per-order limit as stored, (None, "") for none."""
    if spending_limit is None:
        return None, ""
    if not isinstance(spending_limit, Money):
        raise InvalidMember(f"spending_limit is not Money: {spending_limit!r}")
    try:
        limit_currency = currency_validate(spending_limit.currency)
        limit_amount = quantize(spending_limit.amount, limit_currency)
    except InvalidMoney as exc:
        raise InvalidMember(f"invalid spending limit {spending_limit!r}") from exc
    if limit_amount < 0:
        raise InvalidMember("spending limit must be zero or positive")
    return limit_amount, limit_currency


def member_add(*, company: Company, kind: str, value: str, role: str = MemberRole.BUYER,
               spending_limit: Money | None = None, domain_verified: bool = False) -> Member:
    """Map a Saleor identity to the company. ``value`` is normalized (emails and domains
    lower-cased). ``domain_verified`` only for ``email_domain`` members: an unverified domain
    never matches. A (kind, value) already active in the installation → ``MEMBER_ALREADY_EXISTS``."""
    value = _member_value_normalize(kind, value)
    if role not in MemberRole.values:
        raise InvalidMember(f"unknown role {role!r}")
    if domain_verified and kind != MemberKind.EMAIL_DOMAIN:
        raise InvalidMember("domain_verified is only for email_domain members")
    limit_amount, limit_currency = _spending_limit_fields(spending_limit)
    clash = Member.objects.filter(installation_id=company.installation_id, kind=kind, value=value, is_active=True)
    if kind == MemberKind.EMAIL_DOMAIN:
        clash = clash.filter(domain_verified=True) if domain_verified else clash.filter(company=company)
    if clash.exists():
        raise MemberAlreadyExists(f"{kind}={value!r} is already an active member in this installation")
    try:
        with transaction.atomic():
            return Member.objects.create(
                installation_id=company.installation_id, company=company, kind=kind, value=value,
                role=role, domain_verified=domain_verified, spending_limit_amount=limit_amount,
                spending_limit_currency=limit_currency)
    except IntegrityError as exc:
        raise MemberAlreadyExists(f"{kind}={value!r} is already an active member in this installation") from exc


def member_domain_verify(*, member: Member) -> Member:
    """Mark an email_domain member verified (after the merchant proved the company owns it)."""
    if member.kind != MemberKind.EMAIL_DOMAIN:
        raise InvalidMember("only email_domain members are verified")
    if Member.objects.filter(installation_id=member.installation_id, kind=member.kind, value=member.value,
                             is_active=True, domain_verified=True).exclude(pk=member.pk).exists():
        raise MemberAlreadyExists(f"domain {member.value!r} is verified for another company")
    try:
        with transaction.atomic():
            member.domain_verified = True
            member.save(update_fields=["domain_verified", "updated_at"])
    except IntegrityError as exc:
        member.domain_verified = False
        raise MemberAlreadyExists(f"domain {member.value!r} is verified for another company") from exc
    return member


def member_update(*, member: Member, role: str | None = None, spending_limit: Money | None = None,
                  clear_spending_limit: bool = False) -> Member:
    """Change a member's role and/or per-order spending limit (None leaves it as it is;
    ``clear_spending_limit`` removes the limit)."""
    fields = []
    if role is not None:
        if role not in MemberRole.values:
            raise InvalidMember(f"unknown role {role!r}")
        member.role = role
        fields.append("role")
    if clear_spending_limit or spending_limit is not None:
        member.spending_limit_amount, member.spending_limit_currency = _spending_limit_fields(
            None if clear_spending_limit else spending_limit)
        fields += ["spending_limit_amount", "spending_limit_currency"]
    if fields:
        member.save(update_fields=[*fields, "updated_at"])
    return member


def member_remove(*, member: Member) -> Member:
    """Deactivate a member (kept for the audit trail; its value can be added again)."""
    if member.is_active:
        member.is_active = False
        member.save(update_fields=["is_active", "updated_at"])
    return member


def account_hold_place(*, company: Company, mode: str, buyer_message: str, merchant_message: str = "",
                       cause_refs: list[tuple[str, str]] | None = None, placed_by: str = "system",
                       placed_key: str, reason_code: str = "DUNNING_HOLD") -> tuple[AccountHold, bool]:
    """Place an account hold once per ``placed_key`` (the same key again returns the first hold,
    created=False). Takes the company lock, so a credit decision in flight sees it or not, never
    half of it."""
    if mode not in AccountHoldMode.values:
        raise InvalidCompany(f"unknown hold mode {mode!r}", merchant_message="The hold mode is not valid.")
    if not (buyer_message or "").strip():
        raise InvalidCompany("a hold needs a buyer message", merchant_message="Say why the account is on hold.")
    with transaction.atomic():
        company_lock(company_id=company.pk)
        existing = AccountHold.objects.filter(company=company, placed_key=placed_key).first()
        if existing is not None:
            return existing, False
        hold = AccountHold.objects.create(
            company=company, mode=mode, reason_code=reason_code, buyer_message=buyer_message[:500],
            merchant_message=merchant_message[:500], cause_refs=[list(r) for r in (cause_refs or [])],
            placed_by=placed_by or "system", placed_key=placed_key[:255])
    return hold, True


def account_hold_lift(*, hold: AccountHold, lifted_by: str, reason: str) -> tuple[AccountHold, bool]:
    """Lift a hold (automatically when its cause is paid, or early by staff with a reason).
    Lifting twice changes nothing (lifted=False the second time)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidCompany("lifting a hold needs a reason", merchant_message="Say why the hold is lifted.")
    with transaction.atomic():
        company_lock(company_id=hold.company_id)
        locked = AccountHold.objects.select_for_update().get(pk=hold.pk)
        if locked.lifted_at is not None:
            return locked, False
        locked.lifted_at = timezone.now()
        locked.lifted_by = lifted_by or "system"
        locked.lift_reason = reason[:255]
        locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return locked, True


def company_promise_outcome_record(*, company: Company, kept: bool) -> None:
    """Count a settled promise to pay in the buyer's payment history (the credit policy's
    review_broken_promises_above reads it): the one writer of promises_kept / promises_broken,
    called by collections when it settles a promise. An atomic increment (no lost update)."""
    field = "promises_kept" if kept else "promises_broken"
    Company.objects.filter(pk=company.pk).update(**{field: F(field) + 1})
