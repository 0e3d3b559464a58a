"""Food going out to recipients, who must have consented to the donors' liability
exemption (SPEC §5) on the day of distribution."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit

from ..models import (
    Distribution,
    DistributionLine,
    LedgerEntry,
    LiabilityConsent,
    Recipient,
)
from .stock import (
    PickRequest,
    _create_once,
    _existing,
    _not_in_future,
    _pick,
    _record_outflow,
    best_before_passed,
    require_operable,
)


def consent_in_force(*, recipient: Recipient, on_date) -> LiabilityConsent | None:
    return recipient.consents.in_force_on(on_date)


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
            consent = LiabilityConsent(
                recipient=recipient,
                agreed_on=agreed_on,
                document_reference=document_reference,
                recorded_by=actor,
            )
            audit(consent, "foodhub.consent.recorded", actor).save(force_insert=True)
            return consent
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
        audit(consent, "foodhub.consent.withdrawn", actor)
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
    stock_seen=None,
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
            code="foodhub.distribution.recorded",
            actor=actor,
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
        picks = _pick(site=site, requests=requests, on_date=distributed_on, stock_seen=stock_seen)
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
