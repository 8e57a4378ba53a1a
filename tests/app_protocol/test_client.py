import time
from decimal import Decimal

import pytest

from saleor_netterms.installations.models import Installation, InstallationStatus
from saleor_netterms.installations.saleor import saleor_execute
from saleor_netterms.saleor_api.errors import (DocumentNotFound, SaleorApiError, SaleorGraphQLError,
                                               SaleorPermissionDenied, SaleorTransportError,
                                               SaleorUnauthorized)
from saleor_netterms.saleor_api.documents import document_get
from tests.saleor_double import transaction_event_report_answer

REPORT_VARIABLES = {"id": "VHJhbnNhY3Rpb25JdGVtOjE=", "type": "CHARGE_SUCCESS",
                    "pspReference": "inv-1", "amount": "180.00"}


@pytest.mark.django_db
@pytest.mark.needs_schema
def test_execute_sends_the_document_with_the_installation_token(fake_saleor, installation):
    # given
    fake_saleor.answer("TransactionEventReport", transaction_event_report_answer(already_processed=True))

    # when
    data = saleor_execute(installation=installation, document="mutations/transaction_event_report",
                          variables=REPORT_VARIABLES)

    # then
    assert data["transactionEventReport"]["alreadyProcessed"] is True
    [call] = fake_saleor.calls
    assert call.operation == "TransactionEventReport"
    assert call.variables == REPORT_VARIABLES
    assert call.authorization == f"Bearer {fake_saleor.app_token}"
    assert call.query == (installation and
                          open("graphql/mutations/transaction_event_report.graphql").read())


@pytest.mark.django_db
def test_execute_by_operation_name(fake_saleor, installation):
    # when
    data = saleor_execute(installation=installation, document="Channels")

    # then
    assert data["channels"][0]["slug"] == "default-channel"


@pytest.mark.django_db
def test_client_does_not_retry_5xx_in_the_call(fake_saleor, installation):
    # given: retries live in the outbox (backoff), not in a blocking sleep inside the call
    fake_saleor.fail_next(1, status=503)

    # when
    with pytest.raises(SaleorTransportError) as caught:
        saleor_execute(installation=installation, document="queries/channels")

    # then
    assert caught.value.code == "SALEOR_UNREACHABLE"
    assert len(fake_saleor.calls_for("Channels")) == 1
    assert saleor_execute(installation=installation, document="queries/channels")["channels"]  # up again


@pytest.mark.django_db
def test_client_retries_a_connection_that_could_not_be_made_once_at_once(fake_saleor, installation, settings):
    # given
    settings.SALEOR_HTTP_CONNECT_RETRIES = 1
    fake_saleor.fail_next(1, connection_error=True)

    # when
    started = time.monotonic()
    data = saleor_execute(installation=installation, document="queries/channels")

    # then: the second attempt went out without sleeping
    assert data["channels"][0]["slug"] == "default-channel"
    assert len(fake_saleor.calls_for("Channels")) == 2
    assert time.monotonic() - started < 1.0


@pytest.mark.django_db
def test_client_gives_up_on_connection_errors_after_the_bound(fake_saleor, installation, settings):
    # given
    settings.SALEOR_HTTP_CONNECT_RETRIES = 1
    fake_saleor.fail_next(5, connection_error=True)

    # when
    with pytest.raises(SaleorTransportError) as caught:
        saleor_execute(installation=installation, document="queries/channels")

    # then
    assert caught.value.code == "SALEOR_UNREACHABLE"
    assert len(fake_saleor.calls) == 2
    assert Installation.objects.get().status == InstallationStatus.ACTIVE


@pytest.mark.django_db
def test_client_does_not_retry_4xx(fake_saleor, installation):
    # given
    fake_saleor.fail_next(1, status=400)

    # when
    with pytest.raises(SaleorApiError) as caught:
        saleor_execute(installation=installation, document="queries/channels")

    # then
    assert caught.value.code == "SALEOR_API_ERROR"
    assert len(fake_saleor.calls) == 1
    assert Installation.objects.get().status == InstallationStatus.ACTIVE


@pytest.mark.django_db
def test_client_does_not_resend_a_plain_mutation_after_a_read_timeout(fake_saleor, installation):
    # given: OrderNoteAdd is not deduplicated by Saleor; a read timeout may have applied it
    fake_saleor.fail_next(1, timeout=True)

    # when
    with pytest.raises(SaleorTransportError):
        saleor_execute(installation=installation, document="OrderNoteAdd",
                       variables={"order": "T3JkZXI6MQ==", "message": "Invoice NT-1 issued"})

    # then
    assert len(fake_saleor.calls) == 1


@pytest.mark.django_db
def test_client_leaves_a_read_timeout_to_the_outbox_even_for_a_deduplicated_report(fake_saleor, installation):
    # given: Saleor deduplicates reports (alreadyProcessed, FACTS.md §4.1), but resending is the
    # outbox's job, with backoff
    fake_saleor.fail_next(1, timeout=True)

    # when
    with pytest.raises(SaleorTransportError):
        saleor_execute(installation=installation, document="TransactionEventReport", variables=REPORT_VARIABLES)

    # then
    assert len(fake_saleor.calls) == 1


@pytest.mark.django_db
def test_token_rejection_marks_the_installation_removed(fake_saleor, installation):
    # given: the app was deleted in the Dashboard
    fake_saleor.reject_token()

    # when
    with pytest.raises(SaleorUnauthorized) as caught:
        saleor_execute(installation=installation, document="queries/channels")

    # then
    assert caught.value.code == "SALEOR_TOKEN_REJECTED"
    stored = Installation.objects.get()
    assert stored.status == InstallationStatus.REMOVED
    assert stored.removed_at is not None
    assert stored.removed_reason.startswith("SALEOR_TOKEN_REJECTED: Channels: request ran unauthenticated")


@pytest.mark.django_db
def test_mutation_permission_denied_probes_app_id_then_marks_removed(fake_saleor, installation):
    # given: a mutation's PermissionDenied names only HANDLE_PAYMENTS (ambiguous)
    fake_saleor.reject_token()

    # when
    with pytest.raises(SaleorUnauthorized):
        saleor_execute(installation=installation, document="TransactionEventReport",
                       variables=REPORT_VARIABLES)

    # then
    assert [c.operation for c in fake_saleor.calls] == ["TransactionEventReport", "AppId"]
    assert Installation.objects.get().status == InstallationStatus.REMOVED


@pytest.mark.django_db
def test_missing_permission_with_a_working_token_keeps_the_installation(fake_saleor, installation):
    # given
    fake_saleor.answer("OrderNoteAdd", {"data": {"orderNoteAdd": None}, "errors": [{
        "message": "To access this path, you need one of the following permissions: MANAGE_ORDERS",
        "extensions": {"exception": {"code": "PermissionDenied"}}}]})

    # when
    with pytest.raises(SaleorPermissionDenied) as caught:
        saleor_execute(installation=installation, document="OrderNoteAdd",
                       variables={"order": "T3JkZXI6MQ==", "message": "note"})

    # then
    assert caught.value.code == "SALEOR_PERMISSION_DENIED"
    assert [c.operation for c in fake_saleor.calls] == ["OrderNoteAdd", "AppId"]
    assert Installation.objects.get().status == InstallationStatus.ACTIVE


@pytest.mark.django_db
def test_http_401_marks_the_installation_removed(fake_saleor, installation):
    # given
    fake_saleor.fail_next(1, status=401)

    # when
    with pytest.raises(SaleorUnauthorized):
        saleor_execute(installation=installation, document="queries/channels")

    # then
    assert len(fake_saleor.calls) == 1
    assert Installation.objects.get().status == InstallationStatus.REMOVED


@pytest.mark.django_db
def test_removed_installation_does_not_call_saleor(fake_saleor, installation):
    # given
    installation.status = InstallationStatus.REMOVED
    installation.save()

    # when
    with pytest.raises(SaleorUnauthorized):
        saleor_execute(installation=installation, document="queries/channels")

    # then
    assert fake_saleor.calls == []


@pytest.mark.django_db
def test_graphql_errors_become_coded_exceptions(fake_saleor, installation):
    # given
    fake_saleor.answer("Channels", {"data": None, "errors": [{"message": "Internal error",
                                                              "extensions": {"exception": {"code": "GraphQLError"}}}]})

    # when
    with pytest.raises(SaleorGraphQLError) as caught:
        saleor_execute(installation=installation, document="queries/channels")

    # then
    assert caught.value.code == "SALEOR_GRAPHQL_ERROR"
    assert caught.value.errors[0]["message"] == "Internal error"
    assert Installation.objects.get().status == InstallationStatus.ACTIVE


def test_unknown_document_is_a_coded_error():
    # when
    with pytest.raises(DocumentNotFound):
        document_get("../../etc/passwd")


def test_amounts_in_answers_can_be_decimal_in_the_double():
    # then
    answer = transaction_event_report_answer(amount=Decimal("99.99"))
    assert answer["data"]["transactionEventReport"]["transaction"]["chargedAmount"]["amount"] == Decimal("99.99")
