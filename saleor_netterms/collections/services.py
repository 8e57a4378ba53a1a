"""Collections services: ladders, the daily run, promises, disputes, holds, charges, waivers,
tasks and statements. Every write is audited; messages leave through the outbox after commit.

The daily run (``collections_run``) per installation:
1. decision pass — ``selectors.books_load`` reads the whole book in a fixed number of queries and
   ``ladder.plan`` decides every company in memory (pure);
2. execution pass — for each company with something to do: one transaction, the company lock
   (``company_lock``: the same lock payments and checkouts take, so a payment being recorded is
   either fully before or fully after), re-read that company's facts, re-plan, carry the plan out.
   Every effect has a unique key (company, level, day, kind: ``DunningStep.key``; charges, holds,
   tasks and outbox messages likewise), so running twice, or two workers at once, does it once.
A dry run does exactly the same work inside a transaction that is rolled back and returns what it
would have done (steps, messages with their text, charges, holds).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from saleor_netterms.audit.services import audit_record
from saleor_netterms.companies import services as company_services
from saleor_netterms.companies.models import AccountHold, Company
from saleor_netterms.companies.services import company_lock
from saleor_netterms.core.business_time import business_today
from saleor_netterms.core.money import Money, quantize
from saleor_netterms.invoicing import services as invoicing_services
from saleor_netterms.invoicing.models import Invoice, InvoiceKind
from saleor_netterms.ledger import selectors as ledger_selectors
from saleor_netterms.ledger import services as ledger
from saleor_netterms.outbox.email import email_enqueue
from saleor_netterms.outbox.services import outbox_enqueue
from saleor_netterms.receivables.models import Receivable, ReceivableStatus
from saleor_netterms.receivables.services import receivable_book, receivable_status_refresh
from saleor_netterms.sellers.selectors import seller_profile_get
from saleor_netterms.terms.engine import (
    InvalidTerms,
    NetDays,
    PaymentTerms,
    interest_compute,
    interest_from_dict,
    late_fee_compute,
    late_fee_from_dict,
    late_fee_label,
    recovery_compensation_due,
)

from . import ladder as L
from . import messages
from .events import dispute_opened_publish, dispute_resolved_publish, money_json, publish, totals_json
from .errors import collections_error
from .models import (
    ChargeKind,
    CollectionsTask,
    CompanyDunning,
    Dispute,
    DisputeReason,
    DisputeStatus,
    DunningCharge,
    DunningLevel,
    DunningPolicy,
    DunningStep,
    HoldMode,
    PaymentPromise,
    PromiseStatus,
    StepKind,
    TaskStatus,
)
from .selectors import (
    Book,
    LoadedPolicy,
    books_load,
    holds_to_lift,
    payment_pending_reason,
    policies_load,
    policy_for_company,
    policy_loaded,
    promise_outcome,
)

logger = logging.getLogger(__name__)

EMAIL_KIND = "email.dunning"
MERCHANT_NOTICE_KIND = "email.merchant_notice"
_ZERO = Decimal(0)


# --- ladders ---------------------------------------------------------------------------------------

LEVEL_FIELDS = ("name", "offset_days", "send_email", "template", "subject_template", "body_template",
                "attach_invoices", "attach_statement", "erp_event", "task_assignee", "task_title", "hold_mode",
                "late_fee", "charge_interest", "agency")
POLICY_FIELDS = ("tier", "channel_slug", "is_default", "min_gap_days", "send_window_start", "send_window_end",
                 "time_zone", "thanks_enabled", "language", "staff_email", "interest")


def _levels_validate(levels: list[dict]) -> list[dict]:
    if not levels:
        raise collections_error("LADDER_EMPTY", "A dunning policy needs at least one level.")
    cleaned = []
    for position, raw in enumerate(levels, start=1):
        unknown = set(raw) - set(LEVEL_FIELDS)
        if unknown:
            raise collections_error("UNKNOWN_FIELD", f"Level {position} has unknown field(s): {', '.join(sorted(unknown))}.")
        level = {"name": (raw.get("name") or "").strip() or f"Level {position}", **{k: v for k, v in raw.items() if k != "name"}}
        if not isinstance(level.get("offset_days"), int) or isinstance(level.get("offset_days"), bool):
            raise collections_error("LEVEL_OFFSET_REQUIRED", f"Level {position} needs whole offset days from the due date.")
        if not -365 <= level["offset_days"] <= 3650:
            raise collections_error("LEVEL_OFFSET_OUT_OF_RANGE", f"Level {position}: offset must be between -365 and 3650 days.")
        if level.get("template", "overdue") not in messages.TEMPLATES:
            raise collections_error("UNKNOWN_TEMPLATE", f"Level {position}: template must be one of {', '.join(messages.TEMPLATES)}.")
        if level.get("template") == "custom" and not (level.get("subject_template") and level.get("body_template")):
            raise collections_error("TEMPLATE_TEXT_REQUIRED", f"Level {position}: a custom template needs a subject and a body.")
        for text in (level.get("subject_template"), level.get("body_template")):
            if text:
                try:
                    messages.template_check(text)
                except Exception as exc:  # noqa: BLE001 - TemplateSyntaxError and friends
                    raise collections_error("TEMPLATE_INVALID", f"Level {position}: the template does not compile ({exc}).") from exc
        if level.get("hold_mode", "") not in HoldMode.values:
            raise collections_error("HOLD_MODE_INVALID", f"Level {position}: hold must be '', decline or review.")
        if level.get("late_fee") is not None:
            try:
                late_fee_from_dict(level["late_fee"])
            except InvalidTerms as exc:
                raise collections_error(f"LATE_FEE_{exc.reason}", f"Level {position}: {exc.merchant_message}") from exc
        cleaned.append(level)
    offsets = [lv["offset_days"] for lv in cleaned]
    if offsets != sorted(set(offsets)):
        raise collections_error("LEVEL_OFFSETS_NOT_INCREASING", "Each level's offset must be later than the one before it.")
    return cleaned


def dunning_policy_save(*, installation, name: str, levels: list[dict], actor: str, policy: DunningPolicy | None = None,
                        **fields) -> DunningPolicy:
    """Create or replace a named ladder (its levels are replaced as a whole). Refused with a code,
    nothing written, for an empty or unordered ladder, an unknown field, a bad template, fee or
    interest rule, time zone or send window."""
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise collections_error("POLICY_NAME_INVALID", "A dunning policy needs a name of at most 64 characters.")
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise collections_error("UNKNOWN_FIELD", f"Unknown field(s): {', '.join(sorted(unknown))}.")
    cleaned = _levels_validate(levels)
    if fields.get("time_zone"):
        try:
            ZoneInfo(fields["time_zone"])
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise collections_error("TIME_ZONE_INVALID", f"Unknown time zone {fields['time_zone']!r}.") from exc
    if fields.get("interest") is not None:
        try:
            interest_from_dict(fields["interest"])
        except InvalidTerms as exc:
            raise collections_error(f"INTEREST_{exc.reason}", exc.merchant_message) from exc
    start, end = fields.get("send_window_start"), fields.get("send_window_end")
    if start is not None and end is not None and not start < end:
        raise collections_error("SEND_WINDOW_INVALID", "The send window must start before it ends.")
    with transaction.atomic():
        before = None
        if policy is None:
            if DunningPolicy.objects.filter(installation=installation, name=name).exists():
                raise collections_error("POLICY_NAME_TAKEN", f"A dunning policy named {name!r} exists already.")
            policy = DunningPolicy(installation=installation, name=name)
        else:
            policy = DunningPolicy.objects.select_for_update().get(pk=policy.pk, installation=installation)
            before = _policy_json(policy)
            if DunningPolicy.objects.filter(installation=installation, name=name).exclude(pk=policy.pk).exists():
                raise collections_error("POLICY_NAME_TAKEN", f"A dunning policy named {name!r} exists already.")
            policy.name = name
        for key, value in fields.items():
            setattr(policy, key, value)
        policy.save()
        highest = max((s.level for s in CompanyDunning.objects.filter(policy=policy)), default=0)
        if before is not None and highest > len(cleaned):
            raise collections_error("LEVEL_IN_USE", f"A company is at level {highest}; keep at least {highest} levels.")
        policy.levels.all().delete()
        DunningLevel.objects.bulk_create([DunningLevel(policy=policy, position=i, **lv) for i, lv in enumerate(cleaned, 1)])
        audit_record(installation=installation, actor=actor, action="collections.policy_save", object_type="dunning_policy",
                     object_id=policy.pk, before=before, after=_policy_json(policy))
    return policy


def _policy_json(policy: DunningPolicy) -> dict:
    return {"name": policy.name, **{f: getattr(policy, f) for f in POLICY_FIELDS},
            "levels": [{f: getattr(lv, f) for f in LEVEL_FIELDS} for lv in policy.levels.all()]}


def company_dunning_get(*, company: Company) -> CompanyDunning:
    state, _ = CompanyDunning.objects.get_or_create(company=company)
    return state


def company_policy_assign(*, company: Company, policy: DunningPolicy | None, actor: str) -> CompanyDunning:
    if policy is not None and policy.installation_id != company.installation_id:
        raise collections_error("UNKNOWN_POLICY", "No such dunning policy.", http_status=404)
    with transaction.atomic():
        company_lock(company_id=company.pk)
        state = company_dunning_get(company=company)
        before = state.policy_id
        state.policy = policy
        state.save(update_fields=["policy", "updated_at"])
        audit_record(installation=company.installation, actor=actor, action="collections.policy_assign",
                     object_type="company", object_id=company.pk, company=company,
                     before={"policy": before}, after={"policy": policy.pk if policy else None})
    return state


# --- the run -----------------------------------------------------------------------------------------

@dataclass
class CompanyOutcome:
    company_id: int
    company: str
    action: str
    reason: str
    level: int
    next_date: dt.date | None = None
    steps: list[dict] = field(default_factory=list)


@dataclass
class RunReport:
    installation_id: int
    dry_run: bool
    decided: int = 0
    acted: int = 0
    decision_seconds: float = 0.0
    decision_queries: int | None = None
    outcomes: list[CompanyOutcome] = field(default_factory=list)

    def by_action(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for o in self.outcomes:
            counts[o.action] += 1
        return dict(counts)


class _DryRunRollback(Exception):
    pass


def _local(now: dt.datetime, loaded: LoadedPolicy) -> tuple[dt.date, bool]:
    local = now.astimezone(loaded.zone)
    p = loaded.policy
    return local.date(), p.send_window_start <= local.time().replace(tzinfo=None) < p.send_window_end


def _facts(book: Book, state: CompanyDunning | None, *, in_window: bool, pending: str | None,
           promise_state: str | None) -> L.Facts:
    promise = book.promise
    return L.Facts(
        items=tuple(book.items),
        level=state.level if state else 0,
        last_contact_on=state.last_contact_on if state else None,
        was_overdue=state.was_overdue if state else False,
        agency=bool(state and state.agency_at),
        pending_reason=pending,
        promise_until=promise.promised_date if promise is not None and promise_state == "open" else None,
        promise_broken=promise_state == "broken",
        open_task_level=book.open_task.level if book.open_task is not None else None,
        in_window=in_window,
    )


@dataclass(frozen=True)
class _Decision:
    plan: L.Plan
    today: dt.date
    pending: str | None
    promise_state: str | None


def _decide(company: Company, book: Book, loaded: LoadedPolicy, now: dt.datetime) -> _Decision:
    today, in_window = _local(now, loaded)
    promise_state = (promise_outcome(promise=book.promise, today=today, paid=book.promise_paid)
                     if book.promise is not None else None)
    facts = _facts(book, book.state, in_window=in_window, pending=None, promise_state=promise_state)
    result = L.plan(loaded.ladder, facts, today)
    if result.action == "advance":
        pending = payment_pending_reason(company=company, book=book)
        if pending:
            result = L.plan(loaded.ladder, _facts(book, book.state, in_window=in_window, pending=pending,
                                                  promise_state=promise_state), today)
            return _Decision(result, today, pending, promise_state)
    return _Decision(result, today, None, promise_state)


@dataclass
class PlannedCompany:
    company: Company
    loaded: LoadedPolicy
    plan: L.Plan


def collections_plan(*, installation, now: dt.datetime | None = None, company_ids: list[int] | None = None,
                     report: RunReport | None = None) -> list[PlannedCompany]:
    """The decision pass: the whole book in a fixed number of queries (plus one per company with
    an open promise, and the pending-payment probes of companies about to be contacted), every
    company planned in memory. Returns the companies with something to do (or to record)."""
    now = now or timezone.now()
    policies = policies_load(installation=installation)
    if not policies:
        return []
    books = books_load(installation=installation, company_ids=company_ids)
    held = AccountHold.objects.filter(company__installation=installation, lifted_at__isnull=True,
                                      reason_code="DUNNING_HOLD")
    if company_ids is not None:
        held = held.filter(company_id__in=company_ids)
    held_ids = set(held.values_list("company_id", flat=True))
    for company_id in held_ids:
        books.setdefault(company_id, Book(company_id=company_id))
    companies = {c.pk: c for c in Company.objects.filter(pk__in=list(books)).only(
        "id", "installation_id", "legal_name", "credit_tier", "allowed_channels", "status")}
    todo: list[PlannedCompany] = []
    for company_id, book in books.items():
        company = companies[company_id]
        loaded = policy_for_company(company=company, state=book.state, policies=policies)
        if loaded is None:
            continue
        decision = _decide(company, book, loaded, now)
        result = decision.plan
        if report is not None:
            report.decided += 1
        if result.action in ("none", "wait") and company_id not in held_ids and decision.promise_state in (None, "open"):
            if report is not None:
                report.outcomes.append(CompanyOutcome(company_id, company.legal_name, result.action, result.reason,
                                                      result.level, result.next_date))
            continue
        todo.append(PlannedCompany(company, loaded, result))
    return todo


def collections_run(*, installation, now: dt.datetime | None = None, dry_run: bool = False,
                    company_ids: list[int] | None = None) -> RunReport:
    """The daily run for one installation (see the module docstring). Safe to call every hour:
    the send window and the per-day keys make it act once a day per company."""
    import time

    now = now or timezone.now()
    report = RunReport(installation_id=installation.pk, dry_run=dry_run)
    started = time.perf_counter()
    todo = collections_plan(installation=installation, now=now, company_ids=company_ids, report=report)
    report.decision_seconds = time.perf_counter() - started
    for planned in todo:
        outcome = company_collections_step(company=planned.company, loaded=planned.loaded, now=now, dry_run=dry_run)
        report.outcomes.append(outcome)
        report.acted += bool(outcome.steps)
    return report


def company_collections_step(*, company: Company, loaded: LoadedPolicy, now: dt.datetime,
                             dry_run: bool = False) -> CompanyOutcome:
    """Re-read one company's facts under its lock, re-plan and carry the plan out (or, in a dry
    run, carry it out and roll it back, returning exactly what it did)."""
    try:
        with transaction.atomic():
            outcome = _company_execute(company=company, loaded=loaded, now=now)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return outcome


def _company_execute(*, company: Company, loaded: LoadedPolicy, now: dt.datetime) -> CompanyOutcome:
    company = company_lock(company_id=company.pk)
    book = books_load(installation=company.installation, company_ids=[company.pk]).get(company.pk) or Book(company.pk)
    state = company_dunning_get(company=company)
    book.state = state
    decision = _decide(company, book, loaded, now)
    result, today, pending = decision.plan, decision.today, decision.pending
    ctx = _Ctx(company=company, loaded=loaded, state=state, book=book, today=today, now=now)
    outcome = CompanyOutcome(company.pk, company.legal_name, result.action, result.reason, result.level, result.next_date)
    ctx.outcome = outcome
    _holds_lift_paid(ctx)
    if book.promise is not None and decision.promise_state != "open":
        _promise_settle(ctx, decision.promise_state)
    if result.action == "skip":
        detail = {"pending": pending} if pending else {}
        summary = {"PAYMENT_PENDING": f"Skipped: payment pending ({pending})",
                   "PROMISE_OPEN": f"Skipped: promise to pay by {book.promise.promised_date}" if book.promise else "",
                   "AGENCY": "Skipped: with the collections agency"}.get(result.reason, result.reason)
        if result.reason != "AGENCY":
            ctx.step(StepKind.SKIP, level=state.level, reason=result.reason, summary=summary, detail=detail,
                     key_suffix=result.reason)
        logger.info("collections: skipped", extra={"company": company.pk, "reason": result.reason})
    elif result.action == "advance":
        _advance(ctx, result)
    elif result.action in ("thanks", "resolve"):
        _resolve(ctx, thanks=result.action == "thanks")
    return outcome


@dataclass
class _Ctx:
    company: Company
    loaded: LoadedPolicy
    state: CompanyDunning
    book: Book
    today: dt.date
    now: dt.datetime
    outcome: CompanyOutcome | None = None

    def step(self, kind: str, *, level: int, summary: str, reason: str = "", detail: dict | None = None,
             key_suffix: str = "", actor: str = "system") -> tuple[DunningStep, bool]:
        key = f"{self.company.pk}:{level}:{self.today.isoformat()}:{kind}" + (f":{key_suffix}" if key_suffix else "")
        existing = DunningStep.objects.filter(installation_id=self.company.installation_id, key=key).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                step = DunningStep.objects.create(
                    installation_id=self.company.installation_id, company=self.company, run_date=self.today,
                    level=level, kind=kind, key=key, reason=reason, summary=summary[:500], detail=detail or {},
                    actor=actor)
        except IntegrityError:
            return DunningStep.objects.get(installation_id=self.company.installation_id, key=key), False
        if self.outcome is not None:
            self.outcome.steps.append({"kind": kind, "level": level, "reason": reason, "summary": step.summary,
                                       "detail": step.detail})
        return step, True


def _money_text(amount: Decimal, currency: str) -> str:
    return f"{quantize(amount, currency):,f} {currency}"


def _numbers(receivable_ids: list[int]) -> dict[int, tuple[str, int | None]]:
    found = {rid: (number, iid) for rid, number, iid in Invoice.objects.filter(
        receivable_id__in=receivable_ids, kind=InvoiceKind.INVOICE).values_list("receivable_id", "number", "id")}
    for rid, reference in Receivable.objects.filter(pk__in=receivable_ids).values_list("id", "reference"):
        found.setdefault(rid, (reference, None))
    return found


def _advance(ctx: _Ctx, result: L.Plan) -> None:
    level = ctx.loaded.level(result.level)
    state, company, today = ctx.state, ctx.company, ctx.today
    if level is None:
        return
    charges = _charges_post(ctx, level, result.items)
    # the message groups what is due/overdue, its open amounts after today's charges
    item_ids = [i.receivable_id for i in result.items]
    charge_items = [(c.receivable_id, c) for c in charges]
    names = _numbers(item_ids + [rid for rid, _ in charge_items])
    rows, totals = [], defaultdict(Decimal)
    for item in result.items:
        number, _ = names[item.receivable_id]
        rows.append({"number": number, "due_date": item.due_date.isoformat(), "days": (today - item.due_date).days,
                     "open": _money_text(item.undisputed, item.currency),
                     "disputed": _money_text(item.disputed, item.currency) if item.disputed else ""})
        totals[item.currency] += item.undisputed
    for _, charge in charge_items:
        totals[charge.currency] += charge.amount
    hold = None
    if level.hold_mode:
        hold = _hold_place(ctx, level, result.items, names)
    if level.task_assignee:
        task_key = f"{company.pk}:{state.cycle}:{level.position}:task"
        task, created = CollectionsTask.objects.get_or_create(key=task_key, defaults={
            "company": company, "level": level.position, "assignee": level.task_assignee,
            "title": level.task_title or f"{level.name}: contact {company.legal_name}", "due_date": today})
        if created:
            ctx.step(StepKind.TASK, level=level.position, summary=f"Task for {task.assignee}: {task.title}",
                     detail={"task_id": task.pk, "assignee": task.assignee})
    if level.send_email:
        _reminder_email(ctx, level, rows, totals, charges, hold=hold is not None, reason=result.reason,
                        items=result.items)
    if level.erp_event or level.agency:
        step, created = ctx.step(StepKind.ERP_EVENT, level=level.position,
                                 summary=f"ERP/CRM event: dunning level {level.name}",
                                 detail=_event_payload(ctx, level, result, totals))
        if created:
            publish(company=company, type="dunning.level_reached", dedupe_key=step.key, data={
                "level": level.position, "levelName": level.name, "policy": ctx.loaded.policy.name,
                "runDate": today.isoformat(), "daysOverdue": result.days or 0, "totals": totals_json(totals),
                "agency": level.agency, "invoiceNumbers": [r["number"] for r in rows], "reason": result.reason})
    if level.agency:
        state.agency_at = ctx.now
        ctx.step(StepKind.AGENCY, level=level.position, summary="Escalated to the collections agency; chasing stops",
                 detail=_event_payload(ctx, level, result, totals))
        audit_record(installation=company.installation, actor="system", action="collections.agency",
                     object_type="company", object_id=company.pk, company=company,
                     after={"level": level.position, "totals": {k: f"{v:f}" for k, v in totals.items()}})
    before = state.level
    state.level = level.position
    state.level_on = today
    state.was_overdue = state.was_overdue or result.overdue
    state.save()
    audit_record(installation=company.installation, actor="system", action="collections.level",
                 object_type="company", object_id=company.pk, company=company,
                 before={"level": before}, after={"level": level.position, "reason": result.reason})


def _event_payload(ctx: _Ctx, level: DunningLevel, result: L.Plan, totals: dict) -> dict:
    return {"event": "collections.dunning_level", "version": 1, "company_id": ctx.company.pk,
            "erp_customer_number": getattr(ctx.company, "erp_customer_number", "") or "",
            "level": level.position, "level_name": level.name, "run_date": ctx.today.isoformat(),
            "days_overdue": result.days or 0,
            "totals": [{"amount": f"{quantize(v, k):f}", "currency": k} for k, v in sorted(totals.items())],
            "receivable_ids": [i.receivable_id for i in result.items]}


def _reminder_email(ctx: _Ctx, level: DunningLevel, rows, totals, charges, *, hold: bool, reason: str,
                    items: tuple[L.Item, ...]) -> None:
    company = Company.objects.get(pk=ctx.company.pk)
    recipient = company.billing_contact_email
    template = level.template if level.template != "custom" else "overdue"
    context = _message_context(company, ctx.loaded, items=rows, totals=totals, hold=hold,
                               charges=[{"description": c.description, "amount": _money_text(c.amount, c.currency)}
                                        for c in charges], statement=level.attach_statement)
    subject, body = messages.render(template=template, language=_language(company, ctx.loaded), context=context,
                                    subject_template=level.subject_template, body_template=level.body_template)
    invoice_ids = [iid for rid, (n, iid) in _numbers([i.receivable_id for i in items]).items() if iid] \
        if level.attach_invoices else []
    detail = {"to": recipient, "subject": subject, "body": body, "invoice_ids": sorted(invoice_ids),
              "statement": level.attach_statement, "currencies": sorted(totals), "reason": reason}
    step, created = ctx.step(StepKind.EMAIL, level=level.position, summary=f"Reminder '{level.name}': {subject}",
                             detail=detail, reason=reason)
    if not created:
        return
    if recipient:
        outbox_enqueue(installation=company.installation, kind=EMAIL_KIND, payload={"step_id": step.pk},
                       dedupe_key=f"dunning-email:{step.key}")
    ctx.state.last_contact_on = ctx.today
    publish(company=company, type="dunning.reminder_sent", dedupe_key=step.key, data={
        "level": level.position, "kind": "reminder", "runDate": ctx.today.isoformat(), "to": recipient or "",
        "subject": subject, "totals": totals_json(totals), "invoiceNumbers": [r["number"] for r in rows]})
    audit_record(installation=company.installation, actor="system", action="collections.reminder",
                 object_type="dunning_step", object_id=step.pk, company=company,
                 after={"level": level.position, "to": recipient, "subject": subject,
                        "totals": {k: f"{v:f}" for k, v in totals.items()}})


def _language(company: Company, loaded: LoadedPolicy) -> str:
    if loaded.policy.language:
        return loaded.policy.language
    settings_row = getattr(company, "invoicing_settings", None)
    return (settings_row.language if settings_row is not None and settings_row.language else
            getattr(settings, "INVOICE_LANGUAGE", "en"))


def _message_context(company: Company, loaded: LoadedPolicy, **extra) -> dict:
    return {"company": company.legal_name, "contact": company.billing_contact_name or company.legal_name,
            "seller": settings.INVOICE_SELLER.get("name", ""), "iban": settings.INVOICE_REMITTANCE.get("iban", ""),
            "staff_email": loaded.policy.staff_email, "items": [], "totals": [], "charges": [], "hold": False,
            "statement": False, **{k: v for k, v in extra.items() if k != "totals"},
            "totals": [_money_text(v, k) for k, v in sorted(extra.get("totals", {}).items())]}


# --- charges ---------------------------------------------------------------------------------------

def _charges_post(ctx: _Ctx, level: DunningLevel, items: tuple[L.Item, ...]) -> list[DunningCharge]:
    fee_rule = ctx.loaded.late_fee_rule(level)
    interest_rule = ctx.loaded.interest_rule() if level.charge_interest else None
    if fee_rule is None and interest_rule is None:
        return []
    posted = []
    for item in items:
        if item.is_charge or item.due_date >= ctx.today or item.undisputed <= 0:
            continue
        principal = Money(quantize(item.undisputed, item.currency), item.currency)
        charged = defaultdict(Decimal)
        for kind, amount in DunningCharge.objects.filter(source_id=item.receivable_id).values_list("kind", "amount"):
            charged[kind] += amount
        zero = Money.zero(item.currency)
        if fee_rule is not None and (fee_rule.currency in (None, item.currency)):
            fee = late_fee_compute(terms=PaymentTerms(plan=NetDays(0), late_fee=fee_rule), principal=principal,
                                   due_date=item.due_date, as_of=ctx.today,
                                   already_charged=Money(quantize(charged[ChargeKind.LATE_FEE], item.currency), item.currency))
            if fee.is_positive():
                posted.append(_charge_post(ctx, level, item, ChargeKind.LATE_FEE, fee,
                                           f"Late fee ({late_fee_label(fee_rule)})"))
        if interest_rule is not None:
            interest = interest_compute(rule=interest_rule, principal=principal, due_date=item.due_date, as_of=ctx.today,
                                        already_charged=Money(quantize(charged[ChargeKind.INTEREST], item.currency),
                                                              item.currency))
            if interest.is_positive():
                posted.append(_charge_post(
                    ctx, level, item, ChargeKind.INTEREST, interest,
                    f"Interest {interest_rule.annual_percent:f}% p.a. ({interest_rule.day_count}) to {ctx.today}"))
            comp = recovery_compensation_due(rule=interest_rule, principal=principal, due_date=item.due_date,
                                             as_of=ctx.today, already_charged=charged[ChargeKind.COMPENSATION] > 0)
            if comp is not None:
                posted.append(_charge_post(ctx, level, item, ChargeKind.COMPENSATION, comp,
                                           "Recovery compensation (Directive 2011/7/EU art. 6)"))
    return posted


_PREFIX = {ChargeKind.LATE_FEE: "FEE", ChargeKind.INTEREST: "INT", ChargeKind.COMPENSATION: "CMP"}


def _charge_post(ctx: _Ctx, level: DunningLevel, item: L.Item, kind: str, money: Money, description: str) -> DunningCharge:
    company, today = ctx.company, ctx.today
    source = Receivable.objects.get(pk=item.receivable_id)
    number = _numbers([source.pk])[source.pk][0]
    description = f"{description} on {number}"[:255]
    receivable = receivable_book(
        installation=company.installation, company=company, money=money,
        reference=f"{_PREFIX[kind]}-{source.pk}-{level.position}-{today:%Y%m%d}",
        capture_key=f"dunning:{kind}:{source.pk}:{level.position}:{today.isoformat()}",
        issue_date=today, due_date=today, order_id=source.order_id, order_number=source.order_number)
    ledger.fee_post(company=company, money=money, receivable_ref=receivable.receivable_ref,
                    idempotency_key=f"dunning-charge:{receivable.pk}", memo=description, effective_date=today)
    charge = DunningCharge.objects.create(company=company, receivable=receivable, source=source, kind=kind,
                                          level=level.position, currency=money.currency, amount=money.amount,
                                          charged_on=today, description=description)
    step_kind = {ChargeKind.LATE_FEE: StepKind.FEE, ChargeKind.INTEREST: StepKind.INTEREST,
                 ChargeKind.COMPENSATION: StepKind.COMPENSATION}[kind]
    ctx.step(step_kind, level=level.position, summary=f"{description}: {money}", key_suffix=str(source.pk),
             detail={"charge_id": charge.pk, "receivable_id": receivable.pk, "amount": money.as_string(),
                     "currency": money.currency, "source_receivable_id": source.pk})
    publish(company=company, type="dunning.charge_posted", dedupe_key=f"charge:{charge.pk}", data={
        "chargeId": charge.pk, "kind": kind, "amount": money_json(money.amount, money.currency),
        "receivableReference": receivable.reference, "invoiceNumber": number, "description": description,
        "chargedOn": today.isoformat()})
    audit_record(installation=company.installation, actor="system", action=f"collections.{kind}",
                 object_type="dunning_charge", object_id=charge.pk, company=company,
                 after={"amount": money.as_string(), "currency": money.currency, "on": number, "level": level.position})
    return charge


def charge_waive(*, charge: DunningCharge, actor: str, reason: str) -> DunningCharge:
    """Waive what is still open of a fee/interest charge: a credit note of the fee in the ledger
    (fee income down, the charge's receivable down), audited. Waiving twice changes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise collections_error("REASON_REQUIRED", "Say why the charge is waived.")
    with transaction.atomic():
        company = company_lock(company_id=charge.company_id)
        charge = DunningCharge.objects.select_for_update().get(pk=charge.pk)
        if charge.waived_at is not None:
            return charge
        receivable = charge.receivable
        open_amount = ledger_selectors.receivable_balance(company=company, currency=charge.currency,
                                                          receivable_ref=receivable.receivable_ref)
        if not open_amount.is_positive():
            raise collections_error("CHARGE_SETTLED", "This charge is already paid; refund it as a credit instead.")
        ledger.fee_waive_post(company=company, money=open_amount, receivable_ref=receivable.receivable_ref,
                              idempotency_key=f"dunning-waiver:{charge.pk}", memo=f"Waiver: {charge.description}: {reason}"[:500])
        receivable_status_refresh(receivable=receivable)
        charge.waived_at, charge.waived_by, charge.waive_reason = timezone.now(), actor, reason[:255]
        charge.save(update_fields=["waived_at", "waived_by", "waive_reason"])
        publish(company=company, type="dunning.charge_waived", dedupe_key=f"waiver:{charge.pk}", data={
            "chargeId": charge.pk, "kind": charge.kind, "amount": money_json(open_amount.amount, charge.currency),
            "receivableReference": receivable.reference, "waivedBy": actor, "reason": reason})
        audit_record(installation=company.installation, actor=actor, action="collections.waiver",
                     object_type="dunning_charge", object_id=charge.pk, company=company,
                     before={"open": open_amount.as_string()}, after={"open": "0", "currency": charge.currency},
                     reason=reason)
    return charge


# --- holds ---------------------------------------------------------------------------------------------

def _hold_place(ctx: _Ctx, level: DunningLevel, items: tuple[L.Item, ...], names) -> AccountHold | None:
    causes = [i for i in items if not i.is_charge and i.due_date < ctx.today and i.undisputed > 0]
    if not causes:
        return None
    oldest = min(causes, key=lambda i: i.due_date)
    totals = defaultdict(Decimal)
    for i in causes:
        totals[i.currency] += i.undisputed
    listed = ", ".join(names[i.receivable_id][0] for i in causes)
    amount = ", ".join(_money_text(v, k) for k, v in sorted(totals.items()))
    days = (ctx.today - oldest.due_date).days
    verb = "declined" if level.hold_mode == HoldMode.DECLINE else "reviewed by our team before they are accepted"
    buyer_message = (f"Your company's account is on hold because {listed} ({amount}) "
                     f"{'is' if len(causes) == 1 else 'are'} overdue ({days} days). New orders on invoice are "
                     f"{verb} until the overdue balance is paid.")
    hold, created = company_services.account_hold_place(
        company=ctx.company, mode=level.hold_mode, buyer_message=buyer_message,
        merchant_message=f"Dunning level {level.position} ({level.name}): {amount} overdue since {oldest.due_date}.",
        cause_refs=[(i.currency, f"rcv:{i.receivable_id}") for i in causes],
        placed_key=f"dunning:{ctx.state.cycle}:{level.position}")
    if created:
        ctx.step(StepKind.HOLD, level=level.position, summary=f"Account hold ({level.hold_mode}): {buyer_message}",
                 detail={"hold_id": hold.pk, "mode": hold.mode, "cause_refs": hold.cause_refs})
        publish(company=ctx.company, type="account.hold_placed", dedupe_key=f"hold:{hold.pk}", data={
            "holdId": hold.pk, "mode": hold.mode, "reasonCode": hold.reason_code, "buyerMessage": hold.buyer_message,
            "level": level.position, "causes": [names[i.receivable_id][0] for i in causes]})
        audit_record(installation=ctx.company.installation, actor="system", action="collections.hold",
                     object_type="account_hold", object_id=hold.pk, company=ctx.company,
                     after={"mode": hold.mode, "reason_code": hold.reason_code, "cause_refs": hold.cause_refs})
    return hold


def _holds_lift_paid(ctx: _Ctx) -> None:
    for hold in holds_to_lift(company=ctx.company):
        lifted, changed = company_services.account_hold_lift(hold=hold, lifted_by="system",
                                                             reason="The overdue balance that caused it is cleared")
        if changed:
            ctx.step(StepKind.HOLD_LIFT, level=ctx.state.level, key_suffix=str(hold.pk),
                     summary="Account hold lifted: the overdue balance that caused it is cleared",
                     detail={"hold_id": hold.pk})
            _hold_lifted_publish(ctx.company, lifted)
            audit_record(installation=ctx.company.installation, actor="system", action="collections.hold_lift",
                         object_type="account_hold", object_id=hold.pk, company=ctx.company,
                         before={"lifted": False}, after={"lifted": True}, reason=lifted.lift_reason)


def _hold_lifted_publish(company: Company, hold: AccountHold) -> None:
    publish(company=company, type="account.hold_lifted", dedupe_key=f"hold-lift:{hold.pk}", data={
        "holdId": hold.pk, "liftedBy": hold.lifted_by, "reason": hold.lift_reason})


def hold_lift_early(*, hold: AccountHold, actor: str, reason: str) -> AccountHold:
    """Staff lift a hold before its cause is paid (reason required, audited)."""
    if not (reason or "").strip():
        raise collections_error("REASON_REQUIRED", "Say why the hold is lifted early.")
    with transaction.atomic():
        lifted, changed = company_services.account_hold_lift(hold=hold, lifted_by=actor, reason=reason)
        if changed:
            _hold_lifted_publish(hold.company, lifted)
            audit_record(installation=hold.company.installation, actor=actor, action="collections.hold_lift",
                         object_type="account_hold", object_id=hold.pk, company=hold.company,
                         before={"lifted": False}, after={"lifted": True, "early": True}, reason=reason)
            DunningStep.objects.create(installation_id=hold.company.installation_id, company=hold.company,
                                       run_date=business_today(hold.company.installation), level=0, kind=StepKind.HOLD_LIFT,
                                       key=f"hold-lift:{hold.pk}", summary=f"Hold lifted early by {actor}: {reason}",
                                       detail={"hold_id": hold.pk}, actor=actor)
    return lifted


# --- resolution ------------------------------------------------------------------------------------------

def _resolve(ctx: _Ctx, *, thanks: bool) -> None:
    state, company = ctx.state, ctx.company
    level = state.level
    if thanks:
        company_row = Company.objects.get(pk=company.pk)
        had_hold = AccountHold.objects.filter(company=company, reason_code="DUNNING_HOLD",
                                              placed_key__startswith=f"dunning:{state.cycle}:").exists()
        subject, body = messages.render(template="thanks", language=_language(company_row, ctx.loaded),
                                        context=_message_context(company_row, ctx.loaded, hold=had_hold))
        step, created = ctx.step(StepKind.THANKS, level=level, summary=f"Thanks for paying: {subject}",
                                 detail={"to": company_row.billing_contact_email, "subject": subject, "body": body,
                                         "invoice_ids": [], "statement": False})
        if created and company_row.billing_contact_email:
            outbox_enqueue(installation=company.installation, kind=EMAIL_KIND, payload={"step_id": step.pk},
                           dedupe_key=f"dunning-email:{step.key}")
            publish(company=company_row, type="dunning.reminder_sent", dedupe_key=step.key, data={
                "level": level, "kind": "thanks", "runDate": ctx.today.isoformat(),
                "to": company_row.billing_contact_email, "subject": subject, "totals": [], "invoiceNumbers": []})
        state.last_contact_on = ctx.today
    ctx.step(StepKind.RESOLVED, level=level, summary="Dunning resolved: everything it chased and charged is settled")
    audit_record(installation=company.installation, actor="system", action="collections.resolved",
                 object_type="company", object_id=company.pk, company=company,
                 before={"level": level, "cycle": state.cycle}, after={"level": 0, "cycle": state.cycle + 1})
    state.level, state.level_on, state.was_overdue, state.cycle = 0, None, False, state.cycle + 1
    state.save()


# --- promises ------------------------------------------------------------------------------------------

def promise_make(*, company: Company, amount: Money, promised_date: dt.date, made_by: str, note: str = "",
                 today: dt.date | None = None, notify_merchant: bool = False) -> PaymentPromise:
    """A promise to pay (staff or buyer): the ladder pauses until its date. A buyer's promise
    (``notify_merchant``) is e-mailed to the merchant's staff in the same transaction."""
    today = today or business_today(company.installation)
    if not amount.is_positive():
        raise collections_error("PROMISE_AMOUNT_INVALID", "A promise needs an amount above zero.")
    if promised_date < today:
        raise collections_error("PROMISE_DATE_PAST", "The promised date cannot be in the past.")
    if promised_date > today + dt.timedelta(days=180):
        raise collections_error("PROMISE_DATE_TOO_FAR", "A promise may be at most 180 days ahead.")
    with transaction.atomic():
        company = company_lock(company_id=company.pk)
        if PaymentPromise.objects.filter(company=company, status=PromiseStatus.OPEN).exists():
            raise collections_error("PROMISE_ALREADY_OPEN", "This company already has an open promise to pay.", http_status=409)
        state = company_dunning_get(company=company)
        promise = PaymentPromise.objects.create(company=company, currency=amount.currency, amount=amount.amount,
                                                promised_date=promised_date, made_on=today, made_by=made_by,
                                                note=note[:500], level_at=state.level)
        audit_record(installation=company.installation, actor=made_by, action="collections.promise",
                     object_type="payment_promise", object_id=promise.pk, company=company,
                     after={"amount": amount.as_string(), "currency": amount.currency, "date": promised_date.isoformat()})
        if notify_merchant:
            merchant_notice_enqueue(
                company=company, dedupe_key=f"merchant-notice:promise:{promise.pk}",
                subject=f"Promise to pay: {company.legal_name}, {amount.as_string()} {amount.currency} "
                        f"by {promised_date.isoformat()}",
                body=(f"{company.legal_name} promised in the portal to pay {amount.as_string()} {amount.currency} "
                      f"by {promised_date.isoformat()}.\nMade by: {made_by}\n"
                      + (f"Note: {note[:500]}\n" if note else "")
                      + "\nReminders to this company pause until that date. The promise is in the Dashboard: "
                        "Apps → Net terms → Collections.\n"))
    return promise


def _promise_settle(ctx: _Ctx, outcome: str | None) -> None:
    promise = ctx.book.promise
    promise.status = PromiseStatus.KEPT if outcome == "kept" else PromiseStatus.BROKEN
    promise.resolved_on = ctx.today
    promise.save(update_fields=["status", "resolved_on"])
    company_services.company_promise_outcome_record(company=ctx.company, kept=outcome == "kept")
    kind = StepKind.PROMISE_KEPT if outcome == "kept" else StepKind.PROMISE_BROKEN
    text = f"Promise to pay {promise.amount:.2f} {promise.currency} by {promise.promised_date} {outcome}"
    ctx.step(kind, level=ctx.state.level, summary=text, key_suffix=str(promise.pk), detail={"promise_id": promise.pk})
    audit_record(installation=ctx.company.installation, actor="system", action=f"collections.promise_{outcome}",
                 object_type="payment_promise", object_id=promise.pk, company=ctx.company, after={"status": outcome})
    if outcome == "broken" and ctx.loaded.policy.staff_email:
        step = DunningStep.objects.get(installation_id=ctx.company.installation_id,
                                       key=f"{ctx.company.pk}:{ctx.state.level}:{ctx.today.isoformat()}:{kind}:{promise.pk}")
        step.detail = {**step.detail, "to": ctx.loaded.policy.staff_email,
                       "subject": f"Broken promise: {ctx.company.legal_name}",
                       "body": f"{text}.\nThe reminders resume one level up.\n", "invoice_ids": [], "statement": False}
        step.save(update_fields=["detail"])
        outbox_enqueue(installation=ctx.company.installation, kind=EMAIL_KIND, payload={"step_id": step.pk},
                       dedupe_key=f"dunning-email:{step.key}")


def kept_promises(*, company: Company) -> int:
    """Kept promises count for the buyer's payment history."""
    return PaymentPromise.objects.filter(company=company, status=PromiseStatus.KEPT).count()


# --- disputes -----------------------------------------------------------------------------------------

def dispute_open(*, company: Company, receivable: Receivable, reason_code: str, opened_by: str,
                 amount: Money | None = None, line_position: int | None = None, note: str = "",
                 notify_merchant: bool = False) -> Dispute:
    """Dispute (part of) an invoice or one of its lines. The disputed amount leaves dunning, holds
    and late fees at once (a hold it alone caused is lifted) but stays in ageing. A buyer's
    dispute (``notify_merchant``) is e-mailed to the merchant's staff in the same transaction. The
    same dispute sent again while it is open (same invoice, line, reason, note and opener, and the
    same amount or none) is that dispute: a request delivered twice opens one dispute, one notice."""
    if reason_code not in DisputeReason.values:
        raise collections_error("DISPUTE_REASON_INVALID", f"Reason must be one of {', '.join(DisputeReason.values)}.")
    if receivable.company_id != company.pk:
        raise collections_error("UNKNOWN_RECEIVABLE", "No such invoice for this company.", http_status=404)
    with transaction.atomic():
        company = company_lock(company_id=company.pk)
        same = Dispute.objects.filter(receivable=receivable, status=DisputeStatus.OPEN, line_position=line_position,
                                      reason_code=reason_code, note=note[:1000], opened_by=opened_by)
        if amount is not None:
            same = same.filter(currency=amount.currency, amount=amount.amount)
        replayed = same.order_by("id").first()
        if replayed is not None:
            return replayed
        open_amount = ledger_selectors.receivable_balance(company=company, currency=receivable.currency,
                                                          receivable_ref=receivable.receivable_ref)
        already = sum((d.amount for d in Dispute.objects.filter(receivable=receivable, status=DisputeStatus.OPEN)), _ZERO)
        room = open_amount.amount - already
        if line_position is not None:
            invoice = Invoice.objects.filter(receivable=receivable, kind=InvoiceKind.INVOICE).first()
            lines = {int(l["position"]): Decimal(str(l["gross"])) for l in (invoice.snapshot.get("lines", []) if invoice else [])}
            if line_position not in lines:
                raise collections_error("UNKNOWN_LINE", f"The invoice has no line {line_position}.")
            line_gross = lines[line_position]
            amount = amount or Money(quantize(min(line_gross, room), receivable.currency), receivable.currency)
            if amount.amount > line_gross:
                raise collections_error("DISPUTE_EXCEEDS_LINE", f"At most {line_gross:f} can be disputed on that line.")
        amount = amount or Money(quantize(room, receivable.currency), receivable.currency)
        if amount.currency != receivable.currency or not amount.is_positive():
            raise collections_error("DISPUTE_AMOUNT_INVALID", f"Dispute a positive {receivable.currency} amount.")
        if amount.amount > room:
            raise collections_error("DISPUTE_EXCEEDS_OPEN", f"At most {quantize(room, receivable.currency):f} "
                                                            f"{receivable.currency} is open and undisputed.")
        dispute = Dispute.objects.create(company=company, receivable=receivable, line_position=line_position,
                                         currency=amount.currency, amount=amount.amount, reason_code=reason_code,
                                         note=note[:1000], opened_by=opened_by)
        audit_record(installation=company.installation, actor=opened_by, action="collections.dispute_open",
                     object_type="dispute", object_id=dispute.pk, company=company,
                     after={"receivable": receivable.reference, "amount": amount.as_string(), "reason": reason_code,
                            "line": line_position})
        invoice_number = _invoice_number(receivable)
        dispute_opened_publish(dispute, invoice_number=invoice_number)
        if notify_merchant:
            where = f", line {line_position}" if line_position is not None else ""
            merchant_notice_enqueue(
                company=company, dedupe_key=f"merchant-notice:dispute:{dispute.pk}",
                subject=f"Dispute: {company.legal_name}, invoice {invoice_number}",
                body=(f"{company.legal_name} disputes {amount.as_string()} {amount.currency} of invoice "
                      f"{invoice_number}{where} in the portal.\nReason: {DisputeReason(reason_code).label} "
                      f"({reason_code})\nOpened by: {opened_by}\n" + (f"Note: {note[:1000]}\n" if note else "")
                      + "\nThe disputed amount is out of reminders, holds and late fees until the dispute is "
                        "resolved. It is in the Dashboard: Apps → Net terms → Collections.\n"))
        for hold in holds_to_lift(company=company):
            lifted, _ = company_services.account_hold_lift(hold=hold, lifted_by=opened_by,
                                                           reason=f"The overdue balance is disputed ({reason_code})")
            _hold_lifted_publish(company, lifted)
            audit_record(installation=company.installation, actor=opened_by, action="collections.hold_lift",
                         object_type="account_hold", object_id=hold.pk, company=company,
                         after={"lifted": True}, reason="disputed")
    return dispute


def _disputed_line(invoice: Invoice, dispute: Dispute) -> dict | None:
    if dispute.line_position is None:
        return None
    return next((l for l in invoice.snapshot.get("lines", []) if int(l["position"]) == dispute.line_position), None)


def dispute_resolve(*, dispute: Dispute, resolution: str, actor: str, note: str = "",
                    credit_amount: Money | None = None) -> Dispute:
    """Staff resolve a dispute: ``credit_note`` (the disputed amount is credited with a numbered
    credit note — a disputed line as that line, quantity and rate, when the whole line is
    disputed; part of a line at that line's rate), ``partial`` (``credit_amount`` is credited, the rest goes back on the ladder)
    or ``reject`` (all of it goes back on the ladder). Resolving twice changes nothing."""
    if resolution not in ("credit_note", "partial", "reject"):
        raise collections_error("RESOLUTION_INVALID", "Resolve with credit_note, partial or reject.")
    with transaction.atomic():
        company_lock(company_id=dispute.company_id)
        dispute = Dispute.objects.select_for_update().select_related("receivable", "company").get(pk=dispute.pk)
        if dispute.status != DisputeStatus.OPEN:
            return dispute
        credit = None
        if resolution == "credit_note":
            credit = Money(quantize(dispute.amount, dispute.currency), dispute.currency)
        elif resolution == "partial":
            if credit_amount is None or credit_amount.currency != dispute.currency or not credit_amount.is_positive() \
                    or credit_amount.amount >= dispute.amount:
                raise collections_error("PARTIAL_AMOUNT_INVALID",
                                        f"A partial resolution credits a positive amount below {dispute.amount:.2f}.")
            credit = credit_amount
        if credit is not None:
            invoice = Invoice.objects.filter(receivable=dispute.receivable, kind=InvoiceKind.INVOICE).first()
            if invoice is None:
                raise collections_error("NO_INVOICE", "The disputed receivable has no invoice to credit.")
            said = (note or dispute.note).strip()
            reason = (f"Dispute {dispute.reason_code}" + (f": {said}" if said else ""))[:200]
            line = _disputed_line(invoice, dispute)
            if line is not None and credit.amount == Decimal(str(line["gross"])):  # the whole line: credit that line
                credit_note = invoicing_services.credit_note_issue(
                    invoice=invoice, reason=reason, lines=[(dispute.line_position, Decimal(str(line["quantity"])))],
                    issue_key=f"dispute:{dispute.pk}")
            else:  # an amount; on a disputed line, at that line's rate
                credit_note = invoicing_services.credit_note_issue(
                    invoice=invoice, reason=reason, amount=credit, issue_key=f"dispute:{dispute.pk}",
                    line_position=dispute.line_position)
            dispute.credit_note_id = credit_note.pk
            dispute.credited_amount = credit.amount
        dispute.status = {"credit_note": DisputeStatus.CREDITED, "partial": DisputeStatus.PARTIAL,
                          "reject": DisputeStatus.REJECTED}[resolution]
        dispute.resolved_by, dispute.resolved_at, dispute.resolution_note = actor, timezone.now(), note[:1000]
        dispute.save()
        audit_record(installation=dispute.company.installation, actor=actor, action="collections.dispute_resolve",
                     object_type="dispute", object_id=dispute.pk, company=dispute.company,
                     before={"status": "open"}, after={"status": dispute.status,
                                                       "credited": f"{dispute.credited_amount:f}"}, reason=note)
        dispute_resolved_publish(dispute, invoice_number=_invoice_number(dispute.receivable), resolution=resolution,
                                 credit_note_number=credit_note.number if credit is not None else None)
    return dispute


def merchant_staff_email(*, company: Company) -> str:
    """Who hears of the company's promises and disputes: the staff address of its dunning policy
    (assigned, else the matching default), else the seller profile's e-mail, else nobody."""
    state = CompanyDunning.objects.filter(company=company).first()
    loaded = policy_for_company(company=company, state=state, policies=policies_load(installation=company.installation))
    if loaded is not None and loaded.policy.staff_email:
        return loaded.policy.staff_email
    profile = seller_profile_get(installation=company.installation)
    return profile.email if profile is not None else ""


def merchant_notice_enqueue(*, company: Company, subject: str, body: str, dedupe_key: str):
    """One e-mail to the merchant's staff in the caller's transaction (sent after commit), or
    nothing, logged, when the merchant has no address for it."""
    to = merchant_staff_email(company=company)
    if not to:
        logger.warning("merchant notice without a recipient", extra={"company_id": company.pk, "key": dedupe_key})
        return None
    return email_enqueue(installation=company.installation, kind=MERCHANT_NOTICE_KIND, to=to, subject=subject,
                         body=body, dedupe_key=dedupe_key)


def _invoice_number(receivable: Receivable) -> str:
    """The number the ERP knows the disputed invoice by: the app's invoice, else the ERP's invoice
    (ERP as invoicing master; the receivable's reverse relation), else the receivable's reference."""
    number = (Invoice.objects.filter(receivable=receivable, kind=InvoiceKind.INVOICE)
              .values_list("number", flat=True).first())
    erp_invoice = getattr(receivable, "erp_invoice", None)
    return number or (erp_invoice.number if erp_invoice is not None else receivable.reference)


# --- tasks ---------------------------------------------------------------------------------------------

def task_close(*, task: CollectionsTask, status: str, actor: str, note: str = "") -> CollectionsTask:
    """Done or skipped (with a call note): the ladder goes on at the next run."""
    if status not in (TaskStatus.DONE, TaskStatus.SKIPPED):
        raise collections_error("TASK_STATUS_INVALID", "A task is closed as done or skipped.")
    with transaction.atomic():
        task = CollectionsTask.objects.select_for_update().select_related("company").get(pk=task.pk)
        if task.status != TaskStatus.OPEN:
            return task
        task.status, task.closed_by, task.closed_at, task.note = status, actor, timezone.now(), note[:1000]
        task.save(update_fields=["status", "closed_by", "closed_at", "note"])
        audit_record(installation=task.company.installation, actor=actor, action=f"collections.task_{status}",
                     object_type="collections_task", object_id=task.pk, company=task.company, reason=note)
    return task


# --- statements ------------------------------------------------------------------------------------------

def statement_send(*, company: Company, actor: str, today: dt.date | None = None) -> DunningStep:
    """One-click "send statement": e-mail the statement of account (PDF + CSV) now."""
    today = today or business_today(company.installation)
    if not company.billing_contact_email:
        raise collections_error("NO_BILLING_EMAIL", "The company has no billing e-mail address.")
    policies = policies_load(installation=company.installation)
    state = CompanyDunning.objects.filter(company=company).first()
    loaded = policy_for_company(company=company, state=state, policies=policies) or policy_loaded(
        DunningPolicy(installation=company.installation, name="-"), [])
    subject, body = messages.render(template="statement", language=_language(company, loaded),
                                    context=_message_context(company, loaded))
    with transaction.atomic():
        count = DunningStep.objects.filter(company=company, kind=StepKind.STATEMENT, run_date=today).count()
        step = DunningStep.objects.create(
            installation_id=company.installation_id, company=company, run_date=today, level=0, kind=StepKind.STATEMENT,
            key=f"{company.pk}:statement:{today.isoformat()}:{count + 1}", summary=f"Statement sent by {actor}",
            detail={"to": company.billing_contact_email, "subject": subject, "body": body, "invoice_ids": [],
                    "statement": True}, actor=actor)
        outbox_enqueue(installation=company.installation, kind=EMAIL_KIND, payload={"step_id": step.pk},
                       dedupe_key=f"dunning-email:{step.key}")
        audit_record(installation=company.installation, actor=actor, action="collections.statement",
                     object_type="dunning_step", object_id=step.pk, company=company)
    return step


# --- the book as staff see it ------------------------------------------------------------------------

@dataclass
class OverviewRow:
    company: Company
    policy: str
    level: int
    level_name: str
    oldest_due: dt.date | None
    days_overdue: int
    overdue: dict[str, Decimal]
    disputed: dict[str, Decimal]
    charges_open: dict[str, Decimal]
    next_action: str
    next_reason: str
    next_date: dt.date | None
    promise: PaymentPromise | None
    open_disputes: int
    open_task: CollectionsTask | None
    on_hold: bool
    agency: bool


def collections_overview(*, installation, now: dt.datetime | None = None, ladder_override: list[dict] | None = None
                         ) -> list[OverviewRow]:
    """Who is overdue, at which level, what the run will do next and when, promises, disputes and
    tasks — the run's own decision pass, without acting. With ``ladder_override`` (a proposed list
    of levels, as ``dunning_policy_save`` takes them), every company is judged under that ladder
    instead: the ladder editor's preview over the current book."""
    now = now or timezone.now()
    policies = policies_load(installation=installation)
    override = None
    if ladder_override is not None:
        cleaned = _levels_validate(ladder_override)
        base = next(iter(policies.values())).policy if policies else DunningPolicy(installation=installation, name="Preview")
        override = policy_loaded(base, [DunningLevel(position=i, **lv) for i, lv in enumerate(cleaned, 1)])
    books = books_load(installation=installation)
    companies = {c.pk: c for c in Company.objects.filter(pk__in=list(books))}
    holds = set(AccountHold.objects.filter(company__installation=installation, lifted_at__isnull=True)
                .values_list("company_id", flat=True))
    disputes = defaultdict(int)
    for company_id in Dispute.objects.filter(company__installation=installation, status=DisputeStatus.OPEN
                                             ).values_list("company_id", flat=True):
        disputes[company_id] += 1
    rows = []
    for company_id, book in books.items():
        company = companies[company_id]
        loaded = override or policy_for_company(company=company, state=book.state, policies=policies)
        if loaded is None:
            continue
        decision = _decide(company, book, loaded, now)
        result, today = decision.plan, decision.today
        overdue, disputed, charges = defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal)
        oldest = None
        for item in book.items:
            cur = item.currency
            if item.is_charge:
                charges[cur] += item.open_amount
            elif item.due_date < today:
                overdue[cur] += item.open_amount - item.disputed
            disputed[cur] += item.disputed
            if item.open_amount > item.disputed:
                oldest = min(oldest, item.due_date) if oldest else item.due_date
        level = book.state.level if book.state else 0
        level_row = loaded.level(result.level if result.action == "advance" else level)
        rows.append(OverviewRow(
            company=company, policy=loaded.policy.name, level=level,
            level_name=(loaded.level(level).name if loaded.level(level) else ""),
            oldest_due=oldest, days_overdue=max((today - oldest).days, 0) if oldest else 0,
            overdue={k: v for k, v in overdue.items() if v}, disputed={k: v for k, v in disputed.items() if v},
            charges_open={k: v for k, v in charges.items() if v},
            next_action=result.action if result.action != "advance" else f"level {result.level}: "
                                                                          f"{level_row.name if level_row else ''}",
            next_reason=result.reason, next_date=today if result.action in ("advance", "thanks", "resolve")
            else result.next_date, promise=book.promise, open_disputes=disputes.get(company_id, 0),
            open_task=book.open_task, on_hold=company_id in holds, agency=bool(book.state and book.state.agency_at)))
    rows.sort(key=lambda r: (-r.days_overdue, r.company.legal_name))
    return rows


def tasks_due(*, installation, today: dt.date | None = None):
    today = today or business_today(installation)
    return (CollectionsTask.objects.filter(company__installation=installation, status=TaskStatus.OPEN,
                                           due_date__lte=today).select_related("company").order_by("due_date", "id"))
