import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from core import roles
from members import services, tasks
from members.models import Membership
from tests.factories import MembershipFactory, StaffFactory

from .factories import ApplicationFactory, SteeringMembershipFactory

pytestmark = pytest.mark.django_db

# One full year (民法第140条: the contact day itself not counted) has passed on 2026-01-02;
# reminders start 30 days before, on 2025-12-03.
LAST_CONTACT = datetime.date(2025, 1, 1)


@pytest.fixture
def secretariat():
    return StaffFactory(roles=[roles.SECRETARIAT], email="jimukyoku@example.jp")


def _general(last_contact=LAST_CONTACT):
    return MembershipFactory(
        started_on=datetime.date(2024, 4, 1), organisation__last_contact_on=last_contact
    )


def test_reminders_start_thirty_days_before_one_year_without_contact(secretariat, mailoutbox):
    membership = _general()

    assert services.no_contact_reminders_send(today=datetime.date(2025, 12, 2)) == 0
    assert services.no_contact_reminders_send(today=datetime.date(2025, 12, 3)) == 1

    assert mailoutbox[0].to == ["jimukyoku@example.jp"]
    assert membership.organisation.name in mailoutbox[0].subject
    assert "2026年1月2日" in mailoutbox[0].body


def test_the_reminder_is_sent_once_and_never_expels(secretariat, mailoutbox):
    membership = _general()

    for day in range(2, 31):
        services.no_contact_reminders_send(today=datetime.date(2025, 12, day))
    services.no_contact_reminders_send(today=datetime.date(2026, 2, 1))

    assert len(mailoutbox) == 1
    assert Membership.objects.active().filter(pk=membership.pk).exists()


def test_a_new_contact_resets_the_clock(secretariat, mailoutbox):
    membership = _general()
    services.no_contact_reminders_send(today=datetime.date(2025, 12, 3))
    services.contact_record(
        organisation=membership.organisation,
        occurred_on=datetime.date(2025, 12, 10),
        kind="reply",
        actor=secretariat,
    )

    assert services.no_contact_reminders_send(today=datetime.date(2026, 11, 10)) == 0
    assert services.no_contact_reminders_send(today=datetime.date(2026, 11, 11)) == 1
    assert len(mailoutbox) == 2


def test_steering_members_and_former_members_are_not_reminded(secretariat, mailoutbox):
    SteeringMembershipFactory(organisation__last_contact_on=LAST_CONTACT)
    MembershipFactory(
        ended_on=datetime.date(2025, 3, 1), organisation__last_contact_on=LAST_CONTACT
    )

    assert services.no_contact_reminders_send(today=datetime.date(2026, 6, 1)) == 0


def test_without_any_contact_the_joining_date_counts(secretariat, mailoutbox):
    MembershipFactory(started_on=datetime.date(2025, 4, 1))

    assert services.no_contact_reminders_send(today=datetime.date(2026, 3, 2)) == 0
    assert services.no_contact_reminders_send(today=datetime.date(2026, 3, 3)) == 1


def test_the_daily_tasks_are_scheduled_and_run(secretariat, mailoutbox):
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "members.tasks.no_contact_reminder_task" in names
    assert "members.tasks.applications_waiting_reminder_task" in names
    ApplicationFactory()

    assert tasks.applications_waiting_reminder_task.delay().get() == 1
    assert tasks.applications_waiting_reminder_task.delay().get() == 0
    assert tasks.no_contact_reminder_task.delay().get() == 0


def test_written_resolution_reminders_go_to_those_who_have_not_replied(mailoutbox):
    from members.models import Meeting, Vote

    staff = StaffFactory()
    orgs = [SteeringMembershipFactory().organisation for _ in range(3)]
    meeting = services.meeting_create(
        title="書面決議", held_on=datetime.date(2026, 1, 5), kind=Meeting.Kind.WRITTEN, actor=staff
    )
    meeting.reply_by = datetime.date(2026, 1, 20)
    meeting.reminder_days = 3
    meeting.save()
    item = services.agenda_item_add(meeting=meeting, kind="other", title="規程案", actor=staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)
    mailoutbox.clear()
    services.vote_record(item=item, organisation=orgs[0], choice=Vote.Choice.FOR, actor=staff)

    assert services.written_resolution_reminders_send(today=datetime.date(2026, 1, 16)) == 0
    assert services.written_resolution_reminders_send(today=datetime.date(2026, 1, 17)) == 2
    assert services.written_resolution_reminders_send(today=datetime.date(2026, 1, 20)) == 0
    assert services.written_resolution_reminders_send(today=datetime.date(2026, 1, 21)) == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in orgs[1:])
    assert "2026年1月20日" in mailoutbox[0].body
    assert PeriodicTask.objects.filter(
        task="members.tasks.written_resolution_reminder_task"
    ).exists()


def test_the_secretariat_is_reminded_of_a_prospects_next_step_from_its_date_once(
    secretariat, mailoutbox
):
    from members.models import Prospect

    prospect = Prospect.objects.create(
        name="こども食堂ひまわり",
        next_step="お試し参加の案内",
        next_step_on=datetime.date(2026, 3, 10),
    )
    Prospect.objects.create(
        name="参加済み団体", status=Prospect.Status.JOINED, next_step_on=datetime.date(2026, 3, 1)
    )

    assert services.prospect_next_step_reminders_send(today=datetime.date(2026, 3, 9)) == 0
    assert services.prospect_next_step_reminders_send(today=datetime.date(2026, 3, 10)) == 1
    assert services.prospect_next_step_reminders_send(today=datetime.date(2026, 3, 11)) == 0
    assert "こども食堂ひまわり" in mailoutbox[0].subject
    assert "お試し参加の案内" in mailoutbox[0].body
    assert "2026年3月10日" in mailoutbox[0].body

    prospect.next_step_on = datetime.date(2026, 4, 1)
    prospect.save()
    assert services.prospect_next_step_reminders_send(today=datetime.date(2026, 4, 1)) == 1


def test_the_prospect_reminder_runs_daily():
    task = PeriodicTask.objects.get(task="members.tasks.prospect_next_step_reminder_task")
    assert task.crontab.hour == "9"
    assert tasks.prospect_next_step_reminder_task.delay().get() == 0
