"""Food coming in: donations received at a site, one lot and one receipt entry per line."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    DateKind,
    Donation,
    LedgerEntry,
    Lot,
)
from .rollups import write_entries
from .stock import (
    Pick,
    ReceiptLine,
    _create_once,
    _entries,
    _existing,
    _not_in_future,
    require_operable,
)


def _date_of(line: ReceiptLine) -> None:
    """Produce and non-food have no date: none is invented (whatever the form carried)."""
    if not line.item.has_expiry:
        line.date_kind, line.expiry_date = DateKind.NONE, None


def _line_date_errors(line: ReceiptLine, number, received_on) -> list[str]:
    if not line.item.has_expiry:
        return []
    if line.date_kind == DateKind.NONE or line.expiry_date is None:
        return [
            _("Line %(n)s: %(item)s has a best-before or use-by date; enter it.")
            % {"n": number, "item": line.item}
        ]
    if line.date_kind == DateKind.USE_BY and line.expiry_date < received_on:
        return [
            _("Line %(n)s: the use-by date has passed; this food cannot be accepted.")
            % {"n": number}
        ]
    return []


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
        _date_of(line)
        errors += _line_date_errors(line, number, received_on)
        if line.kg is None or line.kg <= 0:
            errors.append(_("Line %(n)s: enter a weight greater than 0 kg.") % {"n": number})
        if line.quantity is None or line.quantity < 0:
            errors.append(_("Line %(n)s: pieces cannot be negative.") % {"n": number})
        if line.zone.site_id != site.pk:
            errors.append(
                _("Line %(n)s: the zone is not at %(site)s.") % {"n": number, "site": site}
            )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        donation, created = _create_once(
            Donation,
            code="foodhub.donation.received",
            actor=actor,
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
        write_entries(
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
