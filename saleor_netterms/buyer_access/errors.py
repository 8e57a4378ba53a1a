"""Coded refusals of the portal's sign-in (buyer-facing text; never which addresses exist)."""
from saleor_netterms.core.errors import NetTermsError


class PortalSignInRequired(NetTermsError):
    code = "PORTAL_SIGN_IN_REQUIRED"
    http_status = 401
    buyer_message = "Please sign in to see your company's account."
    merchant_message = "No portal session: the buyer must sign in."


class PortalSessionExpired(NetTermsError):
    code = "PORTAL_SESSION_EXPIRED"
    http_status = 401
    buyer_message = "Your session has ended. Please sign in again."
    merchant_message = "The portal session expired or was closed."


class SignInLinkInvalid(NetTermsError):
    code = "SIGN_IN_LINK_INVALID"
    http_status = 410
    buyer_message = "This sign-in link is not valid any more (used, expired or replaced). Ask for a new one."
    merchant_message = "The sign-in link is unknown, used or expired."


class SignInRateLimited(NetTermsError):
    code = "SIGN_IN_RATE_LIMITED"
    http_status = 429
    buyer_message = "Too many sign-in links were asked for. Please wait a few minutes and try again."
    merchant_message = "Sign-in link requests were rate-limited (per address and per client)."


class InvalidSignInEmail(NetTermsError):
    code = "INVALID_EMAIL"
    http_status = 400
    buyer_message = "Please enter a valid e-mail address."
    merchant_message = "The sign-in request carried no valid e-mail address."


class InvalidBillingContact(NetTermsError):
    code = "INVALID_BILLING_CONTACT"
    http_status = 400
    buyer_message = "Please enter a valid e-mail address for the billing contact."
    merchant_message = "The billing contact's e-mail address is not valid."
