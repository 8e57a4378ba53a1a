"""The embedded default holds under load: parallel checkouts queue, they do not fail.

The app runs as `make run` runs it (manage.py runserver, threaded, eager tasks) on a database of
its own, SQLite (the `make run` default) and PostgreSQL, and gets 20 signed
TRANSACTION_INITIALIZE_SESSION deliveries at once from 20 client threads, each asking for a
tenth of the company's limit: exactly 10 are approved, 10 declined, every answer is a 200 and
every delivery row says processed. Merchant edits (the app's GraphQL API) racing Saleor's checkouts
queue the same way: every one answered and saved.

And when the database does refuse the write (another process holds SQLite's write lock longer
than the busy timeout), the delivery is answered with a coded 503, logged at ERROR and counted
on the overview page although no delivery row could be written."""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
import responses

from tests.embedded_app import AppServer, app_call, app_database
from tests.saleor_double import FakeSaleor, saleor_body

USER_ID = "VXNlcjo2"
PARALLEL = 20


def _delivery(fake: FakeSaleor, index: int) -> tuple[bytes, dict[str, str]]:
    payload = fake.payloads.transaction_initialize_session(
        amount=Decimal("100.00"), currency="USD", user_id=USER_ID,
        transaction_id=f"VHJhbnNhY3Rpb25JdGVtOj{index:03d}",
        idempotency_key=f"idem-parallel-{index}", data={"poNumber": f"PO-{index}"})
    body = saleor_body(payload)
    return body, dict(fake.headers_for("TRANSACTION_INITIALIZE_SESSION", fake.sign(body)))


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_parallel_checkouts_on_the_embedded_server_queue_instead_of_failing(vendor, tmp_path):
    # given: the app on its own database, one company with a USD 1,000.00 limit
    fake = FakeSaleor(mock=responses.RequestsMock())
    with app_database(vendor, tmp_path) as database_url:
        seeded = app_call(database_url, "seed", jwks=fake.jwks(), api_url=fake.api_url,
                          domain=fake.domain, app_id=fake.app_id, limit="1000.00", user_id=USER_ID)
        deliveries = [_delivery(fake, i) for i in range(PARALLEL)]
        start = threading.Barrier(PARALLEL)

        with AppServer(database_url, tmp_path) as server:
            def post(delivery):
                body, headers = delivery
                with requests.Session() as session:
                    start.wait(timeout=30)
                    response = session.post(server.url + "/api/webhooks/transaction-initialize-session",
                                            data=body, headers={**headers, "Content-Type": "application/json"},
                                            timeout=60)
                return response.status_code, response.text

            # when: all of them at once
            with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
                answers = list(pool.map(post, deliveries))
            log = server.log()

        facts = app_call(database_url, "authorizations", company_id=seeded["company_id"])

    # then: every one answered, exactly the limit approved, nothing failed anywhere
    assert [status for status, _ in answers] == [200] * PARALLEL, log[-4000:]
    answers = [(status, json.loads(text)) for status, text in answers]
    results = [answer["result"] for _, answer in answers]
    assert results.count("AUTHORIZATION_SUCCESS") == 10
    assert results.count("AUTHORIZATION_FAILURE") == 10
    assert {answer["data"]["reason"] for _, answer in answers if answer["result"] == "AUTHORIZATION_FAILURE"} \
        == {"OVER_LIMIT"}
    assert facts == {"held": "1000.00", "available": "0.00",
                     "delivery_outcomes": {"processed": PARALLEL}, "delivery_errors": []}
    assert "database is locked" not in log
    assert '"level": "ERROR"' not in log


def test_a_delivery_sqlite_cannot_record_is_answered_503_logged_and_counted(tmp_path):
    # given: the app on SQLite with a 2 s busy timeout, and another process holding the write lock
    fake = FakeSaleor(mock=responses.RequestsMock())
    with app_database("sqlite", tmp_path) as database_url:
        seeded = app_call(database_url, "seed", jwks=fake.jwks(), api_url=fake.api_url,
                          domain=fake.domain, app_id=fake.app_id, limit="1000.00", user_id=USER_ID)
        body, headers = _delivery(fake, 1)
        with AppServer(database_url, tmp_path, env={"SQLITE_BUSY_TIMEOUT_S": "2"}) as server:
            blocker = sqlite3.connect(tmp_path / "embedded.sqlite3", isolation_level=None, timeout=10)
            blocker.execute("BEGIN IMMEDIATE")
            answer: dict = {}

            def post():
                response = requests.post(server.url + "/api/webhooks/transaction-initialize-session",
                                         data=body, headers={**headers, "Content-Type": "application/json"},
                                         timeout=60)
                answer.update(status=response.status_code, body=response.json())

            # when: the delivery arrives while the lock is held; the lock goes once the app gave up
            thread = threading.Thread(target=post)
            thread.start()
            deadline = time.monotonic() + 30
            while "webhook not recorded" not in server.log() and time.monotonic() < deadline:
                time.sleep(0.02)
            blocker.execute("ROLLBACK")
            blocker.close()
            thread.join(timeout=60)
            log = server.log()

        facts = app_call(database_url, "webhook_stats", installation_id=seeded["installation_id"])

    # then
    assert answer == {"status": 503, "body": {"error": {"code": "WEBHOOK_NOT_RECORDED", "message": (
        "The app could not record a Saleor webhook (its database refused the write); nothing was "
        "processed and Saleor may retry it.")}}}, log[-3000:]
    logged = [json.loads(line) for line in log.splitlines() if '"msg": "webhook not recorded"' in line]
    assert [(line["level"], line["code"], line["event"]) for line in logged] == [
        ("ERROR", "WEBHOOK_NOT_RECORDED", "TRANSACTION_INITIALIZE_SESSION")]
    assert "database is locked" in logged[0]["problem"]
    assert "webhook intake failure not counted" not in log
    assert facts == {"stats": {"total": 1, "processed": 0, "duplicates": 0, "refused": 0, "failed": 1,
                               "not_recorded": 1},
                     "deliveries": 0,
                     "intake_failures": [["TRANSACTION_INITIALIZE_SESSION", "WEBHOOK_NOT_RECORDED"]]}


COMPANY_UPDATE = ("mutation($id: ID!, $name: String) { companyUpdate(id: $id, billingContactName: $name) "
                  "{ errors { code message } } }")


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_merchant_mutations_racing_checkouts_queue_instead_of_failing(vendor, tmp_path):
    # given: the app on its own database; half the load is Saleor's checkouts, half the merchant's edits
    fake = FakeSaleor(mock=responses.RequestsMock())
    half = PARALLEL // 2
    with app_database(vendor, tmp_path) as database_url:
        seeded = app_call(database_url, "seed", jwks=fake.jwks(), api_url=fake.api_url,
                          domain=fake.domain, app_id=fake.app_id, limit="1000.00", user_id=USER_ID)
        token = fake.dashboard_token(expires_in=600)
        requests_ = [("checkout", _delivery(fake, i)) for i in range(half)] + [
            ("mutation", (json.dumps({"query": COMPANY_UPDATE, "variables": {
                "id": str(seeded["company_id"]), "name": f"Accounts payable {i}"}}).encode(),
                {"authorization-bearer": token, "saleor-api-url": fake.api_url})) for i in range(half)]
        start = threading.Barrier(PARALLEL)

        with AppServer(database_url, tmp_path) as server:
            def post(item):
                kind, (body, headers) = item
                path = "/api/webhooks/transaction-initialize-session" if kind == "checkout" else "/graphql/"
                with requests.Session() as session:
                    start.wait(timeout=30)
                    response = session.post(server.url + path, data=body,
                                            headers={**headers, "Content-Type": "application/json"}, timeout=60)
                return kind, response.status_code, response.text

            # when: all of them at once
            with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
                answers = list(pool.map(post, requests_))
            log = server.log()

        facts = app_call(database_url, "authorizations", company_id=seeded["company_id"])

    # then: every one answered, every checkout approved (10 × 100.00 = the limit), every edit saved
    assert [status for _, status, _ in answers] == [200] * PARALLEL, log[-4000:]
    checkouts = [json.loads(text) for kind, _, text in answers if kind == "checkout"]
    edits = [json.loads(text) for kind, _, text in answers if kind == "mutation"]
    assert [answer["result"] for answer in checkouts] == ["AUTHORIZATION_SUCCESS"] * half
    assert edits == [{"data": {"companyUpdate": {"errors": []}}}] * half
    assert facts == {"held": "1000.00", "available": "0.00",
                     "delivery_outcomes": {"processed": half}, "delivery_errors": []}
    assert "database is locked" not in log
    assert '"level": "ERROR"' not in log
