"""Reading the audit log back in tests."""

from custodian.audit.models import AuditEntry


def entries():
    return list(AuditEntry.objects.order_by("pk"))


def as_text(entry) -> str:
    """Everything an entry holds, as text, to check that no name or card number is in it."""
    return " ".join(str(getattr(entry, f.attname)) for f in entry._meta.concrete_fields)
