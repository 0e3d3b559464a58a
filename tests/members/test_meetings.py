import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services
from members.models import (
    AgendaItem,
    Attendance,
    ExpulsionGround,
    Meeting,
    Membership,
    RuleSet,
    Vote,
)
from members.selectors import readmission_allowed_from
from members.services import meeting_quorum
from tests.factories import MembershipFactory

from .factories import SteeringMembershipFactory

pytestmark = pytest.mark.django_db

HELD_ON = datetime.date(2025, 6, 1)


def _steering(n):
    return [SteeringMembershipFactory().organisation for _ in range(n)]


def _meeting(staff, *, kind=Meeting.Kind.MEETING, items=(("other", "活動計画"),), held_on=HELD_ON):
    meeting = services.meeting_create(title="第5回会議", held_on=held_on, kind=kind, actor=staff)
    for item_kind, title in items:
        services.agenda_item_add(meeting=meeting, kind=item_kind, title=title, actor=staff)
    return meeting


def _attend(meeting, orgs, mode, staff, holder=None):
    for org in orgs:
        services.attendance_record(
            meeting=meeting, organisation=org, mode=mode, proxy_holder=holder, actor=staff
        )


def _vote(item, orgs, choice, staff):
    for org in orgs:
        services.vote_record(item=item, organisation=org, choice=choice, actor=staff)


def _adopt_rules(staff, orgs, *, held_on, proposed):
    meeting = _meeting(staff, held_on=held_on, items=())
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.RULES,
        title="改正",
        proposed_rules=proposed,
        actor=staff,
    )
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    _vote(item, orgs, Vote.Choice.FOR, staff)
    services.item_decide(item=item, actor=staff)
    return item.adopted_rule_set


def test_notice_fixes_the_roster_and_mails_every_steering_member(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    orgs = _steering(3)
    silent = SteeringMembershipFactory(organisation__email="").organisation
    MembershipFactory()  # a general member is not on the roster
    meeting = _meeting(staff)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        sent = services.meeting_send_notice(meeting=meeting, actor=staff)
    assert len(queued) == 1  # the e-mails go out from a task, after commit
    with django_capture_on_commit_callbacks(execute=True) as queued_again:
        again = services.meeting_send_notice(meeting=meeting, actor=staff)

    assert (sent.queued, sent.already_sent, sent.without_email) == (3, 0, [silent.name])
    assert (again.queued, again.already_sent) == (0, 3) and queued_again == []
    assert again.text == (
        "0 件の通知を送信待ちにしました"
        f"（3 件は送信済み、連絡先メールのない団体 1 件：{silent.name}）。"
    )
    assert {a.organisation for a in meeting.attendances.all()} == {*orgs, silent}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in orgs)
    assert "活動計画" in mailoutbox[0].body
    assert meeting.items.get().notified_at is not None


def test_the_example_count_explains_quorum_and_outcome(staff):
    orgs = _steering(12)
    meeting = _meeting(staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    item = meeting.items.get()
    present, proxies, email, absent = orgs[:6], orgs[6:8], orgs[8], orgs[9:]
    _attend(meeting, present, Attendance.Mode.IN_PERSON, staff)
    _attend(meeting, proxies, Attendance.Mode.PROXY, staff, holder=present[0])
    _attend(meeting, [email], Attendance.Mode.EMAIL, staff)
    services.meeting_choose_chair(meeting=meeting, organisation=present[5], actor=staff)
    # 8 may vote: 5 present (not the chair), 2 proxies, 1 e-mail; 3 * 6 >= 2 * 8.
    _vote(item, [*present[:4], *proxies], Vote.Choice.FOR, staff)
    _vote(item, [present[4], email], Vote.Choice.AGAINST, staff)
    assert absent

    item = services.item_decide(item=item, actor=staff)

    assert item.outcome == AgendaItem.Outcome.PASSED
    assert item.explanation == (
        "出席 9/12（委任 2・メール 1 を含む）で定足数 8 を満たし成立。"
        "賛成 6・反対 2・棄権 0（出席 8 の 2/3 = 6 以上）で可決。"
    )


@pytest.mark.parametrize("roster", [3, 6, 12, 15])
def test_quorum_is_met_at_exactly_two_thirds_and_not_one_below(staff, roster):
    orgs = _steering(roster)
    meeting = _meeting(staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    needed = -(-2 * roster // 3)
    _attend(meeting, orgs[: needed - 1], Attendance.Mode.ONLINE, staff)
    item = meeting.items.get()
    _vote(item, orgs[: needed - 1], Vote.Choice.FOR, staff)

    assert not meeting_quorum(meeting).met
    with pytest.raises(ValidationError, match="定足数に達していない"):
        services.item_decide(item=item, actor=staff)
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PENDING

    _attend(meeting, [orgs[needed - 1]], Attendance.Mode.IN_PERSON, staff)
    _vote(item, [orgs[needed - 1]], Vote.Choice.FOR, staff)
    assert meeting_quorum(meeting).met
    assert services.item_decide(item=item, actor=staff).outcome == AgendaItem.Outcome.PASSED


@pytest.mark.parametrize(("voters", "needed"), [(3, 2), (8, 6), (9, 6), (10, 7)])
def test_a_resolution_passes_at_exactly_two_thirds_and_fails_one_below(staff, voters, needed):
    orgs = _steering(voters)
    for yes, expected in (
        (needed, AgendaItem.Outcome.PASSED),
        (needed - 1, AgendaItem.Outcome.REJECTED),
    ):
        meeting = _meeting(staff)
        services.meeting_send_notice(meeting=meeting, actor=staff)
        _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
        item = meeting.items.get()
        _vote(item, orgs[:yes], Vote.Choice.FOR, staff)
        _vote(item, orgs[yes:], Vote.Choice.ABSTAIN, staff)

        assert services.item_decide(item=item, actor=staff).outcome == expected


def test_an_email_statement_counts_as_attendance_only_with_a_for_or_against(staff):
    orgs = _steering(3)
    meeting = _meeting(staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs[:1], Attendance.Mode.IN_PERSON, staff)
    _attend(meeting, orgs[1:], Attendance.Mode.EMAIL, staff)
    item = meeting.items.get()
    services.vote_record(item=item, organisation=orgs[1], choice=Vote.Choice.ABSTAIN, actor=staff)

    assert meeting_quorum(meeting).present == 1

    services.vote_record(item=item, organisation=orgs[1], choice=Vote.Choice.AGAINST, actor=staff)
    assert meeting_quorum(meeting).present == 2


def test_a_proxy_counts_only_if_its_holder_attends(staff):
    orgs = _steering(3)
    meeting = _meeting(staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, [orgs[0]], Attendance.Mode.PROXY, staff, holder=orgs[1])

    assert meeting_quorum(meeting).present == 0
    _attend(meeting, [orgs[1]], Attendance.Mode.IN_PERSON, staff)
    assert meeting_quorum(meeting).present == 2


def test_proxies_and_email_votes_cover_only_items_notified_in_advance(staff):
    orgs = _steering(3)
    meeting = _meeting(staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    late = services.agenda_item_add(meeting=meeting, kind="other", title="当日追加", actor=staff)
    _attend(meeting, orgs[:2], Attendance.Mode.IN_PERSON, staff)
    _attend(meeting, [orgs[2]], Attendance.Mode.PROXY, staff, holder=orgs[0])

    with pytest.raises(ValidationError, match="あらかじめ通知された議案に限られます"):
        services.vote_record(item=late, organisation=orgs[2], choice=Vote.Choice.FOR, actor=staff)
    _vote(late, orgs[:2], Vote.Choice.FOR, staff)
    late = services.item_decide(item=late, actor=staff)
    assert late.explanation.endswith("賛成 2・反対 0・棄権 0（出席 2 の 2/3 = 2 以上）で可決。")


def test_the_chair_does_not_vote(staff):
    orgs = _steering(3)
    meeting = _meeting(staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    services.meeting_choose_chair(meeting=meeting, organisation=orgs[0], actor=staff)

    with pytest.raises(ValidationError, match="議長は採決に加わることができません"):
        services.vote_record(
            item=meeting.items.get(), organisation=orgs[0], choice=Vote.Choice.FOR, actor=staff
        )


def test_expulsion_is_applied_with_the_resolution_and_the_subject_does_not_vote(staff):
    orgs = _steering(3)
    general = MembershipFactory()
    meeting = _meeting(staff, items=())
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.EXPEL,
        title="除名",
        subject=general.organisation,
        expulsion_ground=ExpulsionGround.NO_CONTACT,
        actor=staff,
    )
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    _vote(item, orgs[:2], Vote.Choice.FOR, staff)

    item = services.item_decide(item=item, actor=staff)

    general.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PASSED
    assert general.end_reason == Membership.EndReason.EXPELLED
    assert general.expulsion_ground == ExpulsionGround.NO_CONTACT
    assert general.ended_on == HELD_ON
    assert general.ended_by_item == item
    assert readmission_allowed_from(organisation=general.organisation, on=HELD_ON) == datetime.date(
        2028, 6, 2
    )


def test_a_steering_member_about_to_leave_cannot_vote_on_its_own_item(staff):
    orgs = _steering(4)
    meeting = _meeting(staff, items=())
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.STEERING_LEAVE,
        title="退会",
        subject=orgs[3],
        actor=staff,
    )
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    with pytest.raises(ValidationError, match="議案の対象団体はその議案の表決に加われません"):
        services.vote_record(
            item=item, organisation=orgs[3], choice=Vote.Choice.AGAINST, actor=staff
        )
    _vote(item, orgs[:2], Vote.Choice.FOR, staff)

    item = services.item_decide(item=item, actor=staff)

    assert item.explanation.endswith("賛成 2・反対 0・棄権 0（出席 3 の 2/3 = 2 以上）で可決。")
    membership = Membership.objects.get(organisation=orgs[3])
    assert membership.end_reason == Membership.EndReason.STEERING_LEFT
    assert membership.ended_by_item == item


def test_selecting_a_general_member_as_steering_changes_its_tier(staff):
    orgs = _steering(3)
    general = MembershipFactory()
    meeting = _meeting(staff, items=())
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.STEERING_SELECT,
        title="選出",
        subject=general.organisation,
        actor=staff,
    )
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    _vote(item, orgs, Vote.Choice.FOR, staff)
    with pytest.raises(ValidationError, match="幹事団体加入内諾書の受領日を記録してください"):
        services.item_decide(item=item, actor=staff)
    item.consent_received_on = datetime.date(2025, 5, 20)
    item.save()
    meeting.refresh_from_db()

    services.item_decide(item=item, actor=staff)

    active = Membership.objects.active().get(organisation=general.organisation)
    assert active.tier == Membership.Tier.STEERING
    assert active.started_by_item == item
    general.refresh_from_db()
    assert general.end_reason == Membership.EndReason.TIER_CHANGED


def test_a_rejected_item_has_no_effect(staff):
    orgs = _steering(3)
    general = MembershipFactory()
    meeting = _meeting(staff, items=())
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.EXPEL,
        title="除名",
        subject=general.organisation,
        expulsion_ground=ExpulsionGround.BREACH,
        actor=staff,
    )
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    _vote(item, orgs[:1], Vote.Choice.FOR, staff)

    item = services.item_decide(item=item, actor=staff)

    assert item.outcome == AgendaItem.Outcome.REJECTED
    assert item.explanation.endswith("賛成 1・反対 0・棄権 0（出席 3 の 2/3 = 2 が必要）で否決。")
    assert Membership.objects.active().filter(pk=general.pk).exists()


def test_a_passed_rules_item_creates_the_next_rule_version_used_from_its_date(staff):
    orgs = _steering(3)
    meeting = _meeting(staff, items=())
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.RULES,
        title="要領改正",
        proposed_rules={"effective_from": "2026-04-01", "readmission_bar_years": 2},
        actor=staff,
    )
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    _vote(item, orgs, Vote.Choice.FOR, staff)

    services.item_decide(item=item, actor=staff)

    new = RuleSet.objects.get(version=2)
    assert new.adopted_by_item == item
    assert new.readmission_bar_years == 2
    assert new.quorum_numerator == 2
    later = services.meeting_create(title="次回", held_on=datetime.date(2026, 4, 1), actor=staff)
    earlier = services.meeting_create(title="前回", held_on=datetime.date(2026, 3, 31), actor=staff)
    assert later.rule_set == new
    assert earlier.rule_set.version == 1


def test_written_resolution_is_deemed_passed_at_two_thirds_of_all_steering_members(staff):
    orgs = _steering(12)
    for agreeing, expected in ((8, AgendaItem.Outcome.PASSED), (7, AgendaItem.Outcome.REJECTED)):
        meeting = _meeting(staff, kind=Meeting.Kind.WRITTEN)
        meeting.reply_by = HELD_ON + datetime.timedelta(days=14)  # passed: no more replies
        meeting.save(update_fields=["reply_by"])
        services.meeting_send_notice(meeting=meeting, actor=staff)
        item = meeting.items.get()
        _vote(item, orgs[:agreeing], Vote.Choice.FOR, staff)

        item = services.item_decide(item=item, actor=staff)

        assert item.outcome == expected
        assert item.explanation.startswith(f"書面同意 {agreeing}（幹事団体 12 の 2/3 = 8 ")


def test_an_item_is_decided_once(staff):
    orgs = _steering(3)
    meeting = _meeting(staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    item = meeting.items.get()
    services.item_decide(item=item, actor=staff)

    with pytest.raises(ValidationError, match="既に議決済み"):
        services.item_decide(item=item, actor=staff)


def test_attendance_moves_the_last_contact_date(staff):
    orgs = _steering(1)
    meeting = _meeting(staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.ONLINE, staff)

    orgs[0].refresh_from_db()
    assert orgs[0].last_contact_on == HELD_ON


def test_the_no_contact_ground_holds_from_exactly_one_year_after_the_last_contact(staff):
    _steering(3)
    general = MembershipFactory(
        started_on=datetime.date(2024, 4, 1),
        organisation__last_contact_on=datetime.date(2024, 6, 2),
    )
    # 民法第140条: the day of the last contact is not counted; the year ends with 2025年6月2日.
    early = services.meeting_create(title="前日", held_on=datetime.date(2025, 6, 2), actor=staff)
    on_time = services.meeting_create(title="当日", held_on=datetime.date(2025, 6, 3), actor=staff)

    with pytest.raises(ValidationError, match="該当するのは 2025年6月3日 からです"):
        services.agenda_item_add(
            meeting=early,
            kind=AgendaItem.Kind.EXPEL,
            title="除名",
            subject=general.organisation,
            expulsion_ground=ExpulsionGround.NO_CONTACT,
            actor=staff,
        )
    item = services.agenda_item_add(
        meeting=on_time,
        kind=AgendaItem.Kind.EXPEL,
        title="除名",
        subject=general.organisation,
        expulsion_ground=ExpulsionGround.NO_CONTACT,
        actor=staff,
    )
    assert item.expulsion_ground == ExpulsionGround.NO_CONTACT


def test_a_meeting_planned_before_a_rule_change_decides_by_the_rules_in_force_on_its_date(staff):
    """Rule version in force by date: the meeting was created (with v1) before v2 was adopted,
    but v2 is in force on the meeting's date, so v2 decides."""
    orgs = _steering(4)
    planned = _meeting(staff, held_on=datetime.date(2025, 7, 1))
    v2 = _adopt_rules(
        staff,
        orgs,
        held_on=datetime.date(2025, 6, 1),
        proposed={
            "effective_from": "2025-06-15",
            "resolution_numerator": 1,
            "resolution_denominator": 2,
        },
    )
    services.meeting_send_notice(meeting=planned, actor=staff)
    _attend(planned, orgs, Attendance.Mode.IN_PERSON, staff)
    item = planned.items.get()
    _vote(item, orgs[:2], Vote.Choice.FOR, staff)  # 2/4: passes under 1/2, not under 2/3
    _vote(item, orgs[2:], Vote.Choice.AGAINST, staff)

    item = services.item_decide(item=item, actor=staff)

    planned.refresh_from_db()
    assert planned.rule_set == v2
    assert item.outcome == AgendaItem.Outcome.PASSED
    assert planned.history.filter(history_change_reason="members.meeting.rules_in_force").exists()


def test_a_rule_change_does_not_switch_the_rules_of_the_meeting_adopting_it(staff):
    orgs = _steering(4)
    meeting = _meeting(staff, items=())
    rules_item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.RULES,
        title="改正",
        proposed_rules={
            "effective_from": HELD_ON.isoformat(),
            "resolution_numerator": 1,
            "resolution_denominator": 2,
        },
        actor=staff,
    )
    other = services.agenda_item_add(meeting=meeting, kind="other", title="次", actor=staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    _vote(rules_item, orgs, Vote.Choice.FOR, staff)
    services.item_decide(item=rules_item, actor=staff)
    _vote(other, orgs[:2], Vote.Choice.FOR, staff)

    assert services.item_decide(item=other, actor=staff).outcome == AgendaItem.Outcome.REJECTED


def test_the_chair_is_left_out_of_the_count_of_those_entitled_to_vote(staff):
    """規約第12条1–2: 4 present, one chairs; 2 of the other 3 in favour is exactly 2/3."""
    orgs = _steering(4)
    meeting = _meeting(staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    services.meeting_choose_chair(meeting=meeting, organisation=orgs[0], actor=staff)
    item = meeting.items.get()
    _vote(item, orgs[1:3], Vote.Choice.FOR, staff)

    item = services.item_decide(item=item, actor=staff)

    assert item.outcome == AgendaItem.Outcome.PASSED
    assert item.explanation.endswith("賛成 2・反対 0・棄権 0（出席 3 の 2/3 = 2 以上）で可決。")


def test_a_meeting_item_cannot_be_decided_before_the_meeting_date(staff):
    orgs = _steering(3)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting = _meeting(staff, held_on=tomorrow)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    item = meeting.items.get()
    _vote(item, orgs, Vote.Choice.FOR, staff)

    with pytest.raises(ValidationError, match="議決の結果は会議の日"):
        services.item_decide(item=item, actor=staff)
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PENDING


def test_a_written_resolution_is_not_rejected_while_replies_may_still_come(staff):
    """第12条5: deemed passed once 2/3 of all agree; a rejection before the reply date would
    close the item although the missing agreements may still arrive."""
    orgs = _steering(12)
    meeting = _meeting(staff, kind=Meeting.Kind.WRITTEN)
    meeting.reply_by = timezone.localdate()
    meeting.save(update_fields=["reply_by"])
    services.meeting_send_notice(meeting=meeting, actor=staff)
    item = meeting.items.get()
    _vote(item, orgs[:7], Vote.Choice.FOR, staff)

    with pytest.raises(ValidationError, match="までは回答が届く可能性があります"):
        services.item_decide(item=item, actor=staff)

    _vote(item, orgs[7:8], Vote.Choice.FOR, staff)
    assert services.item_decide(item=item, actor=staff).outcome == AgendaItem.Outcome.PASSED


def test_a_written_resolution_is_rejected_after_the_reply_date_or_when_all_replied(staff):
    orgs = _steering(3)
    meeting = _meeting(staff, kind=Meeting.Kind.WRITTEN)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    item = meeting.items.get()
    _vote(item, orgs[:1], Vote.Choice.FOR, staff)
    _vote(item, orgs[1:], Vote.Choice.AGAINST, staff)

    assert services.item_decide(item=item, actor=staff).outcome == AgendaItem.Outcome.REJECTED


def test_an_expulsion_by_written_resolution_takes_effect_on_the_day_it_is_deemed_passed(staff):
    """The bar on re-admission counts from the day membership was lost: for a written
    resolution that is the day the agreements reached 2/3, not the day it was sent out."""
    orgs = _steering(3)
    general = MembershipFactory(started_on=datetime.date(2024, 4, 1))
    meeting = _meeting(staff, kind=Meeting.Kind.WRITTEN, items=())
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.EXPEL,
        title="除名",
        subject=general.organisation,
        expulsion_ground=ExpulsionGround.BREACH,
        actor=staff,
    )
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _vote(item, orgs[:2], Vote.Choice.FOR, staff)

    services.item_decide(item=item, actor=staff)

    general.refresh_from_db()
    assert general.end_reason == Membership.EndReason.EXPELLED
    assert general.ended_on == timezone.localdate()


def test_choosing_a_chair_later_keeps_its_votes_on_items_already_decided(staff):
    """The chair's votes are removed only from items still open; a decided item's record (and
    the minutes) must keep the votes its outcome was computed from."""
    orgs = _steering(4)
    meeting = _meeting(staff, items=(("other", "第1号"), ("other", "第2号")))
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    first, second = meeting.items.order_by("number")
    _vote(first, orgs[:3], Vote.Choice.FOR, staff)
    _vote(second, orgs[:1], Vote.Choice.FOR, staff)
    services.item_decide(item=first, actor=staff)

    services.meeting_choose_chair(meeting=meeting, organisation=orgs[0], actor=staff)

    assert first.votes.filter(organisation=orgs[0]).exists()
    assert not second.votes.filter(organisation=orgs[0]).exists()


def test_a_written_resolution_item_added_after_the_notice_cannot_be_deemed_passed(staff):
    """第12条5 agreement is to a proposal the steering members were sent; an item added after
    the notice has not been sent to anyone."""
    orgs = _steering(3)
    meeting = _meeting(staff, kind=Meeting.Kind.WRITTEN)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    late = services.agenda_item_add(meeting=meeting, kind="other", title="追加", actor=staff)

    with pytest.raises(ValidationError, match="この議案は幹事団体に通知されていません"):
        _vote(late, orgs, Vote.Choice.FOR, staff)
    late.refresh_from_db()
    assert not late.votes.exists()


def test_an_effect_that_cannot_be_applied_leaves_the_item_undecided(staff):
    """The outcome and its effect are one transaction: the subject withdrew after the item was
    put on the agenda, so the expulsion cannot be applied and nothing is recorded."""
    orgs = _steering(3)
    general = MembershipFactory(started_on=datetime.date(2024, 4, 1))
    meeting = _meeting(staff, items=())
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.EXPEL,
        title="除名",
        subject=general.organisation,
        expulsion_ground=ExpulsionGround.BREACH,
        actor=staff,
    )
    services.meeting_send_notice(meeting=meeting, actor=staff)
    _attend(meeting, orgs, Attendance.Mode.IN_PERSON, staff)
    _vote(item, orgs, Vote.Choice.FOR, staff)
    services.membership_withdraw(membership=general, on=datetime.date(2025, 5, 1), actor=staff)

    with pytest.raises(ValidationError, match="除名できるのは現在の一般団体のみです"):
        services.item_decide(item=item, actor=staff)

    item.refresh_from_db()
    general.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PENDING
    assert item.explanation == ""
    assert general.end_reason == Membership.EndReason.WITHDRAWN


def test_adopting_rules_moves_meetings_already_planned_in_their_period_to_them(staff):
    """The admin shows the rules a planned meeting will use: right after the adoption."""
    orgs = _steering(3)
    planned = _meeting(staff, held_on=datetime.date(2025, 7, 1))
    before = _meeting(staff, held_on=datetime.date(2025, 6, 14))
    v2 = _adopt_rules(
        staff,
        orgs,
        held_on=datetime.date(2025, 6, 1),
        proposed={"effective_from": "2025-06-15", "readmission_bar_years": 2},
    )

    planned.refresh_from_db()
    before.refresh_from_db()
    assert planned.rule_set == v2
    assert before.rule_set.version == 1


def test_an_organisation_expelled_less_than_three_years_ago_cannot_be_put_up_as_steering(staff):
    """要領第5条2 bars re-admission for 3 years after expulsion; selection as 幹事団体 would be a
    way back in, so the item is refused and names the first possible date."""
    _steering(3)
    expelled = MembershipFactory(
        started_on=datetime.date(2024, 4, 1),
        ended_on=datetime.date(2025, 1, 10),
        end_reason=Membership.EndReason.EXPELLED,
        expulsion_ground=ExpulsionGround.BREACH,
    ).organisation
    too_early = _meeting(staff, held_on=datetime.date(2028, 1, 10), items=())
    on_time = _meeting(staff, held_on=datetime.date(2028, 1, 11), items=())

    with pytest.raises(ValidationError, match="2028年1月11日 より前は再入会を承認できません"):
        services.agenda_item_add(
            meeting=too_early,
            kind=AgendaItem.Kind.STEERING_SELECT,
            title="選出",
            subject=expelled,
            actor=staff,
        )
    item = services.agenda_item_add(
        meeting=on_time,
        kind=AgendaItem.Kind.STEERING_SELECT,
        title="選出",
        subject=expelled,
        actor=staff,
    )
    assert item.subject == expelled
