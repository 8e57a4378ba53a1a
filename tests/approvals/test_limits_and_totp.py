"""Credit limit requests and recommendations follow routes like orders; a raise above the
threshold needs the approving staff member's TOTP code (missing, wrong or replayed: refused,
nothing written)."""
import datetime as dt
from decimal import Decimal

import pyotp
import pytest

from saleor_netterms.approvals.errors import ApprovalError
from saleor_netterms.approvals.models import ApprovalAction, ApprovalRequest, StaffTOTPDevice
from saleor_netterms.approvals.services import (approval_act, approval_request_open, approval_route_create,
                                                limit_request_open)
from saleor_netterms.approvals.totp import totp_confirm, totp_enroll, totp_verify
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.companies.selectors import company_credit_limit
from saleor_netterms.core.crypto import secret_decrypt
from tests.approvals.conftest import CREDIT_MANAGER, FINANCE, T0, staff_step, usd


@pytest.fixture
def limit_route(credit_installation):
    return approval_route_create(installation=credit_installation, actor="admin@merchant.example",
                                 name="Limits", kind="limit_request",
                                 steps=[staff_step("Credit manager", CREDIT_MANAGER),
                                        staff_step("Finance", FINANCE)])


@pytest.fixture
def finance_totp(credit_installation):
    """FINANCE enrolled and confirmed at T0; returns the secret."""
    uri = totp_enroll(installation=credit_installation, staff_email=FINANCE, staff_user_id="VXNlcjo3")
    assert uri.startswith("otpauth://totp/")
    device = StaffTOTPDevice.objects.get(staff_email=FINANCE)
    secret = secret_decrypt(device.secret_encrypted)
    assert secret not in device.secret_encrypted
    totp_confirm(installation=credit_installation, staff_email=FINANCE,
                 code=pyotp.TOTP(secret).at(T0 - dt.timedelta(minutes=5)), now=T0 - dt.timedelta(minutes=5))
    return secret


def written():
    return (ApprovalAction.objects.count(), AuditEntry.objects.exclude(action="totp.failed").count(),
            list(ApprovalRequest.objects.values_list("status", "current_step")),
            list(StaffTOTPDevice.objects.values_list("last_used_counter", flat=True)))


@pytest.mark.django_db
def test_an_approved_limit_request_sets_the_limit_and_audits_before_and_after(acme, limit_route, settings):
    # given: raises up to 200,000 need no second factor here
    settings.APPROVALS_TOTP_LIMIT_THRESHOLD = Decimal("200000")
    req = limit_request_open(company=acme, proposed=usd("120000"), requested_by="buyer:ceo@acme.example",
                             reason="New plant")

    # when
    approval_act(request=req, actor_email=CREDIT_MANAGER, actor_permissions=(), decision="approve", now=T0)
    approval_act(request=req, actor_email=FINANCE, actor_permissions=(), decision="approve", now=T0)

    # then
    req.refresh_from_db()
    assert req.status == "approved"
    assert company_credit_limit(company=acme, currency="USD") == usd("120000.00")
    entry = AuditEntry.objects.filter(action="credit_limit.set").latest("id")
    assert (entry.before, entry.after, entry.actor, entry.reason) == (
        {"currency": "USD", "amount": "100000.00"}, {"currency": "USD", "amount": "120000.00"}, FINANCE,
        f"Approved limit_request #{req.pk}")


@pytest.mark.django_db
def test_a_recommendation_is_never_applied_silently(acme):
    # when
    first = approval_request_open(kind="limit_recommendation", company=acme, amount=usd("150000"),
                                  reasons=[{"code": "GOOD_PAYER", "buyer": "", "merchant": "Paid early for 12 months."}])
    again = approval_request_open(kind="limit_recommendation", company=acme, amount=usd("150000"), reasons=[])

    # then
    assert again == first
    assert (first.status, first.proposed_limit, first.created_by) == ("pending", Decimal("150000.0000"), "system")
    assert company_credit_limit(company=acme, currency="USD") == usd("100000.00")


@pytest.mark.django_db
def test_a_second_pending_limit_request_is_refused(acme):
    # given
    limit_request_open(company=acme, proposed=usd("20000"), requested_by=CREDIT_MANAGER, reason="x")

    # when
    with pytest.raises(ApprovalError) as refused:
        limit_request_open(company=acme, proposed=usd("30000"), requested_by=CREDIT_MANAGER, reason="y")

    # then
    assert refused.value.code == "LIMIT_REQUEST_PENDING"
    assert ApprovalRequest.objects.count() == 1


@pytest.fixture
def finance_only(credit_installation):
    return approval_route_create(installation=credit_installation, actor="admin@merchant.example",
                                 name="Limits by finance", kind="limit_request",
                                 steps=[staff_step("Finance", FINANCE, permission="MANAGE_USERS")])


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "code", "error"), [
    (FINANCE, None, "SECOND_FACTOR_REQUIRED"),
    (FINANCE, "000000", "SECOND_FACTOR_INVALID"),
    (FINANCE, "12345", "SECOND_FACTOR_INVALID"),
    (FINANCE, "replayed", "SECOND_FACTOR_INVALID"),
    ("manager@merchant.example", "123456", "SECOND_FACTOR_NOT_ENROLLED"),
])
def test_a_raise_above_the_threshold_needs_a_fresh_code(acme, finance_only, finance_totp, actor, code, error):
    # given: 150,000 is above the 50,000 threshold and the current 100,000 limit
    req = limit_request_open(company=acme, proposed=usd("150000"), requested_by=CREDIT_MANAGER, reason="x")
    if code == "replayed":  # the code of T0 was already accepted once (e.g. on another request)
        totp_verify(installation=acme.installation, staff_email=FINANCE, code=pyotp.TOTP(finance_totp).at(T0), now=T0)
        code = pyotp.TOTP(finance_totp).at(T0)
    before = written()

    # when
    with pytest.raises(ApprovalError) as refused:
        approval_act(request=req, actor_email=actor, actor_permissions=("MANAGE_USERS",), decision="approve",
                     totp_code=code, now=T0)

    # then
    assert refused.value.code == error
    assert written() == before
    assert company_credit_limit(company=acme, currency="USD") == usd("100000.00")
    # a wrong code is the one thing that is kept: counted and audited (tests/approvals/test_totp_lockout.py)
    assert list(AuditEntry.objects.filter(action="totp.failed").values_list("actor", flat=True)) == (
        [FINANCE] if error == "SECOND_FACTOR_INVALID" else [])


@pytest.mark.django_db
def test_a_raise_above_the_threshold_with_a_valid_code_is_applied(acme, finance_only, finance_totp):
    # given
    req = limit_request_open(company=acme, proposed=usd("150000"), requested_by=CREDIT_MANAGER, reason="x")

    # when: a code of the previous 30-second step is still accepted
    approval_act(request=req, actor_email=FINANCE, actor_permissions=(), decision="approve",
                 totp_code=pyotp.TOTP(finance_totp).at(T0 - dt.timedelta(seconds=30)), now=T0)

    # then
    req.refresh_from_db()
    assert req.status == "approved"
    assert company_credit_limit(company=acme, currency="USD") == usd("150000.00")
    assert ApprovalAction.objects.get(actor=FINANCE).second_factor_verified is True
    assert StaffTOTPDevice.objects.get(staff_email=FINANCE).last_used_counter == pyotp.TOTP(finance_totp).timecode(T0) - 1


@pytest.mark.django_db
def test_declining_a_large_raise_needs_no_code(acme, finance_only):
    # given
    req = limit_request_open(company=acme, proposed=usd("150000"), requested_by=CREDIT_MANAGER, reason="x")

    # when
    approval_act(request=req, actor_email=FINANCE, actor_permissions=(), decision="decline", comment="Not now")

    # then
    req.refresh_from_db()
    assert req.status == "declined"
    assert company_credit_limit(company=acme, currency="USD") == usd("100000.00")
