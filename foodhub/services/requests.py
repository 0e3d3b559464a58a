"""Partner agencies' food requests (issue 14): the secretariat approves a member organisation as
a food partner; its contact requests food; an operator of the site starts the request (one
operator at a time), fills it through the FEFO pick and `distribution_create`, adjusts it or
declines it with a reason. Every step is mailed to the requester through notify (on commit).

Concurrency: `food_request_start` locks the request row (SELECT ... FOR NO KEY UPDATE) and
checks its state, so of two operators pressing "start" at once one gets it and the other is
told who has it; every later step locks it again and checks the operator.
Double submits: a request carries the form's submission token (unique); the same token returns
the request already recorded.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.japanese import format_date, format_wareki
from core.notifications import notify

from ..models import FoodPartner, FoodRequest, FoodRequestLine, Zone
from .distributions import consent_in_force, distribution_create
from .stock import PickRequest, require_operable

# Minimum remaining shelf life (days) when the partner receives the food, by storage; the
# setting FOODHUB_MIN_SHELF_LIFE_DAYS overrides any of them. Japanese food banks commonly ask for
# about two months on shelf-stable food.
DEFAULT_MIN_SHELF_LIFE_DAYS = {Zone.Kind.AMBIENT: 60, Zone.Kind.CHILLED: 3, Zone.Kind.FROZEN: 30}


def min_shelf_life_days(zone_kind) -> int:
    configured = getattr(settings, "FOODHUB_MIN_SHELF_LIFE_DAYS", {}) or {}
    return int(configured.get(zone_kind, DEFAULT_MIN_SHELF_LIFE_DAYS[zone_kind]))


@dataclass
class RequestLine:
    category: object  # FoodCategory
    zone_kind: str
    kg: Decimal


# --- partners ----------------------------------------------------------------------------------


def food_partner_approve(
    *, organisation, recipient, actor, approved_on=None, monthly_guideline_kg=None, note=""
) -> FoodPartner:
    """Approve a member organisation as a food partner (or approve it again after a suspension,
    with the new guideline). Food for it goes to `recipient`, an organisation's recipient
    record (never a household)."""
    if not actor.has_perm("foodhub.add_foodpartner"):
        raise PermissionDenied(_("Only the secretariat approves food partners."))
    if recipient.kind == recipient.Kind.HOUSEHOLD:
        raise ValidationError(
            {"recipient": _("A food partner is an organisation, not a household in need.")}
        )
    if monthly_guideline_kg is not None and monthly_guideline_kg <= 0:
        raise ValidationError(
            {"monthly_guideline_kg": _("Enter a guideline greater than 0 kg, or leave it empty.")}
        )
    taken = FoodPartner.objects.filter(recipient=recipient).exclude(organisation=organisation)
    if taken.exists():
        raise ValidationError(
            {
                "recipient": _(
                    "This recipient is already the food partner record of another organisation."
                )
            }
        )
    with transaction.atomic():
        partner = (
            FoodPartner.objects.select_for_update(no_key=True)
            .filter(organisation=organisation)
            .first()
        )
        if partner is None:
            partner = FoodPartner(organisation=organisation)
        partner.recipient = recipient
        partner.status = FoodPartner.Status.APPROVED
        partner.monthly_guideline_kg = monthly_guideline_kg
        partner.approved_on = approved_on or timezone.localdate()
        partner.approved_by = actor
        partner.note = note
        audit(partner, "foodhub.food_partner.approved", actor).save()
    return partner


def food_partner_suspend(*, partner, actor) -> FoodPartner:
    if not actor.has_perm("foodhub.change_foodpartner"):
        raise PermissionDenied(_("Only the secretariat approves food partners."))
    with transaction.atomic():
        partner.status = FoodPartner.Status.SUSPENDED
        audit(partner, "foodhub.food_partner.suspended", actor).save(update_fields=["status"])
    return partner


def partner_refusal(partner, *, on_date) -> str | None:
    """Why this organisation may not request food on `on_date` (Japanese), or None."""
    if partner is None or partner.status != FoodPartner.Status.APPROVED:
        return _("Your organisation is not approved as a food partner. Please ask the secretariat.")
    if consent_in_force(recipient=partner.recipient, on_date=on_date) is None:
        return _(
            "Your organisation has no agreement (liability exemption consent) in force. Food can "
            "only be requested once the hub has recorded the signed agreement."
        )
    return None


# --- the requester -----------------------------------------------------------------------------


def _check_request(*, needed_on, people_served, lines: list[RequestLine], today) -> None:
    errors = {}
    if needed_on < today:
        errors["needed_on"] = _("Choose today or a later date.")
    if not people_served or people_served < 1:
        errors["people_served"] = _("Enter the number of meals or people served.")
    if not lines:
        errors["__all__"] = _("Enter at least one category with a weight.")
    seen = set()
    for line in lines:
        if line.kg is None or line.kg <= 0:
            errors["__all__"] = _("Enter a weight greater than 0 kg on every line.")
        if (line.category.pk, line.zone_kind) in seen:
            errors["__all__"] = _("%(category)s (%(zone)s) is entered twice.") % {
                "category": line.category,
                "zone": Zone.Kind(line.zone_kind).label,
            }
        seen.add((line.category.pk, line.zone_kind))
    if errors:
        raise ValidationError(errors)


def food_request_submit(
    *,
    partner,
    needed_on,
    people_served,
    handover,
    lines: list[RequestLine],
    actor,
    note="",
    submission_token=None,
) -> tuple[FoodRequest, bool]:
    """Record a partner's request. Returns (request, created); a repeated token returns the
    request already recorded."""
    if submission_token is not None:
        existing = FoodRequest.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing, False
    today = timezone.localdate()
    if refusal := partner_refusal(partner, on_date=today):
        raise ValidationError(refusal)
    _check_request(needed_on=needed_on, people_served=people_served, lines=lines, today=today)

    token = submission_token or uuid.uuid4()
    try:
        with transaction.atomic():
            request = FoodRequest(
                partner=partner,
                site=partner.recipient.site,
                needed_on=needed_on,
                people_served=people_served,
                handover=handover,
                note=note,
                submission_token=token,
                submitted_by=actor,
            )
            audit(request, "foodhub.food_request.submitted", actor).save(force_insert=True)
            FoodRequestLine.objects.bulk_create(
                FoodRequestLine(
                    request=request, category=line.category, zone_kind=line.zone_kind, kg=line.kg
                )
                for line in lines
            )
            _mail_on_commit(request, "submitted")
    except IntegrityError:
        # The same form posted twice at once: the unique token let only one through.
        existing = FoodRequest.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        return existing, False
    return request, True


# --- the hub -----------------------------------------------------------------------------------


def _locked(request) -> FoodRequest:
    return FoodRequest.objects.select_for_update(no_key=True, of=("self",)).get(pk=request.pk)


def _require_own(request, actor) -> None:
    """Caller holds the request lock: only the operator who started it goes on."""
    if request.status != FoodRequest.Status.IN_PROGRESS:
        raise ValidationError(
            _("This request is %(status)s and can no longer be changed.")
            % {"status": request.get_status_display()}
        )
    if request.operator_id != actor.pk:
        raise ValidationError(
            _("%(operator)s is preparing this request.") % {"operator": request.operator}
        )


def food_request_start(*, request, actor) -> FoodRequest:
    """Take a waiting request: from now on only `actor` fills, adjusts or declines it."""
    require_operable(site=request.site, actor=actor)
    with transaction.atomic():
        request = _locked(request)
        if request.status == FoodRequest.Status.IN_PROGRESS and request.operator_id == actor.pk:
            return request  # a double click
        if request.status == FoodRequest.Status.IN_PROGRESS:
            raise ValidationError(
                _("%(operator)s is already preparing this request.")
                % {"operator": request.operator}
            )
        if request.status != FoodRequest.Status.SUBMITTED:
            raise ValidationError(
                _("This request is %(status)s and can no longer be changed.")
                % {"status": request.get_status_display()}
            )
        request.status = FoodRequest.Status.IN_PROGRESS
        request.operator = actor
        request.started_at = timezone.now()
        audit(request, "foodhub.food_request.started", actor).save(
            update_fields=["status", "operator", "started_at"]
        )
        _mail_on_commit(request, "started")
    return request


def food_request_adjust(*, request, adjusted: dict, reason: str, actor) -> FoodRequest:
    """Change what will be given per line (`adjusted`: line pk -> kg), with a reason the
    requester reads."""
    require_operable(site=request.site, actor=actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    with transaction.atomic():
        request = _locked(request)
        _require_own(request, actor)
        lines = list(request.lines.all())
        changed = []
        for line in lines:
            if line.pk in adjusted:
                kg = adjusted[line.pk]
                if kg is None or kg < 0:
                    raise ValidationError(_("Enter 0 kg or more on every line."))
                line.adjusted_kg = kg
                changed.append(line)
        FoodRequestLine.objects.bulk_update(changed, ["adjusted_kg"])
        request.adjustment_reason = reason.strip()
        audit(request, "foodhub.food_request.adjusted", actor).save(
            update_fields=["adjustment_reason"]
        )
        _mail_on_commit(request, "adjusted", period=timezone.now().isoformat())
    return request


def food_request_decline(*, request, reason: str, actor) -> FoodRequest:
    require_operable(site=request.site, actor=actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for declining.")})
    with transaction.atomic():
        request = _locked(request)
        if request.status == FoodRequest.Status.SUBMITTED:
            request.operator = actor
        else:
            _require_own(request, actor)
        request.status = FoodRequest.Status.DECLINED
        request.decline_reason = reason.strip()
        request.closed_at = timezone.now()
        audit(request, "foodhub.food_request.declined", actor).save(
            update_fields=["status", "operator", "decline_reason", "closed_at"]
        )
        _mail_on_commit(request, "declined")
    return request


def food_request_release(*, request, actor) -> FoodRequest:
    """Give a started request back to the queue (the operator cannot go on with it): waiting
    again, for any operator of the site to start. The operator who started it releases it, or
    anyone who may operate every site (the 事務局 when that operator is away). Adjustments
    already made stay, with their reason, for the next operator to see."""
    require_operable(site=request.site, actor=actor)
    with transaction.atomic():
        request = _locked(request)
        if request.status == FoodRequest.Status.SUBMITTED:
            return request  # a double click
        if request.status != FoodRequest.Status.IN_PROGRESS:
            raise ValidationError(
                _("This request is %(status)s and can no longer be changed.")
                % {"status": request.get_status_display()}
            )
        if request.operator_id != actor.pk and not actor.has_perm("foodhub.operate_all_sites"):
            raise ValidationError(
                _("%(operator)s is preparing this request.") % {"operator": request.operator}
            )
        request.status = FoodRequest.Status.SUBMITTED
        request.operator = None
        request.started_at = None
        audit(request, "foodhub.food_request.released", actor).save(
            update_fields=["status", "operator", "started_at"]
        )
        _mail_on_commit(request, "released", period=timezone.now().isoformat())
    return request


# --- the requester -----------------------------------------------------------------------------


def food_request_cancel(*, request, actor) -> FoodRequest:
    """The requester withdraws a request nobody has started preparing yet; once an operator has
    started it, the requester asks the hub instead (the operator may decline or release it)."""
    contact = getattr(actor, "organisation_contact", None)
    if contact is None or contact.organisation_id != request.partner.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        request = _locked(request)
        if request.status == FoodRequest.Status.CANCELLED:
            return request  # a double click
        if request.status != FoodRequest.Status.SUBMITTED:
            raise ValidationError(
                _("The hub has already started this request: contact the hub to change it.")
            )
        request.status = FoodRequest.Status.CANCELLED
        request.closed_at = timezone.now()
        audit(request, "foodhub.food_request.cancelled", actor).save(
            update_fields=["status", "closed_at"]
        )
        _mail_on_commit(request, "cancelled")
    return request


def _handover_date(request, distributed_on) -> datetime.date:
    return max(request.needed_on, distributed_on)


def short_shelf_life_lots(request, lots, *, distributed_on) -> list:
    """The lots that would reach the partner with less than the minimum shelf life left."""
    receipt = _handover_date(request, distributed_on)
    return [
        lot
        for lot in lots
        if lot.expiry_date is not None
        and (lot.expiry_date - receipt).days < min_shelf_life_days(lot.zone.kind)
    ]


def food_request_fill(
    *,
    request,
    picks: list[PickRequest],
    distributed_on,
    actor,
    shelf_life_override_reason="",
    confirm_past_best_before=False,
    idempotency_key=None,
) -> FoodRequest:
    """Fill a started request: the distribution to the partner's recipient (FEFO unless lots
    were chosen, consent checked on the day), refused if any lot would reach the partner with
    less than the minimum shelf life left — unless the operator gives the reason."""
    require_operable(site=request.site, actor=actor)
    with transaction.atomic():
        request = _locked(request)
        if request.status == FoodRequest.Status.FILLED and request.operator_id == actor.pk:
            return request  # a double submit
        _require_own(request, actor)
        distribution = distribution_create(
            site=request.site,
            recipient=request.partner.recipient,
            distributed_on=distributed_on,
            requests=picks,
            actor=actor,
            confirm_past_best_before=confirm_past_best_before,
            note=_("Food request #%(number)s") % {"number": request.pk},
            idempotency_key=idempotency_key,
        )
        lots = [line.lot for line in distribution.lines.select_related("lot__zone", "lot__item")]
        short = short_shelf_life_lots(request, lots, distributed_on=distributed_on)
        if short and not shelf_life_override_reason.strip():
            receipt = _handover_date(request, distributed_on)
            raise ValidationError(
                {
                    "shelf_life_override_reason": _(
                        "%(lots)s: less shelf life left on %(date)s than the minimum. Choose "
                        "another lot, or give the reason to hand it out."
                    )
                    % {
                        "lots": "、".join(
                            _("%(lot)s (%(days)s days left, minimum %(minimum)s)")
                            % {
                                "lot": lot,
                                "days": (lot.expiry_date - receipt).days,
                                "minimum": min_shelf_life_days(lot.zone.kind),
                            }
                            for lot in short
                        ),
                        "date": format_date(receipt),
                    }
                }
            )
        request.status = FoodRequest.Status.FILLED
        request.distribution = distribution
        request.shelf_life_override_reason = shelf_life_override_reason.strip() if short else ""
        request.closed_at = timezone.now()
        audit(request, "foodhub.food_request.filled", actor).save(
            update_fields=["status", "distribution", "shelf_life_override_reason", "closed_at"]
        )
        _mail_on_commit(request, "filled")
    return request


# --- mail --------------------------------------------------------------------------------------

SUBJECTS = {
    "submitted": lambda: _("[Food request] received"),
    "started": lambda: _("[Food request] being prepared"),
    "adjusted": lambda: _("[Food request] amounts adjusted"),
    "declined": lambda: _("[Food request] declined"),
    "filled": lambda: _("[Food request] ready"),
    "reminder": lambda: _("[Food request] tomorrow"),
    "released": lambda: _("[Food request] back in the queue"),
    "cancelled": lambda: _("[Food request] cancelled"),
}


def _mail(request_pk, step, period) -> bool:
    request = (
        FoodRequest.objects.select_related("partner__organisation", "site", "submitted_by")
        .prefetch_related("lines__category")
        .get(pk=request_pk)
    )
    if not request.submitted_by.email:
        return False
    return notify(
        purpose=f"foodhub.food_request.{step}",
        target=request,
        period=period,
        recipient=request.submitted_by.email,
        subject=f"{SUBJECTS[step]()} {format_wareki(request.needed_on)}",
        template_name="foodhub/email/food_request.txt",
        context={
            "step": step,
            "request": request,
            "lines": list(request.lines.all()),
            "url": settings.SITE_URL.rstrip("/") + reverse("food-portal:request-list"),
        },
    )


def _mail_on_commit(request, step, *, period=None) -> None:
    pk = request.pk
    transaction.on_commit(lambda: _mail(pk, step, period or step))


def food_request_reminders_send(*, today) -> int:
    """The day before the pick-up or delivery, remind the requester (once per request and day).
    Returns how many were sent."""
    tomorrow = today + datetime.timedelta(days=1)
    pks = FoodRequest.objects.filter(
        needed_on=tomorrow,
        status__in=[FoodRequest.Status.IN_PROGRESS, FoodRequest.Status.FILLED],
    ).values_list("pk", flat=True)
    return sum(_mail(pk, "reminder", tomorrow.isoformat()) for pk in pks)
