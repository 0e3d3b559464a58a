"""Moving stock between sites: sent now (out of the source), in transit until received."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit

from ..models import (
    LedgerEntry,
    Lot,
    Transfer,
    TransferLine,
)
from .rollups import write_entries
from .stock import (
    Pick,
    PickRequest,
    _create_once,
    _entries,
    _existing,
    _not_in_future,
    _pick,
    _record_outflow,
    require_operable,
)


def transfer_send(
    *,
    from_site,
    to_site,
    sent_on,
    requests: list[PickRequest],
    actor,
    note="",
    idempotency_key=None,
    stock_seen=None,
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
            code="foodhub.transfer.sent",
            actor=actor,
            idempotency_key=idempotency_key,
            from_site=from_site,
            to_site=to_site,
            sent_on=sent_on,
            sent_by=actor,
            note=note,
        )
        if not created:
            return transfer
        picks = _pick(site=from_site, requests=requests, on_date=sent_on, stock_seen=stock_seen)
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


def _received_line_errors(line, kg, quantity, reason, transfer, zones) -> list[str]:
    """What is wrong with receiving `kg` / `quantity` (`reason`) for one line of a transfer."""
    item = line.source_lot.item
    if kg is None or kg < 0 or kg > line.kg:
        return [_("%(item)s: enter between 0 and %(sent)s kg.") % {"item": item, "sent": line.kg}]
    if quantity is None or quantity < 0 or quantity > line.quantity:
        return [
            _("%(item)s: enter between 0 and %(sent)s pieces.")
            % {"item": item, "sent": line.quantity}
        ]
    if kg == 0 and quantity > 0:  # pieces without weight would arrive in no lot
        return [_("%(item)s: pieces received need their weight in kg.") % {"item": item}]
    errors = []
    if (kg != line.kg or quantity != line.quantity) and not reason.strip():
        errors.append(
            _("%(item)s: give a reason for the difference from what was sent.") % {"item": item}
        )
    if kg > 0 and line.source_lot.zone.kind not in zones:  # the zone went since sending
        errors.append(
            _("%(site)s has no %(zone)s storage for %(item)s.")
            % {
                "site": transfer.to_site,
                "zone": line.source_lot.zone.get_kind_display(),
                "item": item,
            }
        )
    return errors


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
            line_errors = _received_line_errors(line, kg, quantity, reason, transfer, zones)
            errors += line_errors
            if not line_errors:
                line.received_kg, line.received_quantity = kg, quantity
                line.difference_reason = reason
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
        write_entries(
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
        audit(transfer, "foodhub.transfer.received", actor)
        transfer.save(update_fields=["status", "received_on", "received_by"])
    return transfer
