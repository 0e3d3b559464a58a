"""The to-do home: per role, only what the role may act on, each line linking to its list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import Notification
from foodhub.models import Transfer
from members.models import Application, Prospect
from staff.todo import todo_for
from supporters.models import TrainingSession
from tests.conftest import assert_constant_queries
from tests.factories import StaffFactory
from tests.foodhub.factories import ItemFactory, operator_of, receive, site_with_zones
from tests.members.factories import ApplicationFactory
from tests.supporters.factories import TrainingSessionFactory, at

pytestmark = pytest.mark.django_db


def _waiting_application(days):
    application = ApplicationFactory()
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days)
    )
    return application


def _unrecorded_session():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return TrainingSessionFactory(starts_at=at(yesterday, 10), ends_at=at(yesterday, 12))


def _due_prospect():
    return Prospect.objects.create(
        name="見込み団体",
        next_step="訪問",
        next_step_on=timezone.localdate() - datetime.timedelta(days=2),
    )


def _failed_notification(application):
    notification = Notification.objects.create(
        purpose="members.application_waiting",
        target=application,
        period="2026-12-01",
        recipient="jimu@example.jp",
        subject="x",
    )
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )


def test_the_secretariat_sees_what_waits_and_for_how_long_with_links(client):
    user = StaffFactory(roles=[roles.SECRETARIAT])
    application = _waiting_application(days=3)
    _waiting_application(days=1)
    _unrecorded_session()
    _due_prospect()
    _failed_notification(application)
    client.force_login(user)

    page = client.get(reverse("admin:index")).content.decode()

    lines = {line.key: line for line in todo_for(user)}
    assert set(lines) == {
        "applications",
        "prospects_due",
        "trainings_without_attendance",
        "failed_notifications",
    }
    assert lines["applications"].count == 2
    assert "最も古いもので 3 日待ち" in page
    assert "審査待ちの入会申込" in page and "2 件" in page
    for line in lines.values():
        # (The link of a time-bound line carries the moment of the request: compare the start.)
        assert line.url.split("?")[0] in page and line.label in page
        # The admin accepts the filter (an unknown lookup would redirect with ?e=1).
        response = client.get(line.url)
        assert response.status_code == 200, line.key
    changelist = client.get(lines["applications"].url)
    assert changelist.context["cl"].result_count == 2
    sessions = client.get(lines["trainings_without_attendance"].url)
    assert sessions.context["cl"].result_count == 1


def test_a_coordinator_who_may_only_read_has_nothing_to_do(client):
    _waiting_application(days=3)
    _unrecorded_session()
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    page = client.get(reverse("admin:index")).content.decode()

    assert "今日あなたが対応すべき事項はありません。" in page
    assert "審査待ちの入会申込" not in page


def test_a_hub_operator_sees_only_their_sites_arrivals_and_dates():
    mine, other = site_with_zones(name="拠点A"), site_with_zones(name="拠点B")
    operator = operator_of(mine)
    sender = StaffFactory(roles=[roles.SECRETARIAT])
    today = timezone.localdate()
    receive(mine, ItemFactory(), "5", actor=sender, expiry=today + datetime.timedelta(days=2))
    receive(other, ItemFactory(), "5", actor=sender, expiry=today + datetime.timedelta(days=2))
    Transfer.objects.create(from_site=other, to_site=mine, sent_on=today, sent_by=sender)
    Transfer.objects.create(from_site=mine, to_site=other, sent_on=today, sent_by=sender)
    _waiting_application(days=3)

    lines = {line.key: line for line in todo_for(operator)}

    assert set(lines) == {"transfers_in_transit", "lots_near_expiry"}
    assert lines["transfers_in_transit"].count == 1
    assert lines["lots_near_expiry"].count == 1
    assert lines["lots_near_expiry"].url == reverse("foodhub:dashboard")


def test_a_hub_operator_lands_on_the_foodhub_after_login(client):
    operator_of(site_with_zones(), email="hub@example.jp")

    response = client.post(
        reverse("account_login"), {"login": "hub@example.jp", "password": "correct-horse-battery"}
    )

    assert response["Location"] == reverse("foodhub:stock")


def test_the_secretariat_still_lands_in_the_admin_after_login(client):
    StaffFactory(email="jimu@example.jp", roles=[roles.SECRETARIAT])

    response = client.post(
        reverse("account_login"), {"login": "jimu@example.jp", "password": "correct-horse-battery"}
    )

    assert response["Location"] == "/admin/"


def test_the_to_do_home_costs_the_same_queries_for_10_and_200_waiting_records(client):
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))

    def add_rows(n):
        for _ in range(n):
            _failed_notification(_waiting_application(days=2))
        TrainingSession.objects.bulk_create(
            TrainingSession(
                kind=TrainingSession.Kind.INITIAL,
                title="研修",
                held_on=timezone.localdate() - datetime.timedelta(days=3),
                starts_at=at(timezone.localdate() - datetime.timedelta(days=3)),
                ends_at=at(timezone.localdate() - datetime.timedelta(days=3), 16),
                venue="会場",
                municipality_id=Application.objects.first().municipality_id,
                audience="どなたでも",
                capacity=30,
            )
            for _ in range(n)
        )
        Prospect.objects.bulk_create(
            Prospect(name=f"見込み{i}", next_step_on=timezone.localdate()) for i in range(n)
        )

    def run():
        response = client.get(reverse("admin:index"))
        assert response.status_code == 200
        return len(response.context["request"].user.groups.all())

    assert_constant_queries(run, add_rows)


def test_an_e_mail_that_could_not_be_sent_is_on_the_secretariats_list(settings, secretariat):
    from core.notifications import notify

    settings.EMAIL_BACKEND = "tests.core.failing_email.FailingBackend"
    application = _waiting_application(days=1)
    with pytest.raises(ConnectionError):
        notify(
            purpose="members.application_waiting",
            target=application,
            period="2026-12-01",
            recipient="jimu@example.jp",
            subject="審査待ち",
            template_name="staff/email/account_invite.txt",
            context={"account": secretariat, "roles": [], "link": "", "login": ""},
        )
    later = timezone.now() + datetime.timedelta(hours=1)

    lines = {line.key: line for line in todo_for(secretariat, now=later)}

    assert lines["failed_notifications"].count == 1
    assert "failed_notifications" not in {
        line.key for line in todo_for(secretariat, now=later + datetime.timedelta(days=8))
    }
