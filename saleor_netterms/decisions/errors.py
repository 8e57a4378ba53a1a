"""Coded errors of the decision engine (STYLE.md §10).

A credit "no" is never an exception: it is a `Decision` with outcome DECLINE. These errors are for
refused input: a policy a merchant tried to save that does not make sense (INVALID_POLICY), a
snapshot the caller assembled wrongly (INVALID_CREDIT_SNAPSHOT, an app fault), an unknown tier.
"""
from __future__ import annotations

from ..core.errors import NetTermsError


class InvalidPolicy(NetTermsError):
    """A credit policy (from code, the dashboard or storage) failed validation."""

    code = "INVALID_POLICY"
    http_status = 400
    buyer_message = "Something went wrong. Please try again or contact the merchant."
    merchant_message = "The credit policy is not valid."

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(
            f"invalid credit policy: {field}: {problem}",
            merchant_message=f"The credit policy field '{field}' {problem}.",
        )

    def as_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.merchant_message}


class InvalidCreditSnapshot(NetTermsError):
    """The caller built a `CreditSnapshot` that cannot be decided on (a bug, not a buyer error)."""

    code = "INVALID_CREDIT_SNAPSHOT"
    http_status = 500
    merchant_message = "The credit decision could not be made; see the app's logs."

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"invalid credit snapshot: {field}: {problem}")


class UnknownTier(NetTermsError):
    """A credit tier name that is not one of the built-in tiers."""

    code = "UNKNOWN_TIER"
    http_status = 400
    merchant_message = "Unknown credit tier."

    def __init__(self, name: object) -> None:
        self.name = name
        super().__init__(
            f"unknown credit tier {name!r}",
            merchant_message=f"Unknown credit tier {name!r}; use Starter, Standard or Premium.",
        )


class DecisionsInputError(NetTermsError):
    """Refused input to a policy, tier or simulation service, naming the field it concerns."""

    http_status = 400

    def __init__(self, code: str, field: str, merchant_message: str) -> None:
        self.field = field
        super().__init__(f"{code}: {field}: {merchant_message}", code=code,
                         merchant_message=merchant_message)


def invalid_channel(slug: object) -> DecisionsInputError:
    return DecisionsInputError("INVALID_CHANNEL", "channel",
                               f"{slug!r} is not a Saleor channel slug (letters, digits, - and _).")


def invalid_threshold(value: object) -> DecisionsInputError:
    return DecisionsInputError("INVALID_UNDERWRITER_THRESHOLD", "underwriterThreshold",
                               f"{value!r} is not a decimal amount of zero or more, e.g. \"5000.00\".")


def invalid_days(value: object) -> DecisionsInputError:
    return DecisionsInputError("INVALID_DAYS", "days", f"days must be 1 to 365, not {value!r}.")


class PolicyVersionConflict(NetTermsError):
    """Another version of the same tier and channel was saved since the one the merchant edited."""

    code = "POLICY_VERSION_CONFLICT"
    http_status = 409
    merchant_message = ("Someone saved this policy in the meantime. Reload it, check the changes "
                        "and save again.")
    field = "baseVersion"
