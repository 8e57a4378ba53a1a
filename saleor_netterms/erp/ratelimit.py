"""The ERP API's rate limit per key: a token bucket (GCRA, the generic cell rate algorithm).

A key may send `limit` requests per `period` seconds, and a burst of up to `limit` at once; the
bucket refills one request every `period / limit` seconds, continuously — there is no window
edge where twice the limit gets through (what a fixed per-minute counter allows). The whole
state of a key is one number, its theoretical arrival time (TAT, epoch seconds): a request at
`now` is allowed when `max(TAT, now) + period / limit - now <= period`, and moves the TAT by one
interval.

Where the state lives: Redis when ERP_RATE_LIMIT_REDIS_URL is set (production: one Lua script,
atomic across every app process), else the database (`make run`: one conditional UPDATE per
request, atomic too). A Redis that does not answer falls back to the database and logs it: an
outage of the limiter must not stop the ERP's writes."""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from .models import ErpRateBucket

logger = logging.getLogger(__name__)

PERIOD_S = 60.0


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after_s: int  # 0 when allowed: seconds until the next request may pass
    reset_s: int  # seconds until the bucket is full again (RateLimit-Reset)


def gcra(*, tat: float | None, now: float, limit: int, period: float = PERIOD_S) -> tuple[RateDecision, float]:
    """The decision for one request and the TAT to store (the old one when refused). Pure."""
    interval = period / limit
    start = max(tat or now, now)
    new_tat = start + interval
    allowed = new_tat - now <= period + 1e-9
    stored = new_tat if allowed else start
    return _decision(allowed=allowed, tat=stored, now=now, limit=limit, period=period), stored


def _decision(*, allowed: bool, tat: float, now: float, limit: int, period: float) -> RateDecision:
    interval = period / limit
    used = max(tat - now, 0.0)  # how much of the period the bucket owes
    remaining = max(int((period - used + 1e-9) // interval), 0)
    retry = 0 if allowed else max(1, math.ceil(tat + interval - period - now))
    return RateDecision(allowed=allowed, limit=limit, remaining=remaining, retry_after_s=retry,
                        reset_s=math.ceil(used))


# --- Redis -----------------------------------------------------------------------------------

# KEYS[1] = the key's bucket; ARGV = now, interval, period (seconds, as strings). Returns
# {allowed (1/0), the TAT after it} with the TAT as a string (a Lua number would be truncated).
_LUA = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - now > period + 1e-9 then
  return {0, string.format('%.6f', tat)}
end
redis.call('SET', KEYS[1], string.format('%.6f', new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1000)
return {1, string.format('%.6f', new_tat)}
"""


@lru_cache(maxsize=4)
def _redis_script(url: str):
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return client.register_script(_LUA)


def _take_redis(url: str, *, key_id: int, now: float, limit: int) -> RateDecision:
    script = _redis_script(url)
    allowed, tat = script(keys=[f"netterms:erp-rate:{key_id}"], args=[repr(now), repr(PERIOD_S / limit),
                                                                       repr(PERIOD_S)])
    return _decision(allowed=bool(int(allowed)), tat=float(tat), now=now, limit=limit, period=PERIOD_S)


# --- the database ----------------------------------------------------------------------------

def _take_db(*, key_id: int, now: float, limit: int) -> RateDecision:
    """One conditional UPDATE moves the TAT only when the request fits (atomic under concurrency
    on PostgreSQL and SQLite alike); a refused request writes nothing."""
    interval = PERIOD_S / limit
    start = Greatest(F("tat"), Value(now))
    with transaction.atomic():
        moved = ErpRateBucket.objects.filter(api_key_id=key_id, tat__lte=now + PERIOD_S - interval).update(
            tat=start + interval)
        if not moved and not ErpRateBucket.objects.filter(api_key_id=key_id).exists():
            try:
                with transaction.atomic():
                    ErpRateBucket.objects.create(api_key_id=key_id, tat=now + interval)
                moved = 1
            except IntegrityError:  # another request created it first
                moved = ErpRateBucket.objects.filter(api_key_id=key_id, tat__lte=now + PERIOD_S - interval).update(
                    tat=start + interval)
        tat = ErpRateBucket.objects.filter(api_key_id=key_id).values_list("tat", flat=True).get()
    return _decision(allowed=bool(moved), tat=tat, now=now, limit=limit, period=PERIOD_S)


def rate_take(*, key_id: int, limit: int, now: float | None = None) -> RateDecision:
    """Count one request of the key against its bucket: Redis if configured, else the database."""
    now = time.time() if now is None else now
    url = settings.ERP_RATE_LIMIT_REDIS_URL
    if url:
        try:
            return _take_redis(url, key_id=key_id, now=now, limit=limit)
        except redis.RedisError as exc:
            logger.warning("ERP rate limit: Redis unavailable, counting in the database",
                           extra={"error": type(exc).__name__})
    return _take_db(key_id=key_id, now=now, limit=limit)
