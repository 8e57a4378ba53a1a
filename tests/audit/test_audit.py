"""The audit trail is append-only and exportable."""
import csv
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.audit.selectors import audit_entries
from saleor_netterms.audit.services import audit_export_csv, audit_record
from tests.fixtures_credit import postgres_only


@pytest.mark.django_db
def test_record_and_export_csv(credit_installation, company):
    # given
    entry = audit_record(installation=credit_installation, actor="credit@merchant.example", action="credit_limit.set",
                         object_type="company", object_id=company.pk, company=company,
                         before={"USD": Decimal("10000.00")}, after={"USD": Decimal("15000.00")},
                         reason="Two years of on-time payments")

    # when
    rows = list(csv.reader(io.StringIO(audit_export_csv(
        audit_entries(installation=credit_installation).filter(actor="credit@merchant.example")))))

    # then
    assert rows[0] == ["id", "occurred_at", "actor", "action", "object_type", "object_id", "company_id",
                       "before", "after", "reason"]
    assert rows[1] == [str(entry.pk), entry.occurred_at.isoformat(), "credit@merchant.example", "credit_limit.set",
                       "company", str(company.pk), str(company.pk), '{"USD": "10000.00"}', '{"USD": "15000.00"}',
                       "Two years of on-time payments"]


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("statement", ["UPDATE audit_auditentry SET reason = 'edited'",
                                       "DELETE FROM audit_auditentry"])
def test_the_database_refuses_to_change_or_delete_history(credit_installation, statement):
    # given
    audit_record(installation=credit_installation, actor="system", action="decision.made",
                 object_type="transaction", object_id=1)

    # when / then
    with pytest.raises(IntegrityError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEntry.objects.get().reason == ""
