"""A paginator for large admin tables: no `COUNT(*)` over millions of rows on every page.

On PostgreSQL an unfiltered list of a large table takes the planner's row estimate of the
table (`pg_class.reltuples`, kept by autovacuum/ANALYZE), and a filtered list the planner's
estimate of the query when that is large; the exact `COUNT(*)` is kept wherever it is cheap
(small tables, small results). SQLite and small tables always count exactly.
"""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows (estimated), the exact count costs little and is shown.
EXACT_COUNT_BELOW = 20_000


def table_estimate(model, using="default") -> int | None:
    """PostgreSQL's estimate of the rows of `model`'s table (None elsewhere or when unknown)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:  # -1: never analysed
        return None
    return int(row[0])


def query_estimate(queryset) -> int | None:
    """The planner's estimate of the rows `queryset` returns (PostgreSQL only)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Exact count for small tables and small results, PostgreSQL's estimate otherwise."""

    @cached_property
    def count(self):
        queryset = self.object_list
        model = getattr(queryset, "model", None)
        if model is None:
            return super().count
        table = table_estimate(model, using=queryset.db)
        if table is None or table < EXACT_COUNT_BELOW:
            return super().count
        if not queryset.query.where:
            return table
        estimate = query_estimate(queryset)
        if estimate is None or estimate < EXACT_COUNT_BELOW:
            return super().count
        return estimate
