"""The reasons' sentences are written from their code and figures where they are read, in the
reader's language (decisions/texts.py); a stored reason keeps its figures and the buyer's sentence."""
from __future__ import annotations

import json
from decimal import Decimal

from saleor_netterms.decisions.engine import CreditPolicy, decide
from saleor_netterms.decisions.texts import (reason_stored, reason_text, stored_buyer_text,
                                             stored_merchant_text)

from .builders import snapshot


def test_an_over_limit_reason_reads_in_the_readers_language():
    # given
    decision = decide(snapshot(exposure=Decimal("9000.00"), order_amount=Decimal("1250.00")))

    # when
    english = reason_text(decision.primary, language="en_US")
    german = reason_text(decision.primary, language="de_DE")

    # then
    assert english.merchant == ("Over the credit limit: limit $10,000.00, exposure $9,000.00, "
                                "order $1,250.00, shortfall $250.00.")
    assert german.merchant == ("Over the credit limit: limit 10.000,00\xa0$, exposure 9.000,00\xa0$, "
                               "order 1.250,00\xa0$, shortfall 250,00\xa0$.")
    assert english.buyer == ("This order exceeds your company's available credit of $1,000.00. "
                             "Please reduce the order or choose another payment method.")
    assert german.buyer == ("This order exceeds your company's available credit of 1.000,00\xa0$. "
                            "Please reduce the order or choose another payment method.")


def test_currencies_keep_their_own_precision_and_symbol():
    # given
    yen = decide(snapshot(currency="JPY", limit=Decimal("1000000"), exposure=Decimal("0"),
                          order_amount=Decimal("125000")))
    euro = decide(snapshot(currency="EUR", exposure=Decimal("0"), order_amount=Decimal("99.5")))

    # then
    assert reason_text(yen.primary, language="en_US").merchant == (
        "Order ¥125,000 fits the available credit ¥1,000,000 (limit ¥1,000,000, exposure ¥0).")
    assert reason_text(euro.primary, language="fr_FR").merchant == (
        "Order 99,50\xa0€ fits the available credit 10\u202f000,00\xa0€ (limit 10\u202f000,00\xa0€, "
        "exposure 0,00\xa0€).")


def test_a_stored_reason_keeps_figures_and_buyer_sentence_and_is_written_again_when_read():
    # given
    decision = decide(snapshot(exposure=Decimal("9000.00"), order_amount=Decimal("1250.00")),
                      CreditPolicy(tolerance_over_limit_pct=Decimal("5")))

    # when
    stored = json.loads(json.dumps(reason_stored(decision.primary, buyer_language="en_US")))

    # then
    assert stored == {
        "code": "OVER_LIMIT_WITHIN_TOLERANCE",
        "params": {"currency": "USD", "available": "1000.00", "limit": "10000.00", "exposure": "9000.00",
                   "order": "1250.00", "shortfall": "250.00", "tolerance_pct": "5.0"},
        "buyer": ("Your order is slightly above your company's available credit of $1,000.00, so our team "
                  "will review it shortly."),
    }
    assert stored_buyer_text(stored) == stored["buyer"]
    assert stored_merchant_text(stored, language="en_US") == (
        "Over the credit limit within the 5% tolerance: limit $10,000.00, exposure $9,000.00, "
        "order $1,250.00, shortfall $250.00.")
    assert stored_merchant_text(stored, language="de_DE") == (
        "Over the credit limit within the 5\xa0% tolerance: limit 10.000,00\xa0$, exposure 9.000,00\xa0$, "
        "order 1.250,00\xa0$, shortfall 250,00\xa0$.")


def test_rows_stored_before_the_figures_and_manual_decisions_keep_their_own_text():
    # given
    legacy = {"code": "WITHIN_LIMIT", "buyer": "Your order is within your company's credit line.",
              "merchant": "Order 750.00 USD fits the available credit 9,900.00 USD."}
    manual = {"code": "MANUAL_APPROVAL", "buyer": "Approved after credit review.",
              "merchant": "Approved by credit@merchant.example."}
    broken = {"code": "WITHIN_LIMIT", "params": {"currency": "USD"}, "merchant": "kept"}

    # then
    assert stored_merchant_text(legacy, language="de_DE") == "Order 750.00 USD fits the available credit 9,900.00 USD."
    assert stored_merchant_text(manual, language="de_DE") == "Approved by credit@merchant.example."
    assert stored_merchant_text(broken, language="en_US") == "kept"


def test_days_and_promises_are_counted_in_words():
    # given
    decision = decide(snapshot(overdue_amount=Decimal("400.00"), max_days_past_due=1, promises_broken=1,
                               account_age_days=1),
                      CreditPolicy(review_days_overdue=0, review_broken_promises_above=0, min_account_age_days=90))

    # when
    texts = {r.code: reason_text(r, language="en_US").merchant for r in decision.reasons}

    # then
    assert texts["OVERDUE_INVOICES"] == ("Invoices overdue beyond the review threshold of 0 days: overdue $400.00, "
                                         "oldest invoice 1 day past due.")
    assert texts["BROKEN_PROMISES"] == ("The company broke 1 promise to pay and kept 0: 1 more broken than kept "
                                        "(review above 0).")
    assert texts["NEW_ACCOUNT"] == "The company's account is 1 day old (review below 90 days)."
