"""Second factor of staff members (TOTP, RFC 6238, pyotp): needed to approve large limit raises.

The secret is stored encrypted (core.crypto). A code is accepted for the current 30-second step
and one step either side; the accepted step is remembered (``last_used_counter``) and no code of
that step or an earlier one is accepted again (no replays).

Guessing is bounded: every wrong code is counted on the device and audited (``totp.failed``); after
``TOTP_MAX_FAILURES`` wrong codes in a row the device is locked for ``TOTP_LOCK_MINUTES``
(``totp.locked``, SECOND_FACTOR_LOCKED 429) and no code — right or wrong — is looked at until then.
An accepted code resets the count. The count is written in its own transaction
(``totp_failure_record``) so the refusal that rolls the caller back does not roll it back too.
Confirming an enrolment (``totp_confirm``) is bounded the same way, on the same count: its wrong
codes are counted and audited (``during: "enrolment"``), and a locked device cannot be confirmed;
restarting the enrolment (a new secret) keeps the count and the lock."""
from __future__ import annotations

import hmac
from datetime import datetime, timedelta

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saleor_netterms.audit.services import audit_record
from saleor_netterms.core.crypto import secret_decrypt, secret_encrypt

from .errors import SecondFactorAlreadyEnrolled, SecondFactorInvalid, SecondFactorLocked, SecondFactorNotEnrolled
from .models import StaffTOTPDevice

VALID_WINDOW = 1


def _email(value: str) -> str:
    return (value or "").strip().lower()


def totp_code_match(*, secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` belongs to (current ± VALID_WINDOW), or None."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return None
    otp = pyotp.TOTP(secret)
    base = otp.timecode(now)
    for offset in (0, -1, 1)[: 2 * VALID_WINDOW + 1]:
        if hmac.compare_digest(otp.generate_otp(base + offset), code):
            return base + offset
    return None


def totp_enroll(*, installation, staff_email: str, staff_user_id: str = "") -> str:
    """Start (or restart, while unconfirmed) enrolment; returns the otpauth:// provisioning URI."""
    email = _email(staff_email)
    if not email:
        raise SecondFactorNotEnrolled("a staff e-mail is needed to enrol")
    secret = pyotp.random_base32()
    with transaction.atomic():
        device = StaffTOTPDevice.objects.select_for_update().filter(installation=installation,
                                                                     staff_email=email).first()
        if device is not None and device.confirmed_at is not None:
            raise SecondFactorAlreadyEnrolled(f"{email} already has a confirmed device")
        if device is None:
            device = StaffTOTPDevice(installation=installation, staff_email=email)
        device.staff_user_id = staff_user_id or ""
        device.secret_encrypted = secret_encrypt(secret)
        device.confirmed_at = None
        device.last_used_counter = None
        device.save()
        audit_record(installation=installation, actor=email, action="totp.enrolled",
                     object_type="staff_totp_device", object_id=device.pk)
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=settings.APP_NAME)


def totp_confirm(*, installation, staff_email: str, code: str, now: datetime | None = None) -> StaffTOTPDevice:
    """Confirm enrolment with a first code from the authenticator app. A wrong code is counted
    (after the refusal rolled back) like a wrong code at approval; SECOND_FACTOR_LOCKED while locked."""
    email, now = _email(staff_email), now or timezone.now()
    try:
        return _totp_confirm(installation=installation, email=email, code=code, now=now)
    except SecondFactorInvalid:
        totp_failure_record(installation=installation, staff_email=email, now=now, during="enrolment")
        raise


def _totp_confirm(*, installation, email: str, code: str, now: datetime) -> StaffTOTPDevice:
    with transaction.atomic():
        device = StaffTOTPDevice.objects.select_for_update().filter(installation=installation,
                                                                     staff_email=email).first()
        if device is None:
            raise SecondFactorNotEnrolled(f"{email} has no device")
        if device.confirmed_at is not None:
            raise SecondFactorAlreadyEnrolled(f"{email} already confirmed")
        if device.locked_until is not None and device.locked_until > now:
            raise SecondFactorLocked(f"{email} is locked until {device.locked_until.isoformat()}")
        counter = totp_code_match(secret=secret_decrypt(device.secret_encrypted), code=code, now=now)
        if counter is None:
            raise SecondFactorInvalid("confirmation code does not match")
        device.confirmed_at = now
        device.last_used_counter = counter
        device.failed_attempts = 0
        device.locked_until = None
        device.save(update_fields=["confirmed_at", "last_used_counter", "failed_attempts", "locked_until"])
        audit_record(installation=installation, actor=email, action="totp.confirmed",
                     object_type="staff_totp_device", object_id=device.pk)
    return device


def totp_verify(*, installation, staff_email: str, code: str, now: datetime | None = None) -> int:
    """Accept a code once, in the caller's transaction (a refusal later rolls the use back).
    Returns the accepted time step; raises SECOND_FACTOR_NOT_ENROLLED / SECOND_FACTOR_INVALID."""
    email, now = _email(staff_email), now or timezone.now()
    device = StaffTOTPDevice.objects.select_for_update().filter(installation=installation,
                                                                 staff_email=email).first()
    if device is None or device.confirmed_at is None:
        raise SecondFactorNotEnrolled(f"{email} has no confirmed device")
    if device.locked_until is not None and device.locked_until > now:
        raise SecondFactorLocked(f"{email} is locked until {device.locked_until.isoformat()}")
    counter = totp_code_match(secret=secret_decrypt(device.secret_encrypted), code=code, now=now)
    if counter is None:
        raise SecondFactorInvalid("code does not match")
    if device.last_used_counter is not None and counter <= device.last_used_counter:
        raise SecondFactorInvalid("code replayed")
    device.last_used_counter = counter
    device.failed_attempts = 0
    device.locked_until = None
    device.save(update_fields=["last_used_counter", "failed_attempts", "locked_until"])
    return counter


def totp_failure_record(*, installation, staff_email: str, now: datetime | None = None,
                        during: str = "approval") -> StaffTOTPDevice | None:
    """Count one wrong code (call it after the refused transaction rolled back); lock the device
    after TOTP_MAX_FAILURES in a row. Audited, with `during` ("approval" or "enrolment")."""
    email, now = _email(staff_email), now or timezone.now()
    with transaction.atomic():
        device = StaffTOTPDevice.objects.select_for_update().filter(installation=installation,
                                                                     staff_email=email).first()
        if device is None:
            return None
        device.failed_attempts += 1
        locked = device.failed_attempts >= settings.TOTP_MAX_FAILURES
        if locked:
            device.locked_until = now + timedelta(minutes=settings.TOTP_LOCK_MINUTES)
            device.failed_attempts = 0
        device.save(update_fields=["failed_attempts", "locked_until"])
        audit_record(installation=installation, actor=email, action="totp.locked" if locked else "totp.failed",
                     object_type="staff_totp_device", object_id=device.pk,
                     after={"during": during, **({"locked_until": device.locked_until.isoformat()}
                                                  if locked else {})})
    return device
