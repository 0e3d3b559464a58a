"""The monthly reports in the admin: the archive, building a past month with its progress, the
HTML page with the charts (printable on A4), and one CSV per table."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import ReadOnlyMixin
from core.japanese import format_wareki_fiscal_year
from core.pdf import pdf_response
from core.periods import add_months, fiscal_year_of

from .audit import (
    CP932,
    UTF8,
    AuditStream,
    DoesNotFitShiftJIS,
    audit_bundle,
    audit_export_log,
    cp932_file,
)
from .audit import EXPORTS as AUDIT_EXPORTS
from .audit import EXPORTS_BY_KEY as AUDIT_EXPORTS_BY_KEY
from .csv import monthly_table_csv_response, table_csv_response
from .figures import month_end, wareki_month
from .fiscal_year import fiscal_year_bounds, fiscal_year_snapshot
from .models import MonthlyReport
from .monthly import monthly_report_request

BUILD_PERMISSION = "reports.build_monthlyreport"
AUDIT_PERMISSION = "reports.export_for_audit"
MONTHS_OFFERED = 36
# The first fiscal year offered: FY2022, when the scheme registered its first supporters.
FIRST_FISCAL_YEAR = 2022


def _past_months(today: datetime.date) -> list[tuple[str, str]]:
    first = today.replace(day=1)
    months = [add_months(first, -back) for back in range(1, MONTHS_OFFERED + 1)]
    return [(m.isoformat(), f"{wareki_month(m)}（{m:%Y-%m}）") for m in months]


class MonthlyReportBuildForm(forms.Form):
    month = forms.ChoiceField(label=gettext_lazy("month"))
    rebuild = forms.BooleanField(
        label=gettext_lazy("build again if it already exists (new snapshot, same document)"),
        required=False,
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = _past_months(today)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("month_label", "stage", "progress", "updated_at", "links")
    list_filter = ("stage",)
    list_select_related = ("document",)
    search_fields = ("month",)
    readonly_fields = ("created_at", "updated_at")
    exclude = ("document",)
    change_list_template = "reports/admin/monthlyreport_changelist.html"

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def month_label(self, report):
        return wareki_month(report.month)

    @admin.display(description=gettext_lazy("report"))
    def links(self, report):
        if report.stage != MonthlyReport.Stage.DONE:
            url = reverse("admin:reports_monthlyreport_progress", args=[report.pk])
            return format_html('<a href="{}">{}</a>', url, _("progress"))
        return format_html(
            '<a href="{}">PDF</a> ・ <a href="{}">{}</a>',
            reverse("admin:reports_monthlyreport_pdf", args=[report.pk]),
            reverse("admin:reports_monthlyreport_page", args=[report.pk]),
            _("page with charts"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("build/", view(self.build_view), name="reports_monthlyreport_build"),
            path(
                "<int:pk>/progress/",
                view(self.progress_view),
                name="reports_monthlyreport_progress",
            ),
            path("<int:pk>/report/", view(self.page_view), name="reports_monthlyreport_page"),
            path("<int:pk>/report.pdf", view(self.pdf_view), name="reports_monthlyreport_pdf"),
            path("<int:pk>/table.csv", view(self.csv_view), name="reports_monthlyreport_csv"),
            path("fiscal-year/", view(self.fiscal_year_view), name="reports_fiscal_year"),
            path("audit/", view(self.audit_view), name="reports_audit"),
            path("audit/bundle.zip", view(self.audit_bundle_view), name="reports_audit_bundle"),
            path("audit/<slug:key>.csv", view(self.audit_csv_view), name="reports_audit_csv"),
            path(
                "fiscal-year/<int:year>.pdf",
                view(self.fiscal_year_pdf_view),
                name="reports_fiscal_year_pdf",
            ),
            path(
                "fiscal-year/<int:year>/table.csv",
                view(self.fiscal_year_csv_view),
                name="reports_fiscal_year_csv",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_build": request.user.has_perm(BUILD_PERMISSION),
            "can_audit": request.user.has_perm(AUDIT_PERMISSION),
        }
        return super().changelist_view(request, extra_context)

    # --- Building ---------------------------------------------------------------------------

    def build_view(self, request):
        if not request.user.has_perm(BUILD_PERMISSION):
            raise PermissionDenied
        today = timezone.localdate()
        form = MonthlyReportBuildForm(request.POST or None, today=today)
        if request.method == "POST" and form.is_valid():
            month = datetime.date.fromisoformat(form.cleaned_data["month"])
            try:
                report = monthly_report_request(
                    month=month, actor=request.user, rebuild=form.cleaned_data["rebuild"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if report.stage == MonthlyReport.Stage.DONE:
                    messages.info(
                        request,
                        _("The report for %(month)s already exists.")
                        % {"month": wareki_month(month)},
                    )
                return redirect("admin:reports_monthlyreport_progress", report.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Build a monthly report"),
            "form": form,
        }
        return TemplateResponse(request, "reports/admin/monthlyreport_build.html", context)

    def _get_report(self, request, pk) -> MonthlyReport:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(MonthlyReport.objects.select_related("document"), pk=pk)

    def progress_view(self, request, pk):
        report = self._get_report(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Monthly report %(month)s") % {"month": wareki_month(report.month)},
            "report": report,
            "finished": report.stage in (MonthlyReport.Stage.DONE, MonthlyReport.Stage.FAILED),
        }
        return TemplateResponse(request, "reports/admin/monthlyreport_progress.html", context)

    # --- Reading ----------------------------------------------------------------------------

    def _done_report(self, request, pk) -> MonthlyReport:
        report = self._get_report(request, pk)
        if report.stage != MonthlyReport.Stage.DONE or report.document is None:
            raise Http404
        return report

    def page_view(self, request, pk):
        report = self._done_report(request, pk)
        snapshot = report.document.snapshot
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": report.document.title,
            "report": report,
            **snapshot,
            "as_of": datetime.date.fromisoformat(snapshot["as_of"]),
            "csv_url": reverse("admin:reports_monthlyreport_csv", args=[report.pk]),
        }
        return TemplateResponse(request, "reports/admin/monthlyreport_page.html", context)

    def pdf_view(self, request, pk):
        report = self._done_report(request, pk)
        if not report.document.file:
            raise Http404
        return FileResponse(
            report.document.file.open("rb"),
            content_type="application/pdf",
            filename=f"monthly-report-{report.month:%Y-%m}.pdf",
        )

    def csv_view(self, request, pk):
        report = self._done_report(request, pk)
        return monthly_table_csv_response(request, report=report, key=request.GET.get("table", ""))

    # --- The fiscal-year report (年度報告), built on demand ------------------------------------

    def _fiscal_year(self, request, year: int) -> dict:
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        if not FIRST_FISCAL_YEAR <= year <= fiscal_year_of(today):
            raise Http404
        return fiscal_year_snapshot(year, today=today)

    def fiscal_year_view(self, request):
        today = timezone.localdate()
        years = list(range(fiscal_year_of(today), FIRST_FISCAL_YEAR - 1, -1))
        try:
            year = int(request.GET.get("year", years[0]))
        except ValueError:
            year = years[0]
        snapshot = self._fiscal_year(request, year)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Fiscal-year report %(year)s") % {"year": snapshot["heading"]},
            "years": [(y, format_wareki_fiscal_year(y)) for y in years],
            "year": year,
            **snapshot,
            "as_of": datetime.date.fromisoformat(snapshot["as_of"]),
            "csv_url": reverse("admin:reports_fiscal_year_csv", args=[year]),
        }
        return TemplateResponse(request, "reports/admin/fiscal_year.html", context)

    def fiscal_year_pdf_view(self, request, year):
        snapshot = self._fiscal_year(request, year)
        return pdf_response(
            "reports/pdf/fiscal_year.html",
            {**snapshot, "as_of": datetime.date.fromisoformat(snapshot["as_of"])},
            filename=f"fiscal-year-report-{year}.pdf",
        )

    def fiscal_year_csv_view(self, request, year):
        snapshot = self._fiscal_year(request, year)
        return table_csv_response(
            request,
            tables=snapshot["tables"],
            key=request.GET.get("table", ""),
            filters=f"fiscal_year={year}",
            filename=f"fiscal-year-report-{year}",
        )

    # --- The auditors' export centre (監査) ---------------------------------------------------

    def _audit_period(self, request):
        """The chosen period: a fiscal year (?year=2025) or a month (?month=2025-06)."""
        if not request.user.has_perm(AUDIT_PERMISSION):
            raise PermissionDenied
        today = timezone.localdate()
        month = request.GET.get("month", "")
        if month:
            try:
                first = datetime.date.fromisoformat(f"{month}-01")
            except ValueError as exc:
                raise Http404 from exc
            return first, min(month_end(first), today), wareki_month(first)
        try:
            year = int(request.GET.get("year", fiscal_year_of(today)))
        except ValueError as exc:
            raise Http404 from exc
        if not FIRST_FISCAL_YEAR <= year <= fiscal_year_of(today):
            raise Http404
        start, end = fiscal_year_bounds(year, today)
        return start, end, format_wareki_fiscal_year(year)

    def audit_view(self, request):
        start, end, label = self._audit_period(request)
        today = timezone.localdate()
        query = request.GET.urlencode()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Exports for auditors"),
            "period_label": label,
            "start": start,
            "end": end,
            "query": query,
            "years": [
                (y, format_wareki_fiscal_year(y))
                for y in range(fiscal_year_of(today), FIRST_FISCAL_YEAR - 1, -1)
            ],
            "exports": AUDIT_EXPORTS,
        }
        return TemplateResponse(request, "reports/admin/audit.html", context)

    def audit_csv_view(self, request, key):
        """One export: streamed as UTF-8 with BOM, or (?encoding=cp932) in Shift_JIS when every
        character fits — checked over the whole file before the first byte; if one does not
        fit, the page says which and offers the UTF-8 file."""
        start, end, _label = self._audit_period(request)
        export = AUDIT_EXPORTS_BY_KEY.get(key)
        if export is None:
            raise Http404
        encoding = CP932 if request.GET.get("encoding") == CP932 else UTF8
        stream = AuditStream(export, request.user, start, end)
        filename = f"{key}-{start.isoformat()}-{end.isoformat()}"

        def log():
            audit_export_log(
                user=request.user,
                key=key,
                start=start,
                end=end,
                row_count=stream.row_count,
                encoding=encoding,
            )

        if encoding == CP932:
            try:
                spool = cp932_file(stream)
            except DoesNotFitShiftJIS as refused:
                messages.error(request, f"{export.title}: {refused}")
                query = request.GET.copy()
                query.pop("encoding", None)
                return redirect(f"{reverse('admin:reports_audit')}?{query.urlencode()}")
            log()
            response = FileResponse(spool, as_attachment=True, filename=f"{filename}-sjis.csv")
            response["Content-Type"] = "text/csv; charset=shift_jis"
            return response

        def chunks():
            try:
                yield from stream.chunks()
            finally:
                log()  # with the rows sent, also when the download is interrupted

        response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    def audit_bundle_view(self, request):
        start, end, _label = self._audit_period(request)
        bundle, _manifest = audit_bundle(user=request.user, start=start, end=end)
        return FileResponse(
            bundle,
            content_type="application/zip",
            as_attachment=True,
            filename=f"audit-{start.isoformat()}-{end.isoformat()}.zip",
        )
