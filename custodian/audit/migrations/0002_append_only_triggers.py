"""Append-only in the database itself: triggers refuse UPDATE and DELETE of audit rows.

The head row may only move forward. On SQLite the DELETE triggers ask the connection
function custodian_audit_sealed() (registered by custodian.audit.apps), which is false only
while Django's `flush` empties every table (tests do that); any other client, such as the
sqlite3 shell, does not have the function and so cannot delete at all. On PostgreSQL flush
uses TRUNCATE, which row triggers do not see.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       WHEN custodian_audit_sealed()
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_auditcheckpoint
       BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END""",
    """CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_auditcheckpoint
       WHEN custodian_audit_sealed()
       BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END""",
    """CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_audithead
       WHEN NEW.seq < OLD.seq OR NEW.id <> OLD.id
       BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
       WHEN custodian_audit_sealed()
       BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "audit_entry_no_update",
        "audit_entry_no_delete",
        "audit_checkpoint_no_update",
        "audit_checkpoint_no_delete",
        "audit_head_forward",
        "audit_head_no_delete",
    )
]

POSTGRESQL = [
    """CREATE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME; END $$""",
    """CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq OR NEW.id <> OLD.id THEN
           RAISE EXCEPTION 'the audit head only moves forward';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
       FOR EACH ROW EXECUTE FUNCTION audit_reject_change()""",
    """CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_auditcheckpoint
       FOR EACH ROW EXECUTE FUNCTION audit_reject_change()""",
    """CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_audithead
       FOR EACH ROW EXECUTE FUNCTION audit_head_forward()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
    "DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON audit_auditcheckpoint",
    "DROP TRIGGER IF EXISTS audit_head_forward ON audit_audithead",
    "DROP FUNCTION IF EXISTS audit_reject_change()",
    "DROP FUNCTION IF EXISTS audit_head_forward()",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, ()):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
