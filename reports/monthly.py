"""月次報告: request, build (snapshot, then PDF) and send the monthly report.

One report per calendar month (MonthlyReport.month is unique) and one e-mail per recipient and
month (core.notifications.notify), so the 1st-of-the-month task may run twice, or race another
worker, and still leave one report and one e-mail each.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import roles
from core.audit import audit
from core.models import GeneratedDocument
from core.notifications import notify
from core.periods import add_months
from core.services import document_render

from .figures import month_end, monthly_snapshot, wareki_month
from .models import MonthlyReport

logger = logging.getLogger(__name__)

PURPOSE = "reports.monthly_report"


def previous_month(today: datetime.date) -> datetime.date:
    return add_months(today.replace(day=1), -1)


def _validate_month(month: datetime.date, today: datetime.date) -> None:
    if month.day != 1:
        raise ValidationError(_("A monthly report is for a whole month (give its first day)."))
    if month_end(month) >= today:
        raise ValidationError(
            _("The monthly report for %(month)s can be built once the month is over.")
            % {"month": wareki_month(month)}
        )


def monthly_report_request(
    *, month: datetime.date, actor, rebuild: bool = False, today=None
) -> MonthlyReport:
    """Ask for the report of a past month, built by a worker after commit.

    An existing report is kept as it is unless `rebuild` (or its build failed): building again
    takes a new snapshot into the same archived document. Returns the month's report."""
    today = today or timezone.localdate()
    _validate_month(month, today)
    with transaction.atomic():
        report, created = MonthlyReport.objects.get_or_create(
            month=month, defaults={"requested_by": actor}
        )
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        in_progress = report.stage in (
            MonthlyReport.Stage.COLLECTING,
            MonthlyReport.Stage.RENDERING,
        )
        wanted = (
            created or report.stage == MonthlyReport.Stage.FAILED or (rebuild and not in_progress)
        )
        if not wanted:
            return report
        report.stage = MonthlyReport.Stage.QUEUED
        report.progress = 0
        report.error = ""
        report.requested_by = actor
        audit(report, "reports.monthly_report.requested", actor).save()

        from .tasks import monthly_report_build_task  # tasks import this module

        monthly_report_build_task.delay_on_commit(report.pk)
    return report


def _set_stage(report_id: int, stage: str, progress: int, error: str = "") -> None:
    """Progress is written outside any transaction so the admin's progress page sees it now
    (a queryset update: no history row per step)."""
    MonthlyReport.objects.filter(pk=report_id).update(
        stage=stage, progress=progress, error=error, updated_at=timezone.now()
    )


def monthly_report_build(*, report_id: int) -> MonthlyReport:
    """Snapshot the month's figures into the report's document, then render the PDF."""
    report = MonthlyReport.objects.get(pk=report_id)
    _set_stage(report.pk, MonthlyReport.Stage.COLLECTING, 5)
    try:
        snapshot = monthly_snapshot(
            report.month,
            progress=lambda percent: _set_stage(report.pk, MonthlyReport.Stage.COLLECTING, percent),
        )
        title = _("Monthly report %(month)s") % {"month": snapshot["heading"]}
        with transaction.atomic():
            report = MonthlyReport.objects.select_for_update().get(pk=report_id)
            if report.document_id is None:
                report.document = GeneratedDocument.objects.create(
                    kind=GeneratedDocument.Kind.MONTHLY_REPORT,
                    # One document per month, kept by the database as well (kind + period).
                    period=f"{report.month:%Y-%m}",
                    title=title,
                    snapshot=snapshot,
                    created_by=report.requested_by,
                )
            else:
                document = GeneratedDocument.objects.select_for_update().get(pk=report.document_id)
                document.title = title
                document.snapshot = snapshot
                document.status = GeneratedDocument.Status.PENDING
                document.save(update_fields=["title", "snapshot", "status"])
                report.document = document
            report.stage = MonthlyReport.Stage.RENDERING
            report.progress = 75
            audit(report, "reports.monthly_report.snapshotted").save()
        document_render(document=report.document)
    except Exception as exc:
        logger.exception("Building the monthly report %s failed", report_id)
        _set_stage(report_id, MonthlyReport.Stage.FAILED, 0, error=str(exc)[:2000])
        raise
    _set_stage(report.pk, MonthlyReport.Stage.DONE, 100)
    report.refresh_from_db()
    return report


def monthly_report_recipients() -> list[str]:
    """The coordinators and the secretariat (active accounts with an address), once each."""
    return list(
        get_user_model()
        .objects.filter(groups__name__in=[roles.COORDINATOR, roles.SECRETARIAT], is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def monthly_report_send(*, report: MonthlyReport) -> int:
    """E-mail the coordinators and the secretariat that the month's report is ready: once per
    recipient and month, however often this runs. Returns how many e-mails went out now."""
    if report.stage != MonthlyReport.Stage.DONE:
        raise ValidationError(_("Only a finished monthly report can be sent."))
    heading = report.document.snapshot["heading"]
    sent = 0
    for recipient in monthly_report_recipients():
        sent += notify(
            purpose=PURPOSE,
            target=report,
            period=f"{report.month:%Y-%m}",
            recipient=recipient,
            subject=_("[%(platform)s] Monthly report %(month)s")
            % {"platform": settings.PLATFORM_NAME, "month": heading},
            template_name="reports/email/monthly_report.txt",
            context={"report": report, "heading": heading},
        )
    return sent


def monthly_report_for_previous_month(*, today: datetime.date) -> MonthlyReport:
    """The scheduled run: build last month's report unless it is already done, then send it."""
    month = previous_month(today)
    with transaction.atomic():
        report, _created = MonthlyReport.objects.get_or_create(month=month)
    if report.stage != MonthlyReport.Stage.DONE:
        report = monthly_report_build(report_id=report.pk)
    monthly_report_send(report=report)
    return report
