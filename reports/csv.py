"""One CSV per table of a report, from the figures it printed (the same numbers as the PDF),
streamed through core.exports and recorded in the export log."""

from django.http import Http404

from core.exports import csv_streaming_response, export_log_record

from .models import MonthlyReport


def table_csv_response(request, *, tables: list[dict], key: str, filters: str, filename: str):
    found = {table["key"]: table for table in tables}.get(key)
    if found is None:
        raise Http404
    header = [found["title"], *found["columns"]]
    rows = [[row["label"], *row["cells"]] for row in found["rows"]]
    # Reports have one model; the filters say which report (month or fiscal year) and table.
    export_log_record(
        user=request.user,
        model=MonthlyReport,
        filters=f"{filters}&table={key}",
        file_format="csv",
        row_count=len(rows),
    )
    return csv_streaming_response(header=header, rows=rows, filename=f"{filename}-{key}.csv")


def monthly_table_csv_response(request, *, report: MonthlyReport, key: str):
    return table_csv_response(
        request,
        tables=report.document.snapshot["tables"],
        key=key,
        filters=f"month={report.month:%Y-%m}",
        filename=f"monthly-report-{report.month:%Y-%m}",
    )
