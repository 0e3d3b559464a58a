"""Sign-up for public training sessions: capacity and one sign-up per address under the session
lock, confirmations, reminders, cancellation."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.notifications import notify

from ..models import (
    Registration,
    TrainingSession,
)
from .checks import details_check
from .waitlist import (
    CANCEL_SALT,
    link_url,
    seats_taken,
    self_cancel_deadline,
    waitlist_offer_next,
)


def _registration_for_token(token: uuid.UUID, session_id: int) -> Registration | None:
    existing = Registration.objects.filter(token=token).select_related("session").first()
    if existing is not None and existing.session_id != session_id:
        raise ValidationError(_("This form was already sent for another session. Please reload."))
    return existing


def registration_create(
    *, session_id: int, data: dict, token: uuid.UUID, actor=None, waitlist: bool = False
):
    """Sign a resident up for a public session. Returns (registration, created).

    A full session (or one with people already waiting) refuses the sign-up unless `waitlist`
    is asked for: then the registration goes on the waiting list (services/waitlist.py).

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
        active = session.registrations.filter(status__in=Registration.ACTIVE_STATUSES)
        if active.filter(email_key=email_key).exists():
            raise ValidationError(
                {"email": _("This e-mail address is already signed up for this session.")}
            )
        full = _is_full(session)
        if full and not waitlist:
            raise ValidationError(
                _("Sorry, this session is full. You can join the waiting list instead.")
            )
        status = Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED
        try:
            with transaction.atomic():
                registration = Registration(
                    session=session,
                    token=token,
                    consented_at=timezone.now(),
                    status=status,
                    **data,
                )
                audit(registration, "supporters.registration.created", actor).save()
        except IntegrityError as exc:
            raise ValidationError(
                {"email": _("This e-mail address is already signed up for this session.")}
            ) from exc
        from ..tasks import registration_confirmation_task

        registration_confirmation_task.delay_on_commit(registration.pk)
    return registration, True


def _is_full(session: TrainingSession) -> bool:
    """No seat free, or people already waiting (a new sign-up does not jump the queue).
    Caller holds the session lock."""
    if session.registrations.filter(status=Registration.Status.WAITLISTED).exists():
        return True
    return seats_taken(session) >= session.capacity


def registration_confirmation_send(*, registration: Registration) -> bool:
    """The confirmation e-mail — of the sign-up, or of the place on the waiting list — once
    each (recorded in core's notifications), with the link to cancel."""
    waiting = registration.status == Registration.Status.WAITLISTED
    session = registration.session
    return notify(
        purpose="supporters.waitlist_confirmation"
        if waiting
        else "supporters.registration_confirmation",
        target=registration,
        period="signup",
        recipient=registration.email,
        subject=(
            _("[Tsunagari supporters] You are on the waiting list for %(title)s")
            if waiting
            else _("[Tsunagari supporters] Your sign-up for %(title)s")
        )
        % {"title": session.title},
        template_name="supporters/email/registration_confirmation.txt",
        context={
            "registration": registration,
            "session": session,
            "waiting": waiting,
            "cancel_url": link_url(registration, salt=CANCEL_SALT),
            "cancel_deadline": self_cancel_deadline(session),
        },
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
    """Cancel a sign-up (the secretariat, on the person's request); the seat goes back and is
    offered to the first person waiting."""
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update(no_key=True).get(
            pk=registration.session_id
        )
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if hasattr(registration, "attendance"):
            raise ValidationError(_("An attended sign-up cannot be cancelled."))
        if registration.status != Registration.Status.CANCELLED:
            held_seat = registration.status in Registration.SEAT_STATUSES
            registration.status = Registration.Status.CANCELLED
            registration.offer_expires_at = None
            audit(registration, "supporters.registration.cancelled", actor)
            registration.save(update_fields=["status", "offer_expires_at"])
            if held_seat:
                waitlist_offer_next(session=session)
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
        active = session.registrations.filter(status__in=Registration.ACTIVE_STATUSES)
        if active.filter(email_key=registration.email_key).exists():
            raise ValidationError(_("This e-mail address is already signed up for this session."))
        if seats_taken(session) >= session.capacity:
            raise ValidationError(_("Sorry, this session is full."))
        registration.status = Registration.Status.REGISTERED
        audit(registration, "supporters.registration.reactivated", actor)
        registration.save(update_fields=["status"])
    return registration
