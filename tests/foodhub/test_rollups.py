"""The monthly ledger roll-up: kept by every movement, equal to the ledger, read by the dashboard
and the reports' figures, and never losing an update when two operators record at once."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum

from foodhub import selectors, services
from foodhub.models import LedgerEntry, LedgerMonth
from foodhub.services.rollups import rollup_differences
from tests.conftest import requires_postgres

from .factories import (
    DonorFactory,
    ItemFactory,
    RecipientFactory,
    consented,
    receive,
    secretariat,
    site_with_zones,
)

pytestmark = pytest.mark.django_db


def _day(month, day):
    return datetime.date(2026, month, day)


NOV_3 = _day(11, 3)


@pytest.fixture
def staff():
    return secretariat()


def _movements(staff):
    """Every kind of ledger entry over two months and two sites."""
    hub, town = site_with_zones(name="ハブ拠点"), site_with_zones(name="町拠点")
    rice, milk = ItemFactory(name="米"), ItemFactory(name="牛乳")
    company = DonorFactory(kind="company")
    rice_lot = receive(
        hub, rice, 30, actor=staff, expiry=_day(12, 31), received_on=_day(10, 30), donor=company
    )
    milk_lot = receive(
        hub,
        milk,
        12,
        actor=staff,
        expiry=_day(12, 31),
        received_on=NOV_3,
        donor=DonorFactory(kind="coop"),
    )
    cafeteria = consented(RecipientFactory(site=hub, kind="cafeteria"), actor=staff)
    for day, kg in ((_day(10, 31), 4), (_day(11, 5), 3), (_day(11, 20), 2)):
        services.distribution_create(
            site=hub,
            recipient=cafeteria,
            distributed_on=day,
            requests=[services.PickRequest(item=rice, kg=Decimal(kg))],
            actor=staff,
        )
    services.disposal_record(
        site=hub,
        disposed_on=_day(11, 6),
        reason="damaged",
        amounts=[services.LotAmount(milk_lot, Decimal(2))],
        actor=staff,
        note="袋破れ",
    )
    transfer = services.transfer_send(
        from_site=hub,
        to_site=town,
        sent_on=_day(11, 10),
        requests=[services.PickRequest(item=rice, kg=Decimal(5))],
        actor=staff,
    )
    services.transfer_receive(transfer=transfer, received_on=_day(11, 11), received={}, actor=staff)
    rice_lot.refresh_from_db()
    services.stocktake_record(
        site=hub,
        counted_on=_day(11, 25),
        counts=[
            services.StockCount(
                lot=rice_lot,
                counted_kg=rice_lot.kg - Decimal("0.5"),
                counted_quantity=rice_lot.quantity,
                reason="計量誤差",
            )
        ],
        actor=staff,
    )
    return hub, town


def test_every_movement_adds_to_its_month_and_the_check_agrees(staff):
    _movements(staff)

    assert rollup_differences() == []
    call_command("foodhub_check_rollups")
    rows = {
        (r.site.name, r.month, r.kind, r.donor_kind, r.recipient_kind, r.disposal_reason): (
            r.kg,
            r.entries,
        )
        for r in LedgerMonth.objects.select_related("site")
    }
    assert rows[("ハブ拠点", _day(10, 1), "receipt", "company", "", "")] == (Decimal(30), 1)
    assert rows[("ハブ拠点", _day(10, 1), "distribution", "", "cafeteria", "")] == (
        Decimal(-4),
        1,
    )
    assert rows[("ハブ拠点", _day(11, 1), "distribution", "", "cafeteria", "")] == (
        Decimal(-5),
        2,
    )
    assert rows[("ハブ拠点", _day(11, 1), "disposal", "", "", "damaged")] == (Decimal(-2), 1)
    assert rows[("ハブ拠点", _day(11, 1), "transfer_out", "", "", "")] == (Decimal(-5), 1)
    assert rows[("町拠点", _day(11, 1), "transfer_in", "", "", "")] == (Decimal(5), 1)
    assert rows[("ハブ拠点", _day(11, 1), "adjustment", "", "", "")] == (Decimal("-0.5"), 1)
    # The roll-up sums to the ledger, month by month.
    assert (
        sum(r.kg for r in LedgerMonth.objects.all())
        == LedgerEntry.objects.aggregate(kg=Sum("kg_delta"))["kg"]
    )


def test_the_check_fails_on_a_roll_up_that_drifted_and_rebuild_recomputes_it(staff):
    _movements(staff)
    LedgerMonth.objects.filter(kind="receipt").update(kg=Decimal("1"))  # two rows
    LedgerMonth.objects.filter(kind="disposal").delete()

    with pytest.raises(CommandError, match="3 roll-up row"):
        call_command("foodhub_check_rollups")

    call_command("foodhub_check_rollups", "--rebuild")
    assert rollup_differences() == []


def _from_ledger(start, end, *, by):
    """The same sums straight from the ledger, as the selectors computed them before."""
    entries = LedgerEntry.objects.filter(effective_on__gte=start)
    if end:
        entries = entries.filter(effective_on__lte=end)
    totals = {}
    for entry in entries.select_related("site", "donation__donor", "distribution__recipient"):
        values = {
            "month": entry.effective_on.replace(day=1),
            "site__name": entry.site.name,
            "kind": entry.kind,
            "donation__donor__kind": entry.donation.donor.kind if entry.donation else "",
            "distribution__recipient__kind": (
                entry.distribution.recipient.kind if entry.distribution else ""
            ),
        }
        key = tuple(values[k] for k in by)
        totals[key] = totals.get(key, Decimal(0)) + entry.kg_delta
    return totals


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (_day(10, 1), _day(11, 30)),  # whole months: the roll-up only
        (
            _day(10, 31),
            None,
        ),  # a dashboard's ?since= in mid-month: that month's days from the ledger
        (_day(10, 15), _day(11, 10)),  # partial months at both ends
        (_day(11, 4), _day(11, 19)),  # within one month
    ],
)
def test_sums_over_any_period_equal_the_ledger(staff, start, end):
    _movements(staff)
    for by in (("month", "site__name", "kind"), ("site__name", "donation__donor__kind")):
        sums = selectors.ledger_sums(by=by, start=start, end=end)
        assert {tuple(r[k] for k in by): r["kg"] for r in sums} == _from_ledger(start, end, by=by)


def test_the_dashboard_and_the_report_figures_read_the_roll_up(staff, django_assert_num_queries):
    _movements(staff)

    flows = selectors.food_flows_between(_day(11, 1), _day(11, 30))
    assert flows["received"] == {("ハブ拠点", "coop"): Decimal(12)}
    assert flows["distributed"] == {("ハブ拠点", "cafeteria"): Decimal(5)}
    assert flows["disposed"] == {"damaged": Decimal(2)}
    assert selectors.food_monthly_in_out(_day(10, 1), _day(11, 30)) == {
        _day(10, 1): {"received": Decimal(30), "distributed": Decimal(4)},
        _day(11, 1): {"received": Decimal(12), "distributed": Decimal(5), "disposed": Decimal(2)},
    }
    # The stock at the end of October: the stock now less November's movements.
    stock = selectors.stock_on(_day(10, 31))
    assert sum(stock.values()) == Decimal(26)
    # The dashboard's stock per zone, from the roll-up, equals the lots' running totals.
    by_lots = {row["zone_id"]: row["kg"] for row in selectors.stock_by_site_zone(staff)}
    assert {row["zone_id"]: row["kg"] for row in selectors.stock_kg_by_zone(staff)} == by_lots
    figures = selectors.dashboard_figures(staff, since=_day(10, 1), today=_day(12, 4))
    assert figures["distributed_kg"] == Decimal(9)
    assert figures["disposed_kg"] == Decimal(2)
    # Whole months: one query per figure, none of them on the ledger.
    with django_assert_num_queries(1) as captured:
        selectors.monthly_rows(staff, since=_day(10, 1))
    assert "foodhub_ledgerentry" not in captured.captured_queries[0]["sql"]


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_operators_receiving_at_the_same_site_in_the_same_month_both_count():
    hub = site_with_zones()
    staff = secretariat()
    item = ItemFactory(name="米")
    donor = DonorFactory(kind="company")
    start = threading.Barrier(4)
    errors = []

    def record(kg):
        try:
            start.wait()
            for _ in range(5):
                receive(
                    hub, item, kg, actor=staff, expiry=_day(12, 31), received_on=NOV_3, donor=donor
                )
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(kg,)) for kg in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    row = LedgerMonth.objects.get(site=hub, kind="receipt")
    assert (row.kg, row.entries) == (Decimal(50), 20)
    assert rollup_differences() == []
