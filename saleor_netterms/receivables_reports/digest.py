"""The weekly receivables summary by e-mail (issue 15, optional): to the staff the merchant chose,
on Monday morning in the installation's time zone, what a credit manager reads first — what is
open and how late, DSO and CEI of the last month, the cash expected in the next four weeks, the
largest exposures and where risk is building. The figures are the Receivables page's (the same
selectors); the e-mail is queued through the outbox once per recipient and ISO week."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from saleor_netterms.audit.services import audit_record
from saleor_netterms.core.business_time import business_today, installation_zone
from saleor_netterms.core.errors import NetTermsError
from saleor_netterms.outbox.email import email_enqueue
from saleor_netterms.outbox.models import OutboxMessage

from . import formulas, selectors
from .models import DigestRecipient

DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 7  # from 07:00 local time
MAX_RECIPIENTS = 20
TOP_EXPOSURES = 5
LOCALE = "en_US"


class DigestRecipientsInvalid(NetTermsError):
    code = "DIGEST_RECIPIENTS_INVALID"
    http_status = 400


def _money(amount: Decimal, currency: str) -> str:
    return format_currency(amount, currency, locale=LOCALE)


def _days(value: Decimal | None) -> str:
    return "—" if value is None else f"{format_decimal(value, format='#,##0.0', locale=LOCALE)} days"


def digest_recipients(*, installation) -> list[str]:
    return list(DigestRecipient.objects.filter(installation=installation).values_list("email", flat=True))


def digest_recipients_set(*, installation, emails: list[str], actor: str) -> list[str]:
    """Replace who gets the weekly summary (an empty list stops it). Audited."""
    cleaned: list[str] = []
    for raw in emails:
        email = (raw or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DigestRecipientsInvalid(f"not an e-mail address: {raw!r}",
                                          merchant_message=f"{raw!r} is not an e-mail address.") from exc
        if email not in cleaned:
            cleaned.append(email)
    if len(cleaned) > MAX_RECIPIENTS:
        raise DigestRecipientsInvalid(f"{len(cleaned)} recipients", merchant_message=(
            f"At most {MAX_RECIPIENTS} recipients; use a mailing list for more."))
    with transaction.atomic():
        before = sorted(DigestRecipient.objects.filter(installation=installation).values_list("email", flat=True))
        DigestRecipient.objects.filter(installation=installation).exclude(email__in=cleaned).delete()
        for email in cleaned:
            DigestRecipient.objects.get_or_create(installation=installation, email=email, defaults={"added_by": actor})
        if before != sorted(cleaned):
            audit_record(installation=installation, actor=actor, action="reports.digest_recipients.set",
                         object_type="installation", object_id=installation.pk, before={"emails": before},
                         after={"emails": sorted(cleaned)})
    return digest_recipients(installation=installation)


def digest_text(scope: selectors.Scope, *, shop: str) -> tuple[str, str]:
    """(subject, body) of the summary as of ``scope.as_of``: plain text, one section per currency."""
    table = selectors.ageing(scope)
    by_company = selectors.ageing(scope, group_by="company")
    months = selectors.monthly(scope, months=2)
    forecast = selectors.cash_forecast(scope)
    risk = selectors.at_risk(scope, ageing_by_company=by_company)
    exposures = sorted(selectors.utilisation(scope), key=lambda u: (-u.exposure, u.company_name))
    lines = [f"Receivables of {shop} as of {scope.as_of:%A, %B %-d, %Y}.", ""]
    currencies = sorted({r.currency for r in table.rows} | set(forecast))
    if not currencies:
        lines.append("Nothing is open.")
    for currency in currencies:
        row = next((r for r in table.rows if r.currency == currency), None)
        lines.append(f"== {currency} ==")
        if row is not None:
            lines.append(f"Open: {_money(row.total, currency)} on {row.count} invoice{'s' if row.count != 1 else ''}; "
                         f"overdue {_money(row.overdue, currency)}; disputed {_money(row.disputed, currency)}.")
            lines.append("Ageing by due date: " + ", ".join(
                f"{label} {_money(amount, currency)}" for label, amount in zip(table.labels, row.buckets)) + ".")
        month = next((m for m in reversed(months.get(currency, [])) if m.last < scope.as_of), None)
        if month is not None:
            cei = "—" if month.cei is None else f"{format_decimal(month.cei, format='#,##0.0', locale=LOCALE)} %"
            lines.append(f"{month.first:%B %Y}: DSO {_days(month.dso_count_back)} (count-back), best possible "
                         f"{_days(month.dso_best_possible)}, CEI {cei}.")
        expected = forecast.get(currency)
        if expected is not None:
            lines.append(f"Expected in the next 4 weeks: {_money(sum(expected.weeks[:4], formulas.ZERO), currency)}, "
                         f"plus {_money(expected.overdue, currency)} that was expected before today and is still open.")
        share = risk.share_over_90.get(currency)
        if share is not None:
            lines.append(f"More than 90 days past due: {format_decimal(share, format='#,##0.0', locale=LOCALE)} % of "
                         "what is open.")
        top = [u for u in exposures if u.currency == currency][:TOP_EXPOSURES]
        if top:
            lines.append("Largest exposures:")
            lines += [f"  {u.company_name}: {_money(u.exposure, currency)} of {_money(u.limit, currency)}"
                      + (f" ({format_decimal(u.percent, format='#,##0', locale=LOCALE)} %)" if u.percent is not None else "")
                      for u in top]
        lines.append("")
    if risk.on_hold:
        lines.append("On hold: " + ", ".join(sorted({r.company_name for r in risk.on_hold})) + ".")
    if risk.broken_promises:
        lines.append("Broken promises to pay (90 days): " + ", ".join(
            f"{r.company_name} ({_money(r.amount, r.currency)})" for r in risk.broken_promises) + ".")
    if risk.rising_lateness:
        lines.append("Paying later than before: " + ", ".join(sorted({r.company_name for r in risk.rising_lateness})) + ".")
    lines += ["", "The Receivables page in the Saleor Dashboard (Apps → Net Terms → Receivables) has the details."]
    subject = f"Receivables summary: {shop}, week of {scope.as_of:%B %-d, %Y}"
    return subject, "\n".join(lines).rstrip() + "\n"


def digests_send_due(*, installations, now: dt.datetime | None = None) -> int:
    """Queue this week's summary to each recipient of each installation whose Monday morning it is
    (from 07:00 local time; hourly runs after that find it queued: one e-mail per recipient and
    ISO week). Returns how many were queued."""
    queued = 0
    for installation in installations:
        recipients = digest_recipients(installation=installation)
        if not recipients:
            continue
        local = (now or dt.datetime.now(dt.timezone.utc)).astimezone(installation_zone(installation))
        today = business_today(installation, now=now)
        if today.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
            continue
        scope = selectors.Scope(installation_id=installation.pk, as_of=today, time_zone=installation.time_zone)
        subject, body = digest_text(scope, shop=installation.saleor_domain or installation.saleor_api_url)
        year, week, _ = today.isocalendar()
        keys = {email: f"digest:{year}-W{week:02d}:{email}" for email in recipients}
        sent = set(OutboxMessage.objects.filter(installation=installation, dedupe_key__in=keys.values())
                   .values_list("dedupe_key", flat=True))
        with transaction.atomic():
            for email, key in keys.items():
                if key not in sent:
                    email_enqueue(installation=installation, kind="email.receivables_digest", to=email,
                                  subject=subject, body=body, dedupe_key=key)
                    queued += 1
    return queued
