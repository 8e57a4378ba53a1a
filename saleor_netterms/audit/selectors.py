from .models import AuditEntry


def audit_entries(*, installation, object_type: str | None = None, object_id: str | None = None,
                  company=None, action_prefix: str | None = None, since=None, until=None):
    qs = AuditEntry.objects.filter(installation=installation)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id is not None:
        qs = qs.filter(object_id=str(object_id))
    if company is not None:
        qs = qs.filter(company=company)
    if action_prefix:
        qs = qs.filter(action__startswith=action_prefix)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    return qs.order_by("id")
