"""Every label of the invoice PDF and e-mail goes through Django's translations: each message the
code marks (gettext / gettext_lazy / pgettext_lazy, extracted with babel) has a translation in
every shipped language, placeholders intact, and the compiled .mo files say the same as the .po."""
from __future__ import annotations

import gettext
import io
import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.utils import translation

import saleor_netterms.invoicing as invoicing
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.documents.labels import (bank_code_label, line_description, note_text, part_label,
                                                        terms_text, terms_translated)
from saleor_netterms.terms.engine import (DayOfMonth, Deposit, DiscountRule, DueOnFulfilment, DueOnReceipt,
                                          EndOfMonth, EndOfMonthOnDay, FixedDate, Instalment, Instalments,
                                          NetDays, PaymentTerms, schedule_compute)

PACKAGE = Path(invoicing.__file__).parent
LOCALE = PACKAGE / "locale"
LANGUAGES = ("de", "es", "fr", "it", "nl", "pl")
SOURCES = [PACKAGE / "documents" / "pdf.py", PACKAGE / "documents" / "labels.py", PACKAGE / "notifications.py"]
KEYWORDS = {"_": None, "gettext": None, "gettext_lazy": None, "pgettext_lazy": ((1, "c"), 2),
            "pgettext": ((1, "c"), 2)}


def marked_messages() -> set[tuple[str | None, str]]:
    found = set()
    for source in SOURCES:
        for _, message, _, context in extract_from_file("python", str(source), keywords=KEYWORDS):
            found.add((context, message))
    return found


def catalog(language: str):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle, locale=language)


def test_the_code_marks_the_labels():
    messages = {m for _, m in marked_messages()}
    assert {"Invoice", "Amount due", "Next payment: %(amount)s by %(date)s (%(part)s)",
            "Please pay %(amount)s by %(date)s."} <= messages
    assert len(messages) > 80


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_label_is_translated_with_its_placeholders(language):
    # given
    po = catalog(language)

    # when
    missing = [m for m in sorted(marked_messages(), key=str) if not (po.get(m[1], context=m[0]) and
                                                                  po.get(m[1], context=m[0]).string)]

    # then
    assert missing == []
    for context, message in marked_messages():
        translated = po.get(message, context=context).string
        assert sorted(re.findall(r"%\(\w+\)s", translated)) == sorted(re.findall(r"%\(\w+\)s", message)), message


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    # given the .po compiled now with babel
    fresh = io.BytesIO()
    write_mo(fresh, catalog(language))
    fresh.seek(0)
    shipped = LOCALE / language / "LC_MESSAGES" / "django.mo"

    # when
    with open(shipped, "rb") as handle:
        committed = gettext.GNUTranslations(handle)
    compiled = gettext.GNUTranslations(fresh)

    # then (make messages recompiles it)
    assert committed._catalog == compiled._catalog


# --- every label the terms engine can write, in every language ---------------------------------

ISSUED = date(2026, 3, 2)
RULES = [NetDays(30), EndOfMonth(), EndOfMonth(15), EndOfMonthOnDay(0, 10), EndOfMonthOnDay(30, 10),
         DueOnReceipt(), DueOnFulfilment(), DueOnFulfilment(14), DayOfMonth(15), DayOfMonth(1, 10),
         FixedDate(date(2026, 4, 30)), FixedDate(date(2026, 1, 1))]
SHARES = [Decimal(30), Decimal("2.5"), Fraction(100, 3)]


def every_terms() -> list[PaymentTerms]:
    plans = list(RULES)
    plans += [Instalments((Instalment(Decimal(30), first), Instalment(Decimal(70), second)))
              for first, second in zip(RULES, RULES[1:] + RULES[:1])]
    plans += [Instalments(tuple(Instalment(Fraction(100, 3), rule) for rule in (NetDays(30), NetDays(60), NetDays(90))))]
    plans += [Deposit(percent=share, balance=rule) for share in SHARES for rule in RULES]
    plans += [Deposit(percent=None, amount=Money(Decimal("100.00"), "EUR"), balance=rule) for rule in RULES[:3]]
    return [PaymentTerms(plan=plan) for plan in plans] + [
        PaymentTerms(plan=plan, discount=DiscountRule(Decimal(2), 10)) for plan in plans
        if not isinstance(plan, (DueOnReceipt, FixedDate, DayOfMonth, EndOfMonthOnDay))]


def issued_labels(terms: PaymentTerms) -> tuple[str, list[str]]:
    schedule = schedule_compute(terms=terms, total=Money(Decimal("1000.00"), "EUR"), issue_date=ISSUED,
                                fulfilment_date=date(2026, 3, 9))
    return schedule.label, [part.label for part in schedule.parts]


ENGLISH = re.compile(r"\b(Net|EOM|days?|Due|on|at|of|next|month|receipt|fulfilment|after|then|least|issue|"
                     r"fixed|date|passed|deposit|balance|Balance|Deposit|Instalment|Payment)\b")
ALSO_NATIVE = {"fr": {"Net", "date"}}  # "Net à 30 jours", "la date de facture"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_terms_label_the_engine_writes_is_translated(language):
    # given every plan shape, rule kind, share kind and discount the engine writes a label for
    labels = [issued_labels(terms) for terms in every_terms()]
    assert len(labels) > 60

    # when
    with translation.override(language):
        translated = [(terms_translated(label, f"{language}_{language.upper()}"),
                       [part_label(p, language) for p in parts]) for label, parts in labels]

    # then no label is left to print in English
    untranslated = [label for (label, _), (text, _) in zip(labels, translated) if text is None]
    assert untranslated == []
    english = [(label, text) for (label, _), (text, parts) in zip(labels, translated) for text in [text, *parts]
               if set(ENGLISH.findall(text.replace("2/10", ""))) - ALSO_NATIVE.get(language, set())]
    assert english == []


def test_terms_labels_in_german_and_french():
    # given
    cases = {
        PaymentTerms(plan=Instalments((Instalment(Decimal(30), EndOfMonthOnDay(0, 10)),
                                       Instalment(Decimal(70), DueOnFulfilment(14))))):
            ("30\xa0% am 10. des Folgemonats, 70\xa0% 14 Tage nach Lieferung",
             "30\xa0% le 10 du mois suivant, 70\xa0% 14 jours après la livraison"),
        PaymentTerms(plan=Deposit(percent=None, amount=Money(Decimal("100.00"), "EUR"), balance=DayOfMonth(1, 10))):
            ("100,00\xa0EUR Anzahlung, Rest am 1., frühestens 10 Tage nach Rechnungsdatum",
             "Acompte de 100,00\xa0EUR, solde le 1er, au moins 10 jours après la date de facture"),
        PaymentTerms(plan=FixedDate(date(2026, 1, 1))):
            ("Zahlbar sofort (das feste Fälligkeitsdatum 01.01.2026 war bereits verstrichen)",
             "Payable à réception (la date fixe du 1 janv. 2026 était dépassée)"),
        PaymentTerms(plan=Instalments((Instalment(Decimal("2.5"), EndOfMonth(15)),
                                       Instalment(Decimal("97.5"), FixedDate(date(2026, 6, 30))))),
                     discount=DiscountRule(Decimal(2), 10)):
            ("2/10 2,5\xa0% zum Monatsende + 15 Tage, 97,5\xa0% am 30.06.2026",
             "2/10 2,5\xa0% en fin de mois + 15 jours, 97,5\xa0% le 30 juin 2026"),
    }
    for terms, (german, french) in cases.items():
        label, _ = issued_labels(terms)

        # when
        with translation.override("de"):
            in_german = terms_text(label, "de_DE")
        with translation.override("fr"):
            in_french = terms_text(label, "fr_FR")

        # then
        assert (in_german, in_french) == (german, french), label


def test_the_parts_and_what_issuing_writes_are_translated():
    with translation.override("de"):
        assert part_label("Deposit (100.00 EUR)", "de_DE") == "Anzahlung (100,00\xa0EUR)"
        assert part_label("Instalment 2 of 3 (1/3)", "de_DE") == "Rate 2 von 3 (1/3)"
        assert line_description("Order #1042: Shipping and other charges", "de_DE") == (
            "Bestellung Nr. 1042: Versand und sonstige Kosten")
        assert line_description("Partial invoice for order #1042 (7% tax)", "de_DE") == (
            "Teilrechnung zur Bestellung Nr. 1042 (Steuersatz 7\xa0%)")
        assert line_description("Widget 3000", "de_DE") == "Widget 3000"  # a product's own name
        assert bank_code_label("ABA routing number") == "ABA-Routingnummer"
        assert note_text("Shipments up to 2026-11-30", "de_DE") == "Lieferungen bis 30.11.2026"
        assert note_text("Bitte an Lager 3 liefern", "de_DE") == "Bitte an Lager 3 liefern"  # staff's own note
        assert bank_code_label("Bankleitzahl (BLZ)") == "Bankleitzahl (BLZ)"  # the merchant's own text
    with translation.override("en"):
        assert terms_text("30% at 30 days, 70% on the 15th of next month", "en_GB") == (
            "30% at 30 days, 70% on the 15th of next month")
        assert terms_text("Something the engine never wrote", "en_GB") == "Something the engine never wrote"
