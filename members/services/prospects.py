"""Prospects: organisations the secretariat is inviting to join (their reminders are in
`reminders.py`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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


def prospect_delete(*, prospect, actor) -> None:
    """The secretariat deletes a prospect (entered by mistake, or its contact person asked for
    their data to be removed), with its trial participations. One that became a member is
    refused: its history stays with the register.

    The contact person's details go from the change history too: the earlier history rows are
    removed, and the deletion row that records who deleted it and when keeps no contact details.
    """
    with transaction.atomic():
        prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
        if prospect.status == Prospect.Status.JOINED:
            raise ValidationError(
                _("%(name)s joined the platform and cannot be deleted (its history stays).")
                % {"name": prospect.name}
            )
        prospect.history.all().delete()
        prospect.contact_name = prospect.email = prospect.phone = ""
        prospect.next_step = prospect.introduced_by_note = ""
        audit(prospect, "members.prospect.deleted", actor).delete()
