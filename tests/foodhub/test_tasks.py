import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from foodhub.models import Zone
from foodhub.tasks import near_expiry_alert_task

from .factories import ItemFactory, operator_of, receive, secretariat, site_with_zones

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def test_operators_are_warned_per_zone_at_the_zones_warning_days_and_only_once(settings):
    from foodhub import services

    hub, other = site_with_zones(name="ハブ拠点 八頭町"), site_with_zones(name="ハブ拠点 香美町")
    chilled = hub.zones.get(kind=Zone.Kind.CHILLED)  # warning at 3 days
    staff = secretariat()
    operator_of(hub, email="yazu@example.jp")
    operator_of(other, email="kami@example.jp")
    milk, yogurt = ItemFactory(name="牛乳"), ItemFactory(name="ヨーグルト")
    receive(
        hub,
        milk,
        5,
        actor=staff,
        expiry=TODAY + datetime.timedelta(days=3),
        zone_kind=Zone.Kind.CHILLED,
        date_kind="use_by",
    )
    receive(
        hub,
        yogurt,
        5,
        actor=staff,
        expiry=TODAY + datetime.timedelta(days=4),
        zone_kind=Zone.Kind.CHILLED,
        date_kind="use_by",
    )

    assert services.near_expiry_alerts_send(today=TODAY) == 1
    assert services.near_expiry_alerts_send(today=TODAY) == 0

    message = mail.outbox[0]
    assert message.to == ["yazu@example.jp"]
    assert "牛乳" in message.body
    assert "ヨーグルト" not in message.body  # 4 days away: one day beyond the zone's 3
    assert "2026年11月23日" in message.body

    chilled.near_expiry_days = 4
    chilled.save()
    services.near_expiry_alerts_send(today=TODAY + datetime.timedelta(days=1))
    assert "ヨーグルト" in mail.outbox[1].body


def test_the_daily_task_is_scheduled_and_warns_of_todays_near_expiry_lots():
    schedule = PeriodicTask.objects.get(task="foodhub.tasks.near_expiry_alert_task")
    assert schedule.crontab.hour == "7"
    assert near_expiry_alert_task.delay().get() == 0  # nothing in stock: nobody is written to

    hub = site_with_zones(name="ハブ拠点 八頭町")
    operator_of(hub, email="yazu@example.jp")
    today = timezone.localdate()
    receive(
        hub,
        ItemFactory(name="牛乳"),
        5,
        actor=secretariat(),
        expiry=today + datetime.timedelta(days=1),
        received_on=today,
        zone_kind=Zone.Kind.CHILLED,
        date_kind="use_by",
    )

    assert near_expiry_alert_task.delay().get() == 1
    assert near_expiry_alert_task.delay().get() == 0  # the same day again: already warned
    assert mail.outbox[0].to == ["yazu@example.jp"] and "牛乳" in mail.outbox[0].body


def test_a_roll_up_row_changed_outside_the_application_is_reported_the_next_night_once():
    from foodhub.rollups import LedgerMonth
    from foodhub.tasks import ledger_check_task

    secretariat(email="jimu@example.jp")
    hub = site_with_zones(name="ハブ拠点 八頭町")
    receive(hub, ItemFactory(), 10, actor=secretariat(email=""), expiry=TODAY.replace(2099))
    assert ledger_check_task() == 0 and mail.outbox == []  # they agree: no mail

    month = LedgerMonth.objects.get(site=hub).month
    LedgerMonth.objects.filter(site=hub).update(kg=12, entries=2)

    assert ledger_check_task() == 1
    assert ledger_check_task() == 1  # the same night again: no second mail
    [message] = mail.outbox
    assert message.to == ["jimu@example.jp"]
    assert message.subject == "【食品在庫】月次集計と台帳が一致しません（1行）"
    assert (
        f"ハブ拠点 八頭町 令和{month.year - 2018}年{month.month}月（{month.year}年{month.month}月）"
        " 受入：台帳 10 kg 10 個 1 件、"
        "集計 12 kg 10 個 2 件"
    ) in message.body
    assert "ロット" not in message.body.split("全体")[0]  # no lot differs
