"""Admin changelists, the staff lists, the ledger and its exports issue the same number of
queries for 10 rows as for 200."""

import datetime
import re
from decimal import Decimal
from itertools import count

import pytest
from django.urls import reverse

from core.models import ExportLog
from foodhub import services
from foodhub.models import (
    Disposal,
    Distribution,
    Donation,
    LiabilityConsent,
    Stocktake,
    Transfer,
    Zone,
)
from foodhub.resources import LedgerEntryResource
from tests.conftest import assert_constant_queries, response_bytes

from .factories import (
    DonorFactory,
    ItemFactory,
    RecipientFactory,
    operator_of,
    secretariat,
    site_with_zones,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 2)
_serial = count()


@pytest.fixture
def world():
    staff = secretariat()
    hub = site_with_zones(name="ハブ拠点 八頭町")
    other = site_with_zones(name="ハブ拠点 香美町")
    return {
        "staff": staff,
        "hub": hub,
        "other": other,
        "donor": DonorFactory(),
        "recipient": RecipientFactory(site=hub),
    }


def _receive_lines(world, n):
    """n lots and n receipt entries at the hub, through the service, each with its own item."""
    hub = world["hub"]
    services.donation_receive(
        donor=world["donor"],
        site=hub,
        received_on=DAY,
        actor=world["staff"],
        lines=[
            services.ReceiptLine(
                ItemFactory(),
                hub.zones.get(kind=Zone.Kind.AMBIENT),
                Decimal(5),
                5,
                "best_before",
                datetime.date(2027, 1, 1) + datetime.timedelta(days=next(_serial)),
            )
            for _ in range(n)
        ],
    )


def _sites(world, n):
    for _ in range(n):
        site_with_zones()


def _zones(world, n):
    for _ in range(n // 3 + 1):
        site_with_zones()


def _items(world, n):
    ItemFactory.create_batch(n)


def _donors(world, n):
    DonorFactory.create_batch(n)


def _recipients(world, n):
    RecipientFactory.create_batch(n, site=world["hub"])


def _consents(world, n):
    LiabilityConsent.objects.bulk_create(
        LiabilityConsent(
            recipient=RecipientFactory(site=world["hub"]), agreed_on=DAY, recorded_by=world["staff"]
        )
        for _ in range(n)
    )


def _donations(world, n):
    Donation.objects.bulk_create(
        Donation(
            donor=world["donor"], site=world["hub"], received_on=DAY, created_by=world["staff"]
        )
        for _ in range(n)
    )


def _transfers(world, n):
    Transfer.objects.bulk_create(
        Transfer(
            from_site=world["hub"], to_site=world["other"], sent_on=DAY, sent_by=world["staff"]
        )
        for _ in range(n)
    )


def _distributions(world, n):
    consent, _ = LiabilityConsent.objects.get_or_create(
        recipient=world["recipient"], agreed_on=DAY, defaults={"recorded_by": world["staff"]}
    )
    Distribution.objects.bulk_create(
        Distribution(
            site=world["hub"],
            recipient=world["recipient"],
            distributed_on=DAY,
            consent=consent,
            created_by=world["staff"],
        )
        for _ in range(n)
    )


def _disposals(world, n):
    Disposal.objects.bulk_create(
        Disposal(site=world["hub"], disposed_on=DAY, reason="damaged", created_by=world["staff"])
        for _ in range(n)
    )


def _stocktakes(world, n):
    Stocktake.objects.bulk_create(
        Stocktake(site=world["hub"], counted_on=DAY, created_by=world["staff"]) for _ in range(n)
    )


ADMIN_PAGES = [
    ("admin:foodhub_site_changelist", _sites),
    ("admin:foodhub_zone_changelist", _zones),
    ("admin:foodhub_item_changelist", _items),
    ("admin:foodhub_donor_changelist", _donors),
    ("admin:foodhub_recipient_changelist", _recipients),
    ("admin:foodhub_liabilityconsent_changelist", _consents),
    ("admin:foodhub_lot_changelist", _receive_lines),
    ("admin:foodhub_ledgerentry_changelist", _receive_lines),
    ("admin:foodhub_donation_changelist", _donations),
    ("admin:foodhub_transfer_changelist", _transfers),
    ("admin:foodhub_distribution_changelist", _distributions),
    ("admin:foodhub_disposal_changelist", _disposals),
    ("admin:foodhub_stocktake_changelist", _stocktakes),
]


def _same_count(client, url, world, make_rows, *, stream=False):
    def fetch():
        response = client.get(url)
        assert response.status_code == 200
        if stream:
            b"".join(response.streaming_content)

    assert_constant_queries(fetch, lambda n: make_rows(world, n))


@pytest.mark.parametrize(("url_name", "make_rows"), ADMIN_PAGES)
def test_admin_changelists_do_not_grow_with_rows(client, world, url_name, make_rows):
    client.force_login(world["staff"])
    _same_count(client, reverse(url_name) + "?all=", world, make_rows)


def test_a_hub_operators_lot_changelist_does_not_grow_with_rows(client, world):
    client.force_login(operator_of(world["hub"]))
    _same_count(client, reverse("admin:foodhub_lot_changelist") + "?all=", world, _receive_lines)


@pytest.mark.parametrize(
    "url_name",
    ["foodhub:stock", "foodhub:dashboard", "foodhub:recipient-list"],
)
def test_staff_pages_do_not_grow_with_rows(client, world, url_name):
    client.force_login(world["staff"])
    make = _recipients if url_name == "foodhub:recipient-list" else _receive_lines
    _same_count(client, reverse(url_name) + "?since=2026-01-01", world, make)


@pytest.mark.parametrize("url_name", ["foodhub:ledger-csv", "foodhub:monthly-csv"])
def test_ledger_exports_do_not_grow_with_rows(client, world, url_name):
    client.force_login(world["staff"])
    _same_count(client, reverse(url_name) + "?since=2026-01-01", world, _receive_lines, stream=True)


def test_the_admin_ledger_export_does_not_grow_with_rows(client, world):
    client.force_login(world["staff"])
    url = reverse("admin:foodhub_ledgerentry_export")
    fields = {f"ledgerentryresource_{name}": "on" for name in LedgerEntryResource._meta.fields}

    def export():
        response = client.post(url, {"format": "0", "resource": "0", **fields})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        response_bytes(response)  # streamed: the rows are read (and the export logged) here

    assert_constant_queries(export, lambda n: _receive_lines(world, n))
    assert ExportLog.objects.filter(model_label="foodhub.LedgerEntry").count() == 2


@pytest.mark.parametrize("url_name", ["foodhub:distribution-create", "foodhub:transfer-create"])
def test_the_picking_pages_do_not_grow_with_the_lots_in_stock(client, world, url_name):
    """Each pick line takes a lot number, not a list of every lot in stock."""
    client.force_login(world["staff"])
    url = reverse(url_name)
    item, hub = ItemFactory(), world["hub"]

    def add_lots(n):
        services.donation_receive(
            donor=world["donor"],
            site=hub,
            received_on=DAY,
            actor=world["staff"],
            lines=[  # more lots, not more items (the item list is the catalogue)
                services.ReceiptLine(
                    item,
                    hub.zones.get(kind=Zone.Kind.AMBIENT),
                    Decimal(5),
                    5,
                    "best_before",
                    datetime.date(2027, 1, 1) + datetime.timedelta(days=next(_serial)),
                )
                for _ in range(n)
            ],
        )

    first, last = assert_constant_queries(lambda: client.get(url), add_lots)

    # The page's only varying parts: the idempotency token and the CSRF token (fixed length),
    # and the stock mark (the newest ledger entry's number, which grows with the ledger).
    def without_mark(response):
        return re.sub(rb'name="stock_seen" value="\d+"', b"", response.content)

    assert len(without_mark(first)) == len(without_mark(last))


def test_the_disposal_page_does_not_grow_with_the_lots_in_stock(client, world):
    client.force_login(world["staff"])
    url = reverse("foodhub:disposal-create")

    first, last = assert_constant_queries(
        lambda: client.get(url), lambda n: _receive_lines(world, n)
    )
    assert len(first.content) == len(last.content)
