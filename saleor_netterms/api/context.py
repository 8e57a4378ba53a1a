"""Who is asking. The view (api/views.py) authenticates the Dashboard token and puts the principal
on the request; every resolver scopes to ``principal(info).installation`` — another installation's
rows are invisible (NOT_FOUND), never forbidden."""
from __future__ import annotations

from saleor_netterms.core.errors import Unauthenticated

from .errors import query_error


def principal(info):
    """The authenticated Dashboard principal (``.installation``, ``.email``, ``.user_id``).

    Raises a coded ``UNAUTHENTICATED`` GraphQL error when the context carries none (the schema was
    executed without going through the authenticating view)."""
    found = getattr(info.context, "dashboard_principal", None)
    if found is None or getattr(found, "installation", None) is None:
        raise query_error(Unauthenticated("no dashboard principal on the request"))
    return found


def installation_of(info):
    return principal(info).installation


def actor_of(info) -> str:
    """How a staff action is recorded (``recorded_by``, ``decided_by``): the email, else the id."""
    found = principal(info)
    return getattr(found, "email", None) or getattr(found, "user_id", None) or "staff"
