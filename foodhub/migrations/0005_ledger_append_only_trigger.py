"""The database itself refuses to change a ledger entry (and, on PostgreSQL, to delete one).

Corrections are new entries. On SQLite only UPDATE is refused, because Django's test flush
empties tables with DELETE there (PostgreSQL uses TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION foodhub_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'foodhub ledger entries are append-only; record a new entry instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER foodhub_ledger_append_only
    BEFORE UPDATE OR DELETE ON foodhub_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION foodhub_ledger_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS foodhub_ledger_append_only ON foodhub_ledgerentry;
DROP FUNCTION IF EXISTS foodhub_ledger_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER foodhub_ledger_append_only BEFORE UPDATE ON foodhub_ledgerentry
BEGIN
    SELECT RAISE(ABORT, 'foodhub ledger entries are append-only; record a new entry instead');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS foodhub_ledger_append_only;"


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
    dependencies = [("foodhub", "0004_food_recipient_labels")]

    operations = [migrations.RunPython(up, down)]
