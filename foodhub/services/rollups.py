"""The monthly ledger roll-up (foodhub.rollups.LedgerMonth): kept by every ledger write,
checked and rebuilt from the ledger.

`write_entries` is the one way services write ledger entries: the entries and their roll-up
rows in the caller's transaction. The roll-up rows are added to with one
INSERT … ON CONFLICT DO UPDATE SET kg = kg + EXCLUDED.kg (PostgreSQL and SQLite), so two
operators recording at the same site in the same month both count: the second waits on the row
lock of the first and adds to what it committed. Rows are written in key order (after the lots,
which are always locked first), so two writers never wait on each other in a circle.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from ..models import LedgerEntry
from ..rollups import LedgerMonth

_COLUMNS = (
    "site_id",
    "zone_id",
    "month",
    "kind",
    "donor_kind",
    "recipient_kind",
    "disposal_reason",
)


def _key(entry: LedgerEntry) -> tuple:
    donor_kind = recipient_kind = reason = ""
    if entry.kind == LedgerEntry.Kind.RECEIPT:
        donor_kind = entry.donation.donor.kind
    elif entry.kind == LedgerEntry.Kind.DISTRIBUTION:
        recipient_kind = entry.distribution.recipient.kind
    elif entry.kind == LedgerEntry.Kind.DISPOSAL:
        reason = entry.disposal.reason
    month = entry.effective_on.replace(day=1)
    return (entry.site_id, entry.lot.zone_id, month, entry.kind, donor_kind, recipient_kind, reason)


def rollup_add(entries) -> None:
    """Add ledger entries to their monthly roll-up rows. Caller is inside the transaction that
    wrote the entries."""
    sums: dict[tuple, list] = defaultdict(lambda: [Decimal("0"), 0, 0])
    for entry in entries:
        row = sums[_key(entry)]
        row[0] += entry.kg_delta
        row[1] += entry.quantity_delta
        row[2] += 1
    if not sums:
        return
    table = connection.ops.quote_name(LedgerMonth._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(sums))
    params = []
    for key in sorted(sums):
        params += [*key, *sums[key]]
    sql = (
        f"INSERT INTO {table} ({', '.join(_COLUMNS)}, kg, pieces, entries) VALUES {values} "
        f"ON CONFLICT ({', '.join(_COLUMNS)}) DO UPDATE SET "
        f"kg = {table}.kg + EXCLUDED.kg, pieces = {table}.pieces + EXCLUDED.pieces, "
        f"entries = {table}.entries + EXCLUDED.entries"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def write_entries(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Write ledger entries and add them to the monthly roll-up, in one transaction."""
    with transaction.atomic():
        created = LedgerEntry.objects.bulk_create(entries)
        rollup_add(created)
    return created


# --- the roll-up recomputed from the ledger ------------------------------------------------------


def rollup_from_ledger():
    """The roll-up's rows as the ledger gives them now: one grouped query."""
    empty = Value("", output_field=CharField())
    return (
        LedgerEntry.objects.order_by()
        .annotate(
            month_=TruncMonth("effective_on"),
            zone_id_=F("lot__zone_id"),
            donor_kind_=Coalesce("donation__donor__kind", empty),
            recipient_kind_=Coalesce("distribution__recipient__kind", empty),
            disposal_reason_=Coalesce("disposal__reason", empty),
        )
        .values_list(
            "site_id",
            "zone_id_",
            "month_",
            "kind",
            "donor_kind_",
            "recipient_kind_",
            "disposal_reason_",
        )
        .annotate(kg=Sum("kg_delta"), pieces=Sum("quantity_delta"), entries=Count("pk"))
    )


def _stored():
    return {
        row[:7]: row[7:]
        for row in LedgerMonth.objects.values_list(
            "site_id", "zone_id", "month", *LedgerMonth.KEY[3:], "kg", "pieces", "entries"
        )
    }


def rollup_differences() -> list[dict]:
    """Every roll-up row that differs from the ledger (empty when they agree)."""
    expected = {row[:7]: tuple(row[7:]) for row in rollup_from_ledger()}
    stored = _stored()
    differences = []
    for key in sorted(set(expected) | set(stored), key=str):
        want = expected.get(key, (Decimal("0"), 0, 0))
        have = stored.get(key, (Decimal("0"), 0, 0))
        if tuple(want) != tuple(have):
            differences.append(
                {"key": dict(zip(_COLUMNS, key, strict=True)), "ledger": want, "rollup": have}
            )
    return differences


def rollup_rebuild() -> int:
    """Recompute the roll-up from the ledger (INSERT … SELECT). Ledger writers wait meanwhile
    (PostgreSQL: the table is locked first, so an entry committed during the rebuild is either
    read by it or added after it). Returns the number of rows."""
    with transaction.atomic():
        table = connection.ops.quote_name(LedgerMonth._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {table}")
            select, params = rollup_from_ledger().query.sql_with_params()
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(_COLUMNS)}, kg, pieces, entries) {select}",
                params,
            )
            return cursor.rowcount
