"""GraphQL operations of collections (composed into the schema by api/schema.py): the collections
book (who is overdue, level, next action and date, promises, disputes, tasks), a company's
timeline, ladders (save, assign, preview over the current book), promises, disputes, waivers,
holds, tasks, statements and the run (dry or real).

Mutations follow api/mutations.py: one transaction, ``errors: [{code, field, message}]`` with
nothing written on a refusal; another installation's rows are NOT_FOUND; the collections services
write the audit trail with the signed-in staff member."""
from __future__ import annotations

import json
from decimal import Decimal

import graphene

from saleor_netterms.collections import services as collections_services
from saleor_netterms.collections.models import CollectionsTask, Dispute, DisputeReason, DunningCharge, DunningPolicy
from saleor_netterms.collections.selectors import timeline
from saleor_netterms.collections.statements import statement_build, statement_csv
from saleor_netterms.companies.models import AccountHold
from saleor_netterms.receivables.models import Receivable

from .context import actor_of, installation_of
from .errors import ApiInputError, not_found
from .inputs import currency_parse, money_parse, pk_parse
from .lists import csv_text, rows_sorted
from .mutations import _company, _errors, _run
from .types import CompanyType, MoneyType, coded, money

MAX_JSON = 50_000


def _moneys(amounts: dict) -> list:
    return [money(v, k) for k, v in sorted(amounts.items())]


def _json_arg(value, field: str):
    if not isinstance(value, str) or len(value) > MAX_JSON:
        raise ApiInputError("INVALID_JSON", f"{field} must be a JSON text of at most {MAX_JSON} characters.", field=field)
    try:
        return json.loads(value, parse_float=Decimal)
    except ValueError as exc:
        raise ApiInputError("INVALID_JSON", f"{field} is not valid JSON: {exc}.", field=field) from exc


def _levels_json(levels) -> list[dict]:
    if not isinstance(levels, list) or not all(isinstance(lv, dict) for lv in levels):
        raise ApiInputError("INVALID_LEVELS", "levels must be a JSON list of objects.", field="levels")
    for lv in levels:  # decimals in fee rules stay strings
        fee = lv.get("late_fee")
        if isinstance(fee, dict):
            lv["late_fee"] = json.loads(json.dumps(fee, default=lambda d: format(d, "f")))
    return levels


def _get(model, info, pk, *, what: str, field: str, company_path: str = "company__installation"):
    number = pk_parse(pk)
    row = model.objects.filter(pk=number, **{company_path: installation_of(info)}).first() if number else None
    if row is None:
        raise not_found(what, field=field)
    return row


# --- types ------------------------------------------------------------------------------------------

class PaymentPromiseType(graphene.ObjectType):
    class Meta:
        name = "PaymentPromise"

    id = graphene.ID(required=True)
    amount = graphene.Field(MoneyType, required=True)
    promised_date = graphene.Date(required=True)
    made_by = graphene.String(required=True)
    status = graphene.String(required=True, description="open, kept, broken or cancelled.")
    note = graphene.String(required=True)

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)


class DisputeType(graphene.ObjectType):
    class Meta:
        name = "Dispute"

    id = graphene.ID(required=True)
    receivable_reference = graphene.String(required=True)
    line_position = graphene.Int()
    amount = graphene.Field(MoneyType, required=True)
    reason_code = graphene.String(required=True)
    status = graphene.String(required=True, description="open, credited, partial or rejected.")
    note = graphene.String(required=True)
    opened_by = graphene.String(required=True)

    @staticmethod
    def resolve_receivable_reference(root, info):
        return root.receivable.reference

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)


class CollectionsTaskType(graphene.ObjectType):
    class Meta:
        name = "CollectionsTask"

    id = graphene.ID(required=True)
    company = graphene.Field(CompanyType, required=True)
    level = graphene.Int(required=True)
    assignee = graphene.String(required=True)
    title = graphene.String(required=True)
    due_date = graphene.Date(required=True)
    status = graphene.String(required=True)
    note = graphene.String(required=True)


class CollectionsRowType(graphene.ObjectType):
    class Meta:
        name = "CollectionsRow"
        description = "One company of the collections book: what the daily run will do next, and when."

    company = graphene.Field(CompanyType, required=True)
    policy = graphene.String(required=True)
    level = graphene.Int(required=True)
    level_name = graphene.String(required=True)
    oldest_due = graphene.Date()
    days_overdue = graphene.Int(required=True)
    overdue = graphene.List(graphene.NonNull(MoneyType), required=True, description="Undisputed, past due.")
    disputed = graphene.List(graphene.NonNull(MoneyType), required=True)
    charges_open = graphene.List(graphene.NonNull(MoneyType), required=True, description="Fees and interest open.")
    next_action = graphene.String(required=True)
    next_reason = graphene.String(required=True)
    next_date = graphene.Date()
    promise = graphene.Field(PaymentPromiseType)
    open_disputes = graphene.Int(required=True)
    open_task = graphene.Field(CollectionsTaskType)
    on_hold = graphene.Boolean(required=True)
    agency = graphene.Boolean(required=True)

    @staticmethod
    def resolve_overdue(root, info):
        return _moneys(root.overdue)

    @staticmethod
    def resolve_disputed(root, info):
        return _moneys(root.disputed)

    @staticmethod
    def resolve_charges_open(root, info):
        return _moneys(root.charges_open)


class TimelineEventType(graphene.ObjectType):
    class Meta:
        name = "CollectionsTimelineEvent"

    at = graphene.DateTime(required=True)
    kind = graphene.String(required=True)
    level = graphene.Int(required=True)
    summary = graphene.String(required=True)
    reason = graphene.String(required=True)
    actor = graphene.String(required=True)

    @staticmethod
    def resolve_at(root, info):
        return root["at"]

    @staticmethod
    def resolve_kind(root, info):
        return root["kind"]

    @staticmethod
    def resolve_level(root, info):
        return root["level"]

    @staticmethod
    def resolve_summary(root, info):
        return root["summary"]

    @staticmethod
    def resolve_reason(root, info):
        return root["reason"]

    @staticmethod
    def resolve_actor(root, info):
        return root["actor"]


class DunningPolicyType(graphene.ObjectType):
    class Meta:
        name = "DunningPolicy"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    tier = graphene.String(required=True)
    channel_slug = graphene.String(required=True)
    is_default = graphene.Boolean(required=True)
    min_gap_days = graphene.Int(required=True)
    send_window_start = graphene.Time(required=True)
    send_window_end = graphene.Time(required=True)
    time_zone = graphene.String(required=True, description="IANA zone of the send window and 'today'; \"\" = the "
                                                           "installation's business time zone.")
    thanks_enabled = graphene.Boolean(required=True)
    staff_email = graphene.String(required=True)
    interest = graphene.String(description="JSON of the interest rule, or null.")
    levels = graphene.String(required=True, description="JSON list of the levels, in order.")

    @staticmethod
    def resolve_interest(root, info):
        return json.dumps(root.interest) if root.interest else None

    @staticmethod
    def resolve_levels(root, info):
        return json.dumps([{f: getattr(lv, f) for f in collections_services.LEVEL_FIELDS} for lv in root.levels.all()])


class StepType(graphene.ObjectType):
    class Meta:
        name = "CollectionsStep"

    kind = graphene.String(required=True)
    level = graphene.Int(required=True)
    reason = graphene.String(required=True)
    summary = graphene.String(required=True)
    detail = graphene.String(required=True, description="JSON: recipients, subject, body, amounts.")

    @staticmethod
    def resolve_kind(root, info):
        return root["kind"]

    @staticmethod
    def resolve_level(root, info):
        return root["level"]

    @staticmethod
    def resolve_reason(root, info):
        return root["reason"]

    @staticmethod
    def resolve_summary(root, info):
        return root["summary"]

    @staticmethod
    def resolve_detail(root, info):
        return json.dumps(root["detail"], sort_keys=True, default=str)


class RunOutcomeType(graphene.ObjectType):
    class Meta:
        name = "CollectionsRunOutcome"

    company_id = graphene.ID(required=True)
    company = graphene.String(required=True)
    action = graphene.String(required=True)
    reason = graphene.String(required=True)
    level = graphene.Int(required=True)
    next_date = graphene.Date()
    steps = graphene.List(graphene.NonNull(StepType), required=True)


class StatementLineType(graphene.ObjectType):
    class Meta:
        name = "StatementLine"

    date = graphene.Date(required=True)
    kind = graphene.String(required=True)
    reference = graphene.String(required=True)
    debit = graphene.String(required=True)
    credit = graphene.String(required=True)
    balance = graphene.String(required=True)

    @staticmethod
    def resolve_debit(root, info):
        return f"{root.debit:f}"

    @staticmethod
    def resolve_credit(root, info):
        return f"{root.credit:f}"

    @staticmethod
    def resolve_balance(root, info):
        return f"{root.balance:f}"


class StatementType(graphene.ObjectType):
    class Meta:
        name = "Statement"
        description = "Statement of account in one currency, from the ledger."

    currency = graphene.String(required=True)
    start = graphene.Date(required=True)
    end = graphene.Date(required=True)
    opening = graphene.String(required=True)
    closing = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(StatementLineType), required=True)
    ageing = graphene.String(required=True, description="JSON {bucket: amount}: current, 1-30, 31-60, 61-90, 90+.")
    csv = graphene.String(required=True)

    @staticmethod
    def resolve_opening(root, info):
        return f"{root.opening:f}"

    @staticmethod
    def resolve_closing(root, info):
        return f"{root.closing:f}"

    @staticmethod
    def resolve_ageing(root, info):
        return json.dumps({k: f"{v:f}" for k, v in root.ageing.items()})

    @staticmethod
    def resolve_csv(root, info):
        return statement_csv(root)


# --- queries ----------------------------------------------------------------------------------------

_BOOK_FILTERS = dict(
    overdue_only=graphene.Boolean(), level=graphene.Int(), search=graphene.String(), with_promise=graphene.Boolean(),
    with_dispute=graphene.Boolean(),
    as_of=graphene.DateTime(description="Judge as of this moment (default: now), e.g. to plan a day ahead."))
BOOK_SORTS = {"COMPANY": lambda r: r.company.legal_name.lower(), "LEVEL": lambda r: r.level,
              "DAYS_OVERDUE": lambda r: r.days_overdue, "OLDEST_DUE": lambda r: r.oldest_due,
              "NEXT_DATE": lambda r: r.next_date}


def _book(info, *, sort=None, overdue_only=None, level=None, search=None, with_promise=None, with_dispute=None,
          as_of=None) -> list:
    rows = collections_services.collections_overview(installation=installation_of(info), now=as_of)
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    if level is not None:
        rows = [r for r in rows if r.level == level]
    if search:
        rows = [r for r in rows if search.strip().lower() in r.company.legal_name.lower()]
    if with_promise:
        rows = [r for r in rows if r.promise is not None]
    if with_dispute:
        rows = [r for r in rows if r.open_disputes]
    return rows if sort is None else rows_sorted(rows, sort=sort, keys=BOOK_SORTS, default="-DAYS_OVERDUE")


class Query(graphene.ObjectType):
    collections_book = graphene.List(
        graphene.NonNull(CollectionsRowType), required=True, sort=graphene.String(), **_BOOK_FILTERS,
        description=("Companies with open items or a ladder position, most overdue first (sort: "
                     + ", ".join(BOOK_SORTS) + "; prefix - for descending)."))
    collections_book_csv = graphene.String(required=True, sort=graphene.String(), **_BOOK_FILTERS,
                                           description="The same selection as CSV (at most 10,000 rows).")
    collections_preview = graphene.List(
        graphene.NonNull(CollectionsRowType), required=True, levels=graphene.String(required=True),
        as_of=graphene.DateTime(), description="The book judged under a proposed ladder (JSON list of levels) — nothing is saved.")
    collections_timeline = graphene.List(graphene.NonNull(TimelineEventType), required=True,
                                         company_id=graphene.ID(required=True))
    collections_tasks_due = graphene.List(graphene.NonNull(CollectionsTaskType), required=True)
    dunning_policies = graphene.List(graphene.NonNull(DunningPolicyType), required=True)
    company_disputes = graphene.List(graphene.NonNull(DisputeType), required=True, company_id=graphene.ID(required=True))
    company_statement = graphene.Field(StatementType, company_id=graphene.ID(required=True),
                                       currency=graphene.String(required=True), start=graphene.Date(required=True),
                                       end=graphene.Date(required=True))

    @staticmethod
    @coded
    def resolve_collections_book(root, info, sort=None, **filters):
        return _book(info, sort=sort, **filters)

    @staticmethod
    @coded
    def resolve_collections_book_csv(root, info, sort=None, **filters):
        def amounts(values: dict) -> str:
            return "; ".join(money(v, k).as_string() + " " + k for k, v in sorted(values.items()))

        rows = ([r.company.legal_name, r.policy, r.level, r.level_name, r.days_overdue,
                 r.oldest_due.isoformat() if r.oldest_due else "", amounts(r.overdue), amounts(r.disputed),
                 amounts(r.charges_open), r.next_action, r.next_date.isoformat() if r.next_date else "",
                 (f"{money(r.promise.amount, r.promise.currency).as_string()} {r.promise.currency} by "
                  f"{r.promise.promised_date.isoformat()}") if r.promise else "",
                 r.open_disputes, "yes" if r.on_hold else "", "yes" if r.agency else ""]
                for r in _book(info, sort=sort, **filters))
        return csv_text(["Company", "Dunning policy", "Level", "Level name", "Days overdue", "Oldest due", "Overdue",
                         "Disputed", "Fees open", "Next action", "Next date", "Promise", "Open disputes", "On hold",
                         "With the agency"], rows)

    @staticmethod
    @coded
    def resolve_collections_preview(root, info, levels, as_of=None):
        return collections_services.collections_overview(
            installation=installation_of(info), now=as_of, ladder_override=_levels_json(_json_arg(levels, "levels")))

    @staticmethod
    @coded
    def resolve_collections_timeline(root, info, company_id):
        return timeline(company=_company(info, company_id))

    @staticmethod
    def resolve_collections_tasks_due(root, info):
        return collections_services.tasks_due(installation=installation_of(info))

    @staticmethod
    def resolve_dunning_policies(root, info):
        return DunningPolicy.objects.filter(installation=installation_of(info)).prefetch_related("levels")

    @staticmethod
    @coded
    def resolve_company_disputes(root, info, company_id):
        return Dispute.objects.filter(company=_company(info, company_id)).select_related("receivable")

    @staticmethod
    @coded
    def resolve_company_statement(root, info, company_id, currency, start, end):
        if start > end:
            raise ApiInputError("INVALID_PERIOD", "start must not be after end.", field="start")
        return statement_build(company=_company(info, company_id), currency=currency_parse(currency), start=start, end=end)


# --- mutations ----------------------------------------------------------------------------------------

class DunningPolicySave(graphene.Mutation):
    """Create (no id) or replace a ladder. ``levels`` is a JSON list of levels (offset_days, name,
    template, send_email, attach_invoices, attach_statement, erp_event, task_assignee, task_title,
    hold_mode, late_fee, charge_interest, agency); ``interest`` a JSON interest rule or empty."""

    class Arguments:
        id = graphene.ID()
        name = graphene.String(required=True)
        levels = graphene.String(required=True)
        tier = graphene.String()
        channel_slug = graphene.String()
        is_default = graphene.Boolean()
        min_gap_days = graphene.Int()
        send_window_start = graphene.Time()
        send_window_end = graphene.Time()
        time_zone = graphene.String()
        thanks_enabled = graphene.Boolean()
        language = graphene.String()
        staff_email = graphene.String()
        interest = graphene.String()

    policy = graphene.Field(DunningPolicyType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, name, levels, id=None, interest=None, **fields):
        def action():
            policy = _get(DunningPolicy, info, id, what="dunning policy", field="id",
                          company_path="installation") if id is not None else None
            if interest is not None:
                fields["interest"] = _json_arg(interest, "interest") if interest.strip() else None
            if fields.get("min_gap_days") is not None and not 0 <= fields["min_gap_days"] <= 365:
                raise ApiInputError("INVALID_GAP", "The minimum gap is 0 to 365 days.", field="minGapDays")
            return collections_services.dunning_policy_save(
                installation=installation_of(info), name=name, levels=_levels_json(_json_arg(levels, "levels")),
                actor=actor_of(info), policy=policy, **{k: v for k, v in fields.items() if v is not None})

        policy, errors = _run(action)
        return DunningPolicySave(policy=policy, errors=errors)


class CompanyDunningPolicyAssign(graphene.Mutation):
    class Arguments:
        company_id = graphene.ID(required=True)
        policy_id = graphene.ID(description="Empty: the tier/channel default.")

    ok = graphene.Boolean(required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id, policy_id=None):
        def action():
            company = _company(info, company_id)
            policy = _get(DunningPolicy, info, policy_id, what="dunning policy", field="policyId",
                          company_path="installation") if policy_id else None
            collections_services.company_policy_assign(company=company, policy=policy, actor=actor_of(info))
            return True

        ok, errors = _run(action)
        return CompanyDunningPolicyAssign(ok=bool(ok), errors=errors)


class PaymentPromiseMake(graphene.Mutation):
    class Arguments:
        company_id = graphene.ID(required=True)
        amount = graphene.String(required=True)
        currency = graphene.String(required=True)
        promised_date = graphene.Date(required=True)
        note = graphene.String()

    promise = graphene.Field(PaymentPromiseType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id, amount, currency, promised_date, note=""):
        def action():
            return collections_services.promise_make(company=_company(info, company_id), amount=money_parse(amount, currency),
                                                     promised_date=promised_date, made_by=actor_of(info), note=note or "")

        promise, errors = _run(action)
        return PaymentPromiseMake(promise=promise, errors=errors)


DisputeReasonEnum = graphene.Enum("DisputeReason", [(v, v) for v in DisputeReason.values])


class DisputeOpen(graphene.Mutation):
    class Arguments:
        company_id = graphene.ID(required=True)
        receivable_id = graphene.ID(required=True)
        reason_code = graphene.Argument(DisputeReasonEnum, required=True)
        amount = graphene.String(description="Empty: all that is open (or the line's amount).")
        line_position = graphene.Int()
        note = graphene.String()

    dispute = graphene.Field(DisputeType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id, receivable_id, reason_code, amount=None, line_position=None, note=""):
        def action():
            company = _company(info, company_id)
            number = pk_parse(receivable_id)
            receivable = Receivable.objects.filter(pk=number, company=company).first() if number else None
            if receivable is None:
                raise not_found("receivable", field="receivableId")
            value = money_parse(amount, receivable.currency) if amount else None
            return collections_services.dispute_open(
                company=company, receivable=receivable, reason_code=getattr(reason_code, "value", reason_code),
                opened_by=actor_of(info), amount=value, line_position=line_position, note=note or "")

        dispute, errors = _run(action)
        return DisputeOpen(dispute=dispute, errors=errors)


class DisputeResolve(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        resolution = graphene.String(required=True, description="credit_note, partial or reject.")
        credit_amount = graphene.String(description="For partial: the amount credited.")
        note = graphene.String()

    dispute = graphene.Field(DisputeType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, resolution, credit_amount=None, note=""):
        def action():
            dispute = _get(Dispute, info, id, what="dispute", field="id")
            amount = money_parse(credit_amount, dispute.currency, amount_field="creditAmount") if credit_amount else None
            return collections_services.dispute_resolve(dispute=dispute, resolution=resolution, actor=actor_of(info),
                                                        note=note or "", credit_amount=amount)

        dispute, errors = _run(action)
        return DisputeResolve(dispute=dispute, errors=errors)


class DunningChargeWaive(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    ok = graphene.Boolean(required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, reason):
        def action():
            charge = _get(DunningCharge, info, id, what="charge", field="id")
            collections_services.charge_waive(charge=charge, actor=actor_of(info), reason=reason)
            return True

        ok, errors = _run(action)
        return DunningChargeWaive(ok=bool(ok), errors=errors)


class AccountHoldLift(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    ok = graphene.Boolean(required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, reason):
        def action():
            hold = _get(AccountHold, info, id, what="account hold", field="id")
            collections_services.hold_lift_early(hold=hold, actor=actor_of(info), reason=reason)
            return True

        ok, errors = _run(action)
        return AccountHoldLift(ok=bool(ok), errors=errors)


class CollectionsTaskClose(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        status = graphene.String(required=True, description="done or skipped.")
        note = graphene.String()

    task = graphene.Field(CollectionsTaskType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, id, status, note=""):
        def action():
            task = _get(CollectionsTask, info, id, what="task", field="id")
            return collections_services.task_close(task=task, status=status, actor=actor_of(info), note=note or "")

        task, errors = _run(action)
        return CollectionsTaskClose(task=task, errors=errors)


class StatementSend(graphene.Mutation):
    """One click: e-mail the statement of account (PDF and CSV) to the company's billing contact."""

    class Arguments:
        company_id = graphene.ID(required=True)

    ok = graphene.Boolean(required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, company_id):
        def action():
            collections_services.statement_send(company=_company(info, company_id), actor=actor_of(info))
            return True

        ok, errors = _run(action)
        return StatementSend(ok=bool(ok), errors=errors)


class CollectionsRun(graphene.Mutation):
    """Run the daily collections now. ``dryRun`` (default true) shows exactly what would happen and
    writes nothing."""

    class Arguments:
        dry_run = graphene.Boolean()

    outcomes = graphene.List(graphene.NonNull(RunOutcomeType), required=True)
    errors = _errors()

    @staticmethod
    def mutate(root, info, dry_run=True):
        report = collections_services.collections_run(installation=installation_of(info), dry_run=dry_run is not False)
        return CollectionsRun(outcomes=[o for o in report.outcomes if o.steps or o.action not in ("none",)], errors=[])


class Mutation(graphene.ObjectType):
    dunning_policy_save = DunningPolicySave.Field()
    company_dunning_policy_assign = CompanyDunningPolicyAssign.Field()
    payment_promise_make = PaymentPromiseMake.Field()
    dispute_open = DisputeOpen.Field()
    dispute_resolve = DisputeResolve.Field()
    dunning_charge_waive = DunningChargeWaive.Field()
    account_hold_lift = AccountHoldLift.Field()
    collections_task_close = CollectionsTaskClose.Field()
    statement_send = StatementSend.Field()
    collections_run = CollectionsRun.Field()
