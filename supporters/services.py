"""Writes of the supporter scheme: validate first (Japanese messages), then write atomically."""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.audit import audit
from core.notifications import notify
from core.pdf import render_pdf

from . import selectors
from .models import (
    Attendance,
    AttendanceSubmission,
    Certificate,
    NoticeRecipient,
    Registration,
    SerialCounter,
    Supporter,
    SupporterNotice,
    TrainingSession,
    TsunagariMeeting,
)

logger = logging.getLogger(__name__)

ERASED_NAME = "（削除済み）"
CERTIFICATE_COUNTER = "certificate"


def _erased_email(kind: str, pk: int) -> str:
    return f"erased-{kind}-{pk}@invalid.example"


# --- The one check of places and LINE names --------------------------------------------------


def details_check(data: dict) -> None:
    """Where someone (or something) is and how they get LINE messages; every form, admin
    screen, import and service calls this one function.

    Checks only what `data` carries: the school district must lie in the municipality (when
    both are given), and a LINE name is required with LINE and kept only with LINE (when
    `receives_line` is given). Raises ValidationError keyed by field, in Japanese.
    """
    errors = {}
    district, municipality = data.get("district"), data.get("municipality")
    if district is not None and municipality is not None:
        if district.municipality_id != municipality.pk:
            errors["district"] = _("The school district is not in the chosen municipality.")
    if "receives_line" in data:
        line_name = (data.get("line_name") or "").strip()
        if data["receives_line"] and not line_name:
            errors["line_name"] = _("Please enter the LINE name.")
        elif not data["receives_line"] and line_name:
            errors["line_name"] = _("A LINE name is only kept for supporters who receive LINE.")
    if errors:
        raise ValidationError(errors)


# --- Sign-up --------------------------------------------------------------------------------------


def _registration_for_token(token: uuid.UUID, session_id: int) -> Registration | None:
    existing = Registration.objects.filter(token=token).select_related("session").first()
    if existing is not None and existing.session_id != session_id:
        raise ValidationError(_("This form was already sent for another session. Please reload."))
    return existing


def registration_create(*, session_id: int, data: dict, token: uuid.UUID, actor=None):
    """Sign a resident up for a public session. Returns (registration, created).

    The same token submitted twice returns the first registration (double click, reload),
    also when both submissions arrive at once: the token is looked up again under the session
    lock. The session row is locked while seats are counted, so capacity holds under
    concurrency; the partial unique constraint on (session, e-mail) backs the
    no-double-registration rule.
    """
    existing = _registration_for_token(token, session_id)
    if existing is not None:
        return existing, False

    data = {**data, "email": data["email"].strip()}
    details_check(data)
    email_key = data["email"].casefold()

    with transaction.atomic():
        session = TrainingSession.objects.select_for_update(no_key=True).get(pk=session_id)
        # A double click waits for the first submission's lock and finds its row here.
        existing = _registration_for_token(token, session_id)
        if existing is not None:
            return existing, False
        if (
            not session.is_public
            or session.status != TrainingSession.Status.SCHEDULED
            or session.starts_at <= timezone.now()
        ):
            raise ValidationError(_("Sign-up for this session is closed."))
        registered = session.registrations.filter(status=Registration.Status.REGISTERED)
        if registered.filter(email_key=email_key).exists():
            raise ValidationError(
                {"email": _("This e-mail address is already signed up for this session.")}
            )
        if registered.count() >= session.capacity:
            raise ValidationError(_("Sorry, this session is full."))
        try:
            with transaction.atomic():
                registration = Registration(
                    session=session, token=token, consented_at=timezone.now(), **data
                )
                audit(registration, "supporters.registration.created", actor).save()
        except IntegrityError as exc:
            raise ValidationError(
                {"email": _("This e-mail address is already signed up for this session.")}
            ) from exc
        from .tasks import registration_confirmation_task

        registration_confirmation_task.delay_on_commit(registration.pk)
    return registration, True


def registration_confirmation_send(*, registration: Registration) -> bool:
    """The confirmation e-mail, once per registration (recorded in core's notifications)."""
    return notify(
        purpose="supporters.registration_confirmation",
        target=registration,
        period="signup",
        recipient=registration.email,
        subject=_("[Tsunagari supporters] Your sign-up for %(title)s")
        % {"title": registration.session.title},
        template_name="supporters/email/registration_confirmation.txt",
        context={"registration": registration, "session": registration.session},
    )


def training_reminders_send(*, on: datetime.date) -> int:
    """Remind everyone signed up for a session held the day after `on`. Idempotent per day."""
    tomorrow = on + datetime.timedelta(days=1)
    registrations = (
        Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            session__status=TrainingSession.Status.SCHEDULED,
            session__starts_at__date=tomorrow,
        )
        .select_related("session")
        .order_by("pk")
    )
    sent = 0
    for registration in registrations:
        sent += notify(
            purpose="supporters.training_reminder",
            target=registration,
            period=tomorrow.isoformat(),
            recipient=registration.email,
            subject=_("[Tsunagari supporters] Reminder: %(title)s is tomorrow")
            % {"title": registration.session.title},
            template_name="supporters/email/training_reminder.txt",
            context={"registration": registration, "session": registration.session},
        )
    return sent


def registration_cancel(*, registration: Registration, actor) -> Registration:
    """Cancel a sign-up (the secretariat, on the person's request); the seat goes back."""
    with transaction.atomic():
        TrainingSession.objects.select_for_update(no_key=True).get(pk=registration.session_id)
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if hasattr(registration, "attendance"):
            raise ValidationError(_("An attended sign-up cannot be cancelled."))
        if registration.status != Registration.Status.CANCELLED:
            registration.status = Registration.Status.CANCELLED
            audit(registration, "supporters.registration.cancelled", actor)
            registration.save(update_fields=["status"])
    return registration


def registration_reactivate(*, registration: Registration, actor) -> Registration:
    """Take back a cancellation, under the same rules as signing up: the session has not
    started, a seat is free and the address is not signed up again meanwhile."""
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update(no_key=True).get(
            pk=registration.session_id
        )
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if registration.status == Registration.Status.REGISTERED:
            return registration
        if (
            session.status != TrainingSession.Status.SCHEDULED
            or session.starts_at <= timezone.now()
        ):
            raise ValidationError(_("Sign-up for this session is closed."))
        registered = session.registrations.filter(status=Registration.Status.REGISTERED)
        if registered.filter(email_key=registration.email_key).exists():
            raise ValidationError(_("This e-mail address is already signed up for this session."))
        if registered.count() >= session.capacity:
            raise ValidationError(_("Sorry, this session is full."))
        registration.status = Registration.Status.REGISTERED
        audit(registration, "supporters.registration.reactivated", actor)
        registration.save(update_fields=["status"])
    return registration


# --- Sessions and meetings entered by the secretariat -------------------------------------------


def training_session_check(data: dict) -> None:
    """What a training session must satisfy: it ends after it starts, and its school district
    lies in its municipality."""
    errors = {}
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = [_("The end must be after the start.")]
    try:
        details_check({"municipality": data.get("municipality"), "district": data.get("district")})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def training_session_save(*, session: TrainingSession, data: dict, actor) -> TrainingSession:
    """Create (session.pk is None) or correct a training session."""
    current = {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "municipality": getattr(session, "municipality", None),
        "district": session.district,
    }
    training_session_check({**current, **data})
    with transaction.atomic():
        code = "supporters.training_session.created"
        if session.pk is not None:
            session = TrainingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
            code = "supporters.training_session.corrected"
        for name, value in data.items():
            setattr(session, name, value)
        audit(session, code, actor).save()
    return session


def tsunagari_meeting_save(*, meeting: TsunagariMeeting, data: dict, actor) -> TsunagariMeeting:
    """Create (meeting.pk is None) or correct a つながりミーティング record."""
    details_check(
        {
            "municipality": data.get("municipality", getattr(meeting, "municipality", None)),
            "district": data.get("district", meeting.district),
        }
    )
    with transaction.atomic():
        code = "supporters.tsunagari_meeting.created"
        if meeting.pk is not None:
            meeting = TsunagariMeeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
            code = "supporters.tsunagari_meeting.corrected"
        for name, value in data.items():
            setattr(meeting, name, value)
        audit(meeting, code, actor).save()
    return meeting


# --- Attendance, certificates, badges -----------------------------------------------------------


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
    return supporter


def _attendance_check(session: TrainingSession, walk_ins: list[dict]) -> datetime.date:
    """Everything session_attendance_record refuses before it locks; returns the session's day."""
    held_on = timezone.localtime(session.starts_at).date()
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


# --- Supporters entered or corrected by the secretariat ---------------------------------------

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
        changed = [k for k in _EDITABLE_FIELDS if k in data and getattr(locked, k) != data[k]]
        for name in changed:
            setattr(locked, name, data[name])
        if "consent_text" in changed and locked.consent_text_id:
            locked.consented_at = timezone.now()
            changed.append("consented_at")
        if changed:
            audit(locked, "supporters.supporter.corrected", actor)
            locked.save(update_fields=changed)
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
        if supporter.status != status:
            supporter.status = status
            supporter.status_changed_on = on
            code = "paused" if status == Supporter.Status.PAUSED else "resumed"
            audit(supporter, f"supporters.supporter.{code}", actor)
            supporter.save(update_fields=["status", "status_changed_on"])
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
            status=Registration.Status.REGISTERED,
            session__starts_at__gt=timezone.now(),
        )
        # Same lock order as sign-up and attendance: sessions (by pk), then the supporter.
        session_ids = sorted(set(upcoming.values_list("session_id", flat=True)))
        list(
            TrainingSession.objects.select_for_update(no_key=True)
            .filter(pk__in=session_ids)
            .order_by("pk")
        )
        supporter = Supporter.objects.select_for_update(no_key=True).get(pk=supporter.pk)
        if supporter.anonymised_at is not None:
            raise ValidationError(_("This supporter's personal data has already been erased."))
        for registration in upcoming.order_by("pk"):
            registration.status = Registration.Status.CANCELLED
            audit(registration, "supporters.registration.cancelled_on_withdrawal", actor)
            registration.save(update_fields=["status"])
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


def refresher_reminders_send(*, on: datetime.date) -> int:
    """E-mail active supporters whose refresher falls due within the reminder window.

    One e-mail per supporter and due date: a new training moves the due date and so a later
    reminder is a new one.
    """
    rules = selectors.rules_in_force_or_none(on)
    if rules is None:
        logger.warning("No supporter rule set in force on %s: no refresher reminders", on)
        return 0
    calendar_url = settings.SITE_URL.rstrip("/") + reverse("supporters:training-list")
    sent = 0
    for supporter in selectors.supporters_for_refresher_reminder(on, rules):
        due_on = selectors.refresher_due_on(supporter, rules)
        sent += notify(
            purpose="supporters.refresher_reminder",
            target=supporter,
            period=due_on.isoformat(),
            recipient=supporter.email,
            subject=_("[Tsunagari supporters] Time for your refresher training"),
            template_name="supporters/email/refresher_reminder.txt",
            context={"supporter": supporter, "due_on": due_on, "site_url": calendar_url},
        )
    return sent


# --- Notices --------------------------------------------------------------------------------------


def notice_check(*, subject: str, body: str, municipality=None, district=None, status=""):
    """Everything notice_create refuses, for the add form to show before saving."""
    if not subject.strip() or not body.strip():
        raise ValidationError(_("A notice needs a subject and a text."))
    details_check({"municipality": municipality, "district": district})
    if not selectors.notice_recipients(
        municipality=municipality, district=district, status=status
    ).exists():
        raise ValidationError(_("No supporter with an e-mail address matches these filters."))


def notice_create(
    *,
    subject: str,
    body: str,
    municipality=None,
    district=None,
    status: str = "",
    actor,
    token: uuid.UUID | None = None,
) -> SupporterNotice:
    """Record a notice and exactly whom it goes to; sending is queued after commit.

    The same add form (`token`) submitted twice returns the first notice and sends nothing
    more; the unique token column backs this when both submissions arrive at once.
    """
    if token is not None:
        existing = SupporterNotice.objects.filter(token=token).first()
        if existing is not None:
            return existing
    notice_check(
        subject=subject, body=body, municipality=municipality, district=district, status=status
    )
    recipients = list(
        selectors.notice_recipients(municipality=municipality, district=district, status=status)
    )
    try:
        with transaction.atomic():
            notice = SupporterNotice(
                subject=subject,
                body=body,
                municipality=municipality,
                district=district,
                status_filter=status,
                created_by=actor,
                token=token,
            )
            audit(notice, "supporters.notice.created", actor).save()
            NoticeRecipient.objects.bulk_create(
                NoticeRecipient(notice=notice, supporter=s, email=s.email) for s in recipients
            )
            from .tasks import notice_send_task

            notice_send_task.delay_on_commit(notice.pk)
    except IntegrityError:
        # The same form submitted twice at once: the other submission's notice stands.
        existing = SupporterNotice.objects.filter(token=token).first() if token else None
        if existing is None:
            raise
        return existing
    return notice


def notice_send(*, notice: SupporterNotice) -> int:
    """Send a notice to its recorded recipients; safe to run again (each address once)."""
    sent = 0
    for recipient in (
        notice.recipients.filter(sent_at__isnull=True).exclude(email="").order_by("pk")
    ):
        notify(
            purpose="supporters.notice",
            target=notice,
            period="notice",
            recipient=recipient.email,
            subject=notice.subject,
            template_name="supporters/email/notice.txt",
            context={"notice": notice},
        )
        recipient.sent_at = timezone.now()
        recipient.save(update_fields=["sent_at"])
        sent += 1
    if notice.sent_at is None:
        notice.sent_at = timezone.now()
        audit(notice, "supporters.notice.sent")
        notice.save(update_fields=["sent_at"])
    return sent
