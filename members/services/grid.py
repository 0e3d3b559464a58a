"""The meeting grid: attendance, proxies, the chair and votes of one meeting saved together.

The secretariat enters a whole meeting at once (every 幹事団体 on the roster a row). Each change
goes through the same services as a single entry (`attendance_record`, `meeting_choose_chair`,
`vote_record`), in one transaction: a refusal on any row saves nothing, and every refusal is
reported with the organisation it concerns.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import AgendaItem, Attendance, Meeting, Organisation, Vote
from .meetings import attendance_record, meeting_choose_chair, vote_record


@dataclass
class GridEntry:
    """What the grid says about one 幹事団体: how it took part and its vote per open item
    (item pk → Vote.Choice, or "" for no vote)."""

    mode: str = Attendance.Mode.ABSENT
    proxy_holder: Organisation | None = None
    votes: dict = field(default_factory=dict)


def _check_proxies_go_to_present_members(entries: dict, names: dict) -> list[str]:
    """規約第12条3: a proxy is given to a 幹事団体 that attends. Checked on the grid as a whole,
    since the holder's own row may change in the same save."""
    errors = []
    for org_id, entry in entries.items():
        if entry.mode != Attendance.Mode.PROXY or entry.proxy_holder is None:
            continue
        holder = entries.get(entry.proxy_holder.pk)
        if holder is not None and holder.mode not in Attendance.PRESENT_MODES:
            errors.append(
                _("%(name)s: the proxy holder %(holder)s is not present at the meeting.")
                % {"name": names[org_id], "holder": entry.proxy_holder.name}
            )
    return errors


def _record(errors: list, name: str, call, **kwargs):
    try:
        return call(**kwargs)
    except ValidationError as exc:
        errors.extend(f"{name}: {message}" for message in exc.messages)
        return None


def meeting_grid_record(*, meeting, entries: dict, chair, actor) -> Meeting:
    """Save the grid: `entries` maps organisation pk → GridEntry for the roster, `chair` is an
    Organisation on it or None. Only what changed is written. Votes are taken on items not yet
    decided; the chair's are ignored (規約第12条2). Raises ValidationError listing every refusal,
    and then nothing is saved."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        attendances = {
            a.organisation_id: a for a in meeting.attendances.select_related("organisation")
        }
        names = {org_id: a.organisation.name for org_id, a in attendances.items()}
        unknown = set(entries) - set(attendances)
        if unknown or (chair is not None and chair.pk not in attendances):
            raise ValidationError(_("The grid names an organisation not on this meeting's roster."))
        errors = []
        if meeting.kind == Meeting.Kind.MEETING:
            errors += _check_proxies_go_to_present_members(entries, names)
            for org_id, entry in sorted(entries.items()):
                current = attendances[org_id]
                holder_id = entry.proxy_holder.pk if entry.proxy_holder else None
                if (current.mode, current.proxy_holder_id) == (entry.mode, holder_id):
                    continue
                _record(
                    errors,
                    names[org_id],
                    attendance_record,
                    meeting=meeting,
                    organisation=current.organisation,
                    mode=entry.mode,
                    proxy_holder=entry.proxy_holder,
                    actor=actor,
                )
            meeting.refresh_from_db(fields=["chair"])
            if (chair.pk if chair else None) != meeting.chair_id:
                _record(
                    errors,
                    chair.name if chair else _("chair"),
                    meeting_choose_chair,
                    meeting=meeting,
                    organisation=chair,
                    actor=actor,
                )
        errors += _votes_record(meeting, entries, attendances, names, chair, actor)
        if errors:
            raise ValidationError(errors)
    return meeting


def _votes_record(meeting, entries, attendances, names, chair, actor) -> list[str]:
    errors = []
    open_items = {
        item.pk: item for item in meeting.items.filter(outcome=AgendaItem.Outcome.PENDING)
    }
    current = {
        (v.item_id, v.organisation_id): v.choice
        for v in Vote.objects.filter(item__in=list(open_items))
    }
    for org_id, entry in sorted(entries.items()):
        if meeting.kind == Meeting.Kind.MEETING and chair is not None and org_id == chair.pk:
            continue
        for item_id, choice in sorted(entry.votes.items()):
            item = open_items.get(item_id)
            if item is None or current.get((item_id, org_id), "") == choice:
                continue
            if choice:
                _record(
                    errors,
                    names[org_id],
                    vote_record,
                    item=item,
                    organisation=attendances[org_id].organisation,
                    choice=choice,
                    actor=actor,
                )
            else:
                # Cleared on the grid: the vote was entered by mistake.
                Vote.objects.filter(item=item, organisation_id=org_id).delete()
    return errors
