"""The RF creditor reference names exactly one invoice and is always valid ISO 11649 (issue 11).

The issue's examples: a number with a non-ASCII letter (`Rechnung-Ä-2026-1`) made issuing fail;
Arabic-Indic digits got into the reference (`RF90٣٤2026`); `INV-2026-000042`, `INV2026000042` and
`INV-20-26000042` (and two long `EU-/US-WHOLESALE-INVOICE-…` series) all gave one reference."""
from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iso11649

from saleor_netterms.invoicing.creditor_reference import (CreditorReferenceError, InvoicePosition,
                                                          creditor_reference_for, creditor_reference_parse,
                                                          creditor_reference_valid)
from saleor_netterms.invoicing.models import Invoice, InvoiceKind, InvoiceSeries, SeriesReset
from saleor_netterms.invoicing.numbering import number_take
from saleor_netterms.checkout.requests import TransactionActionRequest
from saleor_netterms.workflows.checkout import transaction_capture
from tests.fixtures_credit import installation_make

from .conftest import usd

RF = re.compile(r"RF[0-9]{2}[A-Z0-9]{1,21}")


def test_reference_encodes_the_invoice_position_and_is_valid_iso11649():
    # when
    reference = creditor_reference_for(series_id=3, period="2026", sequence=42)

    # then
    assert reference == "RF203Y2026N42"
    assert iso11649.is_valid(reference) and creditor_reference_valid(reference)
    assert creditor_reference_parse("rf20 3Y20 26N4 2") == InvoicePosition(series_id=3, period="2026", sequence=42)
    assert creditor_reference_for(series_id=3, period="", sequence=42) == "RF613N42"
    assert creditor_reference_parse("RF613N42") == InvoicePosition(series_id=3, period="", sequence=42)


@pytest.mark.parametrize("value", [
    "RF213Y2026N42",       # a mistyped check digit is never a guess
    "RF90٣٤2026",          # Arabic-Indic digits
    "RF20３Y2026N42",       # a full-width digit
    "RF18539007547034",    # valid ISO 11649, but not one of ours
    "",
])
def test_parse_refuses_what_is_not_exactly_one_of_our_references(value):
    assert creditor_reference_parse(value) is None


def test_non_ascii_digits_are_never_valid():
    assert not creditor_reference_valid("RF90٣٤2026")
    assert not creditor_reference_valid("RF20３Y2026N42")


def test_too_long_positions_are_refused_with_a_code():
    with pytest.raises(CreditorReferenceError) as refused:
        creditor_reference_for(series_id=10**9, period="2026", sequence=10**9)
    assert refused.value.code == "CREDITOR_REFERENCE_TOO_LONG"


@pytest.mark.django_db
def test_the_issue_examples_get_three_different_references(credit_installation):
    # given: three series whose numbers the old code reduced to "RF54INV2026000042"
    dashed = InvoiceSeries.objects.create(installation=credit_installation, kind=InvoiceKind.INVOICE,
                                          channel_slug="a", format="INV-{year}-{seq:06}")
    odd = InvoiceSeries.objects.create(installation=credit_installation, kind=InvoiceKind.INVOICE,
                                       channel_slug="c", format="INV-20-26{seq:06}", reset=SeriesReset.NEVER)
    eu = InvoiceSeries.objects.create(installation=credit_installation, kind=InvoiceKind.INVOICE,
                                      channel_slug="eu", format="EU-WHOLESALE-INVOICE-{year}-{seq:06}")
    us = InvoiceSeries.objects.create(installation=credit_installation, kind=InvoiceKind.INVOICE,
                                      channel_slug="us", format="US-WHOLESALE-INVOICE-{year}-{seq:06}")
    import datetime as dt
    day = dt.date(2026, 3, 1)

    # when
    with transaction.atomic():
        for series in (dashed, odd, eu, us):
            series_counter = series.counters.create(period=series.period_for(day), last_sequence=41)
            assert series_counter.last_sequence == 41
        taken = [number_take(series=s, issue_date=day) for s in (dashed, odd, eu, us)]

    # then
    assert [t.number for t in taken] == ["INV-2026-000042", "INV-20-26000042",
                                         "EU-WHOLESALE-INVOICE-2026-000042", "US-WHOLESALE-INVOICE-2026-000042"]
    references = [t.creditor_reference for t in taken]
    assert len(set(references)) == 4
    assert all(RF.fullmatch(r) and iso11649.is_valid(r) for r in references)
    assert [creditor_reference_parse(r) for r in references] == [
        InvoicePosition(dashed.pk, "2026", 42), InvoicePosition(odd.pk, "", 42),
        InvoicePosition(eu.pk, "2026", 42), InvoicePosition(us.pk, "2026", 42)]


@pytest.mark.django_db
def test_a_series_whose_numbers_look_like_another_series_is_refused(credit_installation):
    # given
    InvoiceSeries.objects.create(installation=credit_installation, kind=InvoiceKind.INVOICE, channel_slug="a",
                                 format="INV-{year}-{seq:06}")

    # when: "INV2026000042" once dashes are ignored is "INV-2026-000042"
    with pytest.raises(ValidationError) as refused:
        InvoiceSeries.objects.create(installation=credit_installation, kind=InvoiceKind.INVOICE, channel_slug="b",
                                     format="inv{year}{seq:06}")

    # then
    assert refused.value.message_dict == {"format": [
        "Numbers of 'inv{year}{seq:06}' would look like those of series 'INV-{year}-{seq:06}' once dashes, "
        "spaces and case are ignored."]}
    assert InvoiceSeries.objects.count() == 1
    # another installation may use it
    other = installation_make(saleor_api_url="https://other.example.com/graphql/")
    InvoiceSeries.objects.create(installation=other, kind=InvoiceKind.INVOICE, format="inv{year}{seq:06}")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["Rechnung-Ä-{year}-{seq}", "INV-٣٤-{year}-{seq}", "ＩＮＶ-{year}-{seq}",
                                 "INV {year} {seq}"])
def test_non_ascii_or_spaced_number_formats_are_refused_when_saved(credit_installation, fmt):
    # when
    with pytest.raises(ValidationError) as refused:
        InvoiceSeries.objects.create(installation=credit_installation, kind=InvoiceKind.INVOICE, format=fmt)

    # then
    assert list(refused.value.message_dict) == ["format"]
    assert refused.value.message_dict["format"][0].startswith("Use only A–Z, a–z, 0–9 and - / . _ outside the fields")
    assert InvoiceSeries.objects.count() == 0


@pytest.mark.django_db
def test_an_issued_invoice_prints_the_reference_of_its_position(acme, held_order):
    # given
    tx = held_order(company=acme, amount="180.00")

    # when
    transaction_capture(installation=acme.installation, request=TransactionActionRequest(
        transaction_id=tx.saleor_transaction_id, money=usd("180.00"), request_key="event:1"))

    # then
    invoice = Invoice.objects.get()
    reference = invoice.snapshot["remittance"]["payment_reference"]
    assert reference == creditor_reference_for(series_id=invoice.series_id, period=invoice.period,
                                               sequence=invoice.sequence)
    assert creditor_reference_parse(reference) == InvoicePosition(invoice.series_id, invoice.period, 1)


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def creditor_reference_valid_stdnum(value: str) -> bool:
    """python-stdnum's verdict (what the fast check is held equal to)."""
    compact = "".join(value.split()).upper()
    return compact.isascii() and compact.isalnum() and iso11649.is_valid(compact)


@settings(max_examples=3000, deadline=None)
@given(check=st.text(alphabet="0123456789", min_size=2, max_size=2),
       body=st.text(alphabet=_ALNUM, min_size=1, max_size=21), spaced=st.booleans())
def test_the_fast_check_digit_verification_agrees_with_python_stdnum(check, body, spaced):
    # given: references of ISO 11649's shape, about 1 in 97 of them with the right check digits
    reference = "RF" + check + body
    written = " ".join(reference[i:i + 4] for i in range(0, len(reference), 4)) if spaced else reference

    # then: the one-integer mod 97 check gives python-stdnum's verdict
    assert creditor_reference_valid(written) is creditor_reference_valid_stdnum(written) is iso11649.is_valid(written)


@settings(max_examples=2000, deadline=None)
@given(text=st.text(max_size=30))
def test_the_fast_check_never_accepts_what_python_stdnum_refuses(text):
    assert not creditor_reference_valid(text) or iso11649.is_valid(text)


def test_every_reference_we_make_passes_both_checks():
    for series_id, period, sequence in [(1, "", 1), (3, "2026", 42), (999, "20261231", 10**6), (12, "2026", 7)]:
        reference = creditor_reference_for(series_id=series_id, period=period, sequence=sequence)
        assert creditor_reference_valid(reference) and creditor_reference_valid_stdnum(reference)
        wrong = reference[:2] + f"{(int(reference[2:4]) + 1) % 100:02d}" + reference[4:]
        assert not creditor_reference_valid(wrong) and not creditor_reference_valid_stdnum(wrong)
