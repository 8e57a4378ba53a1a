"""The portal's web plumbing: the session cookie, the language, the page decorator that signs in,
checks the role's capability and renders coded errors as pages (never a 500 on bad input)."""
from __future__ import annotations

import functools
import logging
from typing import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from saleor_netterms.buyer_access.errors import PortalSessionExpired, PortalSignInRequired
from saleor_netterms.buyer_access.services import PortalUser, portal_session_resolve
from saleor_netterms.core.errors import NetTermsError, PermissionDenied
from saleor_netterms.sellers.selectors import seller_profile_get

from .permissions import allowed

logger = logging.getLogger(__name__)

SESSION_COOKIE = "nt_portal"
SHOP_COOKIE = "nt_portal_shop"
LANGUAGE_COOKIE = "nt_portal_lang"
LANGUAGES = (("en", "English"), ("de", "Deutsch"), ("fr", "Français"))
LANGUAGE_CODES = tuple(code for code, _name in LANGUAGES)


# What a buyer can do about each refusal (the storefront shows `message`; `code` is stable).
BUYER_MESSAGES = {
    "MISSING_TOKEN": "Please sign in to your account to see your company's credit.",
    "INVALID_TOKEN": "Your sign-in could not be verified. Please sign out and sign in again.",
    "TOKEN_EXPIRED": "Your session has expired. Please sign in again.",
    "UNKNOWN_SALEOR": "This shop is not connected to net terms. Please contact the shop.",
    "INSTALLATION_REMOVED": "Net terms are no longer offered by this shop. Please contact the shop.",
    "MALFORMED_PAYLOAD": 'The request could not be read. Send JSON like {"amount": "25000.00", "currency": "USD"}.',
    "INVALID_TEXT": "The reason contains characters that are not allowed. Please remove them and try again.",
    "PAYLOAD_TOO_LARGE": "The request is too large. Please shorten the reason and try again.",
}


class RoleForbidden(PermissionDenied):
    code = "PORTAL_ROLE_FORBIDDEN"
    buyer_message = "Your role in your company's account does not allow this. Ask your company's admin."


def language_pick(request: HttpRequest) -> str:
    """?lang= (remembered in a cookie), else the cookie, else the browser's Accept-Language."""
    for candidate in (request.GET.get("lang"), request.COOKIES.get(LANGUAGE_COOKIE)):
        if candidate in LANGUAGE_CODES:
            return candidate
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGE_CODES:
            return code
    return "en"


def babel_locale(language: str) -> str:
    return {"de": "de_DE", "en": "en_US", "fr": "fr_FR"}.get(language, "en_US")


def cookie_set(response: HttpResponse, name: str, value: str, *, httponly: bool = True) -> None:
    """Portal cookies: HttpOnly, Secure (outside DEBUG), SameSite=Lax (the storefront hand-over is a
    cross-site top-level POST followed by a redirect), no Max-Age: they end with the browser, the
    server ends the session earlier (idle and absolute limits)."""
    response.set_cookie(name, value, httponly=httponly, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
                        path="/portal/")


def sign_in_url(next_path: str = "") -> str:
    url = reverse("portal-sign-in")
    return f"{url}?next={next_path}" if next_path else url


def safe_next(value: str) -> str:
    """A relative portal path to go to after signing in (never another site)."""
    value = value or ""
    if value.startswith("/portal/") and url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return value
    return reverse("portal-overview")


def theme(installation) -> dict:
    profile = seller_profile_get(installation=installation) if installation is not None else None
    return {"merchant_name": (profile.trading_name or profile.legal_name) if profile else "",
            "has_logo": bool(profile and profile.logo_sha256),
            "logo_sha": profile.logo_sha256 if profile else "",
            "brand_color": getattr(profile, "brand_color", "") if profile else ""}


def page_render(request: HttpRequest, template: str, context: dict, *, status: int = 200,
                user: PortalUser | None = None, installation=None) -> HttpResponse:
    user = user or getattr(request, "portal_user", None)
    installation = installation or (user.company.installation if user else None)
    response = render(request, template, {
        "user": user, "lang": translation.get_language(), "languages": LANGUAGES,
        "theme": theme(installation), "installation": installation, **context}, status=status)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def buyer_text(error: NetTermsError) -> str:
    """The refusal in the buyer's language (portal.messages lists the domains' sentences)."""
    return _(BUYER_MESSAGES.get(error.code, error.buyer_message))


def error_page(request: HttpRequest, error: NetTermsError, *, installation=None) -> HttpResponse:
    logger.info("portal refused: %s %s", error.code, error.log_message)
    return page_render(request, "portal/error.html",
                       {"code": error.code, "message": buyer_text(error), "title": _("Something is not right")},
                       status=error.http_status, installation=installation)


def with_language(view: Callable) -> Callable:
    @functools.wraps(view)
    def inner(request: HttpRequest, *args, **kwargs):
        language = language_pick(request)
        with translation.override(language):
            request.babel_locale = babel_locale(language)
            response = view(request, *args, **kwargs)
        if request.GET.get("lang") in LANGUAGE_CODES:
            cookie_set(response, LANGUAGE_COOKIE, request.GET["lang"])
        return response
    return inner


def portal_page(capability: str = "view") -> Callable:
    """Sign in from the cookie, check `capability` for the role, run the view with the user,
    render a coded error as a page. CSRF-checked (Django's) for every unsafe method."""
    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def inner(request: HttpRequest, *args, **kwargs):
            try:
                user = portal_session_resolve(key=request.COOKIES.get(SESSION_COOKIE, ""))
            except (PortalSignInRequired, PortalSessionExpired) as error:
                if request.method == "GET":
                    response = HttpResponseRedirect(sign_in_url(request.get_full_path()))
                    if isinstance(error, PortalSessionExpired):
                        response["Location"] += "&expired=1"
                    return response
                return error_page(request, error)
            request.portal_user = user
            try:
                if not allowed(user.role, capability):
                    raise RoleForbidden(f"role {user.role} lacks {capability}")
                return view(request, user, *args, **kwargs)
            except NetTermsError as error:
                return error_page(request, error)
        return with_language(csrf_protect(inner))
    return wrap


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form posted without (or with a stale) CSRF token."""
    with translation.override(language_pick(request)):
        error = PermissionDenied(f"CSRF check failed: {reason}", code="CSRF_FAILED", buyer_message=_(
            "This form has expired or did not come from this page. Go back, reload the page and try again."))
        return error_page(request, error)
