"""core.csvstream: one streaming CSV path; the database's COPY and the Python fallback agree."""

import pytest
from django.db import connection
from django.test import RequestFactory

from core.csvstream import CHOICE, DATETIME, NUMBER, Column, CsvExport, csv_export_response
from core.models import ExportLog, User
from tests.conftest import requires_postgres

pytestmark = pytest.mark.django_db

TRICKY = [
    ("=HYPERLINK(1)", "田中, 太郎", "-5"),
    ("+81 0857", 'say "hi"', "1,234.50"),
    ("@sum", "two\nlines", ""),
    ("plain", "", "-x"),
    ("\tindent", "トットリ", "=1+1"),
]


def _users():
    for i, (username, first, last) in enumerate(TRICKY):
        User.objects.create(
            username=username,
            email=f"csv{i}@example.org",
            first_name=first,
            last_name=last,
            is_active=i % 2,
        )


def _export():
    return CsvExport(
        User.objects.filter(username__in=[row[0] for row in TRICKY]).order_by("pk"),
        [
            Column("番号", "pk", NUMBER),
            Column("=heading", "username"),
            Column("名", "first_name"),
            Column("姓", "last_name"),
            Column("状態", "is_active", CHOICE, {True: "有効", False: "無効"}),
            Column("登録", "date_joined", DATETIME),
        ],
    )


def _python_content(export):
    return export.heading() + b"".join(export._python_rows())


def test_the_python_path_is_formula_safe_labelled_and_excel_ready():
    _users()
    export = _export()
    text = _python_content(export).decode("utf-8")

    assert text.startswith("\ufeff番号,'=heading,名,姓,状態,登録\n")
    assert ',\'=HYPERLINK(1),"田中, 太郎",-5,無効,' in text  # a plain number stays a number
    assert "+81 0857" not in text.replace("'+81 0857", "")
    assert ',\'@sum,"two\nlines",,無効,' in text
    assert ",plain,,'-x,有効," in text
    assert ",'\tindent,トットリ,'=1+1,無効," in text
    assert export.row_count == len(TRICKY)


def test_the_response_streams_and_logs_the_row_count_when_the_stream_ends():
    _users()
    request = RequestFactory().get("/export", {"q": "x"})
    request.user = User.objects.create(username="staff", email="staff@example.org")
    response = csv_export_response(request, _export(), filename="users.csv")

    assert response.streaming
    assert not ExportLog.objects.exists()  # nothing counted before the first byte
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    log = ExportLog.objects.get()
    assert (log.row_count, log.file_format, log.model_label) == (len(TRICKY), "csv", "core.User")


@requires_postgres()
@pytest.mark.postgres
def test_postgresql_copy_writes_the_same_bytes_as_the_python_path():
    _users()
    copied = _export()
    database = copied.heading() + b"".join(copied._copy_rows(connection))
    python = _python_content(_export())

    assert database == python
    assert copied.row_count == len(TRICKY)
