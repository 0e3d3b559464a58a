import csv
import io

import pytest
from django.urls import reverse

from core import roles
from core.exports import escape_formula
from core.models import ExportLog
from tests.factories import MunicipalityFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+81-857-00-0000", "'+81-857-00-0000"),
        ("-1", "-1"),  # a plain number stays a number
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("鳥取市", "鳥取市"),
        ("a=b", "a=b"),
        (42, 42),
        (None, None),
    ],
)
def test_formula_cells_are_escaped(cell, expected):
    assert escape_formula(cell) == expected


def _export_csv(client, url):
    response = client.post(url, {"format": "0", "resource": "0", **_all_fields()})
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _all_fields():
    from core.resources import MunicipalityResource

    return {f"municipalityresource_{name}": "on" for name in MunicipalityResource._meta.fields}


def test_an_auditor_export_is_logged_with_filters_and_row_count(client):
    auditor = StaffFactory(roles=[roles.AUDITOR])
    MunicipalityFactory(name="=1+1", prefecture="鳥取県")
    MunicipalityFactory(name="香美町", prefecture="兵庫県")
    MunicipalityFactory(name="新温泉町", prefecture="兵庫県")
    client.force_login(auditor)

    url = reverse("admin:core_municipality_export") + "?prefecture=%E5%85%B5%E5%BA%AB%E7%9C%8C"
    rows = _export_csv(client, url)

    names = sorted(row[1] for row in rows[1:])
    assert names == ["新温泉町", "香美町"]
    log = ExportLog.objects.get()
    assert log.user == auditor
    assert log.model_label == "core.Municipality"
    assert log.row_count == 2
    assert "prefecture=" in log.filters
    assert log.file_format == "csv"


def test_exported_cells_cannot_run_as_formulas(client):
    client.force_login(StaffFactory(roles=[roles.AUDITOR]))
    MunicipalityFactory(name="=1+1")

    rows = _export_csv(client, reverse("admin:core_municipality_export"))

    assert rows[1][1] == "'=1+1"


def test_nobody_can_edit_or_delete_the_export_log(client, admin_user):
    client.force_login(admin_user)
    log = ExportLog.objects.create(
        user=admin_user, model_label="core.Municipality", file_format="csv", row_count=1
    )

    assert client.get(reverse("admin:core_exportlog_changelist")).status_code == 200
    assert client.get(reverse("admin:core_exportlog_add")).status_code == 403
    assert client.post(reverse("admin:core_exportlog_delete", args=[log.pk])).status_code == 403
    detail = client.get(reverse("admin:core_exportlog_change", args=[log.pk]))
    assert b'name="row_count"' not in detail.content
    assert ExportLog.objects.filter(pk=log.pk, row_count=1).exists()


def test_the_export_log_never_keeps_the_search_words(client):
    auditor = StaffFactory(roles=[roles.AUDITOR])
    MunicipalityFactory(name="岩美町")
    client.force_login(auditor)

    _export_csv(client, reverse("admin:core_municipality_export") + "?q=%E5%B2%A9%E7%BE%8E")

    log = ExportLog.objects.get()
    assert "岩美" not in log.filters
    assert "%E5%B2%A9" not in log.filters
    assert log.filters == "q=***"
