"""Training sessions and つながりミーティング records entered by the secretariat."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit

from ..models import (
    TrainingSession,
    TsunagariMeeting,
    training_session_field_errors,
)
from .checks import details_check


def training_session_check(data: dict) -> None:
    """What a training session must satisfy: everything of a session run on the platform (or,
    for a past head-count record, the day — not in the future — and a venue or an audience);
    it ends after it starts; its school district lies in its municipality."""
    errors = training_session_field_errors(data)
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = [_("The end must be after the start.")]
    held_on = data.get("held_on")
    if data.get("counts_only") and held_on and held_on > timezone.localdate():
        errors["held_on"] = [_("A past record is for a session already held.")]
    try:
        details_check({"municipality": data.get("municipality"), "district": data.get("district")})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def training_session_save(*, session: TrainingSession, data: dict, actor) -> TrainingSession:
    """Create (session.pk is None) or correct a training session. A past head-count record
    (`counts_only`) is held and not open to sign-up: those two follow from what it is."""
    if data.get("counts_only", session.counts_only):
        data = {**data, "counts_only": True, "status": TrainingSession.Status.HELD}
        data["is_public"] = False
    current = {f.name: getattr(session, f.attname) for f in TrainingSession._meta.concrete_fields}
    current["municipality"] = getattr(session, "municipality", None)
    current["district"] = session.district
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
