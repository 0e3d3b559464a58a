"""Deciding an agenda item by the rules in force and applying a passed item's effect (規約第9条,
第11条, 第12条5), and adopting a new rule version."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.japanese import format_date

from ..models import AgendaItem, ExpulsionGround, Meeting, Membership, Organisation, RuleSet
from ..selectors import rule_set_in_force
from .meetings import (
    RULE_VALUE_FIELDS,
    _check_no_contact_ground,
    _meeting_rules_refresh,
    _validate_proposed_rules,
)
from .quorum import item_tally, meeting_quorum
from .register import (
    _check_readmission_bar,
    _end_membership,
    _lock_active_membership,
    _membership_create,
    _today,
)


def _effect_date(meeting) -> datetime.date:
    """The day a passed item takes effect: a meeting's date, or for a written resolution the day
    the agreements are found to reach the threshold (規約第12条5)."""
    return _today() if meeting.kind == Meeting.Kind.WRITTEN else meeting.held_on


def _apply_item_effect(item: AgendaItem, actor) -> None:
    """規約第9条: apply a passed item's effect, linked to the item. Caller holds the item lock."""
    on = _effect_date(item.meeting)
    if item.kind == AgendaItem.Kind.EXPEL:
        Organisation.objects.select_for_update(no_key=True).get(pk=item.subject_id)
        membership = _lock_active_membership(item.subject)
        if membership is None or membership.tier != Membership.Tier.GENERAL:
            raise ValidationError(
                _("Only a current general member can be expelled (規約第9条(3)).")
            )
        if item.expulsion_ground == ExpulsionGround.NO_CONTACT:
            _check_no_contact_ground(membership, item.meeting, on=on)
        _end_membership(
            membership,
            on=on,
            reason=Membership.EndReason.EXPELLED,
            ground=item.expulsion_ground,
            item=item,
            actor=actor,
        )
    elif item.kind == AgendaItem.Kind.STEERING_SELECT:
        Organisation.objects.select_for_update(no_key=True).get(pk=item.subject_id)
        membership = _lock_active_membership(item.subject)
        if membership is None:
            _check_readmission_bar(item.subject, on=on)
        if membership is not None:
            if membership.tier == Membership.Tier.STEERING:
                raise ValidationError(_("This organisation is already a steering member."))
            _end_membership(
                membership, on=on, reason=Membership.EndReason.TIER_CHANGED, item=item, actor=actor
            )
        _membership_create(
            code="members.membership.steering_selected",
            actor=actor,
            organisation=item.subject,
            tier=Membership.Tier.STEERING,
            started_on=on,
            started_by_item=item,
        )
    elif item.kind == AgendaItem.Kind.STEERING_LEAVE:
        Organisation.objects.select_for_update(no_key=True).get(pk=item.subject_id)
        membership = _lock_active_membership(item.subject)
        if membership is None or membership.tier != Membership.Tier.STEERING:
            raise ValidationError(_("This organisation is not a steering member."))
        _end_membership(
            membership, on=on, reason=Membership.EndReason.STEERING_LEFT, item=item, actor=actor
        )
    elif item.kind == AgendaItem.Kind.RULES:
        rule_set_adopt(item=item, actor=actor)


def rule_set_adopt(*, item, actor) -> RuleSet:
    """A new rule version from a passed 規定の改廃 item (the only way one is created)."""
    if item.kind != AgendaItem.Kind.RULES or item.outcome != AgendaItem.Outcome.PASSED:
        raise ValidationError(_("New rules come only from a passed rules item."))
    proposed = dict(item.proposed_rules)
    _validate_proposed_rules(proposed, item.meeting)
    effective_from = datetime.date.fromisoformat(proposed.pop("effective_from"))
    base = rule_set_in_force(on=effective_from)
    if RuleSet.objects.filter(effective_from=effective_from).exists():
        raise ValidationError(_("A rule version already takes effect on that date."))
    values = {name: getattr(base, name) for name in RULE_VALUE_FIELDS}
    values.update(proposed)
    version = (RuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    rule_set = RuleSet(
        version=version, effective_from=effective_from, adopted_by_item=item, **values
    )
    rule_set.full_clean(exclude=["adopted_by_item"])
    audit(rule_set, "members.ruleset.adopted", actor).save()
    # Meetings already planned within the new version's period use it (shown in the admin at
    # once; `_meeting_rules_refresh` checks again under the lock when they vote and decide).
    planned = Meeting.objects.filter(held_on__gte=effective_from).exclude(pk=item.meeting_id)
    later = RuleSet.objects.filter(effective_from__gt=effective_from).order_by("effective_from")
    next_version = later.first()
    if next_version is not None:
        planned = planned.filter(held_on__lt=next_version.effective_from)
    planned = planned.exclude(
        items__outcome__in=[AgendaItem.Outcome.PASSED, AgendaItem.Outcome.REJECTED]
    ).exclude(rule_set=rule_set)
    for meeting in planned.select_for_update(no_key=True).order_by("pk"):
        meeting.rule_set = rule_set
        audit(meeting, "members.meeting.rules_in_force", actor).save(update_fields=["rule_set"])
    return rule_set


def _check_written_replies_closed(meeting, item) -> None:
    """A written resolution short of 2/3 is recorded as not passed only once no more replies
    can come: after its reply date, or when every steering member on the roster has replied."""
    if meeting.reply_by is not None and meeting.reply_by < _today():
        return
    replied = set(item.votes.values_list("organisation_id", flat=True))
    roster = set(meeting.attendances.values_list("organisation_id", flat=True))
    if item.subject_id and not meeting.rule_set.subject_may_vote:
        roster.discard(item.subject_id)
    if roster <= replied:
        return
    if meeting.reply_by is None:
        raise ValidationError(
            _(
                "Agreement has not reached the threshold and not everyone has replied; set "
                "the reply date (回答期限) and decide after it."
            )
        )
    raise ValidationError(
        _(
            "Agreement has not reached the threshold yet; replies may come until the reply "
            "date (回答期限) %(date)s."
        )
        % {"date": format_date(meeting.reply_by)}
    )


def item_decide(*, item, actor) -> AgendaItem:
    """Compute the outcome by the rules in force and apply a passed item's effect, atomically.

    A meeting without quorum cannot decide anything (規約第11条).
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(no_key=True).get(pk=item.meeting_id)
        item = AgendaItem.objects.select_for_update(no_key=True).get(pk=item.pk)
        item.meeting = meeting
        if item.outcome != AgendaItem.Outcome.PENDING:
            raise ValidationError(_("This item has already been decided."))
        if meeting.notice_sent_at is None:
            raise ValidationError(
                _("Send the notice first; it fixes the roster of steering members.")
            )
        if meeting.held_on > _today():
            raise ValidationError(
                _("An outcome can be recorded from the meeting date (%(date)s) on.")
                % {"date": format_date(meeting.held_on)}
            )
        _meeting_rules_refresh(meeting)
        if item.kind == AgendaItem.Kind.STEERING_SELECT and item.consent_received_on is None:
            raise ValidationError(
                _("Record when the candidate's consent form was received first (規約第5条1).")
            )
        quorum = meeting_quorum(meeting)
        if meeting.kind == Meeting.Kind.MEETING and not quorum.met:
            raise ValidationError(
                _("No outcome can be recorded without quorum: %(quorum)s") % {"quorum": quorum.text}
            )
        tally = item_tally(item, quorum)
        if meeting.kind == Meeting.Kind.WRITTEN and not tally.passed:
            _check_written_replies_closed(meeting, item)
        if meeting.kind == Meeting.Kind.MEETING and tally.eligible == 0:
            raise ValidationError(_("Nobody present is entitled to vote on this item."))
        item.outcome = AgendaItem.Outcome.PASSED if tally.passed else AgendaItem.Outcome.REJECTED
        item.explanation = (
            tally.text if meeting.kind == Meeting.Kind.WRITTEN else f"{quorum.text}{tally.text}"
        )
        item.decided_at = timezone.now()
        audit(item, f"members.agendaitem.{item.outcome}", actor).save()
        if tally.passed:
            _apply_item_effect(item, actor)
    return item
