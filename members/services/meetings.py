"""The platform meeting (規約第8–12条): meetings, agenda items, the notice, attendance, the chair
and votes. Deciding an item is in `decisions.py`; counting quorum and votes in `quorum.py`."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.japanese import format_date
from core.models import Notification
from core.notifications import notify
from core.periods import period_passed_from

from ..models import (
    AgendaItem,
    Attendance,
    ContactEvent,
    ExpulsionGround,
    Meeting,
    Membership,
    Organisation,
    RuleSet,
    Vote,
)
from ..selectors import rule_set_in_force
from .register import _check_readmission_bar, _today, contact_record

RULE_VALUE_FIELDS = (
    "quorum_numerator",
    "quorum_denominator",
    "resolution_numerator",
    "resolution_denominator",
    "written_numerator",
    "written_denominator",
    "readmission_bar_years",
    "no_contact_years",
    "no_contact_warning_days",
    "subject_may_vote",
)


# What the secretariat may edit on a planned meeting; the kind and date are fixed once created
# (the rule set follows the date), the chair has its own service (meeting_choose_chair).
MEETING_EDITABLE_FIELDS = (
    "title",
    "place",
    "opened_at",
    "closed_at",
    "reply_by",
    "reminder_days",
    "guests",
    "minutes_note",
)


def meeting_create(
    *, title, held_on, actor, kind=Meeting.Kind.MEETING, place="", **details
) -> Meeting:
    """A meeting applies the rule set in force on its date. `details` are other editable
    fields (reply_by, reminder_days, guests, minutes_note)."""
    unknown = set(details) - set(MEETING_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"meeting_create() got unexpected fields {sorted(unknown)}")
    rule_set = rule_set_in_force(on=held_on)
    meeting = Meeting(
        title=title, held_on=held_on, kind=kind, place=place, rule_set=rule_set, **details
    )
    audit(meeting, "members.meeting.created", actor).save()
    return meeting


def meeting_update(*, meeting, actor, **changes) -> Meeting:
    """The secretariat edits a meeting's details (MEETING_EDITABLE_FIELDS)."""
    unknown = set(changes) - set(MEETING_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        audit(locked, "members.meeting.changed", actor).save(update_fields=list(changes))
    return locked


def agenda_item_update(*, item, actor, title, description, consent_received_on) -> AgendaItem:
    """The secretariat edits an open item's wording and the consent date (規約第5条1). A decided
    item keeps what it was decided on: nothing is written then."""
    with transaction.atomic():
        Meeting.objects.select_for_update(no_key=True).get(pk=item.meeting_id)
        locked = AgendaItem.objects.select_for_update(no_key=True).get(pk=item.pk)
        if locked.outcome != AgendaItem.Outcome.PENDING:
            return locked
        locked.title = title
        locked.description = description
        locked.consent_received_on = consent_received_on
        audit(locked, "members.agendaitem.changed", actor).save(
            update_fields=["title", "description", "consent_received_on"]
        )
    return locked


def _meeting_rules_refresh(meeting) -> None:
    """Decisions use the rule version in force on the meeting's date (規約第9条(1)). A version
    adopted after the meeting was planned may take effect on or before that date; versions the
    meeting itself adopts do not change the rules it is deciding under. Caller holds the lock."""
    in_force = (
        RuleSet.objects.filter(effective_from__lte=meeting.held_on)
        .exclude(adopted_by_item__meeting=meeting)
        .order_by("-effective_from", "-version")
        .first()
    )
    if in_force is not None and in_force.pk != meeting.rule_set_id:
        meeting.rule_set = in_force
        audit(meeting, "members.meeting.rules_in_force").save(update_fields=["rule_set"])


def _validate_proposed_rules(proposed: dict, meeting) -> None:
    unknown = set(proposed) - {*RULE_VALUE_FIELDS, "effective_from"}
    if unknown or "effective_from" not in proposed or len(proposed) < 2:
        raise ValidationError(
            _("State effective_from and at least one rule value to change (%(fields)s).")
            % {"fields": ", ".join(RULE_VALUE_FIELDS)}
        )
    try:
        effective_from = datetime.date.fromisoformat(proposed["effective_from"])
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("effective_from must be a date (YYYY-MM-DD).")) from exc
    if effective_from < meeting.held_on:
        raise ValidationError(_("New rules cannot take effect before the meeting."))
    for name in RULE_VALUE_FIELDS:
        if name in proposed and name != "subject_may_vote":
            value = proposed[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationError(_("Rule values must be whole numbers."))


def _check_no_contact_ground(membership, meeting, *, on=None) -> None:
    """規約第6条(1): the ground holds only after the set period without contact (1 year), counted
    from the last recorded contact (or joining) to the meeting date, by the meeting's rules."""
    organisation = membership.organisation
    baseline = max(
        d for d in (organisation.last_contact_on, membership.started_on) if d is not None
    )
    holds_from = period_passed_from(baseline, meeting.rule_set.no_contact_years)
    if (on or meeting.held_on) < holds_from:
        raise ValidationError(
            _(
                "The no-contact ground does not hold yet: the last contact was on %(last)s, so "
                "it holds from %(date)s (規約第6条(1))."
            )
            % {"last": format_date(baseline), "date": format_date(holds_from)}
        )


def agenda_item_add(
    *,
    meeting,
    kind,
    title,
    actor,
    subject=None,
    expulsion_ground="",
    description="",
    proposed_rules=None,
    consent_received_on=None,
) -> AgendaItem:
    proposed_rules = proposed_rules or {}
    if kind in (
        AgendaItem.Kind.EXPEL,
        AgendaItem.Kind.STEERING_SELECT,
        AgendaItem.Kind.STEERING_LEAVE,
    ):
        if subject is None:
            raise ValidationError(_("Name the organisation this item is about."))
        active = Membership.objects.active().filter(organisation=subject).first()
        if kind == AgendaItem.Kind.EXPEL and (
            active is None or active.tier != Membership.Tier.GENERAL
        ):
            raise ValidationError(
                _("Only a current general member can be expelled (規約第9条(3)).")
            )
        if kind == AgendaItem.Kind.EXPEL and not expulsion_ground:
            raise ValidationError(_("State the ground for expulsion (規約第6条)."))
        if kind == AgendaItem.Kind.EXPEL and expulsion_ground == ExpulsionGround.NO_CONTACT:
            _check_no_contact_ground(active, meeting)
        if kind == AgendaItem.Kind.STEERING_LEAVE and (
            active is None or active.tier != Membership.Tier.STEERING
        ):
            raise ValidationError(_("This organisation is not a steering member."))
        if kind == AgendaItem.Kind.STEERING_SELECT and (
            active is not None and active.tier == Membership.Tier.STEERING
        ):
            raise ValidationError(_("This organisation is already a steering member."))
        if kind == AgendaItem.Kind.STEERING_SELECT and active is None:
            _check_readmission_bar(subject, on=meeting.held_on)
    if kind == AgendaItem.Kind.RULES:
        _validate_proposed_rules(proposed_rules, meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        number = (meeting.items.aggregate(n=Max("number"))["n"] or 0) + 1
        return AgendaItem.objects.create(
            meeting=meeting,
            number=number,
            kind=kind,
            title=title,
            subject=subject,
            expulsion_ground=expulsion_ground if kind == AgendaItem.Kind.EXPEL else "",
            description=description,
            proposed_rules=proposed_rules,
            consent_received_on=consent_received_on
            if kind == AgendaItem.Kind.STEERING_SELECT
            else None,
        )


MEETING_NOTICE = "members.meeting_notice"


@dataclass
class NoticeQueued:
    """What sending the notice did: how many e-mails were queued, and why the others were not."""

    queued: int
    already_sent: int
    without_email: list[str]

    @property
    def text(self) -> str:
        """E.g. 「0 件の通知を送信待ちにしました（3 件は送信済み、連絡先メールのない団体 1 件：
        …）。」"""
        head = _("%(n)s notices queued for sending") % {"n": self.queued}
        reasons = []
        if self.already_sent:
            reasons.append(_("%(n)s already sent earlier") % {"n": self.already_sent})
        if self.without_email:
            reasons.append(
                _("%(n)s without a contact e-mail: %(names)s")
                % {"n": len(self.without_email), "names": "、".join(self.without_email)}
            )
        return f"{head}（{'、'.join(reasons)}）。" if reasons else f"{head}。"


def _notice_period(meeting) -> str:
    # Sending again after items were added notifies the new items; the same set is sent once.
    return f"items-{meeting.items.count()}"


def meeting_send_notice(*, meeting, actor) -> NoticeQueued:
    """Fix the roster (the 幹事団体 now), mark the items notified and queue an e-mail to every
    幹事団体 (after commit, `tasks.meeting_notice_mail_task`).

    Items added later can be notified by sending again; proxies and e-mail votes cover only
    notified items (規約第12条3). Says how many e-mails were queued and why the others were not.
    """
    from ..tasks import meeting_notice_mail_task

    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        if not meeting.items.exists():
            raise ValidationError(_("Add at least one agenda item before sending the notice."))
        steering = list(
            Organisation.objects.filter(
                memberships__ended_on__isnull=True,
                memberships__tier=Membership.Tier.STEERING,
            ).order_by("pk")
        )
        if not steering:
            raise ValidationError(_("There are no steering members to notify."))
        if not meeting.attendances.exists():
            Attendance.objects.bulk_create(
                [Attendance(meeting=meeting, organisation=org) for org in steering]
            )
        now = timezone.now()
        meeting.items.filter(notified_at__isnull=True).update(notified_at=now)
        meeting.notice_sent_at = now
        audit(meeting, "members.meeting.notice_sent", actor).save(update_fields=["notice_sent_at"])
        roster = list(Organisation.objects.filter(attendances__meeting=meeting).order_by("pk"))
        period = _notice_period(meeting)
        sent_to = set(
            Notification.objects.filter(
                purpose=MEETING_NOTICE,
                content_type=ContentType.objects.get_for_model(Meeting),
                object_id=str(meeting.pk),
                period=period,
                status=Notification.Status.SENT,
            ).values_list("recipient", flat=True)
        )
        without_email = [o.name for o in roster if not o.email]
        already_sent = sum(1 for o in roster if o.email and o.email in sent_to)
        queued = sum(1 for o in roster if o.email and o.email not in sent_to)
        if queued:
            meeting_notice_mail_task.delay_on_commit(meeting.pk, period)
    return NoticeQueued(queued=queued, already_sent=already_sent, without_email=without_email)


def meeting_notice_mails_send(*, meeting, period: str) -> int:
    """E-mail the notice to each 幹事団体 on the roster with a contact e-mail, once per
    (meeting, set of items, address). Returns how many were sent now."""
    items = list(meeting.items.order_by("number"))
    roster = Organisation.objects.filter(attendances__meeting=meeting).order_by("pk")
    sent = 0
    for organisation in roster:
        if not organisation.email:
            continue
        sent += notify(
            purpose=MEETING_NOTICE,
            target=meeting,
            period=period,
            recipient=organisation.email,
            subject=_("[%(platform)s] Notice: %(title)s")
            % {"platform": settings.PLATFORM_NAME, "title": meeting.title},
            template_name="members/email/meeting_notice.txt",
            context={"meeting": meeting, "items": items, "organisation": organisation},
        )
    return sent


def _roster_attendance(meeting, organisation) -> Attendance:
    attendance = (
        Attendance.objects.select_for_update(no_key=True)
        .filter(meeting=meeting, organisation=organisation)
        .first()
    )
    if attendance is None:
        raise ValidationError(
            _("%(name)s is not a steering member on this meeting's roster.")
            % {"name": organisation.name}
        )
    return attendance


def attendance_record(*, meeting, organisation, mode, actor, proxy_holder=None) -> Attendance:
    """How a 幹事団体 took part. A proxy goes in writing to another 幹事団体 on the roster."""
    if mode == Attendance.Mode.PROXY:
        if proxy_holder is None:
            raise ValidationError(_("Name the attending steering member holding the proxy."))
        if proxy_holder.pk == organisation.pk:
            raise ValidationError(_("A steering member cannot hold its own proxy."))
    else:
        proxy_holder = None
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        if meeting.kind != Meeting.Kind.MEETING:
            raise ValidationError(_("A written resolution has no attendance."))
        attendance = _roster_attendance(meeting, organisation)
        if proxy_holder is not None:
            _roster_attendance(meeting, proxy_holder)
        if meeting.chair_id == organisation.pk and mode not in Attendance.PRESENT_MODES:
            meeting.chair = None
            meeting.save(update_fields=["chair"])
        attendance.mode = mode
        attendance.proxy_holder = proxy_holder
        attendance.save()
        if mode != Attendance.Mode.ABSENT and meeting.held_on <= _today():
            contact_record(
                organisation=organisation,
                occurred_on=meeting.held_on,
                kind=ContactEvent.Kind.MEETING,
                actor=actor,
            )
    return attendance


def meeting_choose_chair(*, meeting, organisation, actor) -> Meeting:
    """規約第10条2: chosen by those present; the chair then does not vote (第12条2)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        if organisation is not None:
            attendance = _roster_attendance(meeting, organisation)
            if attendance.mode not in Attendance.PRESENT_MODES:
                raise ValidationError(_("The chair must be present at the meeting."))
            # Only open items: a decided item keeps the votes its outcome was computed from.
            Vote.objects.filter(
                item__meeting=meeting,
                item__outcome=AgendaItem.Outcome.PENDING,
                organisation=organisation,
            ).delete()
        meeting.chair = organisation
        meeting.save(update_fields=["chair"])
    return meeting


def vote_record(*, item, organisation, choice, actor) -> Vote:
    """Record one 幹事団体's vote (or written agreement) on an item; a later vote replaces it."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(no_key=True).get(pk=item.meeting_id)
        item = AgendaItem.objects.select_for_update(no_key=True).get(pk=item.pk)
        if item.outcome != AgendaItem.Outcome.PENDING:
            raise ValidationError(_("This item has already been decided."))
        _meeting_rules_refresh(meeting)
        attendance = _roster_attendance(meeting, organisation)
        if item.subject_id == organisation.pk and not meeting.rule_set.subject_may_vote:
            raise ValidationError(_("The organisation this item is about does not vote on it."))
        if meeting.kind == Meeting.Kind.WRITTEN and item.notified_at is None:
            raise ValidationError(
                _("This item has not been notified to the steering members; send the notice first.")
            )
        if meeting.kind == Meeting.Kind.MEETING:
            if meeting.chair_id == organisation.pk:
                raise ValidationError(_("The chair does not vote (規約第12条2)."))
            if attendance.mode == Attendance.Mode.ABSENT:
                raise ValidationError(_("Record how this steering member took part first."))
            if (
                attendance.mode in (Attendance.Mode.PROXY, Attendance.Mode.EMAIL)
                and item.notified_at is None
            ):
                raise ValidationError(
                    _("Proxies and e-mail votes only cover items notified in advance.")
                )
        vote, _created = Vote.objects.update_or_create(
            item=item, organisation=organisation, defaults={"choice": choice}
        )
    return vote


def meeting_delete(*, meeting, actor) -> None:
    """The secretariat deletes a meeting entered by mistake, with its open agenda items and its
    roster, only while nothing has happened at it: nobody recorded as taking part (a roster of
    absentees is what sending the notice leaves), no vote and no decided item."""
    with transaction.atomic():
        # FOR UPDATE (not NO KEY): the row goes, so no attendance or vote may be added meanwhile.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        reasons = []
        if meeting.attendances.exclude(mode=Attendance.Mode.ABSENT).exists():
            reasons.append(_("attendance has been recorded"))
        if Vote.objects.filter(item__meeting=meeting).exists():
            reasons.append(_("votes have been recorded"))
        if meeting.items.exclude(outcome=AgendaItem.Outcome.PENDING).exists():
            reasons.append(_("an item has been decided"))
        if reasons:
            raise ValidationError(
                _("%(meeting)s cannot be deleted: %(reasons)s (its record stays).")
                % {"meeting": meeting, "reasons": "・".join(reasons)}
            )
        audit(meeting, "members.meeting.deleted", actor).delete()
