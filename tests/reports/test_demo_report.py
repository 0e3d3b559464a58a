"""The demo data gives last month's 月次報告 something in every section: members, supporters
(trainings and つながりミーティング), food (received, distributed, disposed, partners' requests)
and the council's aggregates."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.figures import monthly_snapshot
from reports.monthly import previous_month

pytestmark = pytest.mark.django_db


def this_month_column(snapshot, key):
    table = next(t for t in snapshot["tables"] if t["key"] == key)
    return {row["label"]: row["cells"][0] for row in table["rows"]}


def test_the_demo_fills_every_section_of_last_months_report(settings):
    settings.DEBUG = True  # the demo logins are for development only
    call_command("load_demo_data", "--demo-user", "--last-month", stdout=io.StringIO())
    call_command("load_demo_data", "--demo-user", "--last-month", stdout=io.StringIO())

    snapshot = monthly_snapshot(previous_month(timezone.localdate()))

    assert this_month_column(snapshot, "members_by_tier")["合計"] > 0
    assert this_month_column(snapshot, "members_changes")["新規入会"] == 1
    trainings = this_month_column(snapshot, "supporters_trainings")
    assert list(trainings.values()) == [1, 18]  # sessions, participants: once, loaded twice
    meetings = this_month_column(snapshot, "supporters_meetings")
    assert list(meetings.values()) == [1, 16, 4]  # sessions, residents, students
    assert this_month_column(snapshot, "food_received")["合計"] != "0.00"
    assert this_month_column(snapshot, "food_distributed")["合計"] != "0.00"
    assert this_month_column(snapshot, "food_disposed")["廃棄量合計"] != "0.00"
    requests = this_month_column(snapshot, "food_requests")
    assert requests["受け渡し済み 合計"] == 1 and requests["お断り 合計"] == 1
    assert this_month_column(snapshot, "food_requests_kg_by_partner")["合計"] == "5.00"
    assert this_month_column(snapshot, "food_stock")["合計"] != "0.00"
    assert this_month_column(snapshot, "council_opened")["合計"] == "5未満"
