"""A pluggable external underwriter for large orders.

Routing
-------
An order is also assessed by the underwriter when its amount is above the threshold: the
`underwriter_threshold` of the policy version in force, else ``settings.UNDERWRITER_THRESHOLD``
(a decimal string, nominal in the order's currency); no threshold → never. The provider is
``settings.UNDERWRITER`` (dotted path to a class or factory taking no argument, or an instance),
default `LocalUnderwriter`; it is given ``settings.UNDERWRITER_TIMEOUT_S`` seconds (default 2.0).

How its answer combines with the local decision (`underwriting_apply`)
--------------------------------------------------------------------
==================== ==================================================================
provider said        final decision
==================== ==================================================================
approve              the local decision (a provider never lifts a local decline or
                     review), plus the informative reason UNDERWRITER_APPROVED
review               the more severe of local and review; reason UNDERWRITER_REVIEW
decline              decline; UNDERWRITER_DECLINED (its reasons in the merchant message)
                     first, then the local reasons
timeout / error      the local outcome downgraded to review (approve → review; review
                     and decline stay); reason UNDERWRITER_UNAVAILABLE
==================== ==================================================================

The score is always the local engine's.

No external call under the company lock (STYLE.md §7)
----------------------------------------------------
`checkout_authorize` calls `services.underwriting_before_lock` BEFORE it takes the company
lock, on a snapshot read without the lock; under the lock it re-reads the snapshot, decides
locally and applies the provider's verdict as one more input (`services.decision_make`). The
provider may therefore have seen a slightly older exposure than the lock sees; the local engine,
which does see the locked state, still enforces limit, overdue and status rules, and a provider
approve never lifts them.

The provider runs in a worker thread and the caller waits at most the timeout: a provider that
hangs costs the buyer ``timeout_s``, then the order goes to review. No vendor SDK here: a real
provider is a small class with `name` and `assess` (e.g. an HTTP call with its own timeout).
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

from ..core.language import merchant_language
from .engine import CreditPolicy, CreditSnapshot, Decision, Outcome, Reason, decide
from .snapshots import snapshot_to_dict
from .tiers import STARTER
from .texts import reason_text

logger = logging.getLogger(__name__)

__all__ = [
    "LocalUnderwriter",
    "Underwriter",
    "UnderwriterReason",
    "UnderwriterResult",
    "UnderwriterTimeout",
    "UnderwritingVerdict",
    "underwriter_get",
    "underwriting_apply",
    "underwriting_call",
    "underwriting_threshold",
]

UNDERWRITER_APPROVED = "UNDERWRITER_APPROVED"
UNDERWRITER_REVIEW = "UNDERWRITER_REVIEW"
UNDERWRITER_DECLINED = "UNDERWRITER_DECLINED"
UNDERWRITER_UNAVAILABLE = "UNDERWRITER_UNAVAILABLE"
DEFAULT_TIMEOUT_S = 2.0


@dataclass(frozen=True, slots=True)
class UnderwriterReason:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class UnderwriterResult:
    outcome: Outcome
    reasons: tuple[UnderwriterReason, ...]
    provider_reference: str


class UnderwriterTimeout(Exception):
    """Raised by a provider whose own call timed out (treated like the caller's deadline)."""


@runtime_checkable
class Underwriter(Protocol):
    name: str

    def assess(self, snapshot: CreditSnapshot, *, timeout_s: float) -> UnderwriterResult: ...


class LocalUnderwriter:
    """The built-in underwriter: the engine again with a stricter policy (the Starter tier's rules
    unless another is given). No I/O; its reference is a hash of the snapshot."""

    name = "local"

    def __init__(self, policy: CreditPolicy | None = None) -> None:
        self.policy = policy or STARTER.policy

    def assess(self, snapshot: CreditSnapshot, *, timeout_s: float) -> UnderwriterResult:
        decision = decide(snapshot, self.policy)
        digest = hashlib.sha256(repr(sorted(snapshot_to_dict(snapshot).items())).encode()).hexdigest()
        return UnderwriterResult(
            outcome=decision.outcome,
            reasons=tuple(UnderwriterReason(r.code, reason_text(r, language=merchant_language()).merchant) for r in decision.reasons),
            provider_reference=f"local-{digest[:16]}")


@dataclass(frozen=True, slots=True)
class UnderwritingVerdict:
    """What happened when the provider was asked: ``status`` is answered, timeout or error."""

    provider: str
    status: str
    result: UnderwriterResult | None = None
    error: str = ""
    elapsed_ms: int = 0
    timeout_s: float = DEFAULT_TIMEOUT_S

    def as_dict(self) -> dict[str, Any]:
        result = self.result
        return {
            "provider": self.provider, "status": self.status,
            "outcome": str(result.outcome) if result else None,
            "reasons": [{"code": r.code, "message": r.message} for r in result.reasons] if result else [],
            "reference": result.provider_reference if result else "",
            "error": self.error, "elapsed_ms": self.elapsed_ms,
        }


def underwriter_get() -> Underwriter:
    configured = getattr(settings, "UNDERWRITER", None)
    if configured is None:
        return LocalUnderwriter()
    if isinstance(configured, str):
        configured = import_string(configured)
    return configured() if isinstance(configured, type) or not hasattr(configured, "assess") else configured


def underwriting_threshold(version_threshold: Decimal | None) -> Decimal | None:
    """The version's threshold, else settings.UNDERWRITER_THRESHOLD, else None (never route)."""
    if version_threshold is not None:
        return version_threshold
    configured = getattr(settings, "UNDERWRITER_THRESHOLD", None)
    if configured is None or configured == "":
        return None
    try:
        value = Decimal(str(configured))
    except InvalidOperation:
        logger.error("settings.UNDERWRITER_THRESHOLD is not a decimal", extra={"value": str(configured)})
        return None
    return value if value.is_finite() and value >= 0 else None


_executor: concurrent.futures.ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _pool() -> concurrent.futures.ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=int(getattr(settings, "UNDERWRITER_MAX_WORKERS", 8)),
                thread_name_prefix="underwriter")
        return _executor


def _assess_in_worker(provider: Underwriter, snapshot: CreditSnapshot, timeout_s: float) -> UnderwriterResult:
    try:
        return provider.assess(snapshot, timeout_s=timeout_s)
    finally:
        connections.close_all()  # this worker thread's own connections, if the provider used any


def underwriting_call(provider: Underwriter, snapshot: CreditSnapshot, *,
                      timeout_s: float | None = None) -> UnderwritingVerdict:
    """Ask the provider, waiting at most ``timeout_s``. Never raises: a timeout or an error is a
    verdict (the caller downgrades to review)."""
    timeout_s = float(timeout_s if timeout_s is not None
                      else getattr(settings, "UNDERWRITER_TIMEOUT_S", DEFAULT_TIMEOUT_S))
    name = str(getattr(provider, "name", type(provider).__name__))
    started = time.perf_counter()
    future = _pool().submit(_assess_in_worker, provider, snapshot, timeout_s)

    def elapsed() -> int:
        return int((time.perf_counter() - started) * 1000)

    try:
        result = future.result(timeout=timeout_s)
    except concurrent.futures.TimeoutError:
        future.cancel()
        logger.warning("underwriter timed out", extra={"provider": name, "timeout_s": timeout_s})
        return UnderwritingVerdict(name, "timeout", error=f"no answer within {timeout_s:g} s",
                                   elapsed_ms=elapsed(), timeout_s=timeout_s)
    except UnderwriterTimeout as exc:
        logger.warning("underwriter timed out", extra={"provider": name, "error": str(exc)})
        return UnderwritingVerdict(name, "timeout", error=f"provider timeout: {exc}"[:500],
                                   elapsed_ms=elapsed(), timeout_s=timeout_s)
    except Exception as exc:  # noqa: BLE001 - any provider failure falls back to the local engine
        logger.warning("underwriter failed", extra={"provider": name, "error": type(exc).__name__})
        return UnderwritingVerdict(name, "error", error=f"{type(exc).__name__}: {exc}"[:500],
                                   elapsed_ms=elapsed(), timeout_s=timeout_s)
    if not isinstance(result, UnderwriterResult) or not isinstance(result.outcome, Outcome):
        return UnderwritingVerdict(name, "error", error=f"invalid answer {type(result).__name__}",
                                   elapsed_ms=elapsed(), timeout_s=timeout_s)
    return UnderwritingVerdict(name, "answered", result=result, elapsed_ms=elapsed(), timeout_s=timeout_s)


def _details(result: UnderwriterResult) -> str:
    listed = "; ".join(f"{r.code}: {r.message}" for r in result.reasons) or "no reason given"
    return f"(reference {result.provider_reference or '-'}): {listed}"


def _verdict_reason(verdict: UnderwritingVerdict, local: Decision) -> Reason:
    """The provider's verdict as one more reason. Its sentences carry the provider's own words, so
    they travel as texts in the params (texts.py shows them as they are)."""
    result = verdict.result
    if verdict.status != "answered" or result is None:
        what = "timed out" if verdict.status == "timeout" else "failed"
        return Reason(code=UNDERWRITER_UNAVAILABLE, effect=Outcome.REVIEW, params={
            "buyer_text": "Our team will review this order shortly.",
            "merchant_text": (f"The external underwriter ({verdict.provider}) {what} ({verdict.error}); "
                              f"the local decision ({local.outcome}) was downgraded to review.")})
    if result.outcome is Outcome.DECLINE:
        return Reason(code=UNDERWRITER_DECLINED, effect=Outcome.DECLINE, params={
            "buyer_text": "We can't offer net terms for this order. Please choose another payment method "
                          "or contact us.",
            "merchant_text": f"The external underwriter ({verdict.provider}) declined {_details(result)}."})
    if result.outcome is Outcome.REVIEW:
        return Reason(code=UNDERWRITER_REVIEW, effect=Outcome.REVIEW, params={
            "buyer_text": "Our team will review this order shortly.",
            "merchant_text": f"The external underwriter ({verdict.provider}) asked for a review {_details(result)}."})
    return Reason(code=UNDERWRITER_APPROVED, effect=Outcome.APPROVE, params={
        "buyer_text": "",
        "merchant_text": f"The external underwriter ({verdict.provider}) approved {_details(result)}."})


def underwriting_apply(local: Decision, verdict: UnderwritingVerdict | None) -> Decision:
    """The final decision from the local one and the provider's verdict (table above)."""
    if verdict is None:
        return local
    extra = _verdict_reason(verdict, local)
    outcome = max(local.outcome, extra.effect, key=lambda o: o.severity)
    reasons = sorted((extra, *local.reasons), key=lambda r: -r.effect.severity)  # stable: extra first
    return Decision(outcome=outcome, score=local.score, reasons=tuple(reasons), policy_name=local.policy_name)
