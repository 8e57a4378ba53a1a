"""Saleor sync in the API: a report Saleor refused shows the reports it holds back and why;
staff retry or skip it, and either is in the audit trail. Saleor is the test double."""
import pytest

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.outbox.models import OutboxMessage, OutboxStatus
from saleor_netterms.outbox.services import outbox_deliver_due, outbox_enqueue
from tests.saleor_double import transaction_event_report_answer

TX = "VHJhbnNhY3Rpb25JdGVtOjk="
REFUSED = [{"field": "amount", "code": "INCORRECT_DETAILS", "message": "Amount exceeds the authorized amount."}]

FAILED = """{ failedSaleorReports { id status eventType pspReference lastError orderingKey
  blocked { id status eventType pspReference blockedById } } }"""
RETRY = """mutation ($id: ID!) { outboxRetry(messageId: $id) {
  message { id status attempts blocked { id } } errors { code field message } } }"""
SKIP = """mutation ($id: ID!, $reason: String!) { outboxSkip(messageId: $id, reason: $reason) {
  message { id status skippedBy skipReason } errors { code field message } } }"""


def _report(installation, key: str, event: str, psp: str) -> OutboxMessage:
    return outbox_enqueue(installation=installation, kind="saleor.transaction_event_report", payload={
        "transaction_id": TX, "type": event, "psp_reference": psp, "amount": "250.00", "currency": "USD",
        "message": None, "available_actions": ["REFUND"]}, dedupe_key=key, ordering_key=f"transaction:{TX}")


@pytest.fixture
def chain(installation, fake_saleor):
    """CHARGE_SUCCESS refused by Saleor; a CHARGE_REQUEST and a REFUND_SUCCESS held back behind it."""
    answers = [transaction_event_report_answer(errors=REFUSED)]
    fake_saleor.answer("TransactionEventReport",
                       lambda variables: answers.pop(0) if answers else transaction_event_report_answer())
    charge = _report(installation, "charge", "CHARGE_SUCCESS", "inv-1-p1")
    rest = _report(installation, "rest", "CHARGE_REQUEST", "inv-1-2")
    refund = _report(installation, "refund", "REFUND_SUCCESS", "cn-1")
    outbox_deliver_due()
    fake_saleor.reset_calls()
    return charge, rest, refund


@pytest.mark.django_db
def test_a_refused_report_shows_the_reports_it_holds_back_and_why(gql, installation, chain):
    charge, rest, refund = chain

    # when
    data = gql(FAILED, installation=installation)

    # then
    assert data == {"failedSaleorReports": [{
        "id": str(charge.pk), "status": "DEAD", "eventType": "CHARGE_SUCCESS", "pspReference": "inv-1-p1",
        "lastError": "INCORRECT_DETAILS: Amount exceeds the authorized amount.", "orderingKey": f"transaction:{TX}",
        "blocked": [
            {"id": str(rest.pk), "status": "BLOCKED", "eventType": "CHARGE_REQUEST", "pspReference": "inv-1-2",
             "blockedById": str(charge.pk)},
            {"id": str(refund.pk), "status": "BLOCKED", "eventType": "REFUND_SUCCESS", "pspReference": "cn-1",
             "blockedById": str(charge.pk)}]}]}


@pytest.mark.django_db
def test_retry_sends_the_refused_report_then_the_held_back_ones_in_order_and_is_audited(
        gql, installation, chain, fake_saleor):
    charge, rest, refund = chain

    # when
    data = gql(RETRY, {"id": str(charge.pk)}, installation=installation)
    outbox_deliver_due()

    # then
    assert data == {"outboxRetry": {"message": {"id": str(charge.pk), "status": "PENDING", "attempts": 0,
                                                "blocked": []}, "errors": []}}
    assert [c.variables["type"] for c in fake_saleor.calls_for("TransactionEventReport")] == [
        "CHARGE_SUCCESS", "CHARGE_REQUEST", "REFUND_SUCCESS"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}
    entry = AuditEntry.objects.get(action="outbox.retried")
    assert (entry.actor, entry.object_type, entry.object_id, entry.reason) == (
        "staff@example.com", "outbox_message", str(charge.pk), "")
    assert entry.before == {"status": "dead", "attempts": 1, "kind": "saleor.transaction_event_report",
                            "last_error": "INCORRECT_DETAILS: Amount exceeds the authorized amount.",
                            "ordering_key": f"transaction:{TX}"}
    assert entry.after == {"status": "pending", "attempts": 0, "released": [rest.pk, refund.pk]}
    assert gql(FAILED, installation=installation) == {"failedSaleorReports": []}


@pytest.mark.django_db
def test_skip_gives_up_on_the_refused_report_sends_the_rest_and_is_audited(gql, installation, chain, fake_saleor):
    charge, rest, refund = chain

    # when
    data = gql(SKIP, {"id": str(charge.pk), "reason": "Charged by hand in Saleor"}, installation=installation)
    outbox_deliver_due()

    # then
    assert data == {"outboxSkip": {"message": {"id": str(charge.pk), "status": "SKIPPED",
                                               "skippedBy": "staff@example.com",
                                               "skipReason": "Charged by hand in Saleor"}, "errors": []}}
    assert [c.variables["type"] for c in fake_saleor.calls_for("TransactionEventReport")] == [
        "CHARGE_REQUEST", "REFUND_SUCCESS"]
    assert list(OutboxMessage.objects.order_by("id").values_list("status", flat=True)) == [
        OutboxStatus.SKIPPED, OutboxStatus.DELIVERED, OutboxStatus.DELIVERED]
    entry = AuditEntry.objects.get(action="outbox.skipped")
    assert (entry.actor, entry.object_id, entry.reason) == ("staff@example.com", str(charge.pk),
                                                            "Charged by hand in Saleor")
    assert entry.after == {"status": "skipped", "attempts": 1, "released": [rest.pk, refund.pk]}


@pytest.mark.django_db
def test_retry_and_skip_refusals_are_coded_and_write_nothing(gql, installation, chain):
    charge, rest, _ = chain
    before = list(OutboxMessage.objects.order_by("id").values_list("status", "attempts", "skip_reason"))

    # when
    blocked = gql(RETRY, {"id": str(rest.pk)}, installation=installation)
    skip_blocked = gql(SKIP, {"id": str(rest.pk), "reason": "x"}, installation=installation)
    no_reason = gql(SKIP, {"id": str(charge.pk), "reason": " "}, installation=installation)
    too_long = gql(SKIP, {"id": str(charge.pk), "reason": "x" * 256}, installation=installation)
    unknown = gql(SKIP, {"id": "999999", "reason": "x"}, installation=installation)

    # then
    assert blocked == {"outboxRetry": {"message": None, "errors": [{
        "code": "OUTBOX_MESSAGE_BLOCKED", "field": "messageId",
        "message": f"This message waits behind message {charge.pk}, which Saleor refused: retry that one instead."}]}}
    assert skip_blocked["outboxSkip"]["errors"][0]["code"] == "OUTBOX_MESSAGE_BLOCKED"
    assert no_reason == {"outboxSkip": {"message": None, "errors": [{
        "code": "REASON_REQUIRED", "field": "reason", "message": "Say why this message is skipped."}]}}
    assert too_long["outboxSkip"]["errors"] == [{"code": "TOO_LONG", "field": "reason", "message": "At most 255 characters."}]
    assert unknown["outboxSkip"]["errors"] == [{"code": "NOT_FOUND", "field": "messageId",
                                                "message": "The message does not exist."}]
    assert list(OutboxMessage.objects.order_by("id").values_list("status", "attempts", "skip_reason")) == before
    assert AuditEntry.objects.filter(action__startswith="outbox.").count() == 0
