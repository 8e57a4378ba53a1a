"""Gapless invoice numbers.

`number_take` locks the series' counter row for the period (SELECT … FOR UPDATE) and increments
it in the caller's transaction — the same one that inserts the invoice. Concurrent issuers queue
on the row; a rollback (anything failing after the number was taken) rolls the counter back too,
so the number is given to the next invoice and the series has no gaps. Voided invoices keep their
numbers. Lock order: the company row first (companies.services.company_lock), then the counter;
nothing external is called while the counter is locked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from .creditor_reference import creditor_reference_for
from .models import DEFAULT_FORMATS, InvoiceCounter, InvoiceSeries, SeriesReset


@dataclass(frozen=True, slots=True)
class TakenNumber:
    series: InvoiceSeries
    period: str
    sequence: int
    number: str

    @property
    def creditor_reference(self) -> str:
        """The RF reference printed as the payment reference (creditor_reference.py)."""
        return creditor_reference_for(series_id=self.series.pk, period=self.period, sequence=self.sequence)


def series_for(*, installation, kind: str, channel_slug: str = "") -> InvoiceSeries:
    """The channel's series of this kind, else the default one (created on first use)."""
    if channel_slug:
        found = InvoiceSeries.objects.filter(installation=installation, kind=kind, channel_slug=channel_slug).first()
        if found is not None:
            return found
    found = InvoiceSeries.objects.filter(installation=installation, kind=kind, channel_slug="").first()
    if found is not None:
        return found
    InvoiceSeries.objects.bulk_create(
        [InvoiceSeries(installation=installation, kind=kind, channel_slug="", format=DEFAULT_FORMATS[kind],
                       reset=SeriesReset.YEARLY)],
        ignore_conflicts=True)
    return InvoiceSeries.objects.get(installation=installation, kind=kind, channel_slug="")


def number_take(*, series: InvoiceSeries, issue_date: date) -> TakenNumber:
    """The next number of the series for `issue_date`'s period. Must run inside the transaction
    that inserts the invoice (refuses to run in autocommit)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take must run inside the transaction that inserts the invoice")
    period = series.period_for(issue_date)
    InvoiceCounter.objects.bulk_create([InvoiceCounter(series=series, period=period, last_sequence=0)],
                                       ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(series=series, period=period)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    return TakenNumber(series=series, period=period, sequence=counter.last_sequence,
                       number=series.number_format(sequence=counter.last_sequence, issue_date=issue_date))
