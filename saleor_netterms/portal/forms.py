"""Reading the portal's form fields at the edge: each refusal is a coded 400 with a sentence the
buyer can act on (the page shows it next to the form), never a 500."""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from saleor_netterms.core.errors import BadRequest
from saleor_netterms.core.inbound import text_check
from saleor_netterms.core.money import InvalidAmount, InvalidMoney, Money, amount_parse

MAX_TEXT = 1000


class InvalidForm(BadRequest):
    code = "INVALID_FORM"
    buyer_message = "Please check the form."


def text(data, name: str, *, limit: int = MAX_TEXT, required: bool = False) -> str:
    value = (data.get(name) or "").strip()
    text_check(value, field=name)
    if required and not value:
        raise InvalidForm(f"{name} missing", buyer_message=_("Please fill in “%(field)s”.") % {"field": name})
    if len(value) > limit:
        raise InvalidForm(f"{name} too long", buyer_message=_("“%(field)s” may have at most %(n)d characters.")
                          % {"field": name, "n": limit})
    return value


def date(data, name: str, *, required: bool = False) -> dt.date | None:
    value = (data.get(name) or "").strip()
    if not value:
        if required:
            raise InvalidForm(f"{name} missing", code="INVALID_DATE", buyer_message=_("Please enter a date."))
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidForm(f"bad date {name}", code="INVALID_DATE",
                          buyer_message=_("Enter dates as YYYY-MM-DD, e.g. 2026-03-31.")) from exc


def money(data, amount_name: str, currency: str) -> Money:
    try:
        raw = (data.get(amount_name) or "").strip()
        if "," in raw and "." not in raw:  # "2500,00" as written in German
            raw = raw.replace(",", ".")
        value = amount_parse(raw or "x", currency)
    except (InvalidAmount, InvalidMoney) as exc:
        raise InvalidForm(f"bad amount {amount_name}", code="INVALID_AMOUNT", buyer_message=_(
            "Enter the amount as a number like 2500.00 (with at most the currency's decimals).")) from exc
    if not value.is_positive():
        raise InvalidForm("non-positive amount", code="INVALID_AMOUNT",
                          buyer_message=_("The amount must be greater than zero."))
    return value


def currency(data, name: str, allowed: list[str]) -> str:
    value = (data.get(name) or "").strip().upper()
    if value not in allowed:
        raise InvalidForm(f"currency {value!r} not in {allowed}", code="INVALID_CURRENCY",
                          buyer_message=_("Choose one of your account's currencies."))
    return value


def page_number(data, name: str = "page") -> int:
    """The page of a list (1 when absent); not a positive whole number → a coded 400."""
    value = (data.get(name) or "").strip()
    if not value:
        return 1
    if not value.isdigit() or not 0 < int(value) < 1_000_000:
        raise InvalidForm(f"bad page {value[:20]!r}", code="INVALID_PAGE",
                          buyer_message=_("Choose a page number from the list."))
    return int(value)
