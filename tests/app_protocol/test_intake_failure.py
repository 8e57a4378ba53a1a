"""A webhook that fails before its delivery row exists is still visible to the merchant: a coded
503 to Saleor, an ERROR log line with the code, and a count on the overview page.

The failure is real: another PostgreSQL connection holds an exclusive lock on the delivery table
and the app's connection gives up waiting after 300 ms (lock_timeout)."""
import hashlib
import logging
from decimal import Decimal

import psycopg
import pytest
from django.db import connection

from saleor_netterms.companies.services import company_create, credit_limit_set, member_add
from saleor_netterms.core.money import Money
from saleor_netterms.saleor_webhooks.models import WebhookDelivery, WebhookDispatch, WebhookIntakeFailure
from tests.app_protocol.conftest import NOTHING, Effects, effects, postings
from tests.fixtures_credit import postgres_only
from tests.fixtures_saleor import dashboard_headers
from tests.saleor_double import default_channel, saleor_body


def _lock_delivery_table():
    settings = connection.settings_dict
    other = psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                            user=settings["USER"], password=settings["PASSWORD"] or None,
                            dbname=settings["NAME"], autocommit=False)
    other.execute(f"LOCK TABLE {WebhookDelivery._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    return other


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_delivery_the_database_refuses_to_record_is_logged_counted_and_answered_503(
        client, fake_saleor, installation, caplog):
    # given: a buyer with credit, and a delivery table nobody can write to
    company = company_create(installation=installation, legal_name="Acme Industrial Supply")
    credit_limit_set(company=company, amount=Money.of("1000.00", "USD"))
    member_add(company=company, kind="saleor_user_id", value="VXNlcjo2")
    payload = fake_saleor.payloads.transaction_initialize_session(user_id="VXNlcjo2")
    body = saleor_body(payload)
    locker = _lock_delivery_table()
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")

    # when
    try:
        with caplog.at_level(logging.ERROR, logger="saleor_netterms.saleor_webhooks.services"):
            response = fake_saleor.deliver(client, "TRANSACTION_INITIALIZE_SESSION", payload)
    finally:
        locker.rollback()
        locker.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    # then: Saleor gets a coded 503, nothing was processed, the merchant can see it
    assert response.status_code == 503
    assert response.json() == {"error": {"code": "WEBHOOK_NOT_RECORDED", "message": (
        "The app could not record a Saleor webhook (its database refused the write); nothing was "
        "processed and Saleor may retry it.")}}
    assert WebhookDelivery.objects.count() == 0
    assert WebhookDispatch.objects.count() == 0
    assert effects() == NOTHING
    failure = WebhookIntakeFailure.objects.get()
    assert (failure.installation_id, failure.saleor_api_url, failure.event, failure.body_sha256,
            failure.error_code) == (installation.pk, "https://shop.saleor.test/graphql/",
                                    "TRANSACTION_INITIALIZE_SESSION", hashlib.sha256(body).hexdigest(),
                                    "WEBHOOK_NOT_RECORDED")
    assert "lock timeout" in failure.error_message
    logged = [r for r in caplog.records if r.getMessage() == "webhook not recorded"]
    assert len(logged) == 1
    assert (logged[0].levelname, logged[0].code, logged[0].event) == (
        "ERROR", "WEBHOOK_NOT_RECORDED", "TRANSACTION_INITIALIZE_SESSION")

    fake_saleor.answer("Channels", {"data": {"channels": [default_channel()]}})
    session = client.get("/app/session", headers=dashboard_headers(fake_saleor)).json()
    assert session["webhooks24h"] == {"total": 1, "processed": 0, "duplicates": 0, "refused": 0,
                                      "failed": 1, "notRecorded": 1}

    # and: Saleor's retry of the same body, once the database accepts writes, is processed once
    retried = fake_saleor.deliver(client, "TRANSACTION_INITIALIZE_SESSION", payload)
    again = fake_saleor.deliver(client, "TRANSACTION_INITIALIZE_SESSION", payload)
    assert retried.status_code == 200 and retried.json()["result"] == "AUTHORIZATION_SUCCESS"
    assert again.content == retried.content
    assert WebhookDispatch.objects.count() == 1
    assert sorted(WebhookDelivery.objects.values_list("outcome", flat=True)) == ["duplicate", "processed"]
    assert postings() == [("hold", Decimal("180.0000"), "USD")]
    assert effects() == Effects(decisions=1, decision_audit=1, transactions=1, postings=1, entries=2, outbox=0)
