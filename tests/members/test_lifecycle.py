import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from members import services
from members.models import Application, ExpulsionGround, Membership, OrganisationType
from tests.factories import MembershipFactory, OrganisationFactory

from .factories import ApplicationFactory, SteeringMembershipFactory

pytestmark = pytest.mark.django_db


def _expel_on(day):
    membership = MembershipFactory(started_on=datetime.date(2024, 4, 1))
    membership.ended_on = day
    membership.end_reason = Membership.EndReason.EXPELLED
    membership.expulsion_ground = ExpulsionGround.BREACH
    membership.save()
    return membership.organisation


def test_a_general_member_withdraws_and_is_struck_off(staff):
    membership = MembershipFactory()

    services.membership_withdraw(
        membership=membership, on=datetime.date(2025, 3, 31), note="活動終了", actor=staff
    )

    membership.refresh_from_db()
    assert membership.ended_on == datetime.date(2025, 3, 31)
    assert membership.end_reason == Membership.EndReason.WITHDRAWN
    assert not Membership.objects.active().filter(organisation=membership.organisation).exists()
    # The history stays for the secretariat and auditors.
    assert membership.history.count() == 2


def test_a_steering_member_cannot_withdraw_by_notice(staff):
    membership = SteeringMembershipFactory()

    with pytest.raises(ValidationError, match="プラットフォーム会議の決議"):
        services.membership_withdraw(
            membership=membership, on=datetime.date(2025, 1, 1), actor=staff
        )


def test_the_database_refuses_an_expulsion_without_ground():
    membership = MembershipFactory()
    membership.ended_on = datetime.date(2025, 1, 1)
    membership.end_reason = Membership.EndReason.EXPELLED
    with pytest.raises(IntegrityError):
        membership.save()


def test_the_database_refuses_two_open_memberships():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError):
        MembershipFactory(organisation=membership.organisation)


def test_only_public_bodies_and_welfare_councils_are_registered_directly(staff):
    council = OrganisationFactory(organisation_type=OrganisationType.SOCIAL_WELFARE_COUNCIL)
    npo = OrganisationFactory(organisation_type=OrganisationType.NPO)

    membership = services.membership_register_directly(
        organisation=council, started_on=datetime.date(2025, 4, 1), actor=staff
    )

    assert membership.tier == Membership.Tier.GENERAL
    with pytest.raises(ValidationError, match="直接登録できるのは行政機関と社会福祉協議会のみです"):
        services.membership_register_directly(
            organisation=npo, started_on=datetime.date(2025, 4, 1), actor=staff
        )


def test_approval_creates_organisation_and_membership_and_tells_the_applicant(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(name="NPO法人しょうにん")

    with django_capture_on_commit_callbacks(execute=True):
        membership = services.application_approve(
            application=application, actor=staff, on=datetime.date(2026, 5, 1)
        )

    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert membership.organisation.name == "NPO法人しょうにん"
    assert membership.tier == Membership.Tier.GENERAL
    assert membership.started_on == datetime.date(2026, 5, 1)
    assert membership.application == application
    assert membership.organisation.last_contact_on == datetime.date(2026, 5, 1)
    assert len(mailoutbox) == 1
    assert application.reference in mailoutbox[0].subject
    assert "承認" in mailoutbox[0].subject


def test_approval_needs_the_whole_checklist(staff):
    application = ApplicationFactory(checked_no_antisocial=False)

    with pytest.raises(ValidationError, match="先にチェックリスト"):
        services.application_approve(application=application, actor=staff)
    assert not Membership.objects.exists()


def test_an_application_is_decided_once(staff):
    application = ApplicationFactory()
    services.application_approve(application=application, actor=staff)

    with pytest.raises(ValidationError, match="この申込みは既に決定済みです"):
        services.application_reject(application=application, actor=staff, reason="重複")


def test_rejection_needs_a_reason_and_tells_the_applicant(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    with pytest.raises(ValidationError, match="不承認の理由を記入してください"):
        services.application_reject(application=application, actor=staff, reason=" ")

    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application=application, actor=staff, reason="活動内容を確認できませんでした。"
        )

    assert "活動内容を確認できませんでした。" in mailoutbox[0].body


def test_an_expelled_organisation_is_barred_until_three_years_after_expulsion(staff):
    """要領第5条2 with 民法第140条・第143条: the day of expulsion is not counted, so three years
    from 2024年6月1日 end with 2027年6月1日; re-admission is possible from 6月2日."""
    organisation = _expel_on(datetime.date(2024, 6, 1))
    application = ApplicationFactory(
        organisation=organisation, is_reapplication=True, reapplication_reasons="体制を改めました。"
    )

    with pytest.raises(ValidationError, match="2027年6月2日 より前は再入会を承認できません"):
        services.application_approve(
            application=application, actor=staff, on=datetime.date(2027, 6, 1)
        )
    membership = services.application_approve(
        application=application, actor=staff, on=datetime.date(2027, 6, 2)
    )

    assert membership.organisation == organisation
    assert organisation.memberships.count() == 2


def test_a_withdrawn_organisation_may_rejoin_at_once(staff):
    membership = MembershipFactory()
    services.membership_withdraw(membership=membership, on=datetime.date(2025, 1, 1), actor=staff)
    application = ApplicationFactory(
        organisation=membership.organisation,
        is_reapplication=True,
        reapplication_reasons="再開しました。",
    )

    services.application_approve(application=application, actor=staff, on=datetime.date(2025, 1, 2))

    assert Membership.objects.active().filter(organisation=membership.organisation).exists()


def test_an_unlinked_application_with_a_registered_name_must_be_linked_first(staff):
    organisation = _expel_on(datetime.date(2025, 6, 1))
    application = ApplicationFactory(name=organisation.name, name_kana=organisation.name_kana)

    with pytest.raises(
        ValidationError, match="既に名簿にあります。再入会の場合は、先に申込みをその団体に紐付けて"
    ):
        services.application_approve(application=application, actor=staff)


def test_a_withdrawal_notice_applied_strikes_the_member_off(staff):
    membership = MembershipFactory()
    notice = services.notice_submit(
        organisation=membership.organisation,
        kind="withdrawal",
        reason="活動終了のため",
        effective_on=datetime.date(2026, 3, 31),
        actor=None,
    )

    services.notice_apply(notice=notice, actor=staff)

    membership.refresh_from_db()
    assert membership.ended_on == datetime.date(2026, 3, 31)
    assert membership.end_reason == Membership.EndReason.WITHDRAWN
    assert membership.end_note == "活動終了のため"
    with pytest.raises(ValidationError, match="この届出は既に処理済みです"):
        services.notice_apply(notice=notice, actor=staff)


def test_a_second_pending_notice_of_the_same_kind_is_refused(staff):
    membership = MembershipFactory()
    services.notice_submit(
        organisation=membership.organisation, kind="change", changes={"phone": "1"}, actor=None
    )

    with pytest.raises(ValidationError, match="同じ種類の届出が既に事務局の確認待ちです"):
        services.notice_submit(
            organisation=membership.organisation, kind="change", changes={"phone": "2"}, actor=None
        )


def test_a_declined_notice_needs_a_reason_and_changes_nothing(staff):
    membership = MembershipFactory(organisation__phone="0857-00-0000")
    notice = services.notice_submit(
        organisation=membership.organisation,
        kind="change",
        changes={"phone": "0857-99-9999"},
        actor=None,
    )
    with pytest.raises(ValidationError, match="不受理の理由を記入してください"):
        services.notice_decline(notice=notice, actor=staff, reason="")

    services.notice_decline(notice=notice, actor=staff, reason="内容を確認できません")

    membership.organisation.refresh_from_db()
    assert membership.organisation.phone == "0857-00-0000"


def test_a_steering_member_cannot_file_a_withdrawal_notice(staff):
    membership = SteeringMembershipFactory()

    with pytest.raises(ValidationError, match="プラットフォーム会議の決議によります"):
        services.notice_submit(
            organisation=membership.organisation, kind="withdrawal", reason="x", actor=None
        )


def test_an_application_for_a_public_body_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        ApplicationFactory(organisation_type=OrganisationType.PUBLIC_BODY)


def test_a_change_notice_moves_the_last_contact_date(staff):
    membership = MembershipFactory()
    notice = services.notice_submit(
        organisation=membership.organisation, kind="change", changes={"phone": "1"}, actor=None
    )

    services.notice_apply(notice=notice, actor=staff)

    membership.organisation.refresh_from_db()
    assert membership.organisation.last_contact_on is not None
    assert membership.organisation.contact_events.get().kind == "notice"


def test_the_history_records_who_and_a_dotted_action_code(staff):
    membership = MembershipFactory()

    services.membership_withdraw(membership=membership, on=datetime.date(2025, 5, 1), actor=staff)

    latest = membership.history.first()
    assert latest.history_change_reason == "members.membership.withdrawn"
    assert latest.history_user == staff
    assert latest.end_reason == Membership.EndReason.WITHDRAWN


def test_a_withdrawal_is_applied_from_its_date_not_the_day_before(staff):
    from django.utils import timezone

    membership = MembershipFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    notice = services.notice_submit(
        organisation=membership.organisation,
        kind="withdrawal",
        reason="年度末で退会",
        effective_on=tomorrow,
        actor=None,
    )

    with pytest.raises(ValidationError, match="退会届は退会日"):
        services.notice_apply(notice=notice, actor=staff)
    assert Membership.objects.active().filter(pk=membership.pk).exists()
