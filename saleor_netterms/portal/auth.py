"""Authenticate a buyer with their Saleor customer access token (FACTS.md §7).

The storefront sends the customer's token (`Authorization: Bearer <access token>`) and the
`Saleor-Api-Url`. We check: the installation is known and active; the RS256 signature against its
JWKS (refetched once on failure, the same code as the Dashboard token); `exp`; `type == "access"`;
`iss` equals the installation's API URL; the token is a customer's (`is_staff` false). The buyer
is then mapped to a company member like at checkout, with the same confirmed-account rule: an
e-mail or e-mail-domain member counts only when Saleor says the account is confirmed (the token
does not carry it, so the app asks Saleor `user(id) { isConfirmed }` — only when such a member is
the one that would match). An offline check cannot see a revoked token
(Saleor compares `token` with the user's current key): tokens live 5 minutes, and nothing here
moves money — a limit request still needs the merchant's approval chain."""
from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from saleor_netterms.companies.models import Member
from saleor_netterms.companies.selectors import member_resolution
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.installations.dashboard_auth import saleor_token_claims
from saleor_netterms.installations.errors import DashboardTokenInvalid, DashboardTokenMissing
from saleor_netterms.installations.models import Installation
from saleor_netterms.installations.saleor import saleor_execute
from saleor_netterms.installations.selectors import installation_get_active, storefront_origin_check
from saleor_netterms.saleor_api.errors import SaleorApiError


class NotACreditAccountMember(NetTermsError):
    code = "NO_CREDIT_ACCOUNT"
    http_status = 403
    buyer_message = "Your account is not part of a company credit account."
    merchant_message = "The customer is not a member of any company credit account."


class EmailNotConfirmed(NetTermsError):
    code = "EMAIL_NOT_CONFIRMED"
    http_status = 403
    buyer_message = ("Please confirm your e-mail address first: open the confirmation link we sent you "
                     "when you registered, then sign in again.")
    merchant_message = ("The customer's Saleor account is not confirmed; e-mail and e-mail-domain members "
                        "match only confirmed accounts.")


class ConfirmationUnavailable(NetTermsError):
    code = "SALEOR_UNAVAILABLE"
    http_status = 503
    buyer_message = "We could not check your account right now. Please try again in a minute."
    merchant_message = "Saleor could not be asked whether the customer's account is confirmed."


def customer_is_confirmed(*, installation: Installation, user_id: str, email: str | None) -> bool:
    """Saleor's `User.isConfirmed` for this customer (and the address is still the token's)."""
    try:
        data = saleor_execute(installation=installation, document="queries/customer_confirmation",
                              variables={"id": user_id})
    except SaleorApiError as exc:
        raise ConfirmationUnavailable(f"CustomerConfirmation failed: {exc.code}") from exc
    user = data.get("user") or {}
    same_address = (user.get("email") or "").strip().lower() == (email or "").strip().lower()
    return user.get("isConfirmed") is True and same_address


@dataclass(frozen=True)
class Buyer:
    installation: Installation
    user_id: str
    email: str | None
    member: Member


def authenticate_buyer_request(request: HttpRequest) -> Buyer:
    header = request.headers.get("Authorization", "").strip()
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    return authenticate_buyer(token=token, saleor_api_url=request.headers.get("Saleor-Api-Url", ""))


def authenticate_buyer(*, token: str, saleor_api_url: str) -> Buyer:
    """The company member behind a Saleor customer access token (the checks above); the JSON
    endpoints read it from the headers."""
    token, saleor_api_url = (token or "").strip(), (saleor_api_url or "").strip()
    if not token or not saleor_api_url:
        raise DashboardTokenMissing("Authorization: Bearer <customer token> and Saleor-Api-Url are required")
    return _buyer_of(token=token, installation=installation_get_active(saleor_api_url=saleor_api_url))


def authenticate_handover(*, token: str, saleor_api_url: str, origin: str | None) -> Buyer:
    """The portal's hand-over (a POSTed form from a storefront page): first the page's origin
    against the installation's storefront origins (STOREFRONT_ORIGIN_FORBIDDEN, before the token is
    looked at), then the token exactly as authenticate_buyer checks it."""
    token, saleor_api_url = (token or "").strip(), (saleor_api_url or "").strip()
    if not token or not saleor_api_url:
        raise DashboardTokenMissing("token and saleorApiUrl are required")
    installation = installation_get_active(saleor_api_url=saleor_api_url)
    storefront_origin_check(installation=installation, origin=origin)
    return _buyer_of(token=token, installation=installation)


def _buyer_of(*, token: str, installation: Installation) -> Buyer:
    claims = saleor_token_claims(token, installation)
    if claims.get("type") != "access":
        raise DashboardTokenInvalid(f"token type {claims.get('type')!r} is not a customer access token")
    if claims.get("iss") != installation.saleor_api_url:
        raise DashboardTokenInvalid("token issuer is not this Saleor")
    if claims.get("is_staff"):
        raise DashboardTokenInvalid("a staff token is not a buyer's token")
    user_id = claims.get("user_id")
    if not user_id or not isinstance(user_id, str):
        raise DashboardTokenInvalid("token has no user_id")
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    resolution = member_resolution(installation=installation, user_id=user_id, email=email,
                                   email_confirmed=False, external_reference=None, customer_type_slug=None)
    member = resolution.member
    if member is None and resolution.unconfirmed_email_match is not None:
        if not customer_is_confirmed(installation=installation, user_id=user_id, email=email):
            raise EmailNotConfirmed(f"user {user_id} is not confirmed; an e-mail member would match")
        member = member_resolution(installation=installation, user_id=user_id, email=email,
                                   email_confirmed=True, external_reference=None,
                                   customer_type_slug=None).member
    if member is None:
        raise NotACreditAccountMember(f"user {user_id} has no credit account")
    return Buyer(installation=installation, user_id=user_id, email=email, member=member)
