import threading

from django.apps import AppConfig

_flushing = threading.local()


def _sealed() -> int:
    return 0 if getattr(_flushing, "active", False) else 1


def _register_sqlite_guard(sender, connection, **kwargs):
    # The DELETE triggers call this; see migration 0002.
    if connection.vendor == "sqlite":
        connection.connection.create_function("custodian_audit_sealed", 0, _sealed)


def _allow_flush(original):
    def execute_sql_flush(self, sql_list):
        _flushing.active = True
        try:
            return original(self, sql_list)
        finally:
            _flushing.active = False

    execute_sql_flush.__wrapped__ = original
    return execute_sql_flush


class AuditConfig(AppConfig):
    name = "custodian.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.backends.sqlite3.base import DatabaseOperations

        connection_created.connect(_register_sqlite_guard, dispatch_uid="custodian-audit-guard")
        # `flush` (what tests and `manage.py flush` use to empty every table) may empty the
        # audit tables too; nothing else may delete from them.
        if not hasattr(DatabaseOperations.execute_sql_flush, "__wrapped__"):
            DatabaseOperations.execute_sql_flush = _allow_flush(
                DatabaseOperations.execute_sql_flush
            )
