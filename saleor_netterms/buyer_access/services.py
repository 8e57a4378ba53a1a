"""Portal sessions and e-mailed sign-in links (the only writers of both).

- ``portal_session_open``: after the storefront hand-over (portal.auth verified the Saleor
  customer token) or a redeemed sign-in link; returns the row and the random key for the cookie
  (only its hash is stored).
- ``portal_session_resolve``: the signed-in person for a cookie key, re-checked on every request
  against the company's members as they are now (a deactivated member or a changed billing
  contact is out at once); idle and absolute expiry.
- ``sign_in_link_request``: a billing contact or e-mail member asks for a link; one link per
  company the address belongs to, rate-limited per address and per client, the same answer
  whether the address is known or not.
- ``sign_in_link_redeem``: single use under a row lock; opens the session for the link's company.
- ``member_invite`` / ``member_change``: a company admin manages the company's buyers (audited).
- ``company_settings_change``: a company admin sets the billing contact and the default PO rules
  (audited; companies.services.company_update writes them).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from saleor_netterms.audit.services import audit_record
from saleor_netterms.companies.errors import InvalidMember
from saleor_netterms.companies.models import Company, CompanyStatus, Member, MemberKind, MemberRole
from saleor_netterms.companies.services import company_update, member_add, member_remove, member_update
from saleor_netterms.companies.validators import email_normalize
from saleor_netterms.core.errors import PermissionDenied
from saleor_netterms.core.money import Money
from saleor_netterms.outbox.email import email_enqueue

from .errors import (InvalidBillingContact, InvalidSignInEmail, PortalSessionExpired, PortalSignInRequired, SignInLinkInvalid,
                     SignInRateLimited)
from .models import PortalRole, PortalSession, SignInLink, SignInMethod
from .notifications import SIGN_IN_KIND


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def session_idle() -> dt.timedelta:
    return dt.timedelta(minutes=_setting("PORTAL_SESSION_IDLE_MINUTES", 30))


def session_max() -> dt.timedelta:
    return dt.timedelta(hours=_setting("PORTAL_SESSION_MAX_HOURS", 8))


LINK_TTL = dt.timedelta(minutes=15)
INVITE_TTL = dt.timedelta(days=3)
PER_ADDRESS = (3, dt.timedelta(minutes=15))      # links asked for one address
PER_CLIENT = (10, dt.timedelta(hours=1))         # links asked from one client address
TOUCH_EVERY = dt.timedelta(minutes=1)
CLOSED_STATUSES = (CompanyStatus.CLOSED,)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class PortalUser:
    """Who is signed in, as of this request."""

    session: PortalSession
    company: Company
    member: Member | None
    role: str
    email: str

    @property
    def actor(self) -> str:
        """How the audit trail and the domains name them ("buyer:<e-mail or user id>")."""
        return f"buyer:{self.email or self.session.saleor_user_id}"


# --- sessions ---------------------------------------------------------------------------------

def portal_session_open(*, company: Company, member: Member | None, method: str, email: str = "",
                        saleor_user_id: str = "", now: dt.datetime | None = None) -> tuple[PortalSession, str]:
    now = now or timezone.now()
    key = secrets.token_urlsafe(32)
    session = PortalSession.objects.create(
        installation_id=company.installation_id, company=company, member=member, email=(email or "").lower(),
        saleor_user_id=saleor_user_id, method=method, key_hash=_hash(key), last_seen_at=now,
        expires_at=now + session_max())
    return session, key


def _role(session: PortalSession) -> str | None:
    company = session.company
    if company.status in CLOSED_STATUSES:
        return None
    member = session.member
    if member is not None:
        if not member.is_active or member.company_id != session.company_id:
            return None
        return member.role
    if session.email and session.email == (company.billing_contact_email or "").strip().lower():
        return PortalRole.BILLING
    return None


def portal_session_resolve(*, key: str, now: dt.datetime | None = None) -> PortalUser:
    """The signed-in person for the cookie's key; PortalSignInRequired (no or unknown key) or
    PortalSessionExpired (idle, past its end, closed, or the person is no longer allowed in)."""
    if not key:
        raise PortalSignInRequired("no portal cookie")
    now = now or timezone.now()
    session = (PortalSession.objects.select_related("company", "member", "company__installation")
               .filter(key_hash=_hash(key)).first())
    if session is None:
        raise PortalSignInRequired("unknown portal session key")
    if session.closed_at or session.expires_at <= now or session.last_seen_at + session_idle() <= now:
        raise PortalSessionExpired(f"portal session {session.pk} ended")
    if session.company.installation.status != "active":
        raise PortalSessionExpired(f"portal session {session.pk}: installation not active")
    role = _role(session)
    if role is None:
        raise PortalSessionExpired(f"portal session {session.pk}: the member may no longer sign in")
    if now - session.last_seen_at >= TOUCH_EVERY:
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now)
        session.last_seen_at = now
    return PortalUser(session=session, company=session.company, member=session.member, role=role,
                      email=session.email)


def portal_session_close(*, key: str, now: dt.datetime | None = None) -> bool:
    if not key:
        return False
    return PortalSession.objects.filter(key_hash=_hash(key), closed_at__isnull=True).update(
        closed_at=now or timezone.now()) > 0


# --- e-mailed sign-in links -------------------------------------------------------------------

def _identities(*, installation, email: str) -> list[tuple[Company, Member | None]]:
    """The companies an address may sign in to: as an active e-mail member (its role), else as
    the company's billing contact."""
    found: dict[int, tuple[Company, Member | None]] = {}
    for member in (Member.objects.select_related("company")
                   .filter(installation=installation, kind=MemberKind.EMAIL, value=email, is_active=True)
                   .exclude(company__status__in=CLOSED_STATUSES)):
        found[member.company_id] = (member.company, member)
    for company in (Company.objects.filter(installation=installation, billing_contact_email__iexact=email)
                    .exclude(status__in=CLOSED_STATUSES)):
        found.setdefault(company.pk, (company, None))
    return sorted(found.values(), key=lambda pair: pair[0].pk)


def sign_in_link_url(token: str) -> str:
    try:
        path = reverse("portal-sign-in-link", args=[token])
    except NoReverseMatch:
        path = f"/portal/sign-in/{token}"
    return f"{settings.APP_PUBLIC_URL}{path}"


def _link_issue(*, company: Company, member: Member | None, email: str, client_hash: str, purpose: str,
                ttl: dt.timedelta, now: dt.datetime) -> tuple[SignInLink, str]:
    token = secrets.token_urlsafe(32)
    link = SignInLink.objects.create(installation_id=company.installation_id, company=company, member=member,
                                     email=email, client_hash=client_hash, token_hash=_hash(token),
                                     purpose=purpose, expires_at=now + ttl)
    return link, token


def sign_in_link_request(*, installation, email: str, client_address: str = "",
                         now: dt.datetime | None = None) -> int:
    """Send a sign-in link for each company `email` may sign in to; returns how many (the page
    says the same whatever the number). SignInRateLimited past the per-address or per-client
    limit, counted over every request, known address or not."""
    now = now or timezone.now()
    try:
        email = email_normalize(email or "")
    except InvalidMember as exc:
        raise InvalidSignInEmail(f"bad sign-in address: {type(exc).__name__}") from exc
    client_hash = _hash(client_address) if client_address else ""
    with transaction.atomic():
        recent = SignInLink.objects.filter(installation=installation, purpose="sign_in")
        if recent.filter(email=email, created_at__gt=now - PER_ADDRESS[1]).count() >= PER_ADDRESS[0]:
            raise SignInRateLimited(f"{PER_ADDRESS[0]} links for one address within {PER_ADDRESS[1]}")
        if client_hash and recent.filter(client_hash=client_hash,
                                         created_at__gt=now - PER_CLIENT[1]).count() >= PER_CLIENT[0]:
            raise SignInRateLimited(f"{PER_CLIENT[0]} links from one client within {PER_CLIENT[1]}")
        identities = _identities(installation=installation, email=email)
        if not identities:
            SignInLink.objects.create(installation=installation, email=email, client_hash=client_hash,
                                      expires_at=now)
            return 0
        for company, member in identities:
            link, token = _link_issue(company=company, member=member, email=email, client_hash=client_hash,
                                      purpose="sign_in", ttl=LINK_TTL, now=now)
            email_enqueue(
                installation=installation, kind=SIGN_IN_KIND, to=email,
                subject=_("Your sign-in link for %(company)s") % {"company": company.legal_name},
                body=_("Use this link to sign in to the account of %(company)s. It works once and "
                       "expires in %(minutes)d minutes:\n\n%(url)s\n\nIf you did not ask for it, ignore "
                       "this e-mail.\n") % {"company": company.legal_name, "minutes": LINK_TTL.seconds // 60,
                                            "url": sign_in_link_url(token)},
                dedupe_key=f"portal-sign-in:{link.pk}")
    return len(identities)


def sign_in_link_peek(*, token: str, now: dt.datetime | None = None) -> SignInLink:
    """The link behind a token if it may still be used (reads only: the confirm page)."""
    now = now or timezone.now()
    link = (SignInLink.objects.select_related("company").filter(token_hash=_hash(token or "")).first()
            if token else None)
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise SignInLinkInvalid("sign-in link unknown, used or expired")
    return link


def sign_in_link_redeem(*, token: str, now: dt.datetime | None = None) -> tuple[PortalSession, str]:
    """Use the link once (row lock, re-checked) and open a session for its company."""
    now = now or timezone.now()
    sign_in_link_peek(token=token, now=now)
    with transaction.atomic():
        link = SignInLink.objects.select_for_update(of=("self",)).select_related("company", "member").get(
            token_hash=_hash(token))
        if link.used_at is not None or link.expires_at <= now:
            raise SignInLinkInvalid(f"sign-in link {link.pk} used or expired")
        if link.member is not None and not link.member.is_active:
            raise SignInLinkInvalid(f"sign-in link {link.pk}: member deactivated")
        if link.member is None and (link.company.billing_contact_email or "").strip().lower() != link.email:
            raise SignInLinkInvalid(f"sign-in link {link.pk}: no longer the billing contact")
        link.used_at = now
        link.save(update_fields=["used_at"])
        return portal_session_open(company=link.company, member=link.member, method=SignInMethod.EMAIL_LINK,
                                   email=link.email, now=now)


# --- company admin ----------------------------------------------------------------------------

def _member_state(member: Member) -> dict:
    limit = member.spending_limit
    return {"kind": member.kind, "value": member.value, "role": member.role, "is_active": member.is_active,
            "spending_limit": limit.as_string() if limit else None,
            "spending_limit_currency": limit.currency if limit else None}


def member_invite(*, admin: PortalUser, email: str, role: str, spending_limit: Money | None,
                  now: dt.datetime | None = None) -> Member:
    """The company admin adds a buyer by e-mail (audited) and the invitee gets a sign-in link."""
    now = now or timezone.now()
    company = admin.company
    with transaction.atomic():
        member = member_add(company=company, kind=MemberKind.EMAIL, value=email, role=role,
                            spending_limit=spending_limit)
        audit_record(installation=company.installation, actor=admin.actor, action="portal.member_invited",
                     object_type="member", object_id=member.pk, company=company, after=_member_state(member))
        link, token = _link_issue(company=company, member=member, email=member.value, client_hash="",
                                  purpose="invite", ttl=INVITE_TTL, now=now)
        email_enqueue(
            installation=company.installation, kind=SIGN_IN_KIND, to=member.value,
            subject=_("You were invited to the account of %(company)s") % {"company": company.legal_name},
            body=_("%(admin)s invited you to %(company)s's net-terms account (role: %(role)s). Sign in with "
                   "this link (it works once, for 3 days; later ask for a new one on the sign-in page):\n\n"
                   "%(url)s\n") % {"admin": admin.email or _("Your company's administrator"),
                                   "company": company.legal_name, "role": _(MemberRole(role).label),
                                   "url": sign_in_link_url(token)},
            dedupe_key=f"portal-invite:{link.pk}")
    return member


def member_change(*, admin: PortalUser, member: Member, role: str | None = None,
                  spending_limit: Money | None = None, clear_spending_limit: bool = False,
                  deactivate: bool = False) -> Member:
    """Role, per-order spending limit or deactivation of one of the admin's company's members
    (audited; an admin cannot demote or deactivate themselves, so a company keeps an admin)."""
    if member.company_id != admin.company.pk:
        raise ValueError("member of another company")  # the view looks members up by company
    if admin.member is not None and member.pk == admin.member.pk and (deactivate or role not in (None, MemberRole.ADMIN)):
        raise PermissionDenied("an admin cannot demote or deactivate themselves", code="CANNOT_CHANGE_SELF",
                               buyer_message="You cannot remove your own admin role; ask another admin.")
    before = _member_state(member)
    with transaction.atomic():
        if deactivate:
            member_remove(member=member)
        else:
            member_update(member=member, role=role, spending_limit=spending_limit,
                          clear_spending_limit=clear_spending_limit)
        if deactivate:
            PortalSession.objects.filter(member=member, closed_at__isnull=True).update(closed_at=timezone.now())
        audit_record(installation=admin.company.installation, actor=admin.actor,
                     action="portal.member_deactivated" if deactivate else "portal.member_changed",
                     object_type="member", object_id=member.pk, company=admin.company, before=before,
                     after=_member_state(member))
    return member


COMPANY_SETTINGS = ("billing_contact_name", "billing_contact_email", "billing_contact_phone", "po_number_required",
                    "po_number_pattern")


def company_settings_state(company: Company) -> dict:
    return {field: getattr(company, field) for field in COMPANY_SETTINGS}


def company_settings_change(*, admin: PortalUser, billing_contact_name: str, billing_contact_email: str,
                            billing_contact_phone: str, po_number_required: bool, po_number_pattern: str) -> Company:
    """The company admin's billing contact (who receives invoices and reminders and may sign in by
    e-mailed link) and default PO rules (required or not; the pattern every PO number must have at
    checkout). Validated by companies (INVALID_MEMBER for the address, INVALID_COMPANY for the
    pattern; nothing written), audited as ``portal.company_settings_changed`` when anything changed.
    A billing contact replaced is signed out at their next request (buyer_access resolves roles
    from the company as it is)."""
    company = admin.company
    if billing_contact_email:
        try:
            email_normalize(billing_contact_email)
        except InvalidMember as exc:
            raise InvalidBillingContact(f"bad billing contact address: {type(exc).__name__}") from exc
    with transaction.atomic():
        before = company_settings_state(company)
        company_update(company=company, billing_contact_name=billing_contact_name,
                       billing_contact_email=billing_contact_email, billing_contact_phone=billing_contact_phone,
                       po_number_required=po_number_required, po_number_pattern=po_number_pattern)
        after = company_settings_state(company)
        if after != before:
            audit_record(installation=company.installation, actor=admin.actor,
                         action="portal.company_settings_changed", object_type="company", object_id=company.pk,
                         company=company, before={k: v for k, v in before.items() if after[k] != v},
                         after={k: v for k, v in after.items() if before[k] != v})
    return company
