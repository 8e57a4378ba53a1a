"""The ERP API's per-key rate limit is a token bucket (GCRA): a burst up to the limit, then one
request per 60 s / limit — no window edge lets twice the limit through. Counted in Redis when
configured (production), else in the database; both give the same answers, atomically."""
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.db import connections

from saleor_netterms.companies.models import Company
from saleor_netterms.erp.models import ErpApiKey, ErpRateBucket
from saleor_netterms.erp.ratelimit import gcra, rate_take
from tests.fixtures_credit import postgres_only

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
T0 = 1_800_000_000.0  # a fixed instant (epoch seconds)


def _run(take, times, limit):
    return [(d.allowed, d.remaining, d.retry_after_s, d.reset_s) for d in (take(now=T0 + t, limit=limit) for t in times)]


def _pure():
    state = {"tat": None}

    def take(*, now, limit):
        decision, state["tat"] = gcra(tat=state["tat"], now=now, limit=limit)
        return decision
    return take


# 2 a minute: a burst of 2, then one every 30 s; at 59.9 s and 60.1 s (either side of a minute
# boundary, where a fixed window would let 2 + 2 through) only one more passes.
TIMES = [0, 0, 0, 29, 30, 30, 59.9, 60.1, 200, 200, 200]
EXPECTED = [
    (True, 1, 0, 30), (True, 0, 0, 60), (False, 0, 30, 60),
    (False, 0, 1, 31), (True, 0, 0, 60), (False, 0, 30, 60),
    (False, 0, 1, 31), (True, 0, 0, 60),
    (True, 1, 0, 30), (True, 0, 0, 60), (False, 0, 30, 60),
]


def test_the_bucket_allows_a_burst_then_refills_steadily_with_exact_retry_after():
    # when
    decisions = _run(_pure(), TIMES, limit=2)

    # then
    assert decisions == EXPECTED


@pytest.mark.django_db
def test_the_database_bucket_decides_like_the_algorithm(erp_key, settings):
    # given
    settings.ERP_RATE_LIMIT_REDIS_URL = ""
    key = ErpApiKey.objects.get(prefix=erp_key()[:12])

    # when
    decisions = _run(lambda now, limit: rate_take(key_id=key.pk, limit=limit, now=now), TIMES, limit=2)

    # then
    assert decisions == EXPECTED
    assert ErpRateBucket.objects.get(api_key=key).tat == T0 + 260


@pytest.mark.django_db
def test_the_redis_bucket_decides_like_the_algorithm(erp_key, settings):
    # given: the Redis CI runs against, as production configures it
    settings.ERP_RATE_LIMIT_REDIS_URL = REDIS_URL
    key = ErpApiKey.objects.get(prefix=erp_key()[:12])
    client = redis.Redis.from_url(REDIS_URL)
    client.delete(f"netterms:erp-rate:{key.pk}")

    # when
    decisions = _run(lambda now, limit: rate_take(key_id=key.pk, limit=limit, now=now), TIMES, limit=2)

    # then
    assert decisions == EXPECTED
    assert float(client.get(f"netterms:erp-rate:{key.pk}")) == T0 + 260
    assert not ErpRateBucket.objects.exists()  # nothing counted in the database
    client.delete(f"netterms:erp-rate:{key.pk}")


@pytest.mark.django_db
def test_an_unreachable_redis_falls_back_to_the_database(erp_key, settings):
    # given: nothing listens on port 1
    settings.ERP_RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:1/0"
    key = ErpApiKey.objects.get(prefix=erp_key()[:12])

    # when
    decisions = _run(lambda now, limit: rate_take(key_id=key.pk, limit=limit, now=now), [0, 0, 0], limit=2)

    # then
    assert decisions == EXPECTED[:3]
    assert ErpRateBucket.objects.get(api_key=key).tat == T0 + 60


@pytest.mark.django_db
def test_a_key_over_its_limit_gets_429_with_retry_after_and_ratelimit_headers_and_nothing_written(
        erp, erp_key, settings):
    # given
    settings.ERP_RATE_LIMIT_REDIS_URL = ""
    raw = erp_key(rate=2)

    # when
    first = erp("GET", "/masters", key=raw)
    second = erp("GET", "/masters", key=raw)
    refused = erp("PUT", "/companies/C-1000", {"legalName": "Acme"}, key=raw)

    # then
    assert [first.status_code, second.status_code, refused.status_code] == [200, 200, 429]
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"], first["RateLimit-Reset"]) == ("2", "1", "30")
    assert (second["RateLimit-Remaining"], second["X-RateLimit-Remaining"]) == ("0", "0")
    assert first["RateLimit-Policy"] == "2;w=60"
    assert refused.data["code"] == "RATE_LIMITED"
    assert refused["Retry-After"] == "30"  # one request comes back every 30 s, not at the next minute
    assert (refused["RateLimit-Remaining"], refused["RateLimit-Reset"]) == ("0", "60")
    assert Company.objects.count() == 0


def _take_in_thread(key_id, start):
    try:
        start.wait(timeout=30)
        return rate_take(key_id=key_id, limit=3, now=T0).allowed
    finally:
        connections.close_all()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_on_the_database_bucket_let_exactly_the_limit_through(erp_key, settings):
    # given: 6 connections at once against a limit of 3
    settings.ERP_RATE_LIMIT_REDIS_URL = ""
    key = ErpApiKey.objects.get(prefix=erp_key()[:12])
    ErpRateBucket.objects.create(api_key=key, tat=T0)
    start = threading.Event()

    # when
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(_take_in_thread, key.pk, start) for _ in range(6)]
        start.set()
        outcomes = sorted(f.result() for f in futures)

    # then
    assert outcomes == [False] * 3 + [True] * 3
    assert ErpRateBucket.objects.get(api_key=key).tat == T0 + 60
