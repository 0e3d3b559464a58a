"""Benchmark: the food stock pages with a year of ledger entries for every hub.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_foodhub \
        .venv/bin/python manage.py migrate
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_foodhub \
        .venv/bin/python bench/foodhub_stock.py [--hubs 20] [--days 365] [--keep]

Generates, for one logistics hub and N town hubs, a year of daily donations, distributions and
weekly transfers (lots and ledger entries written in bulk so that every lot still equals the sum
of its entries — the script checks it), then times the stock page, the dashboard, the ledger
check and the near-expiry query (median of several runs, with the query count). Everything runs
in one transaction that is rolled back at the end unless --keep is given.

Figures (2026-11-24, PostgreSQL 15 on the development container, 1 logistics + 20 town hubs,
365 days: 28,645 lots, 49,625 ledger entries; median of 5 runs):

    stock page (secretariat, all sites)          90 ms   10 queries
    stock page (hub operator, one site)          73 ms   10 queries
    stock by site and zone (selector)            39 ms    1 query
    dashboard (12 months)                       165 ms   12 queries
    monthly CSV                                  58 ms    7 queries
    ledger check (every lot vs its entries)     437 ms    1 query
    ledger CSV (49,625 rows, streamed)         1.35 s     8 queries
    near-expiry lots (all 12,952 of them)       708 ms    2 queries  (the generator never
                                                                     disposes of expired lots)
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kirin_pf.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from core import roles  # noqa: E402
from core.models import Municipality, User  # noqa: E402
from foodhub import selectors  # noqa: E402
from foodhub.models import (  # noqa: E402
    Distribution,
    Donation,
    Donor,
    FoodCategory,
    Item,
    LedgerEntry,
    LiabilityConsent,
    Lot,
    Recipient,
    Site,
    SiteOperator,
    Transfer,
    Zone,
)


class Rollback(Exception):
    pass


def generate(*, hubs: int, days: int, seed: int = 26) -> dict:
    rng = random.Random(seed)
    municipality = Municipality.objects.order_by("pk").first() or Municipality.objects.create(
        name="ベンチ市", prefecture="鳥取県"
    )
    user = User.objects.create(
        username="bench-foodhub", email="bench-foodhub@example.jp", is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.SECRETARIAT))
    category = FoodCategory.objects.create(name="ベンチ分類")
    items = [Item.objects.create(name=f"ベンチ品目{i:02d}", category=category) for i in range(40)]
    donor = Donor.objects.create(name="ベンチ提供者", kind=Donor.Kind.COMPANY)
    sites = [
        Site.objects.create(
            name="ベンチロジ拠点", kind=Site.Kind.LOGISTICS_HUB, municipality=municipality
        )
    ]
    sites += [
        Site.objects.create(
            name=f"ベンチハブ拠点{i:02d}", kind=Site.Kind.TOWN_HUB, municipality=municipality
        )
        for i in range(hubs)
    ]
    zones = {}
    for site in sites:
        for kind in Zone.Kind.values:
            zones[(site.pk, kind)] = Zone.objects.create(site=site, kind=kind, near_expiry_days=7)
    operator = User.objects.create(
        username="bench-operator", email="bench-op@example.jp", is_staff=True
    )
    operator.groups.add(Group.objects.get(name=roles.HUB_OPERATOR))
    SiteOperator.objects.create(site=sites[1], user=operator)
    recipients, consents = {}, {}
    for site in sites:
        recipients[site.pk] = Recipient.objects.create(
            kind=Recipient.Kind.CAFETERIA,
            name=f"{site.name}の地域食堂",
            site=site,
            municipality=municipality,
        )
        consents[site.pk] = LiabilityConsent.objects.create(
            recipient=recipients[site.pk], agreed_on=datetime.date(2020, 1, 1), recorded_by=user
        )

    start = datetime.date.today() - datetime.timedelta(days=days)
    lots, entries = [], []  # entries hold the lot's index until lots have pks
    stock = {site.pk: [] for site in sites}  # lot indexes with stock, per site

    def new_lot(site, day, kg, **source):
        item = rng.choice(items)
        zone = zones[(site.pk, rng.choice(Zone.Kind.values))]
        lots.append(
            Lot(
                site=site,
                zone=zone,
                item=item,
                date_kind="best_before",
                expiry_date=day + datetime.timedelta(days=rng.randint(5, 200)),
                kg=kg,
                quantity=int(kg),
                received_on=day,
                **source,
            )
        )
        stock[site.pk].append(len(lots) - 1)
        return len(lots) - 1

    def take(site, day, kind, **document):
        candidates = [i for i in stock[site.pk] if lots[i].kg > 0]
        if not candidates:
            return
        index = min(candidates, key=lambda i: lots[i].expiry_date)  # FEFO
        kg = min(lots[index].kg, Decimal(rng.randint(2, 15)))
        pieces = min(lots[index].quantity, int(kg))
        lots[index].kg -= kg
        lots[index].quantity -= pieces
        if lots[index].kg == 0:
            stock[site.pk].remove(index)
        entries.append(
            (
                index,
                LedgerEntry(
                    site=site,
                    kind=kind,
                    kg_delta=-kg,
                    quantity_delta=-pieces,
                    effective_on=day,
                    created_by=user,
                    **document,
                ),
            )
        )
        return index, kg, pieces

    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        for site in sites:
            per_day = 10 if site.kind == Site.Kind.LOGISTICS_HUB else 3
            donation = Donation.objects.create(
                donor=donor, site=site, received_on=day, created_by=user
            )
            for _ in range(per_day):
                kg = Decimal(rng.randint(5, 30))
                index = new_lot(site, day, kg, donation=donation)
                entries.append(
                    (
                        index,
                        LedgerEntry(
                            site=site,
                            kind="receipt",
                            kg_delta=kg,
                            quantity_delta=int(kg),
                            effective_on=day,
                            created_by=user,
                            donation=donation,
                        ),
                    )
                )
            distribution = Distribution.objects.create(
                site=site,
                recipient=recipients[site.pk],
                distributed_on=day,
                consent=consents[site.pk],
                created_by=user,
            )
            for _ in range(per_day - 1):
                take(site, day, "distribution", distribution=distribution)
        if day.weekday() == 1:  # weekly transfers to every town hub
            for town in sites[1:]:
                transfer = Transfer.objects.create(
                    from_site=sites[0],
                    to_site=town,
                    sent_on=day,
                    sent_by=user,
                    status="received",
                    received_on=day,
                    received_by=user,
                )
                for _ in range(3):
                    taken = take(sites[0], day, "transfer_out", transfer=transfer)
                    if taken:
                        _, kg, pieces = taken
                        index = new_lot(town, day, kg, transfer=transfer)
                        lots[index].quantity = pieces
                        entries.append(
                            (
                                index,
                                LedgerEntry(
                                    site=town,
                                    kind="transfer_in",
                                    kg_delta=kg,
                                    quantity_delta=pieces,
                                    effective_on=day,
                                    created_by=user,
                                    transfer=transfer,
                                ),
                            )
                        )
    Lot.objects.bulk_create(lots, batch_size=5000)
    for index, entry in entries:
        entry.lot = lots[index]
    LedgerEntry.objects.bulk_create([entry for _, entry in entries], batch_size=5000)
    return {
        "user": user,
        "operator": operator,
        "lots": len(lots),
        "entries": len(entries),
        "sites": len(sites),
    }


def timed(label, function, runs):
    samples, queries = [], 0
    for _ in range(runs):
        reset_queries()  # the generation filled DEBUG's query log
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            function()
            samples.append((time.perf_counter() - began) * 1000)
        queries = len(captured)
    print(
        f"  {label:<46} median {statistics.median(samples):8.1f} ms "
        f"(max {max(samples):8.1f} ms) {queries:3d} queries"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hubs", type=int, default=20, help="town hubs (plus one logistics hub)")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="commit the generated data")
    args = parser.parse_args()

    try:
        with transaction.atomic():
            began = time.perf_counter()
            data = generate(hubs=args.hubs, days=args.days)
            print(
                f"{connection.vendor}: {data['sites']} sites, {data['lots']:,} lots, "
                f"{data['entries']:,} ledger entries generated in "
                f"{time.perf_counter() - began:.1f} s"
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE foodhub_lot; ANALYZE foodhub_ledgerentry;")
            staff, operator = Client(), Client()
            staff.force_login(data["user"])
            operator.force_login(data["operator"])
            today = datetime.date.today()

            def page(client, name, query=""):
                def get():
                    response = client.get(reverse(name) + query)
                    assert response.status_code == 200, response.status_code
                    if response.streaming:
                        b"".join(response.streaming_content)

                return get

            timed("stock page (secretariat, all sites)", page(staff, "foodhub:stock"), args.runs)
            timed("stock page (hub operator, one site)", page(operator, "foodhub:stock"), args.runs)
            timed(
                "stock by site and zone (selector)",
                lambda: selectors.stock_by_site_zone(data["user"]),
                args.runs,
            )
            near = len(selectors.near_expiry_lots(data["user"], today=today))
            print(f"  ({near:,} lots in stock are within their zone's warning days or past)")
            timed(
                "near-expiry lots (selector, all of them)",
                lambda: list(selectors.near_expiry_lots(data["user"], today=today)),
                args.runs,
            )
            timed("dashboard (12 months)", page(staff, "foodhub:dashboard"), args.runs)
            timed("ledger check (every lot vs its entries)", selectors.ledger_mismatches, 1)
            timed("monthly CSV", page(staff, "foodhub:monthly-csv"), args.runs)
            timed("ledger CSV (a year, streamed)", page(staff, "foodhub:ledger-csv"), 1)
            mismatches = selectors.ledger_mismatches()
            print(
                f"  ledger and stock {'agree' if not mismatches else 'DISAGREE'} "
                f"({len(mismatches)} mismatching lots)"
            )
            if not args.keep:
                raise Rollback
    except Rollback:
        print("rolled back (use --keep to commit the generated data)")


if __name__ == "__main__":
    main()
