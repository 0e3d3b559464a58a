"""Attendance (signed-up people and walk-ins becoming supporters), certificates, badges."""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.audit import audit
from core.pdf import render_pdf

from .. import selectors
from ..models import (
    Attendance,
    AttendanceSubmission,
    Certificate,
    Registration,
    SerialCounter,
    Supporter,
    TrainingSession,
)
from .checks import details_check
from .rollups import rollup_move

logger = logging.getLogger(__name__)

CERTIFICATE_COUNTER = "certificate"


def _supporter_from_registration(registration: Registration, *, on: datetime.date, actor):
    supporter = selectors.supporter_match_for_registration(registration)
    if supporter is not None:
        return supporter
    supporter = Supporter(
        full_name=registration.full_name,
        full_name_kana=registration.full_name_kana,
        email=registration.email,
        phone=registration.phone,
        receives_line=registration.receives_line,
        line_name=registration.line_name,
        municipality=registration.municipality,
        district=registration.district,
        affiliation=registration.affiliation,
        consent_text=registration.consent_text,
        consented_at=registration.consented_at,
        registered_on=on,
    )
    audit(supporter, "supporters.supporter.registered_at_training", actor).save()
    rollup_move(None, supporter)
    return supporter


def _attendance_check(session: TrainingSession, walk_ins: list[dict]) -> datetime.date:
    """Everything session_attendance_record refuses before it locks; returns the session's day."""
    held_on = session.held_on
    if session.counts_only:
        raise ValidationError(
            _("This is a past record of head counts only: attendance by name cannot be added.")
        )
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("Attendance cannot be recorded for a cancelled session."))
    if held_on > timezone.localdate():
        raise ValidationError(_("Attendance can be recorded from the day of the session."))
    for walk_in in walk_ins:
        if not walk_in.get("consent_text"):
            raise ValidationError(
                _("%(name)s has not agreed to the consent text.") % {"name": walk_in["full_name"]}
            )
        details_check(walk_in)
    return held_on


def _registered_attendees(session, registration_ids, *, held_on, actor) -> list[tuple]:
    """(supporter, registration, walk_in=False) for each signed-up attendee; a sign-up becomes
    (or is linked to) its supporter."""
    registrations = list(
        session.registrations.filter(pk__in=registration_ids, status=Registration.Status.REGISTERED)
        .select_related("supporter", "municipality", "district", "consent_text")
        .order_by("pk")
    )
    if len(registrations) != len(set(registration_ids)):
        raise ValidationError(_("Some of the selected sign-ups are not for this session."))
    attendees = []
    for registration in registrations:
        supporter = _supporter_from_registration(registration, on=held_on, actor=actor)
        if registration.supporter_id != supporter.pk:
            registration.supporter = supporter
            audit(registration, "supporters.registration.linked", actor)
            registration.save(update_fields=["supporter"])
        attendees.append((supporter, registration, False))
    return attendees


def _walk_in_attendees(walk_ins, *, held_on, actor) -> list[tuple]:
    """(supporter, None, walk_in=True) for each walk-in: the supporter they already are, or a
    new one."""
    attendees = []
    for walk_in in walk_ins:
        supporter = selectors.supporter_match_for_walk_in(walk_in)
        if supporter is None:
            supporter = Supporter(**walk_in, consented_at=timezone.now(), registered_on=held_on)
            audit(supporter, "supporters.supporter.registered_at_training", actor).save()
            rollup_move(None, supporter)
        attendees.append((supporter, None, True))
    return attendees


def _attendances_create(session, attendees, *, held_on, actor) -> list[Attendance]:
    """One attendance per supporter not yet recorded for the session, and their last training
    moved to this one. Locks the attendees in pk order before touching their training dates."""
    supporter_ids = sorted({s.pk for s, _r, _w in attendees})
    locked = {
        s.pk: s
        for s in Supporter.objects.select_for_update(no_key=True)
        .filter(pk__in=supporter_ids)
        .order_by("pk")
    }
    already = set(
        session.attendances.filter(supporter_id__in=supporter_ids).values_list(
            "supporter_id", flat=True
        )
    )
    created = []
    for supporter, registration, walk_in in attendees:
        if supporter.pk in already:
            continue
        already.add(supporter.pk)
        attendance = Attendance(
            session=session,
            supporter=supporter,
            registration=registration,
            walk_in=walk_in,
            recorded_by=actor,
        )
        audit(attendance, "supporters.attendance.recorded", actor).save()
        created.append(attendance)
        current = locked[supporter.pk]
        if current.last_trained_on is None or current.last_trained_on < held_on:
            current.last_trained_on = held_on
            audit(current, "supporters.supporter.trained", actor)
            current.save(update_fields=["last_trained_on"])
    return created


def session_attendance_record(
    *,
    session: TrainingSession,
    registration_ids: list[int],
    walk_ins: list[dict],
    actor,
    token: uuid.UUID | None = None,
) -> list[Attendance]:
    """Record who attended: signed-up people by id and walk-ins by their details.

    Each attendee becomes (or stays) a registered supporter whose last training is this session.
    Walk-in dicts carry the supporter fields plus `consent_text` (the version they signed); a
    walk-in who is already a supporter (same e-mail, or same name, kana and municipality) is
    that supporter, not a new one. Recording the same person twice is a no-op (unique
    constraint per session and supporter), and a form submitted twice with the same `token`
    records once.
    """
    held_on = _attendance_check(session, walk_ins)
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
        if token is not None:
            if AttendanceSubmission.objects.filter(token=token).exists():
                return []  # this very form was already recorded (double submit)
            AttendanceSubmission.objects.create(token=token, session=session, submitted_by=actor)
        attendees = _registered_attendees(
            session, registration_ids, held_on=held_on, actor=actor
        ) + _walk_in_attendees(walk_ins, held_on=held_on, actor=actor)
        created = _attendances_create(session, attendees, held_on=held_on, actor=actor)
        if session.status != TrainingSession.Status.HELD:
            session.status = TrainingSession.Status.HELD
            audit(session, "supporters.training_session.held", actor)
            session.save(update_fields=["status"])
    logger.info("Attendance recorded: session=%s new=%s", session.pk, len(created))
    return created


def certificates_issue(*, session: TrainingSession, actor, on: datetime.date | None = None):
    """Issue a serially numbered 修了証 to every attendee of the session who has none yet.

    Numbers come from a counter row locked for the transaction, so they are gap-free and
    unique even when two people issue at once. Returns the new certificates.
    """
    on = on or timezone.localdate()
    pending = list(
        session.attendances.filter(certificate__isnull=True)
        .select_related("supporter")
        .order_by("pk")
    )
    if not pending:
        if not session.attendances.exists():
            raise ValidationError(
                _(
                    "Nobody is recorded as present at this session, so no certificate was "
                    "issued. Record the attendance first."
                )
            )
        raise ValidationError(_("Every attendee of this session already has a certificate."))
    held_on = timezone.localtime(session.starts_at).date()
    with transaction.atomic():
        counter, _created = SerialCounter.objects.get_or_create(name=CERTIFICATE_COUNTER)
        counter = SerialCounter.objects.select_for_update(no_key=True).get(pk=counter.pk)
        # Re-read under the lock: a concurrent issue may have taken some of them.
        pending = list(
            session.attendances.filter(certificate__isnull=True, pk__in=[a.pk for a in pending])
            .select_related("supporter")
            .order_by("pk")
        )
        certificates = []
        for attendance in pending:
            counter.last_value += 1
            certificates.append(
                Certificate(
                    attendance=attendance,
                    number=counter.last_value,
                    issued_on=on,
                    name_on_certificate=attendance.supporter.full_name,
                    session_title=session.title,
                    completed_on=held_on,
                    issued_by=actor,
                )
            )
        counter.save(update_fields=["last_value"])
        bulk_create_with_history(
            certificates,
            Certificate,
            default_user=actor,
            default_change_reason="supporters.certificate.issued",
        )
    return certificates


def certificates_render(*, certificates) -> bytes:
    """One A4 page per certificate, from the snapshot stored at issue."""
    return render_pdf(
        "supporters/pdf/certificates.html",
        {"certificates": list(certificates), "platform_name": settings.PLATFORM_NAME},
    )


def badges_hand_out(*, supporters, on: datetime.date, actor) -> int:
    """Record that these supporters received their badge (a badge is handed out once)."""
    ids = sorted(s.pk for s in supporters)
    with transaction.atomic():
        locked = list(
            Supporter.objects.select_for_update(no_key=True)
            .filter(pk__in=ids, badge_handed_on__isnull=True)
            .exclude(status=Supporter.Status.WITHDRAWN)
            .order_by("pk")
        )
        for supporter in locked:
            supporter.badge_handed_on = on
            audit(supporter, "supporters.supporter.badge_handed_out", actor)
            supporter.save(update_fields=["badge_handed_on"])
    return len(locked)
