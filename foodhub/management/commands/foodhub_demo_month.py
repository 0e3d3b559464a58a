"""Run a month in the life of the hubs through the services, checking the ledger every day.

    manage.py load_demo_data --demo-user
    manage.py foodhub_demo_month              # last month
    manage.py foodhub_demo_month --month 2026-10 --actor demo

Donations arrive at the logistics hub every weekday, transfers go to the town hubs twice a week
and are received the next day, the hubs hand food out to their recipients, one lot is disposed
of and the month ends with a stocktake. Every document has a deterministic idempotency key, and a
month that already has stock movements is left alone, so running it again records nothing.
"""

import calendar
import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import User
from foodhub import services
from foodhub.models import (
    DateKind,
    Disposal,
    Donor,
    Item,
    LedgerEntry,
    Lot,
    Recipient,
    Site,
    Transfer,
)
from foodhub.selectors import ledger_mismatches, ledger_totals

NAMESPACE = uuid.UUID("6f0e0f7e-4a39-4d55-9a4c-2b8f2f3c1f00")

# item name → (kg per delivery, pieces, date kind, days until the date)
DELIVERIES = {
    "米（5kg袋）": (Decimal("50"), 10, DateKind.BEST_BEFORE, 240),
    "レトルトカレー": (Decimal("12"), 60, DateKind.BEST_BEFORE, 365),
    "カップ麺": (Decimal("8"), 80, DateKind.BEST_BEFORE, 120),
    "牛乳（1L）": (Decimal("20"), 20, DateKind.USE_BY, 8),
    "冷凍うどん": (Decimal("15"), 60, DateKind.BEST_BEFORE, 180),
    "野菜ジュース": (Decimal("18"), 90, DateKind.BEST_BEFORE, 200),
}


def key(*parts) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


class Command(BaseCommand):
    help = "Run a month of donations, transfers, distributions, a disposal and a stocktake."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--actor", default="demo", help="username recording the month")

    def handle(self, *args, month=None, actor="demo", **options):
        today = timezone.localdate()
        if month:
            first = datetime.date.fromisoformat(f"{month}-01")
        else:
            first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        if last >= today:
            raise CommandError("Choose a month that has ended.")
        self.actor = User.objects.filter(username=actor).first()
        if self.actor is None:
            raise CommandError(
                f"No user {actor!r}: run `manage.py load_demo_data --demo-user` first."
            )
        try:
            self.logistics = Site.objects.get(kind=Site.Kind.LOGISTICS_HUB)
        except Site.DoesNotExist as exc:
            raise CommandError("Run `manage.py load_demo_data` first.") from exc
        self.towns = list(Site.objects.filter(kind=Site.Kind.TOWN_HUB).order_by("name"))
        self.items = {item.name: item for item in Item.objects.filter(name__in=DELIVERIES)}
        self.donors = list(Donor.objects.order_by("pk"))
        if len(self.items) != len(DELIVERIES) or not self.donors or not self.towns:
            raise CommandError("Run `manage.py load_demo_data` first.")

        if LedgerEntry.objects.filter(effective_on__range=(first, last)).exists():
            # Replaying days against today's stock would not reproduce the same month.
            self._check(last)
            self.stdout.write(f"{first:%Y-%m} already has stock movements; nothing recorded.")
            return

        recipients = list(Recipient.objects.select_related("site").order_by("pk"))
        without_consent = next(
            (
                r
                for r in recipients
                if r.kind == Recipient.Kind.CAFETERIA and r.site in self.towns[-1:]
            ),
            None,
        )
        for recipient in recipients:
            if recipient != without_consent and not recipient.consents.exists():
                services.consent_record(recipient=recipient, agreed_on=first, actor=self.actor)

        day = first
        while day <= last:
            self._day(day, recipients, without_consent)
            self._check(day)
            day += datetime.timedelta(days=1)
        self._month_end(last)
        self._check(last)
        totals = ledger_totals()
        self.stdout.write(
            self.style.SUCCESS(
                f"{first:%Y-%m}: ledger and stock agree every day "
                f"({totals['stock_kg']:.2f} kg in stock = "
                f"{totals['ledger_kg']:.2f} kg in the ledger)."
            )
        )

    def _check(self, day):
        if mismatches := ledger_mismatches():
            raise CommandError(f"{day}: {len(mismatches)} lots disagree with the ledger.")

    def _day(self, day, recipients, without_consent):
        if day.weekday() < 5:  # donations on weekdays
            names = list(DELIVERIES)
            lines = []
            for n in range(3):
                name = names[(day.day + n) % len(names)]
                kg, pieces, date_kind, days = DELIVERIES[name]
                item = self.items[name]
                lines.append(
                    services.ReceiptLine(
                        item=item,
                        zone=self.logistics.zones.get(kind=item.default_zone_kind),
                        kg=kg,
                        quantity=pieces,
                        date_kind=date_kind,
                        expiry_date=day + datetime.timedelta(days=days),
                    )
                )
            services.donation_receive(
                donor=self.donors[day.day % len(self.donors)],
                site=self.logistics,
                received_on=day,
                lines=lines,
                actor=self.actor,
                idempotency_key=key("donation", day),
            )
        for transfer in Transfer.objects.filter(
            status=Transfer.Status.IN_TRANSIT, sent_on__lt=day
        ).select_related("to_site"):
            services.transfer_receive(
                transfer=transfer, received_on=day, received={}, actor=self.actor
            )
        if day.weekday() in (1, 4):  # Tuesday and Friday: a transfer to a town hub
            town = self.towns[(day.day // 3) % len(self.towns)]
            requests = [
                services.PickRequest(item=self.items[name], kg=amount)
                for name, amount in (
                    ("米（5kg袋）", Decimal(20)),
                    ("レトルトカレー", Decimal(6)),
                    ("牛乳（1L）", Decimal(10)),
                )
                if self._available(self.logistics, self.items[name], day) >= amount
            ]
            if requests:
                services.transfer_send(
                    from_site=self.logistics,
                    to_site=town,
                    sent_on=day,
                    requests=requests,
                    actor=self.actor,
                    idempotency_key=key("transfer", day),
                )
        if day.weekday() in (2, 5):  # Wednesday and Saturday: hand out food
            for recipient in recipients:
                requests = [
                    services.PickRequest(item=self.items[name], kg=amount)
                    for name, amount in (("米（5kg袋）", Decimal(10)), ("牛乳（1L）", Decimal(4)))
                    if self._available(recipient.site, self.items[name], day) >= amount
                ]
                if not requests:
                    continue
                try:
                    services.distribution_create(
                        site=recipient.site,
                        recipient=recipient,
                        distributed_on=day,
                        requests=requests,
                        actor=self.actor,
                        idempotency_key=key("distribution", day, recipient.pk),
                    )
                except ValidationError as exc:
                    if recipient != without_consent:
                        raise
                    self.stdout.write(f"{day} {recipient}: refused — {' '.join(exc.messages)}")

    def _available(self, site, item, day):
        return sum(
            lot.kg
            for lot in Lot.objects.filter(site=site, item=item, kg__gt=0)
            if not services.use_by_passed(lot, day)
        )

    def _month_end(self, last):
        for site in [self.logistics, *self.towns]:  # food past its use-by date goes out
            expired = Lot.objects.filter(
                site=site, kg__gt=0, date_kind=DateKind.USE_BY, expiry_date__lt=last
            ).order_by("expiry_date", "pk")
            amounts = [
                services.LotAmount(lot=lot, kg=lot.kg, quantity=lot.quantity) for lot in expired
            ]
            if amounts:
                services.disposal_record(
                    site=site,
                    disposed_on=last,
                    reason=Disposal.Reason.EXPIRED,
                    amounts=amounts,
                    actor=self.actor,
                    idempotency_key=key("disposal", last, site.pk),
                )
        zone = self.logistics.zones.get(kind="ambient")
        lots = list(Lot.objects.filter(zone=zone, kg__gt=0).order_by("pk"))
        counts = [
            services.StockCount(lot=lot, counted_kg=lot.kg, counted_quantity=lot.quantity)
            for lot in lots
        ]
        if counts:
            first = counts[0]
            first.counted_kg = max(first.counted_kg - Decimal("0.4"), Decimal(0))
            first.reason = "計量誤差（袋の破れ）"
            services.stocktake_record(
                site=self.logistics,
                counted_on=last,
                counts=counts,
                actor=self.actor,
                idempotency_key=key("stocktake", last),
            )
