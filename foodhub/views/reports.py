"""The dashboard and the CSV exports (ledger, monthly figures), streamed and logged."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.csvstream import CHOICE, DATE, DATETIME, NUMBER, Column, CsvExport, csv_export_response
from core.exports import csv_streaming_response, export_log_record

from .. import selectors
from ..models import LedgerEntry, Zone
from .base import StaffView


def _since(request, today):
    """The dashboard's and exports' period start: ?since=YYYY-MM-DD, else 12 months back."""
    try:
        return datetime.date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        return (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)


class DashboardView(StaffView):
    permission_required = "foodhub.view_ledgerentry"

    def get(self, request):
        today = timezone.localdate()
        since = _since(request, today)
        sites = selectors.site_list_for_user(request.user)
        site_id = request.GET.get("site", "")
        site = sites.filter(pk=site_id).first() if site_id.isdigit() else None
        return render(
            request,
            "foodhub/dashboard.html",
            {
                "since": since,
                "today": today,
                "sites": sites,
                "site": site,
                **selectors.dashboard_figures(request.user, since=since, today=today, site=site),
            },
        )


def _stream_csv(request, *, model, rows, header, filename, row_count):
    """Record the export, then stream the CSV through core's one small-table path."""
    export_log_record(
        user=request.user,
        model=model,
        filters=request.GET.urlencode(),
        file_format="csv",
        row_count=row_count,
    )
    return csv_streaming_response(header=header, rows=rows, filename=filename)


class LedgerCsvView(StaffView):
    permission_required = "foodhub.view_ledgerentry"

    def get(self, request):
        today = timezone.localdate()
        since = _since(request, today)
        entries = selectors.ledger_list_for_user(request.user).filter(effective_on__gte=since)
        # Written by the database on PostgreSQL (COPY), by Python elsewhere: core.csvstream.
        export = CsvExport(
            entries.order_by("-effective_on", "-pk"),
            [
                Column(_("entry"), "pk", NUMBER),
                Column(_("date"), "effective_on", DATE),
                Column(_("site"), "site__name"),
                Column(_("kind"), "kind", CHOICE, dict(LedgerEntry.Kind.choices)),
                Column(_("item"), "lot__item__name"),
                Column(_("storage"), "lot__zone__kind", CHOICE, dict(Zone.Kind.choices)),
                Column(_("lot"), "lot_id", NUMBER),
                Column(_("kg change"), "kg_delta", NUMBER),
                Column(_("pieces change"), "quantity_delta", NUMBER),
                Column(_("donation"), "donation_id", NUMBER),
                Column(_("transfer"), "transfer_id", NUMBER),
                Column(_("distribution"), "distribution_id", NUMBER),
                Column(_("disposal"), "disposal_id", NUMBER),
                Column(_("stocktake"), "stocktake_id", NUMBER),
                Column(_("reason"), "reason"),
                Column(_("recorded by"), "created_by__username"),
                Column(_("recorded at"), "created_at", DATETIME),
            ],
        )
        return csv_export_response(
            request, export, filename=f"foodhub-ledger-{since.isoformat()}.csv", model=LedgerEntry
        )


class MonthlyCsvView(StaffView):
    permission_required = "foodhub.view_ledgerentry"

    def get(self, request):
        today = timezone.localdate()
        since = _since(request, today)
        figures = list(selectors.monthly_rows(request.user, since=since))
        kinds = dict(LedgerEntry.Kind.choices)
        rows = (
            (
                r["month"].strftime("%Y-%m"),
                r["site__name"],
                kinds[r["kind"]],
                r["kg"],
                r["pieces"],
                r["entries"],
            )
            for r in figures
        )
        header = [_("month"), _("site"), _("kind"), _("kg"), _("pieces"), _("entries")]
        return _stream_csv(
            request,
            model=LedgerEntry,
            rows=rows,
            header=header,
            filename=f"foodhub-monthly-{since.isoformat()}.csv",
            row_count=len(figures),
        )
