"""TOTP codes cannot be guessed without limit (issue 8 §3): wrong codes are counted and audited,
five in a row lock the authenticator for 15 minutes (even the right code is refused), an accepted
code resets the count. Through the service and through the app's API mutation."""
import datetime as dt

import pyotp
import pytest

from saleor_netterms.approvals.errors import ApprovalError
from saleor_netterms.approvals.models import ApprovalAction, StaffTOTPDevice
from saleor_netterms.approvals.services import approval_act, approval_route_create, limit_request_open
from saleor_netterms.approvals.totp import totp_confirm, totp_enroll
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.companies.selectors import company_credit_limit
from saleor_netterms.core.crypto import secret_decrypt
from tests.approvals.conftest import FINANCE, T0, staff_step, usd
from tests.approvals.test_api import run


@pytest.fixture
def secret(credit_installation):
    totp_enroll(installation=credit_installation, staff_email=FINANCE)
    value = secret_decrypt(StaffTOTPDevice.objects.get().secret_encrypted)
    earlier = T0 - dt.timedelta(minutes=5)
    totp_confirm(installation=credit_installation, staff_email=FINANCE, code=pyotp.TOTP(value).at(earlier), now=earlier)
    return value


@pytest.fixture
def raise_request(acme, credit_installation):
    approval_route_create(installation=credit_installation, actor="admin@merchant.example", name="Limits",
                          kind="limit_request", steps=[staff_step("Finance", FINANCE, permission="MANAGE_USERS")])
    return limit_request_open(company=acme, proposed=usd("150000"), requested_by="buyer:ceo@acme.example", reason="x")


def _try(req, code, now):
    try:
        approval_act(request=req, actor_email=FINANCE, actor_permissions=("MANAGE_USERS",), decision="approve",
                     totp_code=code, now=now)
    except ApprovalError as error:
        return error.code
    return "APPROVED"


@pytest.mark.django_db
def test_five_wrong_codes_lock_the_authenticator_for_fifteen_minutes(acme, secret, raise_request):
    # when five wrong codes are tried, then the right one at once, then the right one after the lock
    wrong = [_try(raise_request, f"{n:06d}", T0 + dt.timedelta(seconds=n)) for n in range(5)]
    right_while_locked = _try(raise_request, pyotp.TOTP(secret).at(T0 + dt.timedelta(seconds=10)),
                              T0 + dt.timedelta(seconds=10))
    after = T0 + dt.timedelta(minutes=16)
    right_after_lock = _try(raise_request, pyotp.TOTP(secret).at(after), after)

    # then
    assert wrong == ["SECOND_FACTOR_INVALID"] * 5
    assert right_while_locked == "SECOND_FACTOR_LOCKED"
    assert right_after_lock == "APPROVED"
    assert list(AuditEntry.objects.filter(action__in=["totp.failed", "totp.locked"]).order_by("id")
                .values_list("action", flat=True)) == ["totp.failed"] * 4 + ["totp.locked"]
    locked = AuditEntry.objects.get(action="totp.locked")
    assert locked.after == {"during": "approval",
                            "locked_until": (T0 + dt.timedelta(seconds=4, minutes=15)).isoformat()}
    assert company_credit_limit(company=acme, currency="USD") == usd("150000.00")


@pytest.mark.django_db
def test_an_accepted_code_resets_the_count(acme, secret, raise_request):
    # given four wrong codes
    for n in range(4):
        _try(raise_request, f"{n:06d}", T0)

    # when the right one is given
    result = _try(raise_request, pyotp.TOTP(secret).at(T0), T0)

    # then
    device = StaffTOTPDevice.objects.get()
    assert result == "APPROVED"
    assert (device.failed_attempts, device.locked_until) == (0, None)
    assert ApprovalAction.objects.count() == 1


@pytest.fixture
def enrolling(credit_installation):
    """FINANCE has started enrolment (not confirmed); the secret their authenticator app holds."""
    totp_enroll(installation=credit_installation, staff_email=FINANCE)
    return secret_decrypt(StaffTOTPDevice.objects.get().secret_encrypted)


def _confirm(installation, code, now):
    try:
        totp_confirm(installation=installation, staff_email=FINANCE, code=code, now=now)
    except ApprovalError as error:
        return error.code
    return "CONFIRMED"


@pytest.mark.django_db
def test_wrong_enrolment_codes_are_counted_audited_and_lock_the_enrolment(credit_installation, enrolling):
    # when five wrong confirmation codes are tried, then the right one at once, then after the lock
    wrong = [_confirm(credit_installation, f"{n:06d}", T0 + dt.timedelta(seconds=n)) for n in range(5)]
    at = T0 + dt.timedelta(seconds=10)
    right_while_locked = _confirm(credit_installation, pyotp.TOTP(enrolling).at(at), at)
    after = T0 + dt.timedelta(minutes=16)
    right_after_lock = _confirm(credit_installation, pyotp.TOTP(enrolling).at(after), after)

    # then
    assert wrong == ["SECOND_FACTOR_INVALID"] * 5
    assert right_while_locked == "SECOND_FACTOR_LOCKED"
    assert right_after_lock == "CONFIRMED"
    audited = list(AuditEntry.objects.filter(action__in=["totp.failed", "totp.locked"]).order_by("id")
                   .values_list("action", "after"))
    assert audited == [("totp.failed", {"during": "enrolment"})] * 4 + [
        ("totp.locked", {"during": "enrolment",
                         "locked_until": (T0 + dt.timedelta(seconds=4, minutes=15)).isoformat()})]
    device = StaffTOTPDevice.objects.get()
    assert (device.confirmed_at, device.failed_attempts, device.locked_until) == (after, 0, None)


@pytest.mark.django_db
def test_restarting_enrolment_keeps_the_lock(credit_installation, enrolling):
    # given a locked enrolment
    for n in range(5):
        _confirm(credit_installation, f"{n:06d}", T0)

    # when enrolment is restarted (a new secret) and its right code is given during the lock
    totp_enroll(installation=credit_installation, staff_email=FINANCE)
    fresh = secret_decrypt(StaffTOTPDevice.objects.get().secret_encrypted)
    at = T0 + dt.timedelta(minutes=1)
    result = _confirm(credit_installation, pyotp.TOTP(fresh).at(at), at)

    # then
    assert result == "SECOND_FACTOR_LOCKED"
    assert StaffTOTPDevice.objects.get().confirmed_at is None


@pytest.mark.django_db
def test_wrong_enrolment_codes_through_the_api_are_counted_and_lock(credit_installation, enrolling):
    # given
    mutation = "mutation($c: String!) { totpConfirm(code: $c) { confirmed errors { code field } } }"

    # when five wrong codes, then the right one, are sent through the app's API
    answers = [run(credit_installation, mutation, {"c": f"{n:06d}"}, email=FINANCE)["totpConfirm"]
               for n in range(5)]
    right = run(credit_installation, mutation, {"c": pyotp.TOTP(enrolling).now()}, email=FINANCE)["totpConfirm"]

    # then
    assert answers == [{"confirmed": False, "errors": [{"code": "SECOND_FACTOR_INVALID", "field": "code"}]}] * 5
    assert right == {"confirmed": False, "errors": [{"code": "SECOND_FACTOR_LOCKED", "field": None}]}
    assert AuditEntry.objects.filter(action="totp.failed").count() == 4
    assert AuditEntry.objects.filter(action="totp.locked").count() == 1
    assert StaffTOTPDevice.objects.get().confirmed_at is None
