"""Prospects: organisations the secretariat is inviting to join (their reminders are in
`reminders.py`)."""

from django.db import transaction

from core.audit import audit

from ..models import Prospect, TrialParticipation


def prospect_save(*, prospect, actor) -> Prospect:
    """The secretariat creates or edits a prospect in the admin (its form has validated it)."""
    code = "members.prospect.created" if prospect.pk is None else "members.prospect.changed"
    with transaction.atomic():
        audit(prospect, code, actor).save()
    return prospect


def trial_participation_save(*, trial, actor) -> TrialParticipation:
    """Record (or correct) an event a prospect tried (お試し参加)."""
    with transaction.atomic():
        trial.save()
    return trial


def trial_participation_delete(*, trial, actor) -> None:
    with transaction.atomic():
        trial.delete()
