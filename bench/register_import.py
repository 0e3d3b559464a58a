"""Benchmark: the register import (core.imports) at 1,000 and 10,000 rows.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_imports \
        .venv/bin/python manage.py migrate
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_imports \
        .venv/bin/python bench/register_import.py [--existing 20000] [--rows 1000,10000]

Fills the register with N organisations, then imports a Shift_JIS (cp932) CSV as Excel writes
it, of which one row in ten is an organisation already registered (skipped), through the same
functions as the admin page: the check (nothing written, the preview) and the confirmed import
(all or nothing). Prints the time, rows per second and queries of each step. Everything runs in
one transaction rolled back at the end.

Figures (2026-12-04, PostgreSQL on the development container's 2 cores shared with other work,
20,000 organisations already registered, DEBUG on):

    rows     check               import              queries (check / import)
    1,000    0.45 s  2,236 r/s   0.86 s  1,158 r/s   17 / 26
    10,000   3.78 s  2,643 r/s  13.87 s    721 r/s   44 / 101

The queries grow by batch (1,000 rows), not by row: the check reads the names of a batch in
one query; the import writes a batch's organisations, memberships and their history rows in a
handful of INSERTs. Before (issue 13): ~16 queries and ~80 ms per row.
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kirin_pf.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.imports import import_job_confirm, import_job_start  # noqa: E402
from core.models import ImportJob, Municipality, User  # noqa: E402
from members.models import Organisation  # noqa: E402
from members.resources import RegisterImportResource  # noqa: E402

HEADINGS = ["団体名", "ふりがな", "種別", "区分", "入会日", "市町村", "メールアドレス"]
TYPES = ["NPO法人", "ＮＰＯ法人", "その他", "社会福祉法人", "任意団体", "株式会社"]


def _existing(count: int) -> None:
    organisations = [
        Organisation(name=f"既存団体{n:06d}", name_kana=f"きぞん{n:06d}") for n in range(count)
    ]
    for organisation in organisations:
        organisation.set_derived_fields()
    Organisation.objects.bulk_create(organisations, batch_size=2000)


def _file(rows: int, *, offset: int, existing: int) -> bytes:
    towns = list(Municipality.objects.values_list("name", flat=True)) or [""]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for n in range(rows):
        registered = existing and n % 10 == 0
        name = f"既存団体{n % existing:06d}" if registered else f"取込団体{offset + n:07d}"
        writer.writerow(
            [
                name,
                f"とりこみ{offset + n:07d}",
                TYPES[n % len(TYPES)],
                "一般団体" if n % 7 else "幹事",
                "2024/4/1",
                towns[n % len(towns)],
                f"dantai{offset + n}@example.jp",
            ]
        )
    return out.getvalue().encode("cp932")


def _timed(step):
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        result = step()
        elapsed = time.perf_counter() - began
    return result, elapsed, len(captured.captured_queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--existing", type=int, default=20000)
    parser.add_argument("--rows", default="1000,10000")
    args = parser.parse_args()
    settings.IMPORT_BACKGROUND_ROWS = 10**9  # time the work itself, in this process
    settings.IMPORT_MAX_ROWS = 10**9

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            user = User.objects.create(username="bench-import", email="bench-import@example.jp")
            _existing(args.existing)
            print(f"{connection.vendor}, {args.existing:,} organisations registered")
            print("rows      check               import              queries (check / import)")
            for index, rows in enumerate(int(r) for r in args.rows.split(",")):
                data = _file(rows, offset=index * 10**6, existing=args.existing)
                upload = SimpleUploadedFile("register.csv", data)
                job, checked_s, check_q = _timed(
                    lambda upload=upload: import_job_start(
                        model=Organisation,
                        resource_class=RegisterImportResource,
                        uploaded=upload,
                        user=user,
                    )
                )
                assert job.stage == ImportJob.Stage.CHECKED, job.summary["errors"][:3]
                job, imported_s, import_q = _timed(
                    lambda job=job: import_job_confirm(job=job, user=user)
                )
                assert job.stage == ImportJob.Stage.DONE, job.summary["errors"][:3]
                print(
                    f"{rows:<9,} {checked_s:6.2f} s {rows / checked_s:7,.0f} r/s"
                    f"  {imported_s:6.2f} s {rows / imported_s:7,.0f} r/s"
                    f"  {check_q} / {import_q}"
                    f"  (new {job.summary['new']:,}, skipped {job.summary['skipped']:,})"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
