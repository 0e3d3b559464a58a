"""The whole path of issue 4, through the services and tasks a person's actions call."""

import datetime
import threading
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from supporters import selectors, services, tasks
from supporters.models import Certificate, Supporter, SupporterRuleSet
from tests.conftest import requires_postgres
from tests.factories import StaffFactory

from .factories import (
    RegistrationFactory,
    SchoolDistrictFactory,
    TrainingSessionFactory,
    at,
    signup_data,
)

pytestmark = pytest.mark.django_db


def test_signup_to_refresher_reminder(django_capture_on_commit_callbacks):
    staff = StaffFactory()
    district = SchoolDistrictFactory(name="桜ヶ丘中学校区", target=20)
    held_on = datetime.date(2025, 6, 14)
    session = TrainingSessionFactory(
        municipality=district.municipality, starts_at=at(held_on), title="桜ヶ丘の研修"
    )
    SupporterRuleSet.objects.update(refresher_interval_months=24, refresher_reminder_days=30)

    # Sign-up happens while the session lies ahead; afterwards it is moved to when it was held.
    session.starts_at = at(timezone.localdate() + datetime.timedelta(days=2))
    session.ends_at = session.starts_at + datetime.timedelta(hours=3)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        registration, _ = services.registration_create(
            session_id=session.pk,
            data=signup_data(session.municipality, district=district, email="path@example.jp"),
            token=uuid.uuid4(),
        )
    assert mail.outbox[-1].to == ["path@example.jp"]

    # The session then took place on held_on.
    session.starts_at = at(held_on)
    session.ends_at = at(held_on, 16)
    session.save()

    # Day-before reminder (run for the day before held_on).
    assert services.training_reminders_send(on=held_on - datetime.timedelta(days=1)) == 1

    # Attendance → registered supporter; certificate and badge.
    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=staff
    )
    supporter = Supporter.objects.get()
    certificate = services.certificates_issue(session=session, actor=staff)[0]
    services.badges_hand_out(supporters=[supporter], on=held_on, actor=staff)
    supporter.refresh_from_db()
    assert supporter.district == district and supporter.last_trained_on == held_on
    assert certificate.serial == "第00001号" and supporter.badge_handed_on == held_on

    # Counted against the district target.
    row = next(r for r in selectors.district_progress() if r["name"] == "桜ヶ丘中学校区")
    assert (row["count"], row["target"]) == (1, 20)

    # Refresher due 2027-06-14; reminder from 30 days before, once.
    assert services.refresher_reminders_send(on=datetime.date(2027, 5, 14)) == 0
    assert services.refresher_reminders_send(on=datetime.date(2027, 5, 15)) == 1
    assert services.refresher_reminders_send(on=datetime.date(2027, 6, 1)) == 0
    assert "2027年6月14日" in mail.outbox[-1].body


def test_reminder_tasks_are_scheduled_daily_by_migration():
    tasks_by_name = {t.task: t for t in PeriodicTask.objects.select_related("crontab")}

    for name in (
        "supporters.tasks.training_reminders_task",
        "supporters.tasks.refresher_reminders_task",
    ):
        assert tasks_by_name[name].crontab.day_of_month == "*"
        assert str(tasks_by_name[name].crontab.timezone) == "Asia/Tokyo"


def test_reminder_tasks_run_the_services():
    session = TrainingSessionFactory(
        starts_at=at(timezone.localdate() + datetime.timedelta(days=1))
    )
    RegistrationFactory(session=session)

    assert tasks.training_reminders_task.delay().get() == 1
    assert tasks.training_reminders_task.delay().get() == 0


def test_home_page_links_to_the_training_calendar(client):
    html = client.get(reverse("home")).content.decode()

    assert reverse("supporters:training-list") in html


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_issuing_at_once_get_distinct_gap_free_numbers():
    sessions = []
    for _ in range(2):
        session = TrainingSessionFactory(starts_at=at(timezone.localdate()))
        regs = RegistrationFactory.create_batch(3, session=session)
        services.session_attendance_record(
            session=session, registration_ids=[r.pk for r in regs], walk_ins=[], actor=None
        )
        sessions.append(session)
    barrier = threading.Barrier(2)

    def issue(session):
        barrier.wait()
        try:
            services.certificates_issue(session=session, actor=None)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(Certificate.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
