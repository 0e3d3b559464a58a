"""Stock disposed of with a reason, by hand or as expired lots."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.japanese import format_date

from ..models import (
    Disposal,
    LedgerEntry,
    Lot,
)
from .rollups import write_entries
from .stock import (
    LotAmount,
    Pick,
    _check_lot_on,
    _create_once,
    _entries,
    _existing,
    _lock_lots,
    _not_in_future,
    _pieces_for,
    _take_stock,
    require_operable,
)


def disposal_record(
    *, site, disposed_on, reason, amounts: list[LotAmount], actor, note="", idempotency_key=None
) -> Disposal:
    """Dispose of stock with a reason (expired, damaged, recalled, other — other needs a note)."""
    if existing := _existing(Disposal, idempotency_key):
        return existing
    require_operable(site=site, actor=actor)
    _not_in_future(disposed_on, "disposed_on")
    _check_reason(reason=reason, note=note, amounts=amounts, disposed_on=disposed_on)

    with transaction.atomic():
        disposal, created = _create_once(
            Disposal,
            code="foodhub.disposal.recorded",
            actor=actor,
            idempotency_key=idempotency_key,
            site=site,
            disposed_on=disposed_on,
            reason=reason,
            note=note,
            created_by=actor,
        )
        if not created:
            return disposal
        locked = _lock_lots(a.lot.pk for a in amounts)
        picks = [_disposal_pick(locked[a.lot.pk], a, site, disposed_on) for a in amounts]
        _take_stock(picks)
        write_entries(
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


def _check_reason(*, reason, note, amounts, disposed_on) -> None:
    if reason not in Disposal.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if reason == Disposal.Reason.OTHER and not note.strip():
        raise ValidationError({"note": _("Describe the reason for the disposal.")})
    if not amounts:
        raise ValidationError(_("Choose at least one lot."))
    if reason != Disposal.Reason.EXPIRED:
        return
    # 期限切れ means past its date on the day of disposal (on the date itself it is still good,
    # as expired_lots_dispose counts it); anything else has another reason.
    for amount in amounts:
        expiry = amount.lot.expiry_date
        if expiry is None:
            raise ValidationError(
                {
                    "reason": _(
                        "%(lot)s has no expiry date, so it cannot be disposed of as expired: "
                        "choose damaged, recalled or other as the reason."
                    )
                    % {"lot": amount.lot}
                }
            )
        if expiry >= disposed_on:
            raise ValidationError(
                {
                    "reason": _(
                        "%(lot)s has not passed its date on %(date)s: choose damaged, "
                        "recalled or other as the reason."
                    )
                    % {"lot": amount.lot, "date": format_date(disposed_on)}
                }
            )


def _disposal_pick(lot, amount: LotAmount, site, disposed_on) -> Pick:
    """What to take from one locked lot, checked against its stock."""
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
            _("%(lot)s: enter between 0 and %(n)s pieces.") % {"lot": lot, "n": lot.quantity}
        )
    return Pick(lot=lot, kg=amount.kg, quantity=quantity)


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
