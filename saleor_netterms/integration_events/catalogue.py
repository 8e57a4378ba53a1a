"""The event types the app publishes, at their current version, and where their schemas live.

A type's schema is `webhooks/<type>.v<version>.json` (JSON Schema draft 2020-12). A change that
would make a payload valid under the new schema invalid under the published one is breaking and
needs a new version (tests/integration_events/test_schema_contract.py enforces it against
`webhooks/published.lock.json`)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from jsonschema import Draft202012Validator

EVENT_TYPES: dict[str, dict] = {
    "company.created": {"version": 1, "subject": "company",
                        "summary": "A credit account (company) was created."},
    "company.updated": {"version": 1, "subject": "company",
                        "summary": "A company's legal, contact, terms, tier or channel data changed."},
    "credit_limit.changed": {"version": 1, "subject": "company",
                             "summary": "A company's credit limit in one currency was set or changed."},
    "credit_limit.change_approved": {"version": 1, "subject": "company",
                                     "summary": "A limit approved in the app, for the ERP to apply (the ERP is the "
                                                "master of credit limits; the app did not change it)."},
    "account.status_changed": {"version": 1, "subject": "company",
                               "summary": "A company was put on hold, suspended, closed or released."},
    "order.placed_on_terms": {"version": 1, "subject": "order",
                              "summary": "An order was placed on net terms (approved or in credit review)."},
    "order.cancelled": {"version": 1, "subject": "order",
                        "summary": "An order on terms was cancelled and its hold released."},
    "invoice.issued": {"version": 2, "subject": "invoice",
                       "summary": "An invoice was issued by the app (the frozen snapshot, due dates, RF reference, "
                                  "documents) or by the ERP (issuedBy says which)."},
    "invoice.voided": {"version": 1, "subject": "invoice",
                       "summary": "An invoice was voided (with the credit note that reversed it, if any)."},
    "credit_note.issued": {"version": 1, "subject": "invoice",
                           "summary": "A credit note was issued against an invoice."},
    "payment.received": {"version": 1, "subject": "payment",
                         "summary": "Money was received from a company (staff, ERP or bank)."},
    "payment.applied": {"version": 1, "subject": "payment",
                        "summary": "A payment was applied to invoices (allocations) and credit balance."},
    "receivable.overdue": {"version": 1, "subject": "invoice",
                           "summary": "An invoice passed its due date with money still open."},
    # collections (saleor_netterms.collections)
    "dunning.level_reached": {"version": 1, "subject": "company",
        "summary": "A company reached a dunning level."},
    "dunning.reminder_sent": {"version": 1, "subject": "company",
        "summary": "A reminder."},
    "account.hold_placed": {"version": 1, "subject": "company",
        "summary": "Collections put a company's account on hold."},
    "account.hold_lifted": {"version": 1, "subject": "company",
        "summary": "An account hold was lifted."},
    "dunning.charge_posted": {"version": 1, "subject": "company",
        "summary": "A late fee, interest or recovery compensation was charged as its own receivable."},
    "dunning.charge_waived": {"version": 1, "subject": "company",
        "summary": "A charged fee or interest was waived."},
    "dispute.opened": {"version": 1, "subject": "invoice",
        "summary": "A buyer or staff disputed (part of) an invoice or a line of it."},
    "dispute.resolved": {"version": 1, "subject": "invoice",
        "summary": "A dispute was resolved: credited with a credit note (fully or partly) or rejected."},
}


class UnknownEventType(ValueError):
    pass


def versioned(event_type: str, version: int | None = None) -> str:
    if event_type not in EVENT_TYPES:
        raise UnknownEventType(event_type)
    return f"{event_type}.v{version or EVENT_TYPES[event_type]['version']}"


def schema_dir() -> Path:
    return Path(settings.INTEGRATION_EVENTS_SCHEMA_DIR)


def schema_names() -> list[str]:
    """Every committed schema file's name without `.json`, e.g. `invoice.issued.v1`."""
    return sorted(p.name[:-5] for p in schema_dir().glob("*.v*.json"))


@lru_cache(maxsize=None)
def schema_load(name: str) -> dict:
    """The schema `webhooks/<name>.json`; KeyError for an unknown name (never a path from input)."""
    if name not in schema_names():
        raise KeyError(name)
    return json.loads((schema_dir() / f"{name}.json").read_text())


@lru_cache(maxsize=None)
def validator_for(name: str):
    schema = schema_load(name)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
