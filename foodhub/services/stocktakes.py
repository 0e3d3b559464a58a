"""Stock counts: every difference from the books becomes an adjustment with its reason."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..models import (
    LedgerEntry,
    Lot,
    Stocktake,
    StocktakeLine,
)
from .rollups import write_entries
from .stock import (
    StockCount,
    _check_lot_on,
    _create_once,
    _existing,
    _lock_lots,
    _not_in_future,
    require_operable,
)


@dataclass
class CountDifference:
    """A counted lot beside its books, for the confirmation step of a blind count."""

    count: StockCount
    lot: Lot
    kg: Decimal  # counted minus recorded
    quantity: int

    @property
    def differs(self) -> bool:
        return self.kg != 0 or self.quantity != 0


def stocktake_differences(counts: list[StockCount]) -> list[CountDifference]:
    """What a blind count differs from the books by, once every lot is counted (read only: the
    recording checks the lots again under their locks)."""
    lots = Lot.objects.select_related("item").in_bulk([c.lot.pk for c in counts])
    return [
        CountDifference(
            count=count,
            lot=lots[count.lot.pk],
            kg=count.counted_kg - lots[count.lot.pk].kg,
            quantity=count.counted_quantity - lots[count.lot.pk].quantity,
        )
        for count in counts
    ]


def _stale_message(lot):
    return _(
        "%(lot)s: the stock changed after the count sheet was opened (now "
        "%(kg)s kg, %(n)s pieces). Open the sheet again and count this lot again."
    ) % {"lot": lot, "kg": lot.kg, "n": lot.quantity}


def _check_counts(counts) -> None:
    if not counts:
        raise ValidationError(_("Count at least one lot."))
    if len({count.lot.pk for count in counts}) != len(counts):
        raise ValidationError(_("Each lot can be counted only once in a stocktake."))
    for count in counts:
        if (
            count.counted_kg is None
            or count.counted_kg < 0
            or count.counted_quantity is None
            or count.counted_quantity < 0
        ):
            raise ValidationError(_("%(lot)s: counts cannot be negative.") % {"lot": count.lot})


def _moved_since(lot_pks, stock_seen) -> set[int]:
    """The lots with a ledger entry after the mark (none without a mark). Caller holds the
    lot locks."""
    if stock_seen is None:
        return set()
    return set(
        LedgerEntry.objects.filter(lot_id__in=lot_pks, pk__gt=stock_seen).values_list(
            "lot_id", flat=True
        )
    )


def stocktake_record(
    *,
    site,
    counted_on,
    counts: list[StockCount],
    actor,
    note="",
    idempotency_key=None,
    stock_seen=None,
) -> Stocktake:
    """Record a count; every difference from the books becomes an adjustment entry with its
    reason (a difference without a reason is refused). `stock_seen` is the `stock_mark()` taken
    when the (blind) count sheet was opened: a lot that moved since then is refused as stale."""
    if existing := _existing(Stocktake, idempotency_key):
        return existing
    require_operable(site=site, actor=actor)
    _not_in_future(counted_on, "counted_on")
    _check_counts(counts)

    with transaction.atomic():
        stocktake, created = _create_once(
            Stocktake,
            code="foodhub.stocktake.recorded",
            actor=actor,
            idempotency_key=idempotency_key,
            site=site,
            counted_on=counted_on,
            note=note,
            created_by=actor,
        )
        if not created:
            return stocktake
        locked = _lock_lots(c.lot.pk for c in counts)
        moved = _moved_since(locked, stock_seen)
        lines, entries, errors = [], [], []
        for count in counts:
            lot = locked[count.lot.pk]
            _check_lot_on(lot, site=site, on_date=counted_on)
            if (
                lot.pk in moved
                or (count.recorded_kg is not None and count.recorded_kg != lot.kg)
                or (count.recorded_quantity is not None and count.recorded_quantity != lot.quantity)
            ):
                errors.append(_stale_message(lot))
                continue
            kg_delta = count.counted_kg - lot.kg
            quantity_delta = count.counted_quantity - lot.quantity
            differs = kg_delta != 0 or quantity_delta != 0
            if differs and not count.reason.strip():
                errors.append(
                    _("%(lot)s: give a reason for the difference (recorded %(kg)s kg).")
                    % {"lot": lot, "kg": lot.kg}
                )
            lines.append(
                StocktakeLine(
                    stocktake=stocktake,
                    lot=lot,
                    recorded_kg=lot.kg,
                    counted_kg=count.counted_kg,
                    recorded_quantity=lot.quantity,
                    counted_quantity=count.counted_quantity,
                    reason=count.reason,
                )
            )
            if differs:
                Lot.objects.filter(pk=lot.pk).update(
                    kg=F("kg") + kg_delta, quantity=F("quantity") + quantity_delta
                )
                entries.append(
                    LedgerEntry(
                        lot=lot,
                        site=site,
                        kind=LedgerEntry.Kind.ADJUSTMENT,
                        kg_delta=kg_delta,
                        quantity_delta=quantity_delta,
                        effective_on=counted_on,
                        stocktake=stocktake,
                        reason=count.reason,
                        created_by=actor,
                    )
                )
        if errors:
            raise ValidationError(errors)
        StocktakeLine.objects.bulk_create(lines)
        write_entries(entries)
    return stocktake
