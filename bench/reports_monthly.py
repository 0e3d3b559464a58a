"""Benchmark: the monthly report (月次報告) at regional and national scale.

Reads a data set made by bench/scale.py (national = --scale 100: 50,000 organisations, 500,000
supporters, 5,000,000 ledger rows) and times, for one month, each section of the snapshot (the
figures of the month, the previous month, a year earlier and the fiscal year to date), the chart
series and the PDF rendering, with query counts and the process's RSS growth. Read-only: nothing
is written (the archived document and the e-mails are not part of the timing).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_pf_bench_national \
        .venv/bin/python bench/reports_monthly.py [--month 2026-11] \
        [--ledger-from 2026-08-10 [--csv-only]]

The Celery task has a soft limit of 3,000 s (reports.tasks.monthly_report_task); the figures
below must stay well inside it.

Figures (2026-12-02, PostgreSQL 15 on the shared 2-core development container while other
engineers ran tests; month 2026-11; one run each):

                                   regional (--scale 1)        national (--scale 100)
                                   500 orgs, 5,000 supp.,      50,000 orgs, 500,000 supp.,
                                   50,000 ledger rows          5,000,000 ledger rows
    会員 (members)                   0.15 s   21 q               0.69 s   21 q
    つながりサポーター                   0.16 s   24 q               4.09 s   24 q
    食支援 (food)                     0.58 s   25 q              27.28 s   28 q
    地域協議会 (council)               0.05 s   24 q               0.07 s   24 q
    charts                           0.38 s   38 q               3.96 s   38 q
    whole snapshot                   2.11 s  133 q              49.59 s  136 q
    PDF rendering                    8.63 s                     15.90 s
    snapshot + PDF                  10.7 s                      65.5 s   (limit 3,000 s)
    RSS growth                      +141 MiB                   +275 MiB

(Regional measured before foodhub.selectors.stock_on read the lots' running totals less the
later entries; national after. Before that change the national food section took 55 s.) The
food section still dominates: the near-expiry lots at three month ends group the ledger by lot.

The auditors' ledger CSV (reports.audit, written by the database through core.csvstream's
CsvExport, as the hub's ledger CSV) beside PostgreSQL's `COPY … TO STDOUT` of the same columns,
national data set, 2026-08-10 to 2026-10-31 (--month 2026-10 --ledger-from 2026-08-10
--csv-only; 2026-12-04, same shared container):

    auditors' ledger CSV   993,135 rows   11.6 s    85,827 rows/s   first byte 0 ms     RSS +0 MiB
    COPY TO STDOUT         993,135 rows   10.8 s    92,343 rows/s   first byte 5.3 s    RSS +0 MiB
    ratio CSV / COPY: 0.93 (was 0.12 when each row went through csv.writer in Python)

The query count does not grow with the data.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kirin_pf.settings")
os.environ.setdefault("DEBUG", "true")


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def timed(label, function):
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    began = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = function()
    seconds = time.perf_counter() - began
    print(f"  {label:<36} {seconds:8.2f} s  {count[0]:4d} queries", flush=True)
    return result, seconds


def _consume(chunks) -> dict:
    """Read a stream to the end: seconds, seconds to the first chunk, rows, peak RSS growth."""
    began, base = time.perf_counter(), _rss_kb()
    peak, first, lines = base, None, 0
    for index, chunk in enumerate(chunks):
        if first is None:
            first = time.perf_counter() - began
        lines += (chunk.encode() if isinstance(chunk, str) else chunk).count(b"\n")
        if index % 5000 == 0:
            peak = max(peak, _rss_kb())
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "first": first or 0.0,
        "rows": max(0, lines - 1),
        "rss_mb": (max(peak, _rss_kb()) - base) / 1024,
    }


def ledger_csv(start: datetime.date, end: datetime.date):
    """The auditors' ledger CSV (reports.audit) beside PostgreSQL's COPY of the same columns."""
    from django.db import connection

    from core.models import User
    from reports.audit import EXPORTS_BY_KEY, AuditStream

    reader = User(username="bench", is_superuser=True, is_active=True)  # never saved
    view = _consume(AuditStream(EXPORTS_BY_KEY["ledger"], reader, start, end).chunks())
    sql = (
        "COPY (SELECT e.id, e.effective_on, s.name, e.kind, i.name, z.kind, e.lot_id,"
        " e.kg_delta, e.quantity_delta, e.reason"
        " FROM foodhub_ledgerentry e JOIN foodhub_site s ON s.id = e.site_id"
        " JOIN foodhub_lot l ON l.id = e.lot_id JOIN foodhub_item i ON i.id = l.item_id"
        " JOIN foodhub_zone z ON z.id = l.zone_id"
        f" WHERE e.effective_on BETWEEN '{start.isoformat()}' AND '{end.isoformat()}'"
        " ORDER BY e.effective_on, e.id) TO STDOUT WITH (FORMAT csv, HEADER)"
    )

    def chunks():
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            while data := copy.read():
                yield bytes(data)

    copy = _consume(chunks())
    for label, result in (("auditors' ledger CSV", view), ("COPY TO STDOUT", copy)):
        rate = result["rows"] / result["seconds"] if result["seconds"] else 0
        result["rate"] = rate
        print(
            f"  {label:<24} {result['rows']:>10,} rows {result['seconds']:7.1f} s "
            f"{rate:>10,.0f} rows/s  first byte {result['first'] * 1000:6.0f} ms  "
            f"RSS +{result['rss_mb']:.0f} MiB"
        )
    if copy["rate"]:
        print(f"  CSV / COPY rows per second: {view['rate'] / copy['rate']:.2f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", help="YYYY-MM (default: last month)")
    parser.add_argument(
        "--ledger-from",
        help="also time the auditors' ledger CSV from this day (YYYY-MM-DD) to the month's end",
    )
    parser.add_argument("--csv-only", action="store_true", help="time the ledger CSV only")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    from core.pdf import render_pdf
    from members.models import Organisation
    from reports import figures
    from supporters.models import Supporter

    today = datetime.date.today()
    if args.month:
        first = datetime.date.fromisoformat(f"{args.month}-01")
    else:
        first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    ledger = connection.cursor()
    ledger.execute("SELECT count(*) FROM foodhub_ledgerentry")
    print(
        f"{connection.settings_dict['NAME']}: {Organisation.objects.count():,} organisations, "
        f"{Supporter.objects.count():,} supporters, {ledger.fetchone()[0]:,} ledger rows; "
        f"month {first:%Y-%m}"
    )
    if args.ledger_from:
        ledger_csv(datetime.date.fromisoformat(args.ledger_from), figures.month_end(first))
        if args.csv_only:
            return
    rss = _rss_kb()
    periods = figures.report_periods(first)
    total = 0.0
    for label, build in (
        ("会員 (members)", figures.members_tables),
        ("つながりサポーター (supporters)", figures.supporters_tables),
        ("食支援 (food)", figures.food_tables),
        ("地域協議会 (council)", figures.council_tables),
    ):
        _result, seconds = timed(label, lambda build=build: build(periods))
        total += seconds
    _result, seconds = timed("charts", lambda: figures.chart_series(first))
    total += seconds
    snapshot, whole = timed("whole snapshot", lambda: figures.monthly_snapshot(first))
    pdf, render = timed(
        "PDF rendering",
        lambda: render_pdf(
            "reports/pdf/monthly_report.html",
            {
                **snapshot,
                "document": SimpleNamespace(created_at=datetime.datetime.now(datetime.UTC)),
                "as_of": datetime.date.fromisoformat(snapshot["as_of"]),
            },
        ),
    )
    print(
        f"  snapshot {whole:.1f} s + PDF {render:.1f} s = {whole + render:.1f} s "
        f"(limit 3,000 s); PDF {len(pdf) / 1024:.0f} KiB; RSS +{(_rss_kb() - rss) / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
