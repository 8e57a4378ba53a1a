"""Writing and exporting the audit trail. Call `audit_record` inside the transaction of the change
it describes, so the change and its record commit together."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal

from .models import AuditEntry

CSV_COLUMNS = ("id", "occurred_at", "actor", "action", "object_type", "object_id", "company_id",
               "before", "after", "reason")


def _jsonable(value):
    if value is None:
        return None
    return json.loads(json.dumps(value, default=lambda o: format(o, "f") if isinstance(o, Decimal) else str(o)))


def audit_record(*, installation, actor: str, action: str, object_type: str, object_id, company=None,
                 before: dict | None = None, after: dict | None = None, reason: str = "") -> AuditEntry:
    entry = audit_entry_build(installation=installation, actor=actor, action=action, object_type=object_type,
                              object_id=object_id, company=company, before=before, after=after, reason=reason)
    entry.save(force_insert=True)
    return entry


def audit_entry_build(*, installation, actor: str, action: str, object_type: str, object_id, company=None,
                      before: dict | None = None, after: dict | None = None, reason: str = "") -> AuditEntry:
    """The entry ``audit_record`` writes, not yet saved: for a caller that writes it together
    with the row it describes in one statement (``core.inserts``; ``object_id`` may then be
    filled from that row's new id)."""
    return AuditEntry(
        installation=installation, actor=actor or "system", action=action, object_type=object_type,
        object_id=str(object_id), company=company, before=_jsonable(before), after=_jsonable(after),
        reason=reason or "")


def audit_export_csv(entries: Iterable[AuditEntry]) -> str:
    """CSV with one row per entry; before/after as compact JSON."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([e.pk, e.occurred_at.isoformat(), e.actor, e.action, e.object_type, e.object_id,
                         e.company_id or "", json.dumps(e.before, sort_keys=True) if e.before is not None else "",
                         json.dumps(e.after, sort_keys=True) if e.after is not None else "", e.reason])
    return out.getvalue()
