"""One CSV per table of a monthly report, from its archived snapshot (the same numbers as the
PDF), streamed through core.exports and recorded in the export log."""

from django.http import Http404

from core.exports import csv_streaming_response, export_log_record

from .models import MonthlyReport


def monthly_table_csv_response(request, *, report: MonthlyReport, key: str):
    tables = {table["key"]: table for table in report.document.snapshot["tables"]}
    table = tables.get(key)
    if table is None:
        raise Http404
    header = [table["title"], *table["columns"]]
    rows = [[row["label"], *row["cells"]] for row in table["rows"]]
    export_log_record(
        user=request.user,
        model=MonthlyReport,
        filters=f"month={report.month:%Y-%m}&table={key}",
        file_format="csv",
        row_count=len(rows),
    )
    return csv_streaming_response(
        header=header, rows=rows, filename=f"monthly-report-{report.month:%Y-%m}-{key}.csv"
    )
