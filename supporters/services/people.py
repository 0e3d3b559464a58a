"""Supporters entered or corrected by the secretariat, paused, resumed, withdrawn and erased."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit

from .. import selectors
from ..models import (
    Attendance,
    Certificate,
    NoticeRecipient,
    Registration,
    Supporter,
    SupporterNotice,
    TrainingSession,
)
from .checks import details_check
from .rollups import rollup_key, rollup_move
from .waitlist import waitlist_offer_next

logger = logging.getLogger(__name__)

ERASED_NAME = "（削除済み）"


def _erased_email(kind: str, pk: int) -> str:
    return f"erased-{kind}-{pk}@invalid.example"


_EDITABLE_FIELDS = (
    "full_name",
    "full_name_kana",
    "email",
    "phone",
    "receives_line",
    "line_name",
    "municipality",
    "district",
    "affiliation",
    "affiliation_detail",
    "consent_text",
    "registered_on",
    "badge_handed_on",
)


def supporter_register(*, data: dict, actor) -> Supporter:
    """Register a supporter by hand (a paper form); consent time is now if a version is given."""
    details_check({"receives_line": False, **data})
    with transaction.atomic():
        supporter = Supporter(**{k: v for k, v in data.items() if k in _EDITABLE_FIELDS})
        if supporter.consent_text_id and supporter.consented_at is None:
            supporter.consented_at = timezone.now()
        audit(supporter, "supporters.supporter.registered", actor).save()
        rollup_move(None, supporter)
    return supporter


def supporter_import(*, supporter: Supporter, actor) -> Supporter:
    """A new supporter from an imported list (resources.SupporterResource, which has checked
    the row): checked like every other entry, written with a labelled history row."""
    details_check(
        {
            "municipality": getattr(supporter, "municipality", None),
            "district": supporter.district,
            "receives_line": supporter.receives_line,
            "line_name": supporter.line_name,
        }
    )
    with transaction.atomic():
        audit(supporter, "supporters.supporter.imported", actor).save(force_insert=True)
        rollup_move(None, supporter)
    return supporter


def supporter_merged_details(supporter: Supporter, data: dict) -> dict:
    """The supporter's editable fields as they would be after applying `data`."""
    return {**{k: getattr(supporter, k) for k in _EDITABLE_FIELDS}, **data}


def supporter_update_check(*, supporter: Supporter, data: dict) -> None:
    """Everything supporter_update refuses, for forms to show before saving."""
    if supporter.anonymised_at is not None:
        raise ValidationError(_("This supporter's personal data has already been erased."))
    details_check(supporter_merged_details(supporter, data))


def supporter_update(*, supporter: Supporter, data: dict, actor) -> Supporter:
    """Correct a supporter's details. Status changes go through their own services.

    Checked against the locked row merged with `data`, so a partial update (only the district,
    only the LINE name) cannot leave the row inconsistent.
    """
    supporter_update_check(supporter=supporter, data=data)
    with transaction.atomic():
        locked = Supporter.objects.select_for_update(no_key=True).get(pk=supporter.pk)
        supporter_update_check(supporter=locked, data=data)
        before = rollup_key(locked)
        changed = [k for k in _EDITABLE_FIELDS if k in data and getattr(locked, k) != data[k]]
        for name in changed:
            setattr(locked, name, data[name])
        if "consent_text" in changed and locked.consent_text_id:
            locked.consented_at = timezone.now()
            changed.append("consented_at")
        if changed:
            audit(locked, "supporters.supporter.corrected", actor)
            locked.save(update_fields=changed)
            rollup_move(before, locked)
    return locked


# --- Status, withdrawal, erasure ----------------------------------------------------------------


def supporter_set_status(*, supporter: Supporter, status: str, on: datetime.date, actor):
    """Pause or resume a supporter. Withdrawal goes through supporter_withdraw."""
    if status not in (Supporter.Status.ACTIVE, Supporter.Status.PAUSED):
        raise ValidationError(_("Use withdrawal to withdraw a supporter."))
    if supporter.status == Supporter.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn supporter cannot be paused or resumed."))
    with transaction.atomic():
        supporter = Supporter.objects.select_for_update(no_key=True).get(pk=supporter.pk)
        before = rollup_key(supporter)
        if supporter.status != status:
            supporter.status = status
            supporter.status_changed_on = on
            code = "paused" if status == Supporter.Status.PAUSED else "resumed"
            audit(supporter, f"supporters.supporter.{code}", actor)
            supporter.save(update_fields=["status", "status_changed_on"])
            rollup_move(before, supporter)
    return supporter


def supporter_withdraw(*, supporter: Supporter, on: datetime.date, erase: bool, actor) -> Supporter:
    """Withdraw a supporter; with a deletion request, erase their personal data too.

    Their sign-ups for sessions not yet started are cancelled (the seats go back, no reminder
    goes out). Attendance rows stay (pointing at the anonymised supporter), so participant
    counts of past trainings do not change. Names and contact details are removed from the
    supporter, their own sign-ups (not those of other people sharing the address),
    certificates, notice records, the notification log and the admin log; history tables never
    stored them.
    """
    if supporter.anonymised_at is not None:
        raise ValidationError(_("This supporter's personal data has already been erased."))
    with transaction.atomic():
        registration_ids = selectors.registration_ids_of_supporter(supporter)
        upcoming = Registration.objects.filter(
            pk__in=registration_ids,
            status__in=Registration.ACTIVE_STATUSES,  # signed up, waiting or offered a place
            session__starts_at__gt=timezone.now(),
        )
        # Same lock order as sign-up and attendance: sessions (by pk), then the supporter.
        session_ids = sorted(set(upcoming.values_list("session_id", flat=True)))
        sessions = list(
            TrainingSession.objects.select_for_update(no_key=True)
            .filter(pk__in=session_ids)
            .order_by("pk")
        )
        supporter = Supporter.objects.select_for_update(no_key=True).get(pk=supporter.pk)
        if supporter.anonymised_at is not None:
            raise ValidationError(_("This supporter's personal data has already been erased."))
        before = rollup_key(supporter)
        for registration in upcoming.order_by("pk"):
            registration.status = Registration.Status.CANCELLED
            registration.offer_expires_at = None
            audit(registration, "supporters.registration.cancelled_on_withdrawal", actor)
            registration.save(update_fields=["status", "offer_expires_at"])
        for session in sessions:  # the seats given back go to the people waiting
            waitlist_offer_next(session=session)
        if supporter.status != Supporter.Status.WITHDRAWN:
            supporter.status = Supporter.Status.WITHDRAWN
            supporter.status_changed_on = on
        fields = ["status", "status_changed_on"]
        audit(supporter, "supporters.supporter.withdrawn", actor)
        if erase:
            _erase_personal_data(supporter, registration_ids, actor=actor)
            audit(supporter, "supporters.supporter.withdrawn_and_erased", actor)
            fields += [
                "full_name",
                "full_name_kana",
                "email",
                "phone",
                "receives_line",
                "line_name",
                "affiliation_detail",
                "anonymised_at",
            ]
        supporter.save(update_fields=fields)
        rollup_move(before, supporter)
    logger.info("Supporter %s withdrawn (erased=%s)", supporter.pk, erase)
    return supporter


def _erase_personal_data(supporter: Supporter, registration_ids: list[int], *, actor) -> None:
    """Caller holds the supporter's row lock; `registration_ids` are the supporter's own."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import Notification

    old_email = supporter.email
    registrations = list(
        Registration.objects.filter(pk__in=registration_ids)
        .order_by("pk")
        .select_for_update(no_key=True)
    )
    for registration in registrations:
        registration.full_name = ERASED_NAME
        registration.full_name_kana = ""
        registration.email = _erased_email("registration", registration.pk)
        registration.phone = ""
        registration.line_name = ""
        audit(registration, "supporters.registration.erased", actor)
        registration.save(
            update_fields=[
                "full_name",
                "full_name_kana",
                "email",
                "email_key",
                "phone",
                "line_name",
            ]
        )
        Notification.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration),
            object_id=str(registration.pk),
        ).update(recipient=registration.email)
    Certificate.objects.filter(attendance__supporter=supporter).update(
        name_on_certificate=ERASED_NAME
    )
    erased = _erased_email("supporter", supporter.pk)
    NoticeRecipient.objects.filter(supporter=supporter).update(email="")
    if old_email:
        Notification.objects.filter(
            content_type=ContentType.objects.get_for_model(Supporter),
            object_id=str(supporter.pk),
        ).update(recipient=erased)
        Notification.objects.filter(
            content_type=ContentType.objects.get_for_model(SupporterNotice),
            recipient__iexact=old_email,
        ).update(recipient=erased)
    _erase_admin_log(Supporter, [supporter.pk])
    _erase_admin_log(Registration, [r.pk for r in registrations])
    _erase_admin_log(
        Attendance,
        list(Attendance.objects.filter(supporter=supporter).values_list("pk", flat=True)),
    )
    _erase_admin_log(
        Certificate,
        list(
            Certificate.objects.filter(attendance__supporter=supporter).values_list("pk", flat=True)
        ),
    )
    supporter.full_name = ERASED_NAME
    supporter.full_name_kana = ""
    supporter.email = ""
    supporter.phone = ""
    supporter.receives_line = False
    supporter.line_name = ""
    supporter.affiliation_detail = ""
    supporter.anonymised_at = timezone.now()


def _erase_admin_log(model, pks) -> None:
    """Django's admin log keeps each object's name (object_repr) and changed values; blank them."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    if pks:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in pks],
        ).update(object_repr=ERASED_NAME, change_message="")
