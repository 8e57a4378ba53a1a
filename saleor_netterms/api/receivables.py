"""Receivables analytics in the merchant API (for the Dashboard's Receivables page and BI tools):
ageing, the invoices behind a number, DSO/CEI month by month, utilisation, at-risk, the cash
forecast, average days late, and every table as CSV or XLSX. Figures are defined in
receivables_reports.formulas (README "Receivables analytics"); every figure is per currency.

Each query takes the same scope arguments: ``asOf`` (default: today in the installation's time
zone), ``currency``, ``channel`` (a Saleor channel slug; "" for receivables without a checkout),
``tier`` and ``companyId``. Decimal figures that are not money (days, percentages) are strings
rounded half-up to two places ("77.67"); null when undefined (no sales, no limit)."""
from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal, InvalidOperation

import graphene

from saleor_netterms.companies import selectors as company_selectors
from saleor_netterms.core.business_time import business_today
from saleor_netterms.receivables_reports import digest, exports, formulas, selectors

from .context import actor_of, installation_of
from .errors import ApiInputError, not_found
from .inputs import currency_parse, page_parse, pk_parse
from .lists import page_type, rows_page, sort_parse
from .mutations import _errors, _run
from .types import MoneyType, coded, money

MAX_MONTHS = 36

AgeingBasis = graphene.Enum("AgeingBasis", [("DUE", "due"), ("INVOICE", "invoice")],
                            description="Age by days past the due date (DUE) or since the invoice date (INVOICE).")
AgeingGrouping = graphene.Enum("AgeingGrouping", [(g.upper(), g) for g in selectors.GROUPINGS],
                               description="How the ageing table is grouped (every row is in one currency).")
ReceivablesTable = graphene.Enum("ReceivablesTable", [(t.upper(), t) for t in exports.TABLES],
                                 description="A table of the Receivables page.")
ExportFormat = graphene.Enum("ExportFormat", [(f.upper(), f) for f in exports.FORMATS],
                             description="CSV (UTF-8 text) or XLSX (base64 in content).")

SCOPE_ARGS = dict(
    as_of=graphene.Date(description="The date the figures are as of (default: today in the installation's time zone)."),
    currency=graphene.String(description="Only this ISO 4217 currency."),
    channel=graphene.String(description="Only receivables of this Saleor channel slug (\"\": without a checkout)."),
    tier=graphene.String(description="Only companies of this credit tier."),
    company_id=graphene.ID(description="Only this company."),
)
AGEING_ARGS = dict(
    basis=graphene.Argument(AgeingBasis, default_value="due"),
    bounds=graphene.List(graphene.NonNull(graphene.Int), description=(
        "Ascending upper bounds of the buckets in days (default 0, 30, 60, 90: current, 1–30, 31–60, 61–90, 90+).")),
)


def _value(enum_or_str):
    return getattr(enum_or_str, "value", enum_or_str)


def scope_parse(info, *, as_of=None, currency=None, channel=None, tier=None, company_id=None) -> selectors.Scope:
    """The scope of a query, checked at the edge: a valid currency, a company of this installation."""
    installation = installation_of(info)
    company_pk = None
    if company_id is not None:
        company_pk = pk_parse(company_id)
        if company_pk is None or company_selectors.company_get(installation=installation, company_id=company_pk) is None:
            raise not_found("company", field="companyId")
    if tier is not None and len(tier) > 16:
        raise ApiInputError("INVALID_TIER", "A credit tier key is at most 16 characters.", field="tier")
    if channel is not None and len(channel) > 255:
        raise ApiInputError("INVALID_CHANNEL", "A channel slug is at most 255 characters.", field="channel")
    return selectors.Scope(installation_id=installation.pk, as_of=as_of or business_today(installation),
                           currency=currency_parse(currency) if currency else None, channel=channel,
                           tier=tier or None, company_id=company_pk, time_zone=installation.time_zone)


def bounds_parse(bounds) -> tuple[int, ...]:
    if not bounds:
        return formulas.DEFAULT_BOUNDS
    try:
        formulas.buckets_make(tuple(bounds))
    except formulas.InvalidBuckets as exc:
        raise ApiInputError("INVALID_BUCKETS", f"Bucket bounds: {exc}.", field="bounds") from exc
    return tuple(bounds)


def _decimal(value) -> str | None:
    rounded = formulas.rounded(value)
    return None if rounded is None else format(rounded, "f")


def _money_or_none(amount, currency):
    return None if amount is None or not currency else money(amount, currency)


class AgeingRowType(graphene.ObjectType):
    class Meta:
        name = "AgeingRow"
        description = ("One row of the ageing table in one currency. buckets hold the undisputed open amounts; "
                       "total = buckets + disputed; unappliedCredit is the credit balance owed to the buyers "
                       "(null for channel rows: credit belongs to a company, not a channel).")

    key = graphene.String(required=True, description="Company id, channel slug or tier key; \"\" for total/currency.")
    label = graphene.String(required=True)
    company_id = graphene.ID()
    currency = graphene.String(required=True)
    buckets = graphene.List(graphene.NonNull(MoneyType), required=True)
    disputed = graphene.Field(MoneyType, required=True)
    overdue = graphene.Field(MoneyType, required=True, description="Undisputed and past the first bucket.")
    total = graphene.Field(MoneyType, required=True)
    unapplied_credit = graphene.Field(MoneyType)
    net = graphene.Field(MoneyType, description="total − unappliedCredit.")
    invoices = graphene.Int(required=True, description="How many receivables are open in the row.")

    resolve_buckets = staticmethod(lambda root, info: [money(v, root.currency) for v in root.buckets])
    resolve_disputed = staticmethod(lambda root, info: money(root.disputed, root.currency))
    resolve_overdue = staticmethod(lambda root, info: money(root.overdue, root.currency))
    resolve_total = staticmethod(lambda root, info: money(root.total, root.currency))
    resolve_unapplied_credit = staticmethod(lambda root, info: _money_or_none(root.unapplied_credit, root.currency))
    resolve_net = staticmethod(lambda root, info: _money_or_none(root.net, root.currency))
    resolve_invoices = staticmethod(lambda root, info: root.count)


class ReceivablesAgeingType(graphene.ObjectType):
    class Meta:
        name = "ReceivablesAgeing"

    as_of = graphene.Date(required=True)
    basis = graphene.Field(AgeingBasis, required=True)
    group_by = graphene.Field(AgeingGrouping, required=True)
    buckets = graphene.List(graphene.NonNull(graphene.String), required=True, description="The bucket labels.")
    rows = graphene.List(graphene.NonNull(AgeingRowType), required=True)
    owing_rows = graphene.Int(required=True, description=(
        "How many rows of the whole table owe something (with first/offset: of which rows is one page)."))

    resolve_buckets = staticmethod(lambda root, info: list(root.labels))


class ReceivableOpenItemType(graphene.ObjectType):
    class Meta:
        name = "ReceivableOpenItem"
        description = "A receivable with something open on the as-of date: an invoice behind a number."

    receivable_id = graphene.ID(required=True)
    reference = graphene.String(required=True)
    invoice_id = graphene.ID(description="The invoice issued for it, if any.")
    invoice_number = graphene.String(required=True, description="\"\" when no invoice was issued for it.")
    order_number = graphene.String(required=True)
    company_id = graphene.ID(required=True)
    company_name = graphene.String(required=True)
    tier = graphene.String(required=True)
    channel = graphene.String(required=True)
    currency = graphene.String(required=True)
    issue_date = graphene.Date(required=True)
    due_date = graphene.Date(required=True)
    days_past_due = graphene.Int(required=True, description="Negative: days until due.")
    bucket = graphene.Int(required=True, description="Index into the ageing buckets.")
    open = graphene.Field(MoneyType, required=True)
    disputed = graphene.Field(MoneyType, required=True)

    resolve_open = staticmethod(lambda root, info: money(root.open_amount, root.currency))
    resolve_disputed = staticmethod(lambda root, info: money(root.disputed, root.currency))


ReceivableOpenItemPage = page_type("ReceivableOpenItem", ReceivableOpenItemType)

# The API's sort names of the open items → the selector's keys (receivables_reports.selectors.OPEN_ITEM_SORTS).
OPEN_ITEM_SORTS = {"DUE": "due_date", "ISSUED": "issue_date", "OPEN": "open_amount", "DISPUTED": "disputed",
                   "COMPANY": "company", "NUMBER": "invoice_number", "ORDER": "order_number", "CURRENCY": "currency"}
OPEN_ITEM_ARGS = dict(
    bucket=graphene.Int(description="Only the undisputed amounts in this bucket (index)."),
    disputed_only=graphene.Boolean(default_value=False),
    overdue_only=graphene.Boolean(default_value=False, description="Only past due (their undisputed part)."),
)


def _open_items_query(info, *, bucket=None, disputed_only=False, overdue_only=False, sort=None, basis="due",
                      bounds=None, **scope) -> tuple[selectors.Scope, dict, str]:
    """The scope, the filter and the selector's sort of an open-items query, checked at the edge."""
    bounds = bounds_parse(bounds)
    if bucket is not None and not 0 <= bucket <= len(bounds):
        raise ApiInputError("INVALID_BUCKET", f"bucket must be 0 to {len(bounds)}.", field="bucket")
    key, descending = sort_parse(sort, names=OPEN_ITEM_SORTS, default="DUE")
    filters = dict(basis=_value(basis), bounds=bounds, bucket=bucket, disputed_only=bool(disputed_only),
                   overdue_only=bool(overdue_only))
    return scope_parse(info, **scope), filters, ("-" if descending else "") + OPEN_ITEM_SORTS[key]


def open_items_page(info, *, first=None, offset=None, count: bool = True, **arguments):
    """The open items of a scope as a page with its total count, sorted by name (api/lists.py)."""
    scope, filters, order = _open_items_query(info, **arguments)
    return rows_page(lambda limit, skip: selectors.open_items(scope, **filters, limit=limit, offset=skip, sort=order),
                     (lambda: selectors.open_items_count(scope, **filters)) if count else (lambda: None),
                     first=first, offset=offset)


class ReceivablesMonthType(graphene.ObjectType):
    class Meta:
        name = "ReceivablesMonth"
        description = "One month (the newest counted up to the as-of date) in one currency."

    month = graphene.String(required=True, description="YYYY-MM")
    first = graphene.Date(required=True)
    last = graphene.Date(required=True)
    sales = graphene.Field(MoneyType, required=True, description="Credit sales: receivables booked in the month.")
    receivables_end = graphene.Field(MoneyType, required=True)
    current_end = graphene.Field(MoneyType, required=True, description="Not yet due at the month's end.")
    dso_count_back = graphene.String()
    dso_simple = graphene.String()
    dso_best_possible = graphene.String()
    cei = graphene.String(description="Collection effectiveness index, percent.")

    resolve_sales = staticmethod(lambda root, info: money(root.sales, root.currency))
    resolve_receivables_end = staticmethod(lambda root, info: money(root.receivables_end, root.currency))
    resolve_current_end = staticmethod(lambda root, info: money(root.current_end, root.currency))
    resolve_dso_count_back = staticmethod(lambda root, info: _decimal(root.dso_count_back))
    resolve_dso_simple = staticmethod(lambda root, info: _decimal(root.dso_simple))
    resolve_dso_best_possible = staticmethod(lambda root, info: _decimal(root.dso_best_possible))
    resolve_cei = staticmethod(lambda root, info: _decimal(root.cei))


class ReceivablesMonthlyType(graphene.ObjectType):
    class Meta:
        name = "ReceivablesMonthly"

    currency = graphene.String(required=True)
    months = graphene.List(graphene.NonNull(ReceivablesMonthType), required=True, description="Oldest first.")


class CreditUtilisationType(graphene.ObjectType):
    class Meta:
        name = "CreditUtilisation"
        description = "(owed + on hold) ÷ limit now, per company and currency."

    company_id = graphene.ID(required=True)
    company_name = graphene.String(required=True)
    tier = graphene.String(required=True)
    currency = graphene.String(required=True)
    owed = graphene.Field(MoneyType, required=True)
    on_hold = graphene.Field(MoneyType, required=True)
    exposure = graphene.Field(MoneyType, required=True)
    limit = graphene.Field(MoneyType, required=True)
    percent = graphene.String(description="Null for a zero limit.")

    resolve_owed = staticmethod(lambda root, info: money(root.owed, root.currency))
    resolve_on_hold = staticmethod(lambda root, info: money(root.on_hold, root.currency))
    resolve_exposure = staticmethod(lambda root, info: money(root.exposure, root.currency))
    resolve_limit = staticmethod(lambda root, info: money(root.limit, root.currency))
    resolve_percent = staticmethod(lambda root, info: _decimal(root.percent))


class HistogramBinType(graphene.ObjectType):
    class Meta:
        name = "HistogramBin"

    label = graphene.String(required=True)
    count = graphene.Int(required=True)


class ReceivablesUtilisationType(graphene.ObjectType):
    class Meta:
        name = "ReceivablesUtilisation"

    rows = graphene.List(graphene.NonNull(CreditUtilisationType), required=True, description="Highest use first.")
    histogram = graphene.List(graphene.NonNull(HistogramBinType), required=True)
    near_limit = graphene.List(graphene.NonNull(CreditUtilisationType), required=True)
    near_limit_percent = graphene.String(required=True)

    # each field is read only when asked for (the page asks for the histogram and the companies near
    # their limit: counted and filtered by the database, not one row per company)
    @staticmethod
    def resolve_rows(root, info):
        return selectors.utilisation(root["scope"])

    @staticmethod
    def resolve_histogram(root, info):
        return [{"label": label, "count": count} for label, count in selectors.utilisation_histogram(root["scope"])]

    @staticmethod
    def resolve_near_limit(root, info):
        return selectors.utilisation(root["scope"], at_least=root["threshold"])


class CompanyRiskType(graphene.ObjectType):
    class Meta:
        name = "CompanyRisk"

    company_id = graphene.ID(required=True)
    company_name = graphene.String(required=True)
    currency = graphene.String(required=True)
    amount = graphene.Field(MoneyType, description="The 90+ amount, what is open, or the promise; null without a currency.")
    detail = graphene.String(required=True)

    resolve_amount = staticmethod(lambda root, info: _money_or_none(root.amount, root.currency))


class CurrencyShareType(graphene.ObjectType):
    class Meta:
        name = "CurrencyShare"

    currency = graphene.String(required=True)
    percent = graphene.String()


class ReceivablesAtRiskType(graphene.ObjectType):
    class Meta:
        name = "ReceivablesAtRisk"

    as_of = graphene.Date(required=True)
    share_over_90 = graphene.List(graphene.NonNull(CurrencyShareType), required=True,
                                  description="Percent of the open amount more than 90 days past due, per currency.")
    over_90 = graphene.List(graphene.NonNull(CompanyRiskType), required=True)
    on_hold = graphene.List(graphene.NonNull(CompanyRiskType), required=True)
    broken_promises = graphene.List(graphene.NonNull(CompanyRiskType), required=True)
    rising_lateness = graphene.List(graphene.NonNull(CompanyRiskType), required=True)

    resolve_share_over_90 = staticmethod(lambda root, info: [
        {"currency": c, "percent": None if p is None else format(p, "f")} for c, p in root.share_over_90.items()])


class ForecastWeekType(graphene.ObjectType):
    class Meta:
        name = "ForecastWeek"

    start = graphene.Date(required=True)
    end = graphene.Date(required=True)
    expected = graphene.Field(MoneyType, required=True)


class ReceivablesForecastType(graphene.ObjectType):
    class Meta:
        name = "ReceivablesForecast"
        description = ("Expected receipts in one currency: twelve weeks from the as-of date; overdue = expected "
                       "before it and still open; later = after the twelve weeks. Disputed amounts are left out.")

    currency = graphene.String(required=True)
    overdue = graphene.Field(MoneyType, required=True)
    weeks = graphene.List(graphene.NonNull(ForecastWeekType), required=True)
    later = graphene.Field(MoneyType, required=True)


class CompanyDaysLateType(graphene.ObjectType):
    class Meta:
        name = "CompanyDaysLate"

    company_id = graphene.ID(required=True)
    company_name = graphene.String(required=True)
    currency = graphene.String(required=True)
    days = graphene.String(required=True, description="Amount-weighted average days late, last 365 days.")


class ReceivablesExportType(graphene.ObjectType):
    class Meta:
        name = "ReceivablesExport"

    filename = graphene.String(required=True)
    content_type = graphene.String(required=True)
    encoding = graphene.String(required=True, description="\"utf-8\" (CSV text) or \"base64\" (XLSX).")
    content = graphene.String(required=True)
    rows = graphene.Int(required=True)


def _forecast(currency, forecast: formulas.Forecast) -> dict:
    return {"currency": currency, "overdue": money(forecast.overdue, currency), "later": money(forecast.later, currency),
            "weeks": [{"start": forecast.week_start(i), "end": forecast.week_start(i) + dt.timedelta(days=6),
                       "expected": money(amount, currency)} for i, amount in enumerate(forecast.weeks)]}


class Query(graphene.ObjectType):
    receivables_ageing = graphene.Field(
        ReceivablesAgeingType, required=True, group_by=graphene.Argument(AgeingGrouping, default_value="total"),
        first=graphene.Int(description="One page of the rows that owe something, largest total first: 1 to 100 "
                                       "(default: the whole table, with the rows only owed credit)."),
        offset=graphene.Int(),
        **AGEING_ARGS, **SCOPE_ARGS, description="The ageing table as of a date (disputes and unapplied credit apart).")
    receivables_open_items = graphene.List(
        graphene.NonNull(ReceivableOpenItemType), required=True, **OPEN_ITEM_ARGS,
        first=graphene.Int(), offset=graphene.Int(),
        **AGEING_ARGS, **SCOPE_ARGS, description="The invoices behind a number, oldest due first; first 1 to 100.",
        deprecation_reason="Use receivablesOpenItemPage: the same rows with their total count and a sort.")
    receivables_open_item_page = graphene.Field(
        ReceivableOpenItemPage, required=True, **OPEN_ITEM_ARGS, first=graphene.Int(), offset=graphene.Int(),
        sort=graphene.String(), **AGEING_ARGS, **SCOPE_ARGS,
        description=("The invoices behind a number and how many there are in all, oldest due first (sort: "
                     + ", ".join(OPEN_ITEM_SORTS) + "; prefix - for descending); first 1 to 100."))
    receivables_monthly = graphene.List(
        graphene.NonNull(ReceivablesMonthlyType), required=True, months=graphene.Int(default_value=24),
        **SCOPE_ARGS, description=f"DSO (count-back, simple, best possible) and CEI by month, per currency (1 to {MAX_MONTHS} months).")
    receivables_utilisation = graphene.Field(
        ReceivablesUtilisationType, required=True, near_limit_percent=graphene.String(default_value="80"),
        **SCOPE_ARGS, description="Credit utilisation now (limits keep no history; asOf and channel do not apply).")
    receivables_at_risk = graphene.Field(ReceivablesAtRiskType, required=True, **SCOPE_ARGS)
    receivables_cash_forecast = graphene.List(graphene.NonNull(ReceivablesForecastType), required=True, **SCOPE_ARGS)
    receivables_days_late = graphene.List(graphene.NonNull(CompanyDaysLateType), required=True, **SCOPE_ARGS)
    receivables_export = graphene.Field(
        ReceivablesExportType, required=True, table=graphene.Argument(ReceivablesTable, required=True),
        format=graphene.Argument(ExportFormat, default_value="csv"),
        group_by=graphene.Argument(AgeingGrouping, default_value="company"), bucket=graphene.Int(),
        months=graphene.Int(default_value=24), **AGEING_ARGS, **SCOPE_ARGS,
        description=f"A table of the Receivables page as CSV or XLSX (at most {exports.MAX_ROWS} rows).")

    @staticmethod
    @coded
    def resolve_receivables_ageing(root, info, group_by="total", basis="due", bounds=None, first=None, offset=None,
                                   **scope):
        page = {} if first is None and offset is None else dict(zip(("first", "offset"), page_parse(first, offset)))
        return selectors.ageing(scope_parse(info, **scope), group_by=_value(group_by), basis=_value(basis),
                                bounds=bounds_parse(bounds), **page)

    @staticmethod
    @coded
    def resolve_receivables_open_items(root, info, **arguments):
        return open_items_page(info, count=False, **arguments).items

    @staticmethod
    @coded
    def resolve_receivables_open_item_page(root, info, **arguments):
        return open_items_page(info, **arguments)

    @staticmethod
    @coded
    def resolve_receivables_monthly(root, info, months=24, **scope):
        if not 1 <= months <= MAX_MONTHS:
            raise ApiInputError("INVALID_MONTHS", f"months must be 1 to {MAX_MONTHS}.", field="months")
        series = selectors.monthly(scope_parse(info, **scope), months=months)
        return [{"currency": currency, "months": figures} for currency, figures in series.items()]

    @staticmethod
    @coded
    def resolve_receivables_utilisation(root, info, near_limit_percent="80", **scope):
        try:
            threshold = Decimal(near_limit_percent)
        except (InvalidOperation, ValueError, TypeError):
            threshold = None
        if threshold is None or not threshold.is_finite() or not 0 < threshold <= 1000:
            raise ApiInputError("INVALID_PERCENT", "nearLimitPercent must be a number above 0 and at most 1000.",
                                field="nearLimitPercent")
        return {"scope": scope_parse(info, **scope), "threshold": threshold, "near_limit_percent": format(threshold, "f")}

    @staticmethod
    @coded
    def resolve_receivables_at_risk(root, info, **scope):
        return selectors.at_risk(scope_parse(info, **scope))

    @staticmethod
    @coded
    def resolve_receivables_cash_forecast(root, info, **scope):
        return [_forecast(currency, f) for currency, f in selectors.cash_forecast(scope_parse(info, **scope)).items()]

    @staticmethod
    @coded
    def resolve_receivables_days_late(root, info, **scope):
        parsed = scope_parse(info, **scope)
        names = selectors.company_names(parsed.installation_id)
        return [{"company_id": cid, "company_name": names.get(cid, ""), "currency": currency,
                 "days": _decimal(days)} for (cid, currency), days in sorted(selectors.days_late(parsed).items())]

    @staticmethod
    @coded
    def resolve_receivables_export(root, info, table, format="csv", group_by="company", bucket=None, months=24,
                                   basis="due", bounds=None, **scope):
        parsed = scope_parse(info, **scope)
        if not 1 <= months <= MAX_MONTHS:
            raise ApiInputError("INVALID_MONTHS", f"months must be 1 to {MAX_MONTHS}.", field="months")
        bounds = bounds_parse(bounds)
        built = exports.table_build(_value(table), parsed, group_by=_value(group_by), basis=_value(basis),
                                    bounds=bounds, bucket=bucket, months=months)
        name = f"receivables-{built.name.replace('_', '-')}-{parsed.as_of.isoformat()}"
        if _value(format) == "xlsx":
            return {"filename": f"{name}.xlsx", "content_type": exports.XLSX_TYPE, "encoding": "base64",
                    "content": base64.b64encode(exports.table_xlsx(built)).decode("ascii"), "rows": len(built.rows)}
        return {"filename": f"{name}.csv", "content_type": "text/csv; charset=utf-8", "encoding": "utf-8",
                "content": exports.table_csv(built), "rows": len(built.rows)}


# --- the weekly summary by e-mail ------------------------------------------------------------------

class ReceivablesDigestType(graphene.ObjectType):
    class Meta:
        name = "ReceivablesDigest"
        description = ("The weekly receivables summary e-mailed to the chosen staff on Monday from 07:00 in the "
                       "installation's time zone (none by default).")

    recipients = graphene.List(graphene.NonNull(graphene.String), required=True)
    subject = graphene.String(required=True, description="This week's summary as it would be sent now.")
    body = graphene.String(required=True)


def _digest(info) -> dict:
    installation = installation_of(info)
    scope = selectors.Scope(installation_id=installation.pk, as_of=business_today(installation),
                            time_zone=installation.time_zone)
    subject, body = digest.digest_text(scope, shop=installation.saleor_domain or installation.saleor_api_url)
    return {"recipients": digest.digest_recipients(installation=installation), "subject": subject, "body": body}


class DigestQuery(graphene.ObjectType):
    receivables_digest = graphene.Field(ReceivablesDigestType, required=True,
                                        description="Who gets the weekly summary, and a preview of it.")

    @staticmethod
    def resolve_receivables_digest(root, info):
        return _digest(info)


class ReceivablesDigestRecipientsSet(graphene.Mutation):
    """Replace who gets the weekly summary (an empty list stops it); at most 20 addresses. Audited."""

    class Arguments:
        emails = graphene.List(graphene.NonNull(graphene.String), required=True)

    digest = graphene.Field(ReceivablesDigestType)
    errors = _errors()

    @staticmethod
    def mutate(root, info, emails):
        installation, actor = installation_of(info), actor_of(info)
        _, errors = _run(lambda: digest.digest_recipients_set(installation=installation, emails=emails[:100],
                                                              actor=actor), fields={"DIGEST_RECIPIENTS_INVALID": "emails"})
        return ReceivablesDigestRecipientsSet(digest=None if errors else _digest(info), errors=errors)


class Mutation(graphene.ObjectType):
    receivables_digest_recipients_set = ReceivablesDigestRecipientsSet.Field()
