"""What every stock document shares: the request dataclasses, operator scope, lot locking,
picking (first-expiry-first-out) and ledger writing.

Every change to food stock. Each service validates first (Japanese messages), then writes the
lots and their ledger entries together inside one transaction.

Concurrency: lots are locked with SELECT ... FOR NO KEY UPDATE in primary-key order before their
stock is read for a decision, so two operators taking the same food queue up instead of both
seeing it; the CheckConstraint on Lot (kg ≥ 0, pieces ≥ 0) is the last line of defence.
Double submits: every document carries an idempotency key with a unique constraint; a repeated key
returns the document already recorded and writes nothing.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.japanese import format_date

from ..models import (
    DateKind,
    Item,
    LedgerEntry,
    Lot,
    Site,
    Zone,
)
from .rollups import write_entries

ZERO = Decimal("0")


@dataclass
class ReceiptLine:
    item: Item
    zone: Zone
    kg: Decimal
    quantity: int
    date_kind: str
    expiry_date: object  # datetime.date


@dataclass
class PickRequest:
    """Take `kg` of `item`: first-expiry-first-out, or from `lot` when staff choose it."""

    item: Item | None
    kg: Decimal
    lot: Lot | None = None


@dataclass
class Pick:
    lot: Lot
    kg: Decimal
    quantity: int


@dataclass
class LotAmount:
    lot: Lot
    kg: Decimal
    quantity: int | None = None


@dataclass
class StockCount:
    """One lot counted. `recorded_kg` / `recorded_quantity` are the book figures the count sheet
    showed: if the lot moved after the sheet was opened the count is stale and is refused (None:
    the caller read the lot just now and accepts the books as they are at recording time)."""

    lot: Lot
    counted_kg: Decimal
    counted_quantity: int
    reason: str = ""
    recorded_kg: Decimal | None = None
    recorded_quantity: int | None = None


# --- shared rules -----------------------------------------------------------------------------


def require_operable(*, site: Site, actor) -> None:
    """Hub operators act on their own sites only; the secretariat on every site."""
    if not Site.objects.operable_by(actor).filter(pk=site.pk).exists():
        raise PermissionDenied(
            _("You are not an operator of %(site)s and cannot change its stock.") % {"site": site}
        )


def use_by_passed(lot, on_date) -> bool:
    """A use-by date (消費期限) is the last day the food may be eaten."""
    return lot.date_kind == DateKind.USE_BY and lot.expiry_date < on_date


def best_before_passed(lot, on_date) -> bool:
    return lot.date_kind == DateKind.BEST_BEFORE and lot.expiry_date < on_date


def fefo_key(lot):
    """First expiry first; lots without a date (produce, non-food) after every dated lot."""
    return (lot.expiry_date is None, lot.expiry_date or datetime.date.min, lot.pk)


def stock_mark() -> int:
    """The newest ledger entry's id. A page that shows stock carries it, so that a shortage met
    when its form comes back can tell "someone took it meanwhile" from "there is not enough"."""
    return LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _changed_since(item, site, stock_seen) -> bool:
    """Whether any lot of `item` at `site` moved after the page was shown (a lot emptied
    meanwhile is no longer a pick candidate, so the item is asked, not the candidates)."""
    if stock_seen is None:
        return False
    return LedgerEntry.objects.filter(
        pk__gt=stock_seen, lot__item_id=item.pk, lot__site_id=site.pk
    ).exists()


def _not_in_future(value, field):
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _existing(model, idempotency_key):
    if idempotency_key is None:
        return None
    return model.objects.filter(idempotency_key=idempotency_key).first()


def _create_once(model, *, code, actor, idempotency_key, **fields):
    """Insert a document header (its history row labelled `code`), or return (existing, False)
    if this key was recorded already.

    On PostgreSQL a concurrent insert of the same key waits on the unique index until the first
    transaction ends, then fails here and finds the committed document.
    """
    key = idempotency_key or uuid.uuid4()
    try:
        with transaction.atomic():
            document = model(idempotency_key=key, **fields)
            audit(document, code, actor).save(force_insert=True)
            return document, True
    except IntegrityError:
        existing = model.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False


def _lock_lots(pks) -> dict[int, Lot]:
    """Lock the lots in primary-key order (the one lock order, so two services never deadlock).
    Only the lot rows are locked, not the joined item and zone."""
    lots = (
        Lot.objects.select_for_update(no_key=True, of=("self",))
        .select_related("item", "zone")
        .filter(pk__in=set(pks))
        .order_by("pk")
    )
    return {lot.pk: lot for lot in lots}


def _not_at_site(lot, site):
    return ValidationError(_("Lot %(lot)s is not at %(site)s.") % {"lot": lot, "site": site})


def _check_lot_on(lot, *, site, on_date) -> None:
    """A document may only touch a lot of its own site that had arrived by the document's date:
    a backdated movement must not take stock that was received later."""
    if lot.site_id != site.pk:
        raise _not_at_site(lot, site)
    if lot.received_on > on_date:
        raise ValidationError(
            _("%(lot)s arrived on %(received)s, after %(date)s.")
            % {"lot": lot, "received": format_date(lot.received_on), "date": format_date(on_date)}
        )


def _pieces_for(*, kg: Decimal, lot_kg: Decimal, lot_quantity: int) -> int:
    """Pieces going with `kg` taken from a lot: all of them with the last kilogram, otherwise in
    proportion, rounded half up."""
    if kg >= lot_kg:
        return lot_quantity
    share = (Decimal(lot_quantity) * kg / lot_kg).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return min(lot_quantity, int(share))


def _shortage_error(item, site, available, requested, *, stock_seen=None):
    """Two different refusals: the stock changed after the page was shown (someone else took
    it meanwhile), or there simply is not enough."""
    values = {"item": item, "site": site, "available": available, "requested": requested}
    if _changed_since(item, site, stock_seen):
        return ValidationError(
            _(
                "%(item)s at %(site)s changed after this page was shown: someone else took it "
                "meanwhile. %(available)s kg is left now (%(requested)s kg entered); check the "
                "amounts and send again."
            )
            % values
        )
    return ValidationError(
        _(
            "Not enough stock: %(available)s kg of %(item)s left at %(site)s (%(requested)s kg "
            "entered)."
        )
        % values
    )


def _check_pick_requests(requests: list[PickRequest]) -> None:
    for request in requests:
        if request.kg is None or request.kg <= 0:
            raise ValidationError(_("Enter a weight greater than 0 kg on every line."))
        if request.item is None and request.lot is None:
            raise ValidationError(_("Choose an item or a lot on every line."))


def _lock_pick_candidates(*, site, requests, on_date) -> dict[int, Lot]:
    """Lock every lot a pick may take: in-stock lots of the requested items at `site` that had
    arrived by `on_date` and are not past their use-by date, and the staff-chosen lots."""
    auto_items = {r.item.pk for r in requests if r.lot is None}
    candidate_pks = set(
        Lot.objects.filter(site=site, item__in=auto_items, kg__gt=0, received_on__lte=on_date)
        .exclude(date_kind=DateKind.USE_BY, expiry_date__lt=on_date)
        .values_list("pk", flat=True)
    )
    candidate_pks |= {r.lot.pk for r in requests if r.lot is not None}
    return _lock_lots(candidate_pks)


class _Allocation:
    """What is left of each locked lot while picks are allocated, and the picks so far."""

    def __init__(self, locked: dict[int, Lot], stock_seen=None):
        self.stock_seen = stock_seen
        self.remaining_kg = {pk: lot.kg for pk, lot in locked.items()}
        self.remaining_qty = {pk: lot.quantity for pk, lot in locked.items()}
        self.picks: list[Pick] = []

    def take(self, lot, kg) -> None:
        pieces = _pieces_for(
            kg=kg, lot_kg=self.remaining_kg[lot.pk], lot_quantity=self.remaining_qty[lot.pk]
        )
        self.remaining_kg[lot.pk] -= kg
        self.remaining_qty[lot.pk] -= pieces
        self.picks.append(Pick(lot=lot, kg=kg, quantity=pieces))


def _pick_chosen_lot(allocation: _Allocation, lot, request, *, site, on_date) -> None:
    """Serve a request for a lot staff chose, or refuse it."""
    _check_lot_on(lot, site=site, on_date=on_date)
    if request.item is not None and lot.item_id != request.item.pk:
        raise ValidationError(
            _("Lot %(lot)s is not %(item)s.") % {"lot": lot, "item": request.item}
        )
    if use_by_passed(lot, on_date):
        raise ValidationError(
            _("%(lot)s is past its use-by date and can never be handed out.") % {"lot": lot}
        )
    if allocation.remaining_kg[lot.pk] < request.kg:
        raise _shortage_error(
            lot.item,
            site,
            allocation.remaining_kg[lot.pk],
            request.kg,
            stock_seen=allocation.stock_seen,
        )
    allocation.take(lot, request.kg)


def _fefo_pickable(allocation: _Allocation, lot, item, *, site, on_date) -> bool:
    if lot.item_id != item.pk or lot.site_id != site.pk:
        return False
    if lot.received_on > on_date:  # a staff-chosen lot that arrived later
        return False
    return not use_by_passed(lot, on_date) and allocation.remaining_kg[lot.pk] > 0


def _pick_fefo(allocation: _Allocation, fefo: list[Lot], request, *, site, on_date) -> None:
    """Serve a request first-expiry-first-out from what is left, or refuse it."""
    needed = request.kg
    for lot in fefo:
        if needed <= 0:
            break
        if not _fefo_pickable(allocation, lot, request.item, site=site, on_date=on_date):
            continue
        kg = min(needed, allocation.remaining_kg[lot.pk])
        allocation.take(lot, kg)
        needed -= kg
    if needed > 0:
        raise _shortage_error(
            request.item,
            site,
            request.kg - needed,
            request.kg,
            stock_seen=allocation.stock_seen,
        )


def _pick(*, site: Site, requests: list[PickRequest], on_date, stock_seen=None) -> list[Pick]:
    """Lock and allocate stock at `site` for the requests. Caller is inside transaction.atomic().

    Staff-chosen lots are served first, then the rest first-expiry-first-out. Lots past their
    use-by date are never picked. `stock_seen` is the `stock_mark()` of the page the requests
    came from (None: no page), to tell a concurrent change from a plain shortage.
    """
    _check_pick_requests(requests)
    locked = _lock_pick_candidates(site=site, requests=requests, on_date=on_date)
    allocation = _Allocation(locked, stock_seen)
    # Staff override first, so FEFO does not take what staff chose explicitly.
    for request in (r for r in requests if r.lot is not None):
        lot = locked[request.lot.pk]
        _pick_chosen_lot(allocation, lot, request, site=site, on_date=on_date)
    fefo = sorted(locked.values(), key=fefo_key)
    for request in (r for r in requests if r.lot is None):
        _pick_fefo(allocation, fefo, request, site=site, on_date=on_date)
    return allocation.picks


def _take_stock(picks: list[Pick]) -> None:
    """Decrease the picked lots. Caller holds the lot locks; the database refuses negatives."""
    try:
        with transaction.atomic():
            for pick in picks:
                Lot.objects.filter(pk=pick.lot.pk).update(
                    kg=F("kg") - pick.kg, quantity=F("quantity") - pick.quantity
                )
    except IntegrityError as exc:
        raise ValidationError(
            _(
                "The stock changed while this was being recorded: someone else took it "
                "meanwhile. Check the stock and try again."
            )
        ) from exc


def _record_outflow(picks, *, line, kind, site, effective_on, actor, **document) -> None:
    """Take the picks out of stock: decrease the lots, one document line (`line(pick)`) and one
    ledger entry per pick. Caller holds the lot locks."""
    _take_stock(picks)
    lines = [line(pick) for pick in picks]
    type(lines[0]).objects.bulk_create(lines)
    write_entries(
        _entries(
            picks,
            kind=kind,
            sign=-1,
            site=site,
            effective_on=effective_on,
            actor=actor,
            **document,
        )
    )


def _entries(picks, *, kind, sign, site, effective_on, actor, **document):
    return [
        LedgerEntry(
            lot=pick.lot,
            site=site,
            kind=kind,
            kg_delta=sign * pick.kg,
            quantity_delta=sign * pick.quantity,
            effective_on=effective_on,
            created_by=actor,
            **document,
        )
        for pick in picks
    ]
