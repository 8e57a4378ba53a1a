"""The built-in reminder texts exist in every language the invoices have (en, de, fr, es, it, nl,
pl), render with the run's context without template leftovers, and agree with the number of items."""
from __future__ import annotations

import pytest

from saleor_netterms.collections.messages import BUILTIN, language_pick, render

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl")
KINDS = ("before_due", "overdue", "final", "thanks", "statement")
ITEM = {"number": "INV-2026-000042", "due_date": "2026-02-01", "days": 12, "open": "1.200,00 EUR", "disputed": ""}


def context(items: int) -> dict:
    return {"company": "Acme GmbH", "contact": "Dana", "items": [ITEM] * items, "totals": ["1.200,00 EUR"],
            "charges": [{"description": "Late fee", "amount": "40,00 EUR"}], "level": 2, "seller": "Muster GmbH",
            "iban": "DE89 3704 0044 0532 0130 00", "reference": "RF18", "staff_email": "ar@muster.example",
            "hold": True, "statement": True}


def test_every_invoice_language_has_every_built_in_text():
    assert sorted(BUILTIN) == sorted(LANGUAGES)
    assert all(sorted(BUILTIN[lang]) == sorted(KINDS) for lang in LANGUAGES)
    assert [language_pick(code) for code in ("fr_FR", "pl-PL", "it", "nl_BE", "pt_BR")] == ["fr", "pl", "it", "nl", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("items", [1, 3])
def test_each_text_renders_in_its_language(language, kind, items):
    # when
    subject, body = render(template=kind, language=language, context=context(items))

    # then: complete, with the facts, and not the English text (except in English)
    assert subject and "{" not in subject + body and "}" not in subject + body
    assert body.rstrip().endswith("Muster GmbH")
    if kind in ("before_due", "overdue", "final"):
        assert body.count("INV-2026-000042") == items and "DE89 3704 0044 0532 0130 00" in body
    if language != "en":
        assert (subject, body) != render(template=kind, language="en", context=context(items))


def test_the_french_overdue_reminder_reads_as_written():
    subject, body = render(template="overdue", language="fr_FR", context=context(1))
    assert subject == "Relance de paiement : 1.200,00 EUR en retard"
    assert body.splitlines()[:5] == ["Madame, Monsieur,", "", "sauf erreur de notre part, le poste suivant est échu :",
                                     "", "  INV-2026-000042  échéance 2026-02-01  1.200,00 EUR  (12 jours de retard)"]
    _, plural = render(template="overdue", language="fr", context=context(2))
    assert "les postes suivants sont échus :" in plural
