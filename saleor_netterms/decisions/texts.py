"""The sentences of a credit decision's reasons, written where they are shown, in the reader's language.

The engine (engine.py) gives each reason a stable code and the figures it was decided on
(`Reason.params`: amounts as Decimals with their `currency`, percentages and multiples as Decimals to
one decimal, days and counts as ints); this module writes the buyer's and the merchant's sentence
from them, figures formatted by the one set of helpers (core/formatting.py, babel): "$1,250.00" in
en_US, "1.250,00 $" in de_DE — as the Dashboard's own columns read in the same locale.

Stored reasons (a transaction's `decision_reasons`, an approval request's `reasons`) keep the code,
the figures (`params`, JSON: amounts as exact strings) and the buyer sentence exactly as the buyer
was answered (a replay must answer the same); the merchant sentence is written when it is read
(`stored_merchant_text`), so every page, export and Saleor note shows it in its reader's language.
Rows stored before the figures were kept carry their old "merchant" text, returned as it is.

Pure: no database, no settings, no clock; babel's CLDR data only. The caller names the language (the
reader's, or the installation's: core/language.merchant_language).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Mapping

from ..core.formatting import count_text, money_text, number_text, percent_text
from .engine import Reason, ReasonCode

__all__ = ["ReasonText", "reason_params_json", "reason_stored", "reason_text", "stored_buyer_text",
           "stored_merchant_text"]


@dataclass(frozen=True, slots=True)
class ReasonText:
    buyer: str
    merchant: str


class _Figures:
    """The params of one reason, read by kind and formatted in one language."""

    __slots__ = ("params", "language")

    def __init__(self, params: Mapping, language: str) -> None:
        self.params = params
        self.language = language

    def money(self, name: str) -> str:
        return money_text(Decimal(str(self.params[name])), str(self.params["currency"]), self.language)

    def pct(self, name: str) -> str:
        return percent_text(Decimal(str(self.params[name])), self.language)

    def num(self, name: str) -> str:
        return number_text(Decimal(str(self.params[name])), self.language)

    def days(self, name: str) -> str:
        return count_text(int(self.params[name]), "day", language=self.language)

    def count(self, name: str) -> int:
        return int(self.params[name])

    def text(self, name: str) -> str:
        value = self.params.get(name)
        return "" if value is None else str(value)


def _company_on_hold(f: _Figures) -> tuple[str, str]:
    return ("Your company's account is on hold, so we can't accept orders on invoice right now. "
            "Please contact us or choose another payment method.",
            "The company's credit account is on hold; net-terms orders are declined until the hold is lifted.")


def _company_suspended(f: _Figures) -> tuple[str, str]:
    return ("Your company's account is suspended, so we can't accept orders on invoice. "
            "Please contact us or choose another payment method.",
            "The company's credit account is suspended; net-terms orders are declined.")


def _company_closed(f: _Figures) -> tuple[str, str]:
    return ("Your company's account is closed for orders on invoice. Please choose another payment method.",
            "The company's credit account is closed; net-terms orders are declined.")


def _channel_not_allowed(f: _Figures) -> tuple[str, str]:
    return ("Paying on invoice isn't available for your company in this store. "
            "Please choose another payment method.",
            "The company is not allowed to buy on net terms in this channel.")


def _first_order(f: _Figures) -> tuple[str, str]:
    return ("Thank you for your first order on invoice! Our team will review it shortly.",
            "This is the company's first net-terms order; the policy reviews first orders.")


def _no_limit(f: _Figures) -> tuple[str, str]:
    cur = f.text("currency")
    return (f"Your company doesn't have a credit line in {cur}. "
            "Please choose another payment method or contact us.",
            f"The company has no credit limit in {cur}.")


_WITHIN = "Your order is within your company's credit line."


def _high_utilisation(f: _Figures) -> tuple[str, str]:
    return (_WITHIN,
            f"After this order the company uses {f.pct('utilisation_pct')} of its {f.money('limit')} limit "
            f"(warning above {f.pct('warning_pct')}).")


def _within_limit(f: _Figures) -> tuple[str, str]:
    return (_WITHIN,
            f"Order {f.money('order')} fits the available credit {f.money('available')} "
            f"(limit {f.money('limit')}, exposure {f.money('exposure')}).")


def _over_limit_figures(f: _Figures) -> str:
    return (f"limit {f.money('limit')}, exposure {f.money('exposure')}, order {f.money('order')}, "
            f"shortfall {f.money('shortfall')}")


def _over_limit_within_tolerance(f: _Figures) -> tuple[str, str]:
    return (f"Your order is slightly above your company's available credit of {f.money('available')}, "
            "so our team will review it shortly.",
            f"Over the credit limit within the {f.pct('tolerance_pct')} tolerance: {_over_limit_figures(f)}.")


def _over_limit(f: _Figures) -> tuple[str, str]:
    return (f"This order exceeds your company's available credit of {f.money('available')}. "
            "Please reduce the order or choose another payment method.",
            f"Over the credit limit: {_over_limit_figures(f)}.")


def _overdue_figures(f: _Figures) -> str:
    return f"overdue {f.money('overdue')}, oldest invoice {f.days('days_past_due')} past due"


def _overdue_auto_hold(f: _Figures) -> tuple[str, str]:
    return ("Your company has invoices that are well past due, so we can't accept new orders on invoice. "
            "Please settle the open invoices or contact us.",
            f"Invoices overdue beyond the auto-hold threshold of {f.days('threshold_days')}: "
            f"{_overdue_figures(f)}. The account should be put on hold.")


def _overdue_invoices(f: _Figures) -> tuple[str, str]:
    return ("Your company has overdue invoices, so our team will review this order shortly.",
            f"Invoices overdue beyond the review threshold of {f.days('threshold_days')}: {_overdue_figures(f)}.")


_DUNNING_HOLD_DEFAULT_MESSAGE = (
    "Your company's account is on hold because of overdue invoices, so we can't accept orders on "
    "invoice right now. Please settle the overdue invoices or contact us."
)


def _dunning_hold(f: _Figures) -> tuple[str, str]:
    effect = "declined" if f.text("mode") == "decline" else "sent to credit review"
    return (f.text("hold_message") or _DUNNING_HOLD_DEFAULT_MESSAGE,
            f"Collections put the account on hold for overdue invoices; net-terms orders are {effect} "
            "until the overdue balance is paid or staff lift the hold.")


_ROLES = {"buyer": "a buyer", "approver": "an approver", "admin": "an admin"}


def _over_spending_limit(f: _Figures) -> tuple[str, str]:
    return ("This order is above your personal spending limit, so it needs an approver of your company.",
            f"Order {f.money('order')} exceeds the member's per-order spending limit of "
            f"{f.money('spending_limit')} (the member is {_ROLES.get(f.text('role'), f.text('role'))}); it "
            "needs an approver of the company.")


def _unusual_order_size(f: _Figures) -> tuple[str, str]:
    return ("This order is larger than your company's usual orders, so our team will review it shortly.",
            f"Order {f.money('order')} is {f.num('multiple')} times the company's median order of "
            f"{f.money('median')} (review above {f.num('threshold_multiple')} times).")


def _late_payment_history(f: _Figures) -> tuple[str, str]:
    detail = ("" if f.params.get("days_beyond_terms") is None
              else f"; on average {f.num('days_beyond_terms')} days beyond terms")
    return ("Our team will review this order shortly.",
            f"{f.pct('late_pct')} of the company's invoices in the last 12 months were paid late "
            f"(review above {f.pct('threshold_pct')}){detail}.")


def _broken_promises(f: _Figures) -> tuple[str, str]:
    lang = f.language
    return ("Our team will review this order shortly.",
            f"The company broke {count_text(f.count('broken'), 'promise', language=lang)} to pay and kept "
            f"{f.count('kept')}: {f.count('net')} more broken than kept (review above {f.count('threshold')}).")


def _new_account(f: _Figures) -> tuple[str, str]:
    described = ("of unknown age" if f.params.get("age_days") is None else f"{f.days('age_days')} old")
    return ("Your company's account is new, so our team will review this order shortly.",
            f"The company's account is {described} (review below {f.days('minimum_days')}).")


_WRITERS: dict[str, Callable[[_Figures], tuple[str, str]]] = {
    ReasonCode.COMPANY_ON_HOLD: _company_on_hold,
    ReasonCode.DUNNING_HOLD: _dunning_hold,
    ReasonCode.COMPANY_SUSPENDED: _company_suspended,
    ReasonCode.COMPANY_CLOSED: _company_closed,
    ReasonCode.CHANNEL_NOT_ALLOWED: _channel_not_allowed,
    ReasonCode.NO_LIMIT_FOR_CURRENCY: _no_limit,
    ReasonCode.OVER_LIMIT: _over_limit,
    ReasonCode.OVER_LIMIT_WITHIN_TOLERANCE: _over_limit_within_tolerance,
    ReasonCode.OVERDUE_AUTO_HOLD: _overdue_auto_hold,
    ReasonCode.OVERDUE_INVOICES: _overdue_invoices,
    ReasonCode.OVER_SPENDING_LIMIT: _over_spending_limit,
    ReasonCode.FIRST_ORDER: _first_order,
    ReasonCode.UNUSUAL_ORDER_SIZE: _unusual_order_size,
    ReasonCode.LATE_PAYMENT_HISTORY: _late_payment_history,
    ReasonCode.BROKEN_PROMISES: _broken_promises,
    ReasonCode.NEW_ACCOUNT: _new_account,
    ReasonCode.HIGH_UTILISATION: _high_utilisation,
    ReasonCode.WITHIN_LIMIT: _within_limit,
}


def _given(f: _Figures) -> tuple[str, str]:
    """A reason whose sentences come with it (an external underwriter's verdict, in its own words)."""
    return f.text("buyer_text"), f.text("merchant_text")


def _written(code: str, params: Mapping, language: str) -> tuple[str, str]:
    return _WRITERS.get(code, _given)(_Figures(params, language))


def reason_text(reason: Reason, *, language: str) -> ReasonText:
    """The buyer's and the merchant's sentence of an engine reason, figures in ``language``."""
    buyer, merchant = _written(reason.code, reason.params, language)
    return ReasonText(buyer=buyer, merchant=merchant)


def reason_params_json(params: Mapping) -> dict:
    """The figures as JSON carries them: Decimals as exact strings, ints, texts and nulls as they are."""
    return {name: (format(value, "f") if isinstance(value, Decimal) else value) for name, value in params.items()}


def reason_stored(reason: Reason, *, buyer_language: str) -> dict:
    """How a transaction keeps a reason: the code, the figures, and the buyer sentence as answered."""
    buyer, _ = _written(reason.code, reason.params, buyer_language)
    return {"code": str(reason.code), "params": reason_params_json(reason.params), "buyer": buyer}


def stored_merchant_text(stored: Mapping, *, language: str) -> str:
    """The merchant sentence of a stored reason in ``language``: written from its figures for the
    engine's reasons, else the text stored with it (manual decisions, rows kept before the figures)."""
    code = stored.get("code", "")
    params = stored.get("params")
    if isinstance(params, Mapping) and (code in _WRITERS or "merchant_text" in params):
        try:
            return _written(code, params, language)[1]
        except (KeyError, ValueError, ArithmeticError, TypeError):
            pass  # figures missing or unreadable: the stored text, as kept
    return str(stored.get("merchant") or "")


def stored_buyer_text(stored: Mapping) -> str:
    """The buyer sentence of a stored reason, exactly as the buyer was answered."""
    return str(stored.get("buyer") or "")
