"""Consultation categories as data and the access log's append-only trigger. (The follow-up
reminder and retention schedules are declared in kirin_pf/schedule.py.)

The database refuses to change an access log row (and, on PostgreSQL, to delete one). On SQLite
only UPDATE is refused, because Django's test flush empties tables with DELETE there (as for the
food ledger, foodhub migration 0005).
"""

from django.db import migrations

CATEGORIES = [
    "生活困窮",
    "家族関係",
    "近隣関係",
    "就労支援",
    "住宅関係",
    "ひきこもり",
    "ヤングケアラー",
    "老老介護",
    "8050問題",
    "再犯防止",
    "身寄りのない単身高齢者",
    "その他",
]

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION council_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'council access log entries are append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER council_accesslog_append_only
    BEFORE UPDATE OR DELETE ON council_accesslog
    FOR EACH ROW EXECUTE FUNCTION council_accesslog_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS council_accesslog_append_only ON council_accesslog;
DROP FUNCTION IF EXISTS council_accesslog_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER council_accesslog_append_only BEFORE UPDATE ON council_accesslog
BEGIN
    SELECT RAISE(ABORT, 'council access log entries are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS council_accesslog_append_only;"

def up(apps, schema_editor):
    Category = apps.get_model("council", "Category")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"display_order": order})
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
    dependencies = [
        ("council", "0002_case_workflow"),
    ]

    operations = [migrations.RunPython(up, down)]
