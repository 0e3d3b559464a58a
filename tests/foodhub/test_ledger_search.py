"""The ledger's admin search: entries of the items whose name holds the word (folded: katakana
finds an item kept in hiragana), and entries whose reason holds it — a word matching every item
or no item at all, and a two-character word, alike. On PostgreSQL the plans are read: a word
matching no item reads only the entries that have a reason, by their own index."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from foodhub import services
from foodhub.models import LedgerEntry
from tests.conftest import requires_postgres

from .factories import ItemFactory, receive, secretariat, site_with_zones

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 2)


@pytest.fixture
def ledger(client):
    staff = secretariat()
    client.force_login(staff)
    hub = site_with_zones(name="ハブ拠点")
    expiry = datetime.date(2027, 1, 1)
    rice = receive(hub, ItemFactory(name="こめ袋"), 10, actor=staff, expiry=expiry)
    receive(hub, ItemFactory(name="牛乳パック"), 5, actor=staff, expiry=expiry)
    services.stocktake_record(
        site=hub,
        counted_on=DAY,
        counts=[
            services.StockCount(
                lot=rice, counted_kg=Decimal("9.5"), counted_quantity=rice.quantity,
                reason="計量誤差（袋破れ）",
            )
        ],
        actor=staff,
    )  # fmt: skip
    return staff


def _found(client, term):
    page = client.get(reverse("admin:foodhub_ledgerentry_changelist"), {"q": term})
    assert page.status_code == 200
    return sorted((entry.kind, entry.lot.item.name) for entry in page.context["cl"].result_list)


def test_entries_are_found_by_item_folded_by_reason_and_by_two_characters(client, ledger):
    assert _found(client, "コメ袋") == [("adjustment", "こめ袋"), ("receipt", "こめ袋")]
    assert _found(client, "ﾊﾟｯｸ") == [("receipt", "牛乳パック")]
    assert _found(client, "誤差") == [("adjustment", "こめ袋")]  # matches no item: reasons
    assert _found(client, "袋破れ") == [("adjustment", "こめ袋")]
    assert _found(client, "ぱっく 牛乳") == [("receipt", "牛乳パック")]  # every word must match
    assert _found(client, "存在しない") == []


def test_a_word_in_every_item_finds_every_entry(client, ledger):
    ItemFactory(name="袋菓子")  # no stock: matches, finds nothing more
    assert len(_found(client, "パッ")) == 1
    assert len(_found(client, "こめ")) == 2


@requires_postgres()
@pytest.mark.postgres
def test_a_word_matching_no_item_reads_only_the_entries_with_a_reason(rf, ledger):
    from django.contrib import admin

    request = rf.get("/", {"q": "誤差"})
    request.user = ledger
    model_admin = admin.site._registry[LedgerEntry]
    results, _ = model_admin.get_search_results(request, LedgerEntry.objects.all(), "誤差")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = results.order_by("-effective_on", "-pk")[:100].explain()

    assert "foodhub_ledger_with_reason" in plan, plan
    assert "Seq Scan on foodhub_ledgerentry" not in plan, plan
