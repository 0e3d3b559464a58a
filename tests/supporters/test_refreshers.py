"""Refresher training: when a supporter is due (month ends, never-trained supporters, the rule
set in force on the day) and the reminders."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import periods
from core.models import Notification
from supporters import selectors, services
from supporters.models import Supporter, SupporterRuleSet
from tests.factories import SupporterFactory

pytestmark = pytest.mark.django_db


def _rules(interval=24, reminder=30, valid_from=datetime.date(2020, 4, 1), replace=True):
    if replace:
        SupporterRuleSet.objects.all().delete()
    return SupporterRuleSet.objects.create(
        valid_from=valid_from,
        refresher_interval_months=interval,
        refresher_reminder_days=reminder,
        signup_limit_per_hour=5,
    )


def test_refresher_due_exactly_at_the_interval_and_not_a_day_before():
    _rules(interval=24)
    due = SupporterFactory(last_trained_on=datetime.date(2024, 3, 31))
    not_yet = SupporterFactory(last_trained_on=datetime.date(2024, 4, 1))
    paused = SupporterFactory(
        last_trained_on=datetime.date(2020, 1, 1),
        status=Supporter.Status.PAUSED,
        status_changed_on=datetime.date(2025, 1, 1),
    )

    result = set(selectors.supporters_refresher_due(on=datetime.date(2026, 3, 31)))

    assert due in result
    assert not_yet not in result
    assert paused not in result


def test_refresher_reminder_starts_at_the_window_and_is_sent_once_per_due_date():
    _rules(interval=24, reminder=30)
    supporter = SupporterFactory(last_trained_on=datetime.date(2024, 5, 1), email="s@example.jp")
    # Due 2026-05-01; the window opens 30 days before, on 2026-04-01.

    assert services.refresher_reminders_send(on=datetime.date(2026, 3, 31)) == 0
    assert services.refresher_reminders_send(on=datetime.date(2026, 4, 1)) == 1
    assert services.refresher_reminders_send(on=datetime.date(2026, 4, 2)) == 0

    assert mail.outbox[0].to == ["s@example.jp"]
    assert "2026年5月1日" in mail.outbox[0].body
    notification = Notification.objects.get()
    assert notification.period == "2026-05-01"
    assert notification.object_id == str(supporter.pk)


def test_interval_comes_from_the_rule_set_in_force():
    _rules(interval=12)
    supporter = SupporterFactory(last_trained_on=datetime.date(2025, 3, 31))

    assert supporter in selectors.supporters_refresher_due(on=datetime.date(2026, 3, 31))


@pytest.mark.parametrize(
    ("interval", "trained", "due"),
    [
        (1, datetime.date(2024, 1, 31), datetime.date(2024, 2, 29)),  # leap-year month end
        (1, datetime.date(2023, 1, 31), datetime.date(2023, 2, 28)),
        (12, datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)),
        (1, datetime.date(2024, 3, 31), datetime.date(2024, 4, 30)),
        (24, datetime.date(2024, 3, 31), datetime.date(2026, 3, 31)),
    ],
)
def test_refresher_is_due_on_the_due_date_and_not_the_day_before(interval, trained, due):
    rules = _rules(interval=interval)
    supporter = SupporterFactory(last_trained_on=trained, registered_on=trained)

    assert selectors.refresher_due_on(supporter, rules) == due
    assert supporter not in selectors.supporters_refresher_due(
        on=due - datetime.timedelta(days=1), rules=rules
    )
    assert supporter in selectors.supporters_refresher_due(on=due, rules=rules)
    assert supporter in selectors.supporters_refresher_due(
        on=due + datetime.timedelta(days=1), rules=rules
    )


@pytest.mark.parametrize("interval", [1, 12, 24])
def test_due_cutoff_is_the_exact_inverse_of_the_due_date_every_day_of_six_years(interval):
    rules = SupporterRuleSet(refresher_interval_months=interval)
    day = datetime.date(2023, 1, 1)
    while day < datetime.date(2029, 1, 1):
        cutoff = selectors.refresher_due_cutoff(day, rules)
        assert periods.add_months(cutoff, interval) <= day, day
        assert periods.add_months(cutoff + datetime.timedelta(days=1), interval) > day, day
        day += datetime.timedelta(days=1)


def test_supporters_never_trained_count_from_their_registration_day():
    rules = _rules(interval=24)
    due = SupporterFactory(last_trained_on=None, registered_on=datetime.date(2024, 3, 31))
    not_yet = SupporterFactory(last_trained_on=None, registered_on=datetime.date(2024, 4, 1))

    result = set(selectors.supporters_refresher_due(on=datetime.date(2026, 3, 31), rules=rules))

    assert due in result and not_yet not in result


def test_refresher_reminder_for_a_never_trained_supporter_names_the_due_date():
    _rules(interval=24, reminder=30)
    SupporterFactory(
        last_trained_on=None, registered_on=datetime.date(2024, 5, 1), email="n@example.jp"
    )

    assert services.refresher_reminders_send(on=datetime.date(2026, 3, 31)) == 0
    assert services.refresher_reminders_send(on=datetime.date(2026, 4, 1)) == 1
    assert "2026年5月1日" in mail.outbox[0].body


def test_the_rule_set_in_force_on_the_day_is_used_not_a_later_one():
    _rules(interval=24, valid_from=datetime.date(2020, 4, 1))
    _rules(interval=12, valid_from=datetime.date(2026, 4, 1), replace=False)
    supporter = SupporterFactory(last_trained_on=datetime.date(2025, 3, 31))

    # The day before the new rules: 24 months apply, so not due yet.
    assert supporter not in selectors.supporters_refresher_due(on=datetime.date(2026, 3, 31))
    # From their first day: 12 months apply.
    assert supporter in selectors.supporters_refresher_due(on=datetime.date(2026, 4, 1))


def test_with_only_a_future_rule_set_the_pages_work_and_nobody_is_due(client, secretariat):
    SupporterRuleSet.objects.all().delete()
    _rules(interval=12, valid_from=timezone.localdate() + datetime.timedelta(days=1), replace=False)
    SupporterFactory(full_name="古い 受講", last_trained_on=datetime.date(2000, 1, 1))
    url = reverse("admin:supporters_supporter_changelist")

    assert "古い 受講" in client.get(url).content.decode()
    assert "古い 受講" not in client.get(url + "?refresher=due").content.decode()
    assert services.refresher_reminders_send(on=timezone.localdate()) == 0
