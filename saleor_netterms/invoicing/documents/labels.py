"""The English texts frozen in a snapshot, in the document's language (pure: no database).

An issued invoice keeps what the terms engine and issuing wrote, in English ("30% at 30 days,
70% on the 15th of next month", "Deposit (100.00 EUR)", "Shipping and other charges", "ABA
routing number"). The documents print them in the invoice's language by reading them back with
the grammar the engine writes them in (terms.engine `_rule_label` / `_rule_phrase` /
`terms_label`), translating each piece through Django's catalogues (invoicing/locale), with
dates, amounts and percentages by babel. Call inside `translation.override(...)`.

`terms_translated` answers None for a text outside that grammar (then the documents print it as
it is): the tests feed it every shape the engine can write, in every language.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .formatting import date_text, money_text, percent_text

_NUM = r"(\d+)"
_ORD = r"(\d+)(?:st|nd|rd|th)"
_DATE = r"(\d{4}-\d{2}-\d{2})"
_SHARE = r"(\d+(?:\.\d+)?%|\d+/\d+|\d+(?:\.\d+)? [A-Z]{3})"
_PART_SPLIT = re.compile(r", (?=(?:\d+(?:\.\d+)?%|\d+/\d+|\d+(?:\.\d+)? [A-Z]{3}) )")


def day_ordinal(day: int) -> str:
    """A day of the month as the active language writes it in a sentence: 15th, 15., 1er, 15e."""
    match (translation.get_language() or "en")[:2]:
        case "en":
            suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
            return f"{day}{suffix}"
        case "de":
            return f"{day}."
        case "fr":
            return "1er" if day == 1 else str(day)
        case "nl":
            return f"{day}e"
    return str(day)


def share_text(share: str, lang: str) -> str:
    """"30%" → "30 %" (de), "2.5%" → "2,5 %"; "1/3" as it is; "100.00 EUR" → "100,00 EUR"."""
    if share.endswith("%"):
        return percent_text(Decimal(share[:-1]), lang)
    money = re.fullmatch(r"(\d+(?:\.\d+)?) ([A-Z]{3})", share)
    if money:
        return money_text(Decimal(money[1]), money[2], lang)
    return share


def _date(text: str, lang: str) -> str:
    return date_text(date.fromisoformat(text), lang)


Rule = tuple[re.Pattern, Callable[[re.Match, str], str]]

# A due rule on its own ("Net 30", "Due on the 15th"): terms.engine._rule_label.
_RULES: tuple[Rule, ...] = (
    (re.compile(rf"^Net {_NUM}$"), lambda m, lang: _("Net %(days)s") % {"days": m[1]}),
    (re.compile(r"^EOM$"), lambda m, lang: _("End of month")),
    (re.compile(rf"^EOM \+ {_NUM}$"), lambda m, lang: _("End of month + %(days)s days") % {"days": m[1]}),
    (re.compile(rf"^{_ORD} of next month$"),
     lambda m, lang: _("%(day)s of next month") % {"day": day_ordinal(int(m[1]))}),
    (re.compile(rf"^{_NUM} days, then the {_ORD} of next month$"),
     lambda m, lang: _("%(days)s days, then the %(day)s of next month") % {
         "days": m[1], "day": day_ordinal(int(m[2]))}),
    (re.compile(r"^Due on receipt$"), lambda m, lang: _("Due on receipt")),
    (re.compile(rf"^Due on receipt \(fixed date {_DATE} has passed\)$"),
     lambda m, lang: _("Due on receipt (fixed date %(date)s has passed)") % {"date": _date(m[1], lang)}),
    (re.compile(r"^Due on fulfilment$"), lambda m, lang: _("Due on fulfilment")),
    (re.compile(rf"^{_NUM} days after fulfilment$"),
     lambda m, lang: _("%(days)s days after fulfilment") % {"days": m[1]}),
    (re.compile(rf"^Due on the {_ORD}$"),
     lambda m, lang: _("Due on the %(day)s") % {"day": day_ordinal(int(m[1]))}),
    (re.compile(rf"^Due on the {_ORD}, at least {_NUM} days after issue$"),
     lambda m, lang: _("Due on the %(day)s, at least %(days)s days after issue") % {
         "day": day_ordinal(int(m[1])), "days": m[2]}),
    (re.compile(rf"^Due {_DATE}$"), lambda m, lang: _("Due %(date)s") % {"date": _date(m[1], lang)}),
)

# A due rule inside a longer label ("30% at 30 days", "balance on fulfilment"): _rule_phrase.
_PHRASES: tuple[Rule, ...] = (
    (re.compile(rf"^at {_NUM} days$"),
     lambda m, lang: pgettext("terms phrase", "at %(days)s days") % {"days": m[1]}),
    (re.compile(r"^at EOM$"), lambda m, lang: pgettext("terms phrase", "at end of month")),
    (re.compile(rf"^at EOM \+ {_NUM}$"),
     lambda m, lang: pgettext("terms phrase", "at end of month + %(days)s days") % {"days": m[1]}),
    (re.compile(rf"^on the {_ORD} of next month$"),
     lambda m, lang: pgettext("terms phrase", "on the %(day)s of next month") % {"day": day_ordinal(int(m[1]))}),
    (re.compile(rf"^at {_NUM} days, then the {_ORD} of next month$"),
     lambda m, lang: pgettext("terms phrase", "at %(days)s days, then the %(day)s of next month") % {
         "days": m[1], "day": day_ordinal(int(m[2]))}),
    (re.compile(r"^on receipt$"), lambda m, lang: pgettext("terms phrase", "on receipt")),
    (re.compile(rf"^on receipt \(fixed date {_DATE} has passed\)$"),
     lambda m, lang: pgettext("terms phrase", "on receipt (fixed date %(date)s has passed)") % {
         "date": _date(m[1], lang)}),
    (re.compile(r"^on fulfilment$"), lambda m, lang: pgettext("terms phrase", "on fulfilment")),
    (re.compile(rf"^{_NUM} days after fulfilment$"),
     lambda m, lang: pgettext("terms phrase", "%(days)s days after fulfilment") % {"days": m[1]}),
    (re.compile(rf"^on the {_ORD}$"),
     lambda m, lang: pgettext("terms phrase", "on the %(day)s") % {"day": day_ordinal(int(m[1]))}),
    (re.compile(rf"^on the {_ORD}, at least {_NUM} days after issue$"),
     lambda m, lang: pgettext("terms phrase", "on the %(day)s, at least %(days)s days after issue") % {
         "day": day_ordinal(int(m[1])), "days": m[2]}),
    (re.compile(rf"^on {_DATE}$"),
     lambda m, lang: pgettext("terms phrase", "on %(date)s") % {"date": _date(m[1], lang)}),
)

# A schedule part's label: terms.engine.schedule_compute.
_PARTS: tuple[Rule, ...] = (
    (re.compile(rf"^Instalment {_NUM} of {_NUM} \({_SHARE}\)$"),
     lambda m, lang: _("Instalment %(n)s of %(count)s (%(share)s)") % {
         "n": m[1], "count": m[2], "share": share_text(m[3], lang)}),
    (re.compile(rf"^Deposit \({_SHARE}\)$"),
     lambda m, lang: _("Deposit (%(share)s)") % {"share": share_text(m[1], lang)}),
    (re.compile(rf"^Balance \({_SHARE}\)$"),
     lambda m, lang: _("Balance (%(share)s)") % {"share": share_text(m[1], lang)}),
    (re.compile(r"^Balance$"), lambda m, lang: _("Balance")),
    (re.compile(r"^Payment in full$"), lambda m, lang: _("Payment in full")),
    (re.compile(r"^Credited to your account$"), lambda m, lang: _("Credited to your account")),
)

# Line descriptions issuing writes itself (invoicing.services, invoicing.figures).
_LINES: tuple[Rule, ...] = (
    (re.compile(r"^Shipping and other charges$"), lambda m, lang: _("Shipping and other charges")),
    (re.compile(r"^Order discount$"), lambda m, lang: _("Order discount")),
    (re.compile(r"^(.+) \((\d+(?:\.\d+)?)% tax\)$"),
     lambda m, lang: _("%(description)s (%(rate)s tax)") % {
         "description": line_description(m[1], lang), "rate": percent_text(Decimal(m[2]), lang)}),
    (re.compile(r"^Order #([^:]+)$"), lambda m, lang: _("Order #%(number)s") % {"number": m[1]}),
    (re.compile(r"^Partial invoice for order #(.+)$"),
     lambda m, lang: _("Partial invoice for order #%(number)s") % {"number": m[1]}),
    (re.compile(r"^Credit for invoice (\S+), line (\d+): (.*)$"),
     lambda m, lang: _("Credit for invoice %(number)s, line %(line)s: %(reason)s") % {
         "number": m[1], "line": m[2], "reason": m[3]}),
    (re.compile(r"^Credit for invoice (\S+): (.*)$"),
     lambda m, lang: _("Credit for invoice %(number)s: %(reason)s") % {"number": m[1], "reason": m[2]}),
    (re.compile(r"^Order #(\S+): (.+)$"),
     lambda m, lang: _("Order #%(number)s: %(description)s") % {
         "number": m[1], "description": line_description(m[2], lang)}),
)

# Notes issuing writes itself (invoicing.services: consolidated invoices).
_NOTES: tuple[Rule, ...] = (
    (re.compile(rf"^Shipments up to {_DATE}$"),
     lambda m, lang: _("Shipments up to %(date)s") % {"date": _date(m[1], lang)}),
)

_BANK_CODES = {"ABA routing number": lambda: _("ABA routing number"), "Sort code": lambda: _("Sort code"),
               "Bank code": lambda: _("Bank code")}
_EXEMPTIONS = {"Exempt from tax": lambda: _("Exempt from tax"), "Exempt from VAT": lambda: _("Exempt from VAT")}


def _first(rules: tuple[Rule, ...], text: str, lang: str) -> str | None:
    for pattern, translate in rules:
        match = pattern.match(text)
        if match:
            return translate(match, lang)
    return None


def _rule_or_phrase(text: str, lang: str) -> str | None:
    return _first(_RULES, text, lang) or _first(_PHRASES, text, lang)


def _parts(text: str, lang: str) -> str | None:
    """"30% at 30 days, 70% on the 15th" → each share with its phrase, or None."""
    result = []
    for part in _PART_SPLIT.split(text):
        match = re.fullmatch(rf"{_SHARE} (.+)", part)
        phrase = _first(_PHRASES, match[2], lang) if match else None
        if phrase is None:
            return None
        result.append(pgettext("terms part", "%(share)s %(when)s") % {"share": share_text(match[1], lang),
                                                                     "when": phrase})
    return ", ".join(result)


def _body(text: str, lang: str) -> str | None:
    deposit = re.fullmatch(rf"{_SHARE} deposit, balance (.+)", text)
    if deposit:
        balance = _rule_or_phrase(deposit[2], lang)
        return None if balance is None else _("%(share)s deposit, balance %(balance)s") % {
            "share": share_text(deposit[1], lang), "balance": balance}
    return _first(_RULES, text, lang) or _parts(text, lang)


def terms_translated(label: str, lang: str) -> str | None:
    """The terms label in the active language ("2/10 Net 30", "30% at 30 days, 70% at 60 days",
    "30% deposit, balance on the 15th"), or None when it is not in the engine's grammar. An
    early-payment discount keeps its conventional "2/10" prefix (the payment box spells it out)."""
    if not label:
        return ""
    whole = _body(label, lang)
    if whole is not None:
        return whole
    discount = re.fullmatch(r"(\d+(?:\.\d+)?/\d+) (.+)", label)
    if discount:
        rest = _body(discount[2], lang)
        if rest is not None:
            return f"{discount[1]} {rest}"
    return None


def terms_text(label: str, lang: str) -> str:
    """`terms_translated`, else the label as it is."""
    translated = terms_translated(label, lang)
    return label if translated is None else translated


def part_label(label: str, lang: str) -> str:
    """A schedule part's label ("Instalment 2 of 3 (1/3)", "Deposit (100.00 EUR)")."""
    return _first(_PARTS, label, lang) or label


def line_description(description: str, lang: str) -> str:
    """A line description issuing wrote ("Shipping and other charges", "Order #1042: Widget");
    a product's own name (from Saleor) is printed as it is."""
    return _first(_LINES, description, lang) or description


def note_text(note: str, lang: str) -> str:
    """The invoice's note: issuing's own ("Shipments up to 2026-11-30") translated, staff's as typed."""
    return _first(_NOTES, note, lang) or note


def bank_code_label(label: str) -> str:
    """What the bank code is ("ABA routing number", "Sort code"); a merchant's own text as typed."""
    known = _BANK_CODES.get(label or "Bank code")
    return known() if known else label


def exemption_text(reason: str) -> str:
    """An exemption reason: the app's default text translated, the merchant's own as typed."""
    known = _EXEMPTIONS.get(reason)
    return known() if known else reason
