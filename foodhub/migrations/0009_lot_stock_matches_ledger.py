"""PostgreSQL refuses to commit a change to a lot's stock that its ledger does not explain.

A deferred constraint trigger checks, at COMMIT, that every lot whose kg or pieces changed in the
transaction equals the sum of its ledger entries. The application always writes both together
(services.stock), so it never trips; a raw `UPDATE foodhub_lot SET kg = kg + 5` (the outside
probe of issue 11) is refused. A new lot (INSERT) is not checked here, because its receipt entry
follows it; the nightly ledger check (foodhub.tasks.ledger_check_task) covers everything else.
SQLite has no deferred triggers: there the nightly check alone stands guard.
"""

from django.db import migrations

# "%%": the statement goes through the driver's parameter substitution (RAISE's "%").
POSTGRES_UP = """
CREATE OR REPLACE FUNCTION foodhub_lot_matches_ledger() RETURNS trigger AS $$
DECLARE
    stock_kg numeric;
    stock_quantity integer;
    ledger_kg numeric;
    ledger_quantity bigint;
BEGIN
    SELECT kg, quantity INTO stock_kg, stock_quantity FROM foodhub_lot WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(SUM(kg_delta), 0), COALESCE(SUM(quantity_delta), 0)
        INTO ledger_kg, ledger_quantity
        FROM foodhub_ledgerentry WHERE lot_id = NEW.id;
    IF stock_kg <> ledger_kg OR stock_quantity <> ledger_quantity THEN
        RAISE EXCEPTION
            'foodhub lot %% holds %% kg / %% pcs but its ledger says %% kg / %% pcs; '
            'change stock only together with a ledger entry',
            NEW.id, stock_kg, stock_quantity, ledger_kg, ledger_quantity
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER foodhub_lot_matches_ledger
    AFTER UPDATE OF kg, quantity ON foodhub_lot
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION foodhub_lot_matches_ledger();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS foodhub_lot_matches_ledger ON foodhub_lot;
DROP FUNCTION IF EXISTS foodhub_lot_matches_ledger();
"""


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("foodhub", "0008_item_and_ledger_search_indexes")]

    operations = [migrations.RunPython(up, down)]
