"""The weekly receivables summary by e-mail: the figures of the hand-checked book as a credit
manager reads them, sent on Monday from 07:00 local time to the chosen staff, once per recipient
and week however often the hourly job runs; bad recipients refused with nothing written."""
from __future__ import annotations

import datetime as dt

import pytest

from saleor_netterms.api.schema import schema
from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.outbox.models import OutboxMessage
from saleor_netterms.receivables_reports import selectors
from saleor_netterms.receivables_reports.digest import (DigestRecipientsInvalid, digest_recipients,
                                                        digest_recipients_set, digest_text, digests_send_due)
from tests.api.conftest import principal_context

from .conftest import AS_OF

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc
HAND_BOOK_SUMMARY = """Receivables of shop.example.com as of Tuesday, June 30, 2026.

== EUR ==
Open: €1,300.00 on 2 invoices; overdue €400.00; disputed €0.00.
Ageing by due date: current €900.00, 1–30 €0.00, 31–60 €0.00, 61–90 €400.00, 90+ €0.00.
May 2026: DSO — (count-back), best possible —, CEI 0.0 %.
Expected in the next 4 weeks: €900.00, plus €400.00 that was expected before today and is still open.
More than 90 days past due: 0.0 % of what is open.
Largest exposures:
  Euro Maschinen: €1,300.00 of €8,000.00 (16 %)

== USD ==
Open: $3,500.00 on 5 invoices; overdue $3,100.00; disputed $100.00.
Ageing by due date: current $300.00, 1–30 $1,600.00, 31–60 $700.00, 61–90 $0.00, 90+ $800.00.
May 2026: DSO 85.8 days (count-back), best possible 31.0 days, CEI 0.0 %.
Expected in the next 4 weeks: $1,200.00, plus $1,900.00 that was expected before today and is still open.
More than 90 days past due: 22.9 % of what is open.
Largest exposures:
  Alpha Tools: $1,600.00 of $10,000.00 (16 %)
  Beta Build: $1,200.00 of $5,000.00 (24 %)

Paying later than before: Alpha Tools, Beta Build.

The Receivables page in the Saleor Dashboard (Apps → Net Terms → Receivables) has the details.
"""


def test_the_summary_of_the_hand_book(hand_book):
    # given
    scope = selectors.Scope(installation_id=hand_book.installation.pk, as_of=AS_OF)

    # when
    subject, body = digest_text(scope, shop="shop.example.com")

    # then: the Receivables page's figures (README "Receivables analytics" works through them)
    assert subject == "Receivables summary: shop.example.com, week of June 30, 2026"
    assert body == HAND_BOOK_SUMMARY


def _sent() -> list[tuple[str, str]]:
    return sorted((m.payload["to"], m.dedupe_key) for m in OutboxMessage.objects.filter(kind="email.receivables_digest"))


def test_the_summary_goes_out_on_monday_morning_once_per_recipient_and_week(hand_book):
    # given: two recipients (one written twice, in capitals)
    installation = hand_book.installation
    assert digest_recipients_set(installation=installation, actor="cfo@example.com",
                                 emails=["credit@example.com", " CFO@example.com", "cfo@example.com"]) == [
        "cfo@example.com", "credit@example.com"]

    # when: the hourly job runs on Monday 2026-12-07 before 07:00, at 07:00 and 08:00, on Tuesday
    runs = [digests_send_due(installations=[installation], now=dt.datetime(2026, 12, 7, hour, 5, tzinfo=UTC))
            for hour in (6, 7, 8)]
    tuesday = digests_send_due(installations=[installation], now=dt.datetime(2026, 12, 8, 9, tzinfo=UTC))

    # then: one e-mail to each recipient for the week, whatever the number of runs
    assert (runs, tuesday) == ([0, 2, 0], 0)
    assert _sent() == [("cfo@example.com", "digest:2026-W50:cfo@example.com"),
                       ("credit@example.com", "digest:2026-W50:credit@example.com")]
    message = OutboxMessage.objects.filter(kind="email.receivables_digest").first()
    assert message.payload["subject"].startswith("Receivables summary: ")
    assert "== USD ==" in message.payload["body"]

    # when: the next Monday
    next_week = digests_send_due(installations=[installation], now=dt.datetime(2026, 12, 14, 7, 30, tzinfo=UTC))

    # then
    assert next_week == 2 and len(_sent()) == 4


def test_nobody_gets_it_unless_chosen_and_an_empty_list_stops_it(hand_book):
    # given
    installation = hand_book.installation
    digest_recipients_set(installation=installation, emails=["credit@example.com"], actor="cfo@example.com")
    digest_recipients_set(installation=installation, emails=[], actor="cfo@example.com")

    # when
    queued = digests_send_due(installations=[installation], now=dt.datetime(2026, 12, 7, 9, tzinfo=UTC))

    # then
    assert queued == 0 and _sent() == [] and digest_recipients(installation=installation) == []
    assert [(a.action, a.before, a.after) for a in AuditEntry.objects.filter(action__startswith="reports.")
            .order_by("id")] == [("reports.digest_recipients.set", {"emails": []}, {"emails": ["credit@example.com"]}),
                                 ("reports.digest_recipients.set", {"emails": ["credit@example.com"]}, {"emails": []})]


@pytest.mark.parametrize("emails", [["not-an-address"], ["ok@example.com", "bad@"],
                                    [f"staff{n}@example.com" for n in range(21)]])
def test_bad_recipients_are_refused_and_nothing_is_written(hand_book, emails):
    # given
    installation = hand_book.installation
    digest_recipients_set(installation=installation, emails=["credit@example.com"], actor="cfo@example.com")
    audits = AuditEntry.objects.count()

    # when
    with pytest.raises(DigestRecipientsInvalid):
        digest_recipients_set(installation=installation, emails=emails, actor="cfo@example.com")

    # then
    assert digest_recipients(installation=installation) == ["credit@example.com"]
    assert AuditEntry.objects.count() == audits


SET = """mutation($e: [String!]!) { receivablesDigestRecipientsSet(emails: $e) {
  digest { recipients subject } errors { code field } } }"""


def test_the_api_sets_the_recipients_and_previews_the_summary(hand_book):
    # when
    context = principal_context(hand_book.installation)
    ok = schema.execute(SET, variables={"e": ["credit@example.com"]}, context_value=context).data
    bad = schema.execute(SET, variables={"e": ["nope"]}, context_value=context).data
    read = schema.execute("{ receivablesDigest { recipients body } }", context_value=context).data

    # then
    assert ok["receivablesDigestRecipientsSet"]["errors"] == []
    assert ok["receivablesDigestRecipientsSet"]["digest"]["recipients"] == ["credit@example.com"]
    assert bad["receivablesDigestRecipientsSet"] == {"digest": None, "errors": [
        {"code": "DIGEST_RECIPIENTS_INVALID", "field": "emails"}]}
    assert read["receivablesDigest"]["recipients"] == ["credit@example.com"]
    assert read["receivablesDigest"]["body"].startswith("Receivables of ")
