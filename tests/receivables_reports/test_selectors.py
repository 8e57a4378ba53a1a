"""The figures of receivables_reports.selectors on the hand-checked book of conftest.py (exact
amounts worked out by hand in README "Receivables analytics")."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection

from saleor_netterms.collections.models import PaymentPromise
from saleor_netterms.collections.services import promise_make
from saleor_netterms.companies.services import account_hold_place
from saleor_netterms.core.money import Money
from saleor_netterms.invoicing.models import Invoice, InvoiceKind, InvoiceSeries
from saleor_netterms.ledger import services as ledger
from saleor_netterms.ledger.verification import ledger_verify
from saleor_netterms.payments.services import payment_book
from saleor_netterms.receivables.services import receivable_due_set
from saleor_netterms.receivables_reports import selectors as s
from saleor_netterms.receivables_reports.models import OpenReceivable

from .conftest import AS_OF


def scope(book, **kw):
    return s.Scope(installation_id=book.installation.pk, as_of=kw.pop("as_of", AS_OF), **kw)


def row(table, key, currency):
    return next(r for r in table.rows if r.key == key and r.currency == currency)


def test_ageing_total_by_due_date_disputes_apart_currencies_apart(hand_book):
    # when
    table = s.ageing(scope(hand_book))

    # then: USD current A3 300; 1–30 A2 400 (its 100 disputed apart) + B2 1200; 31–60 A4 700 (paid
    # only after the as-of date); 90+ A1 800 (1000 less 200 paid); Beta's 250 unapplied
    assert table.labels == ("current", "1–30", "31–60", "61–90", "90+")
    usd = row(table, "", "USD")
    assert usd.buckets == (D(300), D(1600), D(700), D(0), D(800))
    assert (usd.disputed, usd.total, usd.count, usd.unapplied_credit, usd.net) == (D(100), D(3500), 5, D(250), D(3250))
    assert usd.overdue == D(3100)
    eur = row(table, "", "EUR")
    assert eur.buckets == (D(900), D(0), D(0), D(400), D(0))
    assert (eur.disputed, eur.total, eur.unapplied_credit) == (D(0), D(1300), D(0))
    assert len(table.rows) == 2
    assert ledger_verify() == []


def test_ageing_per_company_channel_tier_currency(hand_book):
    by_company = s.ageing(scope(hand_book), group_by="company")
    alpha = row(by_company, str(hand_book.alpha.pk), "USD")
    assert alpha.label == "Alpha Tools"
    assert alpha.buckets == (D(300), D(400), D(700), D(0), D(800))
    assert (alpha.disputed, alpha.total, alpha.count, alpha.unapplied_credit) == (D(100), D(2300), 4, D(0))
    beta = row(by_company, str(hand_book.beta.pk), "USD")
    assert (beta.buckets, beta.total, beta.unapplied_credit) == ((0, D(1200), 0, 0, 0), D(1200), D(250))
    assert row(by_company, str(hand_book.euro.pk), "EUR").total == D(1300)

    by_channel = s.ageing(scope(hand_book), group_by="channel")
    wholesale = row(by_channel, "wholesale", "USD")  # A2 and B2
    assert (wholesale.buckets, wholesale.disputed, wholesale.unapplied_credit) == ((0, D(1600), 0, 0, 0), D(100), None)
    assert row(by_channel, "default-channel", "USD").buckets == (D(300), 0, D(700), 0, D(800))

    by_tier = s.ageing(scope(hand_book), group_by="tier")
    assert row(by_tier, "premium", "USD").total == D(1200) and row(by_tier, "premium", "USD").unapplied_credit == D(250)
    assert row(by_tier, "standard", "USD").total == D(2300)

    by_currency = s.ageing(scope(hand_book), group_by="currency")
    assert [(r.label, r.total) for r in by_currency.rows] == [("USD", D(3500)), ("EUR", D(1300))]

    # filters: a currency, a channel, a tier, a company
    assert [r.currency for r in s.ageing(scope(hand_book, currency="EUR")).rows] == ["EUR"]
    assert s.ageing(scope(hand_book, channel="wholesale")).rows[0].total == D(1700)  # 1600 + 100 disputed
    assert [r.total for r in s.ageing(scope(hand_book, tier="premium")).rows] == [D(1200)]
    assert [r.total for r in s.ageing(scope(hand_book, company_id=hand_book.alpha.pk)).rows] == [D(2300)]


def test_ageing_per_company_a_page_cut_by_the_database_with_the_count(hand_book):
    # given: as of 06-30 Alpha owes 2300 USD, Euro 1300 EUR, Beta 1200 USD (and is owed 250 of credit)
    whole = s.ageing(scope(hand_book), group_by="company")
    assert [(r.label, r.total) for r in whole.rows] == [("Alpha Tools", D(2300)), ("Euro Maschinen", D(1300)),
                                                        ("Beta Build", D(1200))]

    # when: pages of two
    page1 = s.ageing(scope(hand_book), group_by="company", first=2)
    page2 = s.ageing(scope(hand_book), group_by="company", first=2, offset=2)
    beyond = s.ageing(scope(hand_book), group_by="company", first=2, offset=3)

    # then: the same rows as the whole table, cut; each page knows how many owe something
    assert page1.rows + page2.rows == whole.rows
    assert (page1.owing_rows, page2.owing_rows, beyond.owing_rows, whole.owing_rows) == (3, 3, 3, 3)
    assert beyond.rows == ()
    assert page2.rows[0].unapplied_credit == D(250)


def test_ageing_by_invoice_date_and_custom_buckets(hand_book):
    by_invoice = s.ageing(scope(hand_book, currency="USD"), basis="invoice")
    # days since invoice: A3 15, A2 60 (400 + 100 disputed), B2 51, A4 90, A1 121
    assert by_invoice.rows[0].buckets == (D(0), D(300), D(1600), D(700), D(800))
    custom = s.ageing(scope(hand_book, currency="USD"), bounds=(0, 45))
    assert custom.labels == ("current", "1–45", "45+")
    assert custom.rows[0].buckets == (D(300), D(1600), D(1500))


def test_as_of_a_payment_after_the_date_does_not_count(hand_book):
    # 2026-07-10: A4's payment of 2026-07-05 counts now; A3 is still current, A2 40 and B2 31 days past due
    later = row(s.ageing(scope(hand_book, as_of=dt.date(2026, 7, 10))), "", "USD")
    assert later.buckets == (D(300), D(0), D(1600), D(0), D(800))
    assert later.total == D(2800)
    # 2026-06-01: B1 (paid 06-19) was open, 12 days past due; A3 not yet invoiced; no dispute yet
    earlier = row(s.ageing(scope(hand_book, as_of=dt.date(2026, 6, 1))), "", "USD")
    assert earlier.disputed == 0
    assert earlier.buckets == (D(1200), D(2500), D(700), D(800), D(0))
    assert earlier.total == D(5200)
    assert earlier.unapplied_credit == 0
    # before anything was invoiced: nothing
    assert s.ageing(scope(hand_book, as_of=dt.date(2026, 2, 1))).rows == ()


def test_ageing_today_reads_the_open_receivables(hand_book):
    today = dt.date.today()
    usd = row(s.ageing(scope(hand_book, as_of=today)), "", "USD")
    assert usd.total == D(2800) and usd.disputed == D(100)
    assert usd.unapplied_credit == D(250)  # from the maintained credit-balance account


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the rollup is kept by PostgreSQL triggers")
def test_ageing_today_in_total_reads_the_rollup_by_date_and_equals_the_per_receivable_sum(hand_book):
    # given: today (after 2026-10-14) every open receivable of the book is more than 90 days past due
    today = scope(hand_book, as_of=dt.date.today())
    assert s.by_date_used(today)
    assert not any(s.by_date_used(scope(hand_book, as_of=today.as_of, **kw))
                   for kw in ({"tier": "standard"}, {"channel": "wholesale"}, {"company_id": hand_book.alpha.pk}))
    assert not s.by_date_used(scope(hand_book))  # a past date: the book

    # when / then: the same table from the rollup by invoice and due date and from the receivables
    for group_by in ("total", "currency"):
        for basis in s.BASES:
            assert (s._ageing(today, group_by=group_by, basis=basis, bounds=(0, 30, 60, 90), by_date=True)
                    == s._ageing(today, group_by=group_by, basis=basis, bounds=(0, 30, 60, 90), by_date=False))
    # USD: A1 800 + A2 400 (its 100 disputed apart) + A3 300 + B2 1200; EUR: E1 900 + E2 400
    usd, eur = row(s.ageing(today), "", "USD"), row(s.ageing(today), "", "EUR")
    assert (usd.buckets, usd.disputed, usd.total, usd.count) == ((0, 0, 0, 0, D(2700)), D(100), D(2800), 4)
    assert (eur.buckets, eur.disputed, eur.total, eur.count) == ((0, 0, 0, 0, D(1300)), D(0), D(1300), 2)
    # and what is current today (DSO's as-of month) from its net open amounts: nothing is due later
    assert s.receivables_current(today) == {}


def test_open_items_behind_a_bucket(hand_book):
    items = s.open_items(scope(hand_book, currency="USD"), bucket=1)
    assert [(i.reference, i.open_amount, i.disputed, i.days_past_due) for i in items] == [
        (hand_book.r["A2"].reference, D(500), D(100), 30), (hand_book.r["B2"].reference, D(1200), D(0), 21)]
    assert [i.reference for i in s.open_items(scope(hand_book), disputed_only=True)] == [hand_book.r["A2"].reference]
    page = s.open_items(scope(hand_book), limit=2, offset=1)
    assert [i.reference for i in page] == [hand_book.r["E2"].reference, hand_book.r["A4"].reference]


def test_monthly_dso_and_cei(hand_book):
    months = s.monthly(scope(hand_book, currency="USD"), months=4)["USD"]
    assert [m.month for m in months] == ["2026-03", "2026-04", "2026-05", "2026-06"]
    assert [m.sales for m in months] == [D(1000), D(2700), D(1700), D(300)]
    assert [m.receivables_end for m in months] == [D(1000), D(3500), D(5200), D(3500)]
    assert [m.current_end for m in months] == [D(1000), D(2700), D(1700), D(300)]
    r = lambda v: None if v is None else v.quantize(D("0.01"))  # noqa: E731
    assert [r(m.dso_simple) for m in months] == [D("31.00"), D("38.89"), D("94.82"), D("350.00")]
    assert [r(m.dso_best_possible) for m in months] == [D(31), D(30), D(31), D(30)]
    assert [r(m.cei) for m in months] == [None, D("20.00"), D("0.00"), D("38.46")]
    # count-back: April 3500 − 2700 (April, 30 d) leaves 800 of March's 1000 → 30 + 31 × 0.8 = 54.8;
    # May 5200 − 1700 − 2700 → 31 + 30 + 24.8; June 3500 − 300 − 1700 leaves 1500 of April's 2700
    # → 30 + 31 + 30 × 1500/2700 = 77.67
    assert [r(m.dso_count_back) for m in months] == [D("31.00"), D("54.80"), D("85.80"), D("77.67")]
    assert s.monthly(scope(hand_book, currency="EUR"), months=4)["EUR"][-1].receivables_end == D(1300)


def test_days_late_per_company_and_currency(hand_book):
    assert s.days_late(scope(hand_book)) == {(hand_book.alpha.pk, "USD"): D(15), (hand_book.beta.pk, "USD"): D(30)}
    later = s.days_late(scope(hand_book, as_of=dt.date(2026, 7, 10)))
    assert later[(hand_book.alpha.pk, "USD")].quantize(D("0.01")) == D("53.89")  # (200×15 + 700×65) / 900


def test_cash_forecast(hand_book):
    forecast = s.cash_forecast(scope(hand_book))
    usd = forecast["USD"]
    # Alpha pays 15 days late: A1, A2 (400 undisputed), A4 expected before the as-of date; A3 on 07-30
    # (week 4); Beta 30 days late: B2 on 07-09 (week 1)
    assert usd.overdue == D(1900)
    assert usd.weeks[1] == D(1200) and usd.weeks[4] == D(300)
    assert sum(usd.weeks) == D(1500) and usd.later == 0
    eur = forecast["EUR"]  # no payment history: due dates as they are
    assert (eur.overdue, eur.weeks[0]) == (D(400), D(900))


def _instalment_invoice(book, receivable, parts, n):
    series = InvoiceSeries.objects.get_or_create(installation=book.installation, kind=InvoiceKind.INVOICE,
                                                 channel_slug="", defaults={"format": "REP-{year}-{seq}"})[0]
    return Invoice.objects.create(
        installation=book.installation, company=receivable.company, kind=InvoiceKind.INVOICE, series=series,
        number=f"REP-{n}", sequence=n, issue_date=receivable.issue_date, currency=receivable.currency,
        total_gross=receivable.amount, amount_due=receivable.amount, due_date=receivable.due_date,
        receivable=receivable, issue_key=f"rep-instalments:{n}",
        snapshot={"schedule": [{"due_date": due, "amount": amount} for due, amount in parts]})


def test_cash_forecast_instalments_latest_first_the_rest_on_the_earliest(hand_book):
    # given: B2 (1200 open) in three instalments of 1400 in all: the open 1200 is the latest two and
    # 400 of the first; A3 (300 open) in two of 250 in all: both, and the 50 more on the earliest
    _instalment_invoice(hand_book, hand_book.r["B2"], [("2026-05-25", "600"), ("2026-06-09", "400"),
                                                       ("2026-06-24", "400")], 1)
    _instalment_invoice(hand_book, hand_book.r["A3"], [("2026-07-15", "100"), ("2026-08-15", "150")], 2)

    # when
    usd = s.cash_forecast(scope(hand_book))["USD"]

    # then: Beta 30 days late: 06-23 (before the as-of date) 400, 07-09 (week 1) 400, 07-24 (week 3)
    # 400; Alpha 15 days late: 07-30 (week 4) 100 + 50, 08-30 (week 8) 150; A1 800, A2 400, A4 700 overdue
    assert usd.overdue == D(1900) + D(400)
    assert (usd.weeks[1], usd.weeks[3], usd.weeks[4], usd.weeks[8]) == (D(400), D(400), D(150), D(150))
    assert sum(usd.weeks) == D(1100) and usd.later == 0
    # the one SQL over the rollups and the open items combined in Python agree
    assert s.cash_forecast(scope(hand_book)) == s._cash_forecast_book(scope(hand_book), weeks=12)


def test_days_late_windows_are_calendar_months(hand_book):
    # the last 12 calendar months, the newest up to the as-of date: on 07-03 the payment of 07-05
    # does not count yet, on 07-31 it does
    assert s.days_late(scope(hand_book, as_of=dt.date(2026, 7, 3)))[(hand_book.alpha.pk, "USD")] == D(15)
    assert s.days_late(scope(hand_book, as_of=dt.date(2026, 7, 31)))[(hand_book.alpha.pk, "USD")].quantize(
        D("0.01")) == D("53.89")
    # three months ending three months before June (January–March): nothing was paid then; April–June
    assert s.days_late(scope(hand_book), months=3, before=3) == {}
    assert s.days_late(scope(hand_book), months=3) == {(hand_book.alpha.pk, "USD"): D(15),
                                                        (hand_book.beta.pk, "USD"): D(30)}
    # a year on, April 2026 has left the window (May 2026 – April 2027); June's stays
    assert s.days_late(scope(hand_book, as_of=dt.date(2027, 4, 30))) == {(hand_book.beta.pk, "USD"): D(30),
                                                                         (hand_book.alpha.pk, "USD"): D(65)}


def test_utilisation_near_limit_and_histogram(hand_book):
    # given: a checkout on hold for Beta
    ledger.hold_place(company=hand_book.beta, money=Money.of("3000", "USD"), hold_ref="hold:rep",
                      idempotency_key="rep-hold")

    # when
    rows = s.utilisation(scope(hand_book))

    # then: now (A4 is paid): Beta 1200 + 3000 held of 5000; Alpha 1600 of 10000; Euro 1300 of 8000
    assert [(u.company_name, u.currency, u.exposure, u.percent) for u in rows] == [
        ("Beta Build", "USD", D(4200), D(84)), ("Euro Maschinen", "EUR", D(1300), D("16.25")),
        ("Alpha Tools", "USD", D(1600), D(16))]
    counts = dict(s.formulas.utilisation_histogram(u.percent for u in rows))
    assert counts["10–20%"] == 2 and counts["80–90%"] == 1
    # and counted / filtered by the database: the same bins, the companies at 80 % or more
    assert s.utilisation_histogram(scope(hand_book)) == s.formulas.utilisation_histogram(u.percent for u in rows)
    assert s.utilisation(scope(hand_book), at_least=D(80)) == rows[:1]
    assert s.utilisation(scope(hand_book), at_least=D("16.25")) == rows[:2]


def test_at_risk(hand_book):
    # given: Beta on hold; a promise of Alpha's broken on 06-20
    account_hold_place(company=hand_book.beta, mode="decline", buyer_message="Overdue", placed_key="rep-hold",
                       reason_code="DUNNING_HOLD")
    promise = promise_make(company=hand_book.alpha, amount=Money.of("400", "USD"), promised_date=dt.date(2026, 6, 15),
                           made_by="ar@merchant.example", today=dt.date(2026, 6, 5))
    PaymentPromise.objects.filter(pk=promise.pk).update(status="broken", resolved_on=dt.date(2026, 6, 20))

    # when
    risk = s.at_risk(scope(hand_book))
    today = s.at_risk(scope(hand_book, as_of=dt.date.today()))

    # then
    assert risk.share_over_90 == {"EUR": D("0.00"), "USD": D("22.86")}  # 800 of 3500
    assert [(c.company_name, c.amount) for c in risk.over_90] == [("Alpha Tools", D(800))]
    assert risk.on_hold == ()  # the hold was placed after the as-of date
    assert [(c.company_name, c.amount, c.detail) for c in today.on_hold] == [("Beta Build", D(1200), "DUNNING_HOLD")]
    assert [(c.company_name, c.amount) for c in risk.broken_promises] == [("Alpha Tools", D(400))]
    # Alpha: 15 days late in the last 90 days, nothing before; Beta 30
    assert [(c.company_name, c.detail) for c in risk.rising_lateness] == [
        ("Alpha Tools", "0.0 → 15.0 days late"), ("Beta Build", "0.0 → 30.0 days late")]
    # and the same from the ageing per company the page already has (the digest passes it)
    for as_of in (AS_OF, dt.date.today()):
        assert s.at_risk(scope(hand_book, as_of=as_of)) == s.at_risk(
            scope(hand_book, as_of=as_of), ageing_by_company=s.ageing(scope(hand_book, as_of=as_of), group_by="company"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the rollup is kept by PostgreSQL triggers")
def test_open_receivables_rollup_follows_the_ledger_and_ledger_verify_checks_it(hand_book):
    # given: the book; today A1 800, A2 500, A3 300, B2 1200, E1 900, E2 400 are open (A4 and B1 paid)
    rows = dict(OpenReceivable.objects.values_list("receivable_id", "open_amount"))
    assert rows == {hand_book.r[k].pk: D(v) for k, v in
                    (("A1", 800), ("A2", 500), ("A3", 300), ("B2", 1200), ("E1", 900), ("E2", 400))}
    assert s.rollup_used(scope(hand_book, as_of=dt.date.today()))

    # when: B2 is paid in full, A3's due date moves
    payment_book(company=hand_book.beta, money=Money.of("1200", "USD"), received_on=dt.date.today(),
                 reference="BANK-ROLLUP", allocations=[(hand_book.r["B2"], Money.of("1200", "USD"))])
    receivable_due_set(receivable=hand_book.r["A3"], due_date=dt.date(2026, 8, 15))

    # then: B2's row is gone, A3's follows; ageing as of today reads it; the ledger agrees
    assert not OpenReceivable.objects.filter(receivable_id=hand_book.r["B2"].pk).exists()
    assert OpenReceivable.objects.get(receivable_id=hand_book.r["A3"].pk).due_date == dt.date(2026, 8, 15)
    assert row(s.ageing(scope(hand_book, as_of=dt.date.today())), "", "USD").total == D(1600)
    assert ledger_verify() == []

    # when: the rollup is tampered with
    OpenReceivable.objects.filter(receivable_id=hand_book.r["A1"].pk).update(open_amount=D(1))

    # then: ledger_verify names it
    assert [str(m) for m in ledger_verify()] == [
        f"[open_receivables] receivable {hand_book.r['A1'].pk} (open-receivables rollup): expected company "
        f"{hand_book.alpha.pk} 800.0000 USD issued 2026-03-01 due 2026-03-31, found company {hand_book.alpha.pk} "
        "1.0000 USD issued 2026-03-01 due 2026-03-31"]
