"""Who is asking. The view (api/views.py) authenticates the Dashboard token and puts the principal
on the request; every resolver scopes to ``principal(info).installation`` — another installation's
rows are invisible (NOT_FOUND), never forbidden."""
from __future__ import annotations

from saleor_netterms.core.errors import Unauthenticated
from saleor_netterms.core.formatting import language_from_header
from saleor_netterms.core.language import merchant_language

from .errors import query_error


def principal(info):
    """The authenticated Dashboard principal (``.installation``, ``.email``, ``.user_id``).

    Raises a coded ``UNAUTHENTICATED`` GraphQL error when the context carries none (the schema was
    executed without going through the authenticating view)."""
    found = getattr(info.context, "dashboard_principal", None)
    if found is None or getattr(found, "installation", None) is None:
        raise query_error(Unauthenticated("no dashboard principal on the request"))
    return found


def principal_permissions(info) -> frozenset[str]:
    """The signed-in staff member's Saleor permissions (who may decide which approval step)."""
    return frozenset(getattr(principal(info), "user_permissions", ()) or ())


def principal_email(info) -> str:
    """The signed-in staff member's e-mail, lower case ("" without one): approvers are named by it."""
    return (getattr(principal(info), "email", None) or "").strip().lower()


def installation_of(info):
    return principal(info).installation


def actor_of(info) -> str:
    """How a staff action is recorded (``recorded_by``, ``decided_by``): the email, else the id."""
    found = principal(info)
    return getattr(found, "email", None) or getattr(found, "user_id", None) or "staff"


def language_of(info) -> str:
    """The reader's language for sentences the API writes (decision reasons): the request's
    Accept-Language (the Dashboard pages send their ``?locale=``), else the installation's."""
    request = info.context
    header = getattr(request, "headers", {}).get("Accept-Language") if request is not None else None
    return language_from_header(header) or merchant_language()


def request_cached(info, key, compute):
    """One computation per key per top-level field of a GraphQL request: a queue or list often shows
    one company's credit and receivables on several rows (key e.g. ("credit", company_id, currency)).
    Scoped to the top-level field, so a document running two mutations one after the other never
    reads, in the second's payload, a figure computed before the second ran."""
    cache = getattr(info.context, "_netterms_request_cache", None)
    if cache is None:
        cache = {}
        setattr(info.context, "_netterms_request_cache", cache)
    key = (info.path.as_list()[0], *key)
    if key not in cache:
        cache[key] = compute()
    return cache[key]
