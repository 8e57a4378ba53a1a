"""Each formula of receivables_reports.formulas on a worked example (pure: no database)."""
import datetime as dt
from decimal import Decimal as D

import pytest

from saleor_netterms.receivables_reports import formulas as f


def test_dso_count_back_oracle_worked_example():
    # given: Oracle Hyperion Financial Management's DSO example (exhaustion / count-back method,
    # docs.oracle.com …/hfmam/dso_-_days_sales_outstanding.html): September back to April.
    # The page prints debtors of 12,000 but exhausts 2,000 of April's 2,250 (2,000/2,250 → 26.7),
    # which is what debtors of 13,000 leave after 11,000 of sales; its total of 179.7 follows from that.
    months = [f.Period(D(2500), 30), f.Period(D(1750), 31), f.Period(D(2250), 31),
              f.Period(D(2500), 30), f.Period(D(2000), 31), f.Period(D(2250), 30)]

    # when
    documented = f.dso_count_back(D(13000), months)
    printed_debtors = f.dso_count_back(D(12000), months)

    # then: 30 + 31 + 31 + 30 + 31 + 30 × 2000/2250 = 153 + 26.67
    assert f.rounded(documented, "0.1") == D("179.7")
    assert f.rounded(documented) == D("179.67")
    assert f.rounded(printed_debtors) == D("166.33")  # 153 + 30 × 1000/2250


def test_dso_count_back_edges():
    assert f.dso_count_back(D(0), [f.Period(D(10), 30)]) == 0
    assert f.dso_count_back(D(100), []) is None
    # more receivables than all sales counted: every period's days (a lower bound)
    assert f.dso_count_back(D(100), [f.Period(D(10), 30), f.Period(D(20), 31)]) == 61
    # a period without sales stops the count
    assert f.dso_count_back(D(100), [f.Period(D(50), 30), f.Period(D(0), 31), f.Period(D(500), 30)]) == 30


def test_simple_and_best_possible_dso():
    # 4,600,000 owed on 9,000,000 of sales over 90 days → 46 days; 2,700,000 of it current → 27
    assert f.dso_simple(D(4600000), D(9000000), 90) == D(46)
    assert f.dso_best_possible(D(2700000), D(9000000), 90) == D(27)
    assert f.dso_simple(D(100), D(0), 30) is None


def test_cei_worked_example():
    # beginning 1,000 + sales 2,700 − ending 3,500 = 200 collected, of 1,000 collectable
    # (3,700 − 2,700 still current) → 20 %
    assert f.cei(beginning=D(1000), sales=D(2700), ending_total=D(3500), ending_current=D(2700)) == D(20)
    assert f.rounded(f.cei(beginning=D(5200), sales=D(300), ending_total=D(3500), ending_current=D(300))) == D("38.46")
    assert f.cei(beginning=D(0), sales=D(1000), ending_total=D(1000), ending_current=D(1000)) is None


def test_buckets_default_and_custom():
    labels = [b.label for b in f.buckets_make()]
    assert labels == ["current", "1–30", "31–60", "61–90", "90+"]
    assert [f.bucket_index(age) for age in (-5, 0, 1, 30, 31, 60, 61, 90, 91, 400)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert [b.label for b in f.buckets_make((15, 45))] == ["0–15", "16–45", "45+"]
    assert all(f.buckets_make((0, 45))[f.bucket_index(age, (0, 45))].holds(age) for age in range(-3, 100))
    for bad in ((), (30, 10), (0, 0), (-1,), (1.5,)):
        with pytest.raises(f.InvalidBuckets):
            f.buckets_make(bad)


def test_age_by_due_or_invoice_date():
    kw = dict(as_of=dt.date(2026, 6, 30), due_date=dt.date(2026, 5, 31), issue_date=dt.date(2026, 5, 1))
    assert f.age_days(**kw) == 30
    assert f.age_days(**kw, basis="invoice") == 60


def test_days_late_average_is_amount_weighted_and_early_counts_zero():
    # 200 paid 15 days late, 700 paid 65 days late, 100 paid 5 days early
    assert f.days_late_average([(D(200), 15), (D(700), 65), (D(100), -5)]) == D("48.5")
    assert f.days_late_average([]) is None


def test_utilisation_and_histogram():
    assert f.utilisation(exposure=D(4200), limit=D(5000)) == D(84)
    assert f.utilisation(exposure=D(10), limit=D(0)) is None
    counts = dict(f.utilisation_histogram([D(0), D("9.99"), D(10), D(84), D(100), D(130), None]))
    assert counts["0–10%"] == 2 and counts["10–20%"] == 1 and counts["80–90%"] == 1 and counts["100%+"] == 2
    assert sum(counts.values()) == 6


def test_lateness_rising():
    assert f.lateness_rising(recent=D(15), prior=None, threshold_days=D(5))
    assert not f.lateness_rising(recent=D(14), prior=D(10), threshold_days=D(5))
    assert not f.lateness_rising(recent=None, prior=D(10), threshold_days=D(5))


def test_instalments_open_covers_the_latest_instalments():
    parts = [(dt.date(2026, 7, 1), D(300)), (dt.date(2026, 8, 1), D(300)), (dt.date(2026, 9, 1), D(400))]
    # 450 paid: the first instalment and 150 of the second are settled
    assert f.instalments_open(parts, D(550)) == [(dt.date(2026, 8, 1), D(150)), (dt.date(2026, 9, 1), D(400))]
    assert f.instalments_open(parts, D(1100)) == [(dt.date(2026, 7, 1), D(400)), (dt.date(2026, 8, 1), D(300)),
                                                  (dt.date(2026, 9, 1), D(400))]


def test_forecast_weeks():
    as_of = dt.date(2026, 6, 30)
    forecast = f.forecast_weeks(as_of, [(dt.date(2026, 6, 29), D(5)), (as_of, D(1)), (dt.date(2026, 7, 6), D(2)),
                                        (dt.date(2026, 7, 7), D(3)), (dt.date(2026, 9, 21), D(4)),
                                        (dt.date(2026, 9, 22), D(6))])
    assert forecast.overdue == 5 and forecast.later == 6
    assert forecast.weeks[0] == 3 and forecast.weeks[1] == 3 and forecast.weeks[11] == 4
    assert forecast.week_start(11) == dt.date(2026, 9, 15)
    assert f.expected_date(dt.date(2026, 6, 9), D("29.5")) == dt.date(2026, 7, 9)


def test_month_ends():
    assert f.month_ends(dt.date(2026, 2, 10), 3) == [
        (dt.date(2025, 12, 1), dt.date(2025, 12, 31)), (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 10))]
