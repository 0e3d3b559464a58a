"""The database itself refuses to change a security log row (and, on PostgreSQL, to delete one),
like foodhub's ledger. On SQLite only UPDATE is refused: Django's test flush empties tables with
DELETE there (PostgreSQL uses TRUNCATE, which row triggers do not see)."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION core_security_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the security log is append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_security_log_append_only
    BEFORE UPDATE OR DELETE ON core_securityevent
    FOR EACH ROW EXECUTE FUNCTION core_security_log_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_security_log_append_only ON core_securityevent;
DROP FUNCTION IF EXISTS core_security_log_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER core_security_log_append_only BEFORE UPDATE ON core_securityevent
BEGIN
    SELECT RAISE(ABORT, 'the security log is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_security_log_append_only;"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_security_log")]

    operations = [migrations.RunPython(up, down)]
