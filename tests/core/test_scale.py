"""Issue 13 (scale) on PostgreSQL: the hot queries can use an index, and the scale bench runs.

The plans are read with sequential scans discouraged (`enable_seqscan = off`): on a tiny test
database the planner would scan anyway, but a query that no index can serve still shows a
`Seq Scan` on its table — which is what a later change must not bring back.
"""

import datetime
import io
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum

from foodhub.models import Item, LedgerEntry, LedgerMonth, Lot
from members.models import Organisation
from supporters.models import Attendance, Supporter, SupporterMonth
from tests.conftest import requires_postgres

pytestmark = [requires_postgres(), pytest.mark.postgres, pytest.mark.django_db]


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.parametrize(
    ("queryset", "table", "index"),
    [
        # Orderings of the big changelists (default ordering, with the admin's total order).
        (
            lambda: Organisation.objects.order_by("name_kana", "name", "-id")[:100],
            "members_organisation",
            "organisation_kana_order",
        ),
        (
            lambda: Supporter.objects.order_by("full_name_kana", "id")[:100],
            "supporters_supporter",
            "supporter_kana_order",
        ),
        (
            lambda: Attendance.objects.order_by("-session_id", "-supporter_id")[:100],
            "supporters_attendance",
            "attendance_once_per_session",
        ),
        (
            lambda: Lot.objects.filter(kg__gt=0).order_by("expiry_date", "pk")[:100],
            "foodhub_lot",
            # (either in-stock partial index serves it, depending on the table's size)
            ("foodhub_lot_in_stock_expiry", "foodhub_lot_in_stock_fefo"),
        ),
        (
            lambda: LedgerEntry.objects.order_by("-created_at", "-pk")[:100],
            "foodhub_ledgerentry",
            "created_at",
        ),
        # The ledger list and CSV, newest first: the first rows without a sort.
        (
            lambda: LedgerEntry.objects.order_by("-effective_on", "-pk")[:100],
            "foodhub_ledgerentry",
            "foodhub_ledger_newest",
        ),
        # The dashboard's and reports' food figures: months of the roll-up, not the ledger.
        (
            lambda: (
                LedgerMonth.objects.filter(month__gte=datetime.date(2026, 4, 1))
                .values("site_id", "kind")
                .annotate(n=Sum("kg"))
            ),
            "foodhub_ledgermonth",
            "foodhub_ledgermonth_month",
        ),
        (
            lambda: (
                SupporterMonth.objects.filter(status__in=["active", "paused"])
                .values("district_id")
                .annotate(n=Sum("supporters"))
            ),
            "supporters_supportermonth",
            # (either index serves it; which one the planner takes depends on the table's size)
            ("supporters_month_key", "supporters_supportermonth_district_id"),
        ),
        # Folded searches (FoldedSearchMixin: LIKE on the folded column) by trigram indexes.
        (
            lambda: Supporter.objects.filter(search_text__contains="さとう"),
            "supporters_supporter",
            "supporter_search_trgm",
        ),
        (
            lambda: Organisation.objects.filter(search_text__contains="ちいき"),
            "members_organisation",
            "organisation_search_trgm",
        ),
        (
            lambda: Organisation.objects.filter(staff_search_text__contains="ちいき"),
            "members_organisation",
            "organisation_staff_search_trgm",
        ),
        (
            lambda: Item.objects.filter(search_text__contains="ぱふ品目"),
            "foodhub_item",
            "foodhub_item_search_trgm",
        ),
        (
            # (a trigram index needs three characters: a two-character term scans)
            lambda: LedgerEntry.objects.filter(reason__contains="計量差"),
            "foodhub_ledgerentry",
            "foodhub_ledger_reason_trgm",
        ),
        # The import's duplicate check (a batch of folded names, exact).
        (
            lambda: Organisation.objects.filter(name_key__in=["ちいき", "ふくし"]),
            "members_organisation",
            "organisation_name_key",
        ),
        # The stock of one site: its lots in stock, by the in-stock partial index.
        (
            lambda: Lot.objects.filter(site_id=1, kg__gt=0).values("zone_id"),
            "foodhub_lot",
            "foodhub_lot_in_stock_fefo",
        ),
    ],
)
def test_hot_queries_use_an_index(queryset, table, index):
    plan = _plan(queryset())

    assert f"Seq Scan on {table}" not in plan, plan
    indexes = (index,) if isinstance(index, str) else index
    assert any(name in plan for name in indexes), plan


def test_the_scale_bench_runs_at_a_tiny_scale():
    """The bench of issue 13 (bench/scale.py) at --scale 0.002, every measurement once, so
    that it cannot rot; its figures here mean nothing."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import scale

    sizes = scale.generate(0.002, out=io.StringIO())
    results = scale.measure(runs=1, import_rows=(5,))

    assert sizes["ledger"] == LedgerEntry.objects.count() == 4 * Lot.objects.count()
    assert results["ledger CSV (view)"]["rows"] == results["ledger COPY TO STDOUT"]["rows"] > 0
    for label, value in results.items():
        if not label.startswith("_"):
            assert value["ms"] > 0, label
    table = scale._format_table(results, results, "tiny")
    assert "ledger changelist" in table
