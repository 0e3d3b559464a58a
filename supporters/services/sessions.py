"""Training sessions and つながりミーティング records entered by the secretariat."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit

from ..models import (
    TrainingSession,
    TsunagariMeeting,
)
from .checks import details_check


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
