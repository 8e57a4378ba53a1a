"""Through the real webhook pipeline, the external underwriter is asked outside any database
transaction: not in the dispatch transaction, not under the company lock; a replay of the same
delivery asks it no second time."""
from decimal import Decimal

import pytest
from django.db import connections

from saleor_netterms.checkout.models import NetTermsTransaction
from saleor_netterms.decisions.engine import Outcome
from saleor_netterms.decisions.models import DecisionRecord
from saleor_netterms.decisions.underwriting import UnderwriterReason, UnderwriterResult
from saleor_netterms.saleor_webhooks.models import WebhookDelivery
from tests.fixtures_credit import postgres_only
from tests.saleor_double import CUSTOMER_ID

TX = "VHJhbnNhY3Rpb25JdGVtOjQy"


class RecordingUnderwriter:
    """An outside provider: approves, and notes whether the checkout's connection was inside a
    transaction when it was asked."""

    name = "recording"

    def __init__(self):
        self.calls = []
        self.caller = connections["default"]

    def assess(self, snapshot, *, timeout_s):
        self.calls.append({"amount": snapshot.order_amount, "in_atomic_block": self.caller.in_atomic_block,
                           "in_transaction": not self.caller.get_autocommit()})
        return UnderwriterResult(Outcome.APPROVE, (UnderwriterReason("GOOD", "Good payer."),), "uw-1")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_underwriter_is_called_outside_any_database_transaction(client, fake_saleor, installation,
                                                                   company_factory, member_factory, settings):
    # given a company and an underwriter for orders above 1,000.00
    company = company_factory(installation=installation, legal_name="Acme Industrial Supply")
    member_factory(company=company, kind="saleor_user_id", value=CUSTOMER_ID)
    underwriter = RecordingUnderwriter()
    settings.UNDERWRITER, settings.UNDERWRITER_THRESHOLD, settings.UNDERWRITER_TIMEOUT_S = underwriter, "1000.00", 2
    payload = fake_saleor.payloads.transaction_initialize_session(amount=Decimal("2000.00"), transaction_id=TX)

    # when Saleor delivers the authorization, and the same delivery again
    first = fake_saleor.deliver(client, "TRANSACTION_INITIALIZE_SESSION", payload)
    again = fake_saleor.deliver(client, "TRANSACTION_INITIALIZE_SESSION", payload)

    # then the provider was asked once, with no transaction open on the checkout's connection
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["result"] == "AUTHORIZATION_SUCCESS"
    assert underwriter.calls == [{"amount": Decimal("2000.00"), "in_atomic_block": False, "in_transaction": False}]
    assert DecisionRecord.objects.get().reasons == ["UNDERWRITER_APPROVED", "WITHIN_LIMIT"]
    assert NetTermsTransaction.objects.get().status == "authorized"
    assert sorted(WebhookDelivery.objects.values_list("outcome", flat=True)) == ["duplicate", "processed"]
