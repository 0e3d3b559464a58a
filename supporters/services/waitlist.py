"""A resident's own cancellation from the confirmation e-mail, and the waiting list.

The waiting list follows CiviEvent's: a full session takes sign-ups "on the waiting list"; a
freed seat is offered to the first person waiting (sign-up order) by e-mail with a link that is
valid for the rule set's `waitlist_offer_hours` (never past the start); the offer holds the seat;
accepting within the time registers them, an offer that lapses or is declined passes to the next
person. Lapsed offers are found by a periodic task (`waitlist_offers_expire_task`) and whenever
someone opens an offer link.

Links carry the registration's token signed with Django's signing (a salt per purpose): they
cannot be guessed or altered, and reveal nothing but an opaque value.

Locks: the session row first, then registrations in primary-key order (as signups.py).
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.contact import secretariat_contact
from core.japanese import format_date
from core.notifications import notify

from ..models import Registration, SupporterRuleSet, TrainingSession

CANCEL_SALT = "supporters.registration.cancel"
OFFER_SALT = "supporters.registration.offer"


class LinkInvalid(Exception):
    """A cancellation or offer link that was altered, or whose registration is gone."""


def link_token(registration: Registration, *, salt: str) -> str:
    return signing.dumps(str(registration.token), salt=salt)


def link_url(registration: Registration, *, salt: str) -> str:
    """The absolute address of the cancellation or offer page, for e-mails."""
    name = "supporters:registration-cancel" if salt == CANCEL_SALT else "supporters:waitlist-offer"
    path = reverse(name, args=[link_token(registration, salt=salt)])
    return settings.SITE_URL.rstrip("/") + path


def registration_from_link(value: str, *, salt: str) -> Registration:
    try:
        token = signing.loads(value, salt=salt)
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    registration = (
        Registration.objects.filter(token=token).select_related("session__municipality").first()
    )
    if registration is None:
        raise LinkInvalid
    return registration


def _rules(on: datetime.date) -> SupporterRuleSet:
    rules = SupporterRuleSet.objects.in_force_on(on)
    if rules is None:
        raise SupporterRuleSet.DoesNotExist(_("No supporter rule set is in force."))
    return rules


def self_cancel_deadline(session: TrainingSession) -> datetime.datetime:
    """The last moment a resident may cancel from the e-mail: the rule set's hours before the
    start (the rule set in force on the day the session starts)."""
    start = session.starts_at
    hours = _rules(timezone.localtime(start).date()).self_cancel_hours
    return start - datetime.timedelta(hours=hours)


def _contact_message() -> str:
    contact = secretariat_contact()  # as set in the admin (core.contact)
    if contact is None:
        return _(
            "Please contact the secretariat instead. "
            "Secretariat: Tottori City Central Human Rights and Welfare Centre"
        )
    reach = [contact.name]
    reach += [f"TEL {contact.phone}"] if contact.phone else []
    reach += [contact.email] if contact.email else []
    return _("Please contact the secretariat instead: %(contact)s") % {"contact": "、".join(reach)}


def self_cancel_refusal(registration: Registration, now: datetime.datetime) -> str | None:
    """Why this registration cannot be cancelled from its link now (None: it can)."""
    session = registration.session
    if registration.status == Registration.Status.CANCELLED:
        return _("This sign-up has already been cancelled.")
    if hasattr(registration, "attendance"):
        return _("Your attendance is already recorded; the sign-up cannot be cancelled.")
    if session.status != TrainingSession.Status.SCHEDULED or session.starts_at <= now:
        return _("This session has started or ended; the sign-up can no longer be cancelled.")
    if registration.status == Registration.Status.REGISTERED:
        deadline = self_cancel_deadline(session)
        if now > deadline:
            local = timezone.localtime(deadline)
            return _("Sign-ups can be cancelled here only until %(date)s %(time)s. %(contact)s") % {
                "date": format_date(local.date()),
                "time": local.strftime("%H:%M"),
                "contact": _contact_message(),
            }
    return None


def registration_self_cancel(*, registration: Registration, now=None) -> Registration:
    """The resident cancels their own sign-up (or leaves the waiting list, or declines an
    offer) from the e-mail link, until the deadline. A seat freed is offered to the next
    person waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update(no_key=True).get(
            pk=registration.session_id
        )
        registration = (
            Registration.objects.select_for_update(no_key=True)
            .select_related("session")
            .get(pk=registration.pk)
        )
        if refusal := self_cancel_refusal(registration, now):
            raise ValidationError(refusal)
        held_seat = registration.status in Registration.SEAT_STATUSES
        registration.status = Registration.Status.CANCELLED
        registration.offer_expires_at = None
        audit(registration, "supporters.registration.self_cancelled", None)
        registration.save(update_fields=["status", "offer_expires_at"])
        if held_seat:
            waitlist_offer_next(session=session, now=now)
    return registration


# --- the waiting list --------------------------------------------------------------------------


def seats_taken(session: TrainingSession) -> int:
    return session.registrations.filter(status__in=Registration.SEAT_STATUSES).count()


def waitlist_offer_next(*, session: TrainingSession, now=None) -> list[Registration]:
    """Offer every free seat to the next people waiting, in sign-up order. Caller holds the
    session lock. Returns the new offers (each mailed once, after commit)."""
    now = now or timezone.now()
    if session.status != TrainingSession.Status.SCHEDULED or session.starts_at <= now:
        return []
    free = session.capacity - seats_taken(session)
    if free <= 0:
        return []
    hours = _rules(timezone.localdate(now)).waitlist_offer_hours
    expires = min(now + datetime.timedelta(hours=hours), session.starts_at)
    waiting = list(
        Registration.objects.select_for_update(no_key=True)
        .filter(session=session, status=Registration.Status.WAITLISTED)
        .order_by("created_at", "pk")[:free]
    )
    for registration in waiting:
        registration.status = Registration.Status.OFFERED
        registration.offer_expires_at = expires
        audit(registration, "supporters.registration.offered", None)
        registration.save(update_fields=["status", "offer_expires_at"])
        transaction.on_commit(lambda pk=registration.pk: _send_offer(pk))
    return waiting


def _send_offer(registration_id: int) -> None:
    from ..tasks import waitlist_offer_mail_task

    waitlist_offer_mail_task.delay(registration_id)


def waitlist_offer_send(*, registration: Registration) -> bool:
    """The e-mail offering a freed seat, once per offer (its expiry names the offer)."""
    return notify(
        purpose="supporters.waitlist_offer",
        target=registration,
        period=registration.offer_expires_at.isoformat(),
        recipient=registration.email,
        subject=_("[Tsunagari supporters] A place is free for you: %(title)s")
        % {"title": registration.session.title},
        template_name="supporters/email/waitlist_offer.txt",
        context={
            "registration": registration,
            "session": registration.session,
            "offer_url": link_url(registration, salt=OFFER_SALT),
        },
    )


def _offer_lapsed(registration: Registration, now) -> bool:
    return (
        registration.status == Registration.Status.OFFERED
        and registration.offer_expires_at is not None
        and registration.offer_expires_at < now
    )


def waitlist_offer_accept(*, registration: Registration, now=None) -> Registration:
    """Take the offered seat, within the offer's time. A lapsed offer passes to the next
    person and is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update(no_key=True).get(
            pk=registration.session_id
        )
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if registration.status == Registration.Status.REGISTERED:
            return registration
        if registration.status != Registration.Status.OFFERED:
            raise ValidationError(_("There is no place offered to you for this session."))
        if _offer_lapsed(registration, now) or session.starts_at <= now:
            _lapse(registration, session, now)
            lapsed = True
        else:
            lapsed = False
            registration.status = Registration.Status.REGISTERED
            registration.offer_expires_at = None
            audit(registration, "supporters.registration.offer_accepted", None)
            registration.save(update_fields=["status", "offer_expires_at"])
            from ..tasks import registration_confirmation_task

            registration_confirmation_task.delay_on_commit(registration.pk)
    if lapsed:
        # Outside the atomic block: the lapse is kept, only the acceptance is refused.
        raise ValidationError(
            _("Sorry, the time to accept this place has passed; it was offered to the next person.")
        )
    return registration


def _lapse(registration: Registration, session: TrainingSession, now) -> None:
    """Caller holds the session lock and the registration's."""
    registration.status = Registration.Status.CANCELLED
    audit(registration, "supporters.registration.offer_expired", None)
    registration.save(update_fields=["status"])
    waitlist_offer_next(session=session, now=now)


def waitlist_offers_expire(*, now=None) -> int:
    """Pass every lapsed offer on to the next person waiting. Idempotent; returns how many
    offers lapsed."""
    now = now or timezone.now()
    session_ids = (
        Registration.objects.filter(status=Registration.Status.OFFERED, offer_expires_at__lt=now)
        .order_by("session_id")
        .values_list("session_id", flat=True)
        .distinct()
    )
    lapsed = 0
    for session_id in list(session_ids):
        with transaction.atomic():
            session = TrainingSession.objects.select_for_update(no_key=True).get(pk=session_id)
            offers = (
                Registration.objects.select_for_update(no_key=True)
                .filter(
                    session=session, status=Registration.Status.OFFERED, offer_expires_at__lt=now
                )
                .order_by("pk")
            )
            for registration in offers:
                registration.status = Registration.Status.CANCELLED
                audit(registration, "supporters.registration.offer_expired", None)
                registration.save(update_fields=["status"])
                lapsed += 1
            waitlist_offer_next(session=session, now=now)
    return lapsed
