"""Every change to food stock. Each service validates first (Japanese messages), then writes the
lots and their ledger entries together inside one transaction.

Concurrency: lots are locked with SELECT ... FOR NO KEY UPDATE in primary-key order before their
stock is read for a decision, so two operators taking the same food queue up instead of both
seeing it; the CheckConstraint on Lot (kg ≥ 0, pieces ≥ 0) is the last line of defence.
Double submits: every document carries an idempotency key with a unique constraint; a repeated key
returns the document already recorded and writes nothing.
"""

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.japanese import format_date

from .models import (
    DateKind,
    Disposal,
    Distribution,
    DistributionLine,
    Donation,
    Item,
    LedgerEntry,
    LiabilityConsent,
    Lot,
    Recipient,
    Site,
    Stocktake,
    StocktakeLine,
    Transfer,
    TransferLine,
    Zone,
)

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


def consent_in_force(*, recipient: Recipient, on_date) -> LiabilityConsent | None:
    return recipient.consents.in_force_on(on_date)


def _not_in_future(value, field):
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _existing(model, idempotency_key):
    if idempotency_key is None:
        return None
    return model.objects.filter(idempotency_key=idempotency_key).first()


def _create_once(model, *, idempotency_key, **fields):
    """Insert a document header, or return (existing, False) if this key was recorded already.

    On PostgreSQL a concurrent insert of the same key waits on the unique index until the first
    transaction ends, then fails here and finds the committed document.
    """
    key = idempotency_key or uuid.uuid4()
    try:
        with transaction.atomic():
            return model.objects.create(idempotency_key=key, **fields), True
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


def _shortage_error(item, site, available, requested):
    return ValidationError(
        _(
            "Not enough %(item)s at %(site)s: %(available)s kg available, %(requested)s kg "
            "requested. Someone may have just taken it; check the stock and try again."
        )
        % {"item": item, "site": site, "available": available, "requested": requested}
    )


def _pick(*, site: Site, requests: list[PickRequest], on_date) -> list[Pick]:
    """Lock and allocate stock at `site` for the requests. Caller is inside transaction.atomic().

    Staff-chosen lots are served first, then the rest first-expiry-first-out. Lots past their
    use-by date are never picked.
    """
    for request in requests:
        if request.kg is None or request.kg <= 0:
            raise ValidationError(_("Enter a weight greater than 0 kg on every line."))
        if request.item is None and request.lot is None:
            raise ValidationError(_("Choose an item or a lot on every line."))

    auto_items = {r.item.pk for r in requests if r.lot is None}
    candidate_pks = set(
        Lot.objects.filter(site=site, item__in=auto_items, kg__gt=0, received_on__lte=on_date)
        .exclude(date_kind=DateKind.USE_BY, expiry_date__lt=on_date)
        .values_list("pk", flat=True)
    )
    candidate_pks |= {r.lot.pk for r in requests if r.lot is not None}
    locked = _lock_lots(candidate_pks)
    remaining_kg = {pk: lot.kg for pk, lot in locked.items()}
    remaining_qty = {pk: lot.quantity for pk, lot in locked.items()}

    picks: list[Pick] = []

    def take(lot, kg):
        pieces = _pieces_for(kg=kg, lot_kg=remaining_kg[lot.pk], lot_quantity=remaining_qty[lot.pk])
        remaining_kg[lot.pk] -= kg
        remaining_qty[lot.pk] -= pieces
        picks.append(Pick(lot=lot, kg=kg, quantity=pieces))

    # Staff override first, so FEFO does not take what staff chose explicitly.
    for request in (r for r in requests if r.lot is not None):
        lot = locked[request.lot.pk]
        _check_lot_on(lot, site=site, on_date=on_date)
        if request.item is not None and lot.item_id != request.item.pk:
            raise ValidationError(
                _("Lot %(lot)s is not %(item)s.") % {"lot": lot, "item": request.item}
            )
        if use_by_passed(lot, on_date):
            raise ValidationError(
                _("%(lot)s is past its use-by date and can never be handed out.") % {"lot": lot}
            )
        if remaining_kg[lot.pk] < request.kg:
            raise _shortage_error(lot.item, site, remaining_kg[lot.pk], request.kg)
        take(lot, request.kg)

    fefo = sorted(locked.values(), key=lambda lot: (lot.expiry_date, lot.pk))
    for request in (r for r in requests if r.lot is None):
        needed = request.kg
        for lot in fefo:
            if needed <= 0:
                break
            if lot.item_id != request.item.pk or lot.site_id != site.pk:
                continue
            if lot.received_on > on_date:  # a staff-chosen lot that arrived later
                continue
            if use_by_passed(lot, on_date) or remaining_kg[lot.pk] <= 0:
                continue
            kg = min(needed, remaining_kg[lot.pk])
            take(lot, kg)
            needed -= kg
        if needed > 0:
            available = request.kg - needed
            raise _shortage_error(request.item, site, available, request.kg)
    return picks


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
            _("The stock would go below zero. Someone may have just taken it; try again.")
        ) from exc


def _record_outflow(picks, *, line, kind, site, effective_on, actor, **document) -> None:
    """Take the picks out of stock: decrease the lots, one document line (`line(pick)`) and one
    ledger entry per pick. Caller holds the lot locks."""
    _take_stock(picks)
    lines = [line(pick) for pick in picks]
    type(lines[0]).objects.bulk_create(lines)
    LedgerEntry.objects.bulk_create(
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


# --- in ---------------------------------------------------------------------------------------


def donation_receive(
    *, donor, site, received_on, lines: list[ReceiptLine], actor, note="", idempotency_key=None
) -> Donation:
    """Receive donated food at a site: one new lot and one receipt entry per line."""
    if existing := _existing(Donation, idempotency_key):
        return existing
    require_operable(site=site, actor=actor)
    _not_in_future(received_on, "received_on")
    if not lines:
        raise ValidationError(_("Enter at least one line."))
    errors = []
    for number, line in enumerate(lines, start=1):
        if line.kg is None or line.kg <= 0:
            errors.append(_("Line %(n)s: enter a weight greater than 0 kg.") % {"n": number})
        if line.quantity is None or line.quantity < 0:
            errors.append(_("Line %(n)s: pieces cannot be negative.") % {"n": number})
        if line.zone.site_id != site.pk:
            errors.append(
                _("Line %(n)s: the zone is not at %(site)s.") % {"n": number, "site": site}
            )
        if line.date_kind == DateKind.USE_BY and line.expiry_date < received_on:
            errors.append(
                _("Line %(n)s: the use-by date has passed; this food cannot be accepted.")
                % {"n": number}
            )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        donation, created = _create_once(
            Donation,
            idempotency_key=idempotency_key,
            donor=donor,
            site=site,
            received_on=received_on,
            note=note,
            created_by=actor,
        )
        if not created:
            return donation
        lots = Lot.objects.bulk_create(
            [
                Lot(
                    site=site,
                    zone=line.zone,
                    item=line.item,
                    date_kind=line.date_kind,
                    expiry_date=line.expiry_date,
                    kg=line.kg,
                    quantity=line.quantity,
                    received_on=received_on,
                    donation=donation,
                )
                for line in lines
            ]
        )
        LedgerEntry.objects.bulk_create(
            _entries(
                [Pick(lot=lot, kg=lot.kg, quantity=lot.quantity) for lot in lots],
                kind=LedgerEntry.Kind.RECEIPT,
                sign=1,
                site=site,
                effective_on=received_on,
                actor=actor,
                donation=donation,
            )
        )
    return donation


# --- moving -----------------------------------------------------------------------------------


def transfer_send(
    *,
    from_site,
    to_site,
    sent_on,
    requests: list[PickRequest],
    actor,
    note="",
    idempotency_key=None,
) -> Transfer:
    """Send stock to another site: it leaves the source now and is in transit until received."""
    if existing := _existing(Transfer, idempotency_key):
        return existing
    require_operable(site=from_site, actor=actor)
    _not_in_future(sent_on, "sent_on")
    if from_site.pk == to_site.pk:
        raise ValidationError({"to_site": _("Choose a different site to send to.")})
    if not requests:
        raise ValidationError(_("Enter at least one line."))
    zone_kinds = set(to_site.zones.values_list("kind", flat=True))

    with transaction.atomic():
        transfer, created = _create_once(
            Transfer,
            idempotency_key=idempotency_key,
            from_site=from_site,
            to_site=to_site,
            sent_on=sent_on,
            sent_by=actor,
            note=note,
        )
        if not created:
            return transfer
        picks = _pick(site=from_site, requests=requests, on_date=sent_on)
        for pick in picks:
            if pick.lot.zone.kind not in zone_kinds:
                raise ValidationError(
                    _("%(site)s has no %(zone)s storage for %(item)s.")
                    % {
                        "site": to_site,
                        "zone": pick.lot.zone.get_kind_display(),
                        "item": pick.lot.item,
                    }
                )
        _record_outflow(
            picks,
            line=lambda p: TransferLine(
                transfer=transfer, source_lot=p.lot, kg=p.kg, quantity=p.quantity
            ),
            kind=LedgerEntry.Kind.TRANSFER_OUT,
            site=from_site,
            effective_on=sent_on,
            actor=actor,
            transfer=transfer,
        )
    return transfer


def transfer_receive(*, transfer, received_on, received: dict, actor) -> Transfer:
    """Receive a transfer at its destination. `received` maps each line's pk to
    (kg, pieces, reason); a difference from what was sent needs a reason and stays on record.
    Receiving a transfer already received changes nothing."""
    require_operable(site=transfer.to_site, actor=actor)
    _not_in_future(received_on, "received_on")
    if received_on < transfer.sent_on:
        raise ValidationError({"received_on": _("A transfer cannot arrive before it was sent.")})

    with transaction.atomic():
        transfer = Transfer.objects.select_for_update(of=("self",)).get(pk=transfer.pk)
        if transfer.status == Transfer.Status.RECEIVED:
            return transfer
        lines = list(transfer.lines.select_related("source_lot__zone", "source_lot__item"))
        zones = {zone.kind: zone for zone in transfer.to_site.zones.all()}
        errors = []
        for line in lines:
            kg, quantity, reason = received.get(line.pk, (line.kg, line.quantity, ""))
            if kg is None or kg < 0 or kg > line.kg:
                errors.append(
                    _("%(item)s: enter between 0 and %(sent)s kg.")
                    % {"item": line.source_lot.item, "sent": line.kg}
                )
                continue
            if quantity is None or quantity < 0 or quantity > line.quantity:
                errors.append(
                    _("%(item)s: enter between 0 and %(sent)s pieces.")
                    % {"item": line.source_lot.item, "sent": line.quantity}
                )
                continue
            if kg == 0 and quantity > 0:  # pieces without weight would arrive in no lot
                errors.append(
                    _("%(item)s: pieces received need their weight in kg.")
                    % {"item": line.source_lot.item}
                )
                continue
            if (kg != line.kg or quantity != line.quantity) and not reason.strip():
                errors.append(
                    _("%(item)s: give a reason for the difference from what was sent.")
                    % {"item": line.source_lot.item}
                )
            if kg > 0 and line.source_lot.zone.kind not in zones:  # the zone went since sending
                errors.append(
                    _("%(site)s has no %(zone)s storage for %(item)s.")
                    % {
                        "site": transfer.to_site,
                        "zone": line.source_lot.zone.get_kind_display(),
                        "item": line.source_lot.item,
                    }
                )
            line.received_kg, line.received_quantity, line.difference_reason = kg, quantity, reason
        if errors:
            raise ValidationError(errors)

        new_lots = []
        for line in lines:
            if line.received_kg > 0:
                source = line.source_lot
                new_lots.append(
                    Lot(
                        site=transfer.to_site,
                        zone=zones[source.zone.kind],
                        item=source.item,
                        date_kind=source.date_kind,
                        expiry_date=source.expiry_date,
                        kg=line.received_kg,
                        quantity=line.received_quantity,
                        received_on=received_on,
                        transfer=transfer,
                    )
                )
        new_lots = Lot.objects.bulk_create(new_lots)
        TransferLine.objects.bulk_update(
            lines, ["received_kg", "received_quantity", "difference_reason"]
        )
        LedgerEntry.objects.bulk_create(
            _entries(
                [Pick(lot=lot, kg=lot.kg, quantity=lot.quantity) for lot in new_lots],
                kind=LedgerEntry.Kind.TRANSFER_IN,
                sign=1,
                site=transfer.to_site,
                effective_on=received_on,
                actor=actor,
                transfer=transfer,
            )
        )
        transfer.status = Transfer.Status.RECEIVED
        transfer.received_on = received_on
        transfer.received_by = actor
        transfer.save(update_fields=["status", "received_on", "received_by"])
    return transfer


# --- out --------------------------------------------------------------------------------------


def consent_validate(*, recipient, agreed_on, actor) -> None:
    """The checks of `consent_record`, for forms that show them next to their fields."""
    require_operable(site=recipient.site, actor=actor)
    _not_in_future(agreed_on, "agreed_on")


def consent_record(*, recipient, agreed_on, actor, document_reference="") -> LiabilityConsent:
    """Record a recipient's agreement to the donors' liability exemption. Recording the same
    day's agreement again (a double click) returns the consent already recorded."""
    consent_validate(recipient=recipient, agreed_on=agreed_on, actor=actor)
    try:
        with transaction.atomic():
            return LiabilityConsent.objects.create(
                recipient=recipient,
                agreed_on=agreed_on,
                document_reference=document_reference,
                recorded_by=actor,
            )
    except IntegrityError:
        return LiabilityConsent.objects.get(
            recipient=recipient, agreed_on=agreed_on, withdrawn_on__isnull=True
        )


def consent_withdraw(*, consent, withdrawn_on, actor) -> LiabilityConsent:
    require_operable(site=consent.recipient.site, actor=actor)
    if withdrawn_on < consent.agreed_on:
        raise ValidationError({"withdrawn_on": _("Withdrawal cannot precede the agreement.")})
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on"])
    return consent


def no_consent_message(recipient) -> str:
    return _(
        "%(recipient)s has no recorded consent to the donors' liability exemption. Food can "
        "only be given after the consent is recorded."
    ) % {"recipient": recipient}


def distribution_create(
    *,
    site,
    recipient,
    distributed_on,
    requests: list[PickRequest],
    actor,
    confirm_past_best_before=False,
    note="",
    idempotency_key=None,
) -> Distribution:
    """Hand out food to a recipient who has consented to the liability exemption.

    Lots are picked first-expiry-first-out unless staff chose them; food past its use-by date is
    never handed out, food past its best-before date only with explicit confirmation.
    """
    if existing := _existing(Distribution, idempotency_key):
        return existing
    require_operable(site=site, actor=actor)
    _not_in_future(distributed_on, "distributed_on")
    consent = consent_in_force(recipient=recipient, on_date=distributed_on)
    if consent is None:
        raise ValidationError({"recipient": no_consent_message(recipient)})
    if not requests:
        raise ValidationError(_("Enter at least one line."))

    with transaction.atomic():
        # Lock the consent: a withdrawal at the same moment either waits for this distribution
        # or is seen here (the distribution's foreign key alone would not block its UPDATE).
        consent = LiabilityConsent.objects.select_for_update(no_key=True).get(pk=consent.pk)
        if consent.withdrawn_on is not None and consent.withdrawn_on <= distributed_on:
            raise ValidationError({"recipient": no_consent_message(recipient)})
        distribution, created = _create_once(
            Distribution,
            idempotency_key=idempotency_key,
            site=site,
            recipient=recipient,
            distributed_on=distributed_on,
            consent=consent,
            past_best_before_confirmed=confirm_past_best_before,
            note=note,
            created_by=actor,
        )
        if not created:
            return distribution
        picks = _pick(site=site, requests=requests, on_date=distributed_on)
        past = [p.lot for p in picks if best_before_passed(p.lot, distributed_on)]
        if past and not confirm_past_best_before:
            raise ValidationError(
                {
                    "confirm_past_best_before": _(
                        "%(lots)s: past the best-before date. Check the food and confirm to "
                        "hand it out."
                    )
                    % {"lots": "、".join(str(lot) for lot in past)}
                }
            )
        _record_outflow(
            picks,
            line=lambda p: DistributionLine(
                distribution=distribution, lot=p.lot, kg=p.kg, quantity=p.quantity
            ),
            kind=LedgerEntry.Kind.DISTRIBUTION,
            site=site,
            effective_on=distributed_on,
            actor=actor,
            distribution=distribution,
        )
    return distribution


def disposal_record(
    *, site, disposed_on, reason, amounts: list[LotAmount], actor, note="", idempotency_key=None
) -> Disposal:
    """Dispose of stock with a reason (expired, damaged, recalled, other — other needs a note)."""
    if existing := _existing(Disposal, idempotency_key):
        return existing
    require_operable(site=site, actor=actor)
    _not_in_future(disposed_on, "disposed_on")
    if reason not in Disposal.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if reason == Disposal.Reason.OTHER and not note.strip():
        raise ValidationError({"note": _("Describe the reason for the disposal.")})
    if not amounts:
        raise ValidationError(_("Choose at least one lot."))

    with transaction.atomic():
        disposal, created = _create_once(
            Disposal,
            idempotency_key=idempotency_key,
            site=site,
            disposed_on=disposed_on,
            reason=reason,
            note=note,
            created_by=actor,
        )
        if not created:
            return disposal
        picks = []
        locked = _lock_lots(a.lot.pk for a in amounts)
        for amount in amounts:
            lot = locked[amount.lot.pk]
            _check_lot_on(lot, site=site, on_date=disposed_on)
            if amount.kg is None or amount.kg <= 0 or amount.kg > lot.kg:
                raise ValidationError(
                    _("%(lot)s: enter between 0 and %(kg)s kg.") % {"lot": lot, "kg": lot.kg}
                )
            quantity = amount.quantity
            if quantity is None:
                quantity = _pieces_for(kg=amount.kg, lot_kg=lot.kg, lot_quantity=lot.quantity)
            if quantity < 0 or quantity > lot.quantity:
                raise ValidationError(
                    _("%(lot)s: enter between 0 and %(n)s pieces.")
                    % {"lot": lot, "n": lot.quantity}
                )
            picks.append(Pick(lot=lot, kg=amount.kg, quantity=quantity))
        _take_stock(picks)
        LedgerEntry.objects.bulk_create(
            _entries(
                picks,
                kind=LedgerEntry.Kind.DISPOSAL,
                sign=-1,
                site=site,
                effective_on=disposed_on,
                actor=actor,
                disposal=disposal,
                reason=disposal.get_reason_display(),
            )
        )
    return disposal


def expired_lots_dispose(*, lots, on_date, actor) -> tuple[int, list[str]]:
    """Dispose of the chosen lots that are past their date on `on_date`, whole, as expired: one
    disposal per site. Lots not yet past their date, or already empty, are left alone; a site the
    actor does not operate is refused. Returns (lots disposed, refusal messages)."""
    by_site: dict[int, list[Lot]] = {}
    for lot in (
        Lot.objects.filter(pk__in=[lot.pk for lot in lots], kg__gt=0, expiry_date__lt=on_date)
        .select_related("site", "item")
        .order_by("site_id", "pk")
    ):
        by_site.setdefault(lot.site_id, []).append(lot)
    done, refused = 0, []
    for site_lots in by_site.values():
        site = site_lots[0].site
        try:
            with transaction.atomic():
                # The whole of each lot as it is under the lock, not as it was when listed.
                locked = _lock_lots(lot.pk for lot in site_lots)
                amounts = [
                    LotAmount(lot=lot, kg=lot.kg, quantity=lot.quantity)
                    for lot in locked.values()
                    if lot.kg > 0
                ]
                if amounts:
                    disposal_record(
                        site=site,
                        disposed_on=on_date,
                        reason=Disposal.Reason.EXPIRED,
                        amounts=amounts,
                        actor=actor,
                    )
                    done += len(amounts)
        except (ValidationError, PermissionDenied) as exc:
            refused.append(f"{site}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    return done, refused


def stocktake_record(
    *, site, counted_on, counts: list[StockCount], actor, note="", idempotency_key=None
) -> Stocktake:
    """Record a count; every difference from the books becomes an adjustment entry with its
    reason (a difference without a reason is refused)."""
    if existing := _existing(Stocktake, idempotency_key):
        return existing
    require_operable(site=site, actor=actor)
    _not_in_future(counted_on, "counted_on")
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

    with transaction.atomic():
        stocktake, created = _create_once(
            Stocktake,
            idempotency_key=idempotency_key,
            site=site,
            counted_on=counted_on,
            note=note,
            created_by=actor,
        )
        if not created:
            return stocktake
        locked = _lock_lots(c.lot.pk for c in counts)
        lines, entries, errors = [], [], []
        for count in counts:
            lot = locked[count.lot.pk]
            _check_lot_on(lot, site=site, on_date=counted_on)
            if (count.recorded_kg is not None and count.recorded_kg != lot.kg) or (
                count.recorded_quantity is not None and count.recorded_quantity != lot.quantity
            ):
                errors.append(
                    _(
                        "%(lot)s: the stock changed after the count sheet was opened (now "
                        "%(kg)s kg, %(n)s pieces). Open the sheet again and count this lot again."
                    )
                    % {"lot": lot, "kg": lot.kg, "n": lot.quantity}
                )
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
        LedgerEntry.objects.bulk_create(entries)
    return stocktake


# --- reminders --------------------------------------------------------------------------------


def near_expiry_alerts_send(*, today) -> int:
    """Warn each site's operators, once a day per zone, of lots within the zone's warning days
    (or past their date). Returns the number of e-mails sent now (a re-run sends none)."""
    from collections import defaultdict

    from core.notifications import notify

    from .models import SiteOperator
    from .selectors import near_expiry_lots

    by_zone = defaultdict(list)
    for lot in near_expiry_lots(today=today):
        by_zone[lot.zone].append(lot)
    if not by_zone:
        return 0
    operators = defaultdict(list)
    for site_id, email in (
        SiteOperator.objects.filter(
            site__in={zone.site_id for zone in by_zone}, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("site_id", "user__email")
        .order_by("site_id", "user__email")
    ):
        operators[site_id].append(email)

    sent = 0
    for zone, lots in sorted(by_zone.items(), key=lambda pair: pair[0].pk):
        for email in operators[zone.site_id]:
            sent += notify(
                purpose="foodhub.near_expiry",
                target=zone,
                period=today.isoformat(),
                recipient=email,
                subject=_("[Food hub] %(zone)s: %(count)s lots near expiry")
                % {"zone": zone, "count": len(lots)},
                template_name="foodhub/email/near_expiry.txt",
                context={"zone": zone, "lots": lots, "today": today},
            )
    return sent
