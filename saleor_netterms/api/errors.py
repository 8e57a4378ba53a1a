"""Coded errors of the merchant API.

Mutations never raise for a refused input or a business "no": they answer
``errors: [{code, field, message}]`` (the merchant-facing message of the domain's NetTermsError)
and write nothing. Queries raise a ``GraphQLError`` whose ``extensions.code`` carries the code.
"""
from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError

from saleor_netterms.core.errors import NetTermsError


class ApiInputError(NetTermsError):
    """Input refused at the API edge (before any service runs), with the argument it concerns."""

    http_status = 400

    def __init__(self, code: str, merchant_message: str, *, field: str | None = None):
        super().__init__(f"{code}: {merchant_message}", code=code, merchant_message=merchant_message)
        self.field = field


def not_found(what: str, *, field: str) -> ApiInputError:
    """The same answer for "does not exist" and "belongs to another installation"."""
    return ApiInputError("NOT_FOUND", f"The {what} does not exist.", field=field)


@dataclass(frozen=True, slots=True)
class FieldError:
    code: str
    field: str | None
    message: str


def field_error(exc: NetTermsError, fields: dict[str, str] | None = None) -> FieldError:
    """A domain or edge error as the API's ``{code, field, message}``; ``fields`` names the
    argument a domain code concerns (domain errors do not know API argument names)."""
    field = getattr(exc, "field", None) or (fields or {}).get(exc.code)
    return FieldError(code=exc.code, field=field, message=exc.merchant_message)


def query_error(exc: NetTermsError) -> GraphQLError:
    """A coded error for a query (the field resolves to null, ``errors[].extensions.code``)."""
    extensions = {"code": exc.code}
    if getattr(exc, "field", None):
        extensions["field"] = exc.field
    return GraphQLError(exc.merchant_message, extensions=extensions)
