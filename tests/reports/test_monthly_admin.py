"""The monthly reports in the admin: building a past month with its progress, the page with the
charts, one CSV per table (streamed, Excel-ready, logged), and who may do what."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from core import roles
from core.models import ExportLog
from reports.models import MonthlyReport
from reports.monthly import monthly_report_for_previous_month
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def october_report():
    MembershipFactory(started_on=datetime.date(2026, 10, 5))
    return monthly_report_for_previous_month(today=datetime.date(2026, 11, 1))


def test_a_coordinator_builds_a_past_month_and_follows_its_progress(
    client, django_capture_on_commit_callbacks
):
    MembershipFactory(started_on=datetime.date(2025, 6, 5))
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reports_monthlyreport_build"), {"month": "2025-06-01"}
        )

    report = MonthlyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reports_monthlyreport_progress", args=[report.pk])
    assert report.stage == MonthlyReport.Stage.DONE
    assert report.progress == 100
    assert report.document.snapshot["heading"] == "令和7年6月"
    progress = client.get(response["Location"])
    assert "<progress" in progress.content.decode()
    assert 'http-equiv="refresh"' not in progress.content.decode()  # finished: no more polling


def test_the_progress_page_refreshes_itself_while_the_report_is_being_built(client):
    report = MonthlyReport.objects.create(month=OCTOBER, stage="collecting", progress=40)
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))

    page = client.get(reverse("admin:reports_monthlyreport_progress", args=[report.pk]))

    text = page.content.decode()
    assert 'http-equiv="refresh"' in text
    assert 'value="40"' in text
    assert "数値を集計中" in text


def test_the_month_being_lived_cannot_be_built(client):
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))
    this_month = datetime.date.today().replace(day=1).isoformat()

    response = client.post(reverse("admin:reports_monthlyreport_build"), {"month": this_month})

    assert response.status_code == 200  # the choice is not offered at all
    assert not MonthlyReport.objects.exists()


def test_the_page_shows_the_tables_and_svg_charts(client, october_report):
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    page = client.get(reverse("admin:reports_monthlyreport_page", args=[october_report.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" viewBox') == 3  # the charts
    assert "会員の異動" in text
    assert "令和8年10月" in text
    assert "table.csv?table=members_changes" in text


def test_one_table_as_a_streamed_excel_ready_csv_recorded_in_the_export_log(client, october_report):
    user = StaffFactory(roles=[roles.COORDINATOR])
    client.force_login(user)

    response = client.get(
        reverse("admin:reports_monthlyreport_csv", args=[october_report.pk]),
        {"table": "members_changes"},
    )

    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel on Japanese Windows
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "会員の異動"
    assert rows[0][1] == "当月（令和8年10月）"
    assert rows[1] == ["新規入会", "1", "0", "0", "1"]
    log = ExportLog.objects.get()
    assert (log.user, log.row_count, log.file_format) == (user, 5, "csv")
    assert "table=members_changes" in log.filters


def test_an_unknown_table_is_not_found(client, october_report):
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    response = client.get(
        reverse("admin:reports_monthlyreport_csv", args=[october_report.pk]), {"table": "x"}
    )

    assert response.status_code == 404
    assert not ExportLog.objects.exists()


def test_auditors_read_reports_but_do_not_build_them(client, october_report):
    client.force_login(StaffFactory(roles=[roles.AUDITOR]))

    assert client.get(reverse("admin:reports_monthlyreport_changelist")).status_code == 200
    pdf = client.get(reverse("admin:reports_monthlyreport_pdf", args=[october_report.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("admin:reports_monthlyreport_build")).status_code == 403


def test_hub_operators_see_no_monthly_report(client, october_report):
    client.force_login(StaffFactory(roles=[roles.HUB_OPERATOR]))

    assert client.get(reverse("admin:reports_monthlyreport_changelist")).status_code == 403
    page = client.get(reverse("admin:reports_monthlyreport_page", args=[october_report.pk]))
    assert page.status_code == 403
