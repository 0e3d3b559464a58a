"""The auditors' export centre: streamed, Excel-ready, logged CSVs per area and period, a ZIP
bundle whose manifest proves each file, and no personal data in any file."""

import csv
import datetime
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from core import roles
from core.models import ExportLog
from foodhub import services as food
from foodhub.models import Recipient
from members.models import Membership
from supporters.models import Attendance
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory, SupporterFactory
from tests.foodhub.factories import (
    ItemFactory,
    RecipientFactory,
    consented,
    receive,
    secretariat,
    site_with_zones,
)
from tests.supporters.factories import TrainingSessionFactory, at

pytestmark = pytest.mark.django_db

D = datetime.date
FY2026 = {"year": "2026"}


@pytest.fixture
def year_of_records():
    MembershipFactory(
        organisation=OrganisationFactory(name="NPO法人みまもり", contact_name="連絡 花子"),
        started_on=D(2026, 5, 1),
    )
    MembershipFactory(started_on=D(2024, 4, 1), ended_on=D(2026, 6, 30))
    MembershipFactory(  # a formula typed into a name is exported as text
        organisation=OrganisationFactory(name="=HYPERLINK(1)"),
        started_on=D(2025, 4, 1),
        tier=Membership.Tier.GENERAL,
    )
    session = TrainingSessionFactory(starts_at=at(D(2026, 7, 1)), unrecorded_participants=4)
    Attendance.objects.create(
        session=session, supporter=SupporterFactory(full_name="個人 名前太郎")
    )
    actor = secretariat()
    hub = site_with_zones(name="八頭ハブ")
    lot = receive(
        hub, ItemFactory(), "20", actor=actor, expiry=D(2027, 1, 1), received_on=D(2026, 8, 1)
    )
    household = consented(
        RecipientFactory(
            site=hub,
            kind=Recipient.Kind.HOUSEHOLD,
            name="",
            reference_code="HH-77",
            household_size=3,
        ),
        actor=actor,
    )
    food.distribution_create(
        site=hub,
        recipient=household,
        distributed_on=D(2026, 8, 2),
        requests=[food.PickRequest(item=None, kg=Decimal("5"), lot=lot)],
        actor=actor,
    )


@pytest.fixture
def auditor(client):
    user = StaffFactory(roles=[roles.AUDITOR])
    client.force_login(user)
    return user


def test_the_page_lists_every_export_of_the_period(client, auditor):
    page = client.get(reverse("admin:reports_audit"), FY2026)

    text = page.content.decode()
    assert page.status_code == 200
    assert "令和8年度" in text
    for key in ("register", "register_changes", "trainings", "ledger", "movements", "export_log"):
        assert reverse("admin:reports_audit_csv", args=[key]) in text
    assert "UTF-8" in text


def test_a_csv_streams_with_a_bom_japanese_headers_and_is_logged(client, auditor, year_of_records):
    response = client.get(reverse("admin:reports_audit_csv", args=["register_changes"]), FY2026)

    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["団体", "区分", "開始日", "終了日", "終了事由"]
    assert ["NPO法人みまもり", "一般団体", "2026-05-01", "", ""] in rows
    log = ExportLog.objects.get()
    assert (log.user, log.row_count) == (auditor, 2)
    assert "audit=register_changes&start=2026-04-01" in log.filters


def test_a_formula_in_a_name_is_exported_as_text(client, auditor, year_of_records):
    response = client.get(reverse("admin:reports_audit_csv", args=["register"]), FY2026)

    assert "'=HYPERLINK(1)" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_bundle_manifest_gives_each_files_rows_and_sha256(client, auditor, year_of_records):
    response = client.get(reverse("admin:reports_audit_bundle"), FY2026)

    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = list(csv.reader(io.StringIO(bundle.read("manifest.csv").decode("utf-8-sig"))))
    assert manifest[0] == ["ファイル", "内容", "行数", "SHA-256"]
    assert len(manifest) - 1 == len(bundle.namelist()) - 1 == 8
    for name, _title, rows, digest in manifest[1:]:
        data = bundle.read(name)
        assert hashlib.sha256(data).hexdigest() == digest
        assert len(data.decode("utf-8-sig").splitlines()) - 1 == int(rows)
    trainings = next(row for row in manifest if row[0].startswith("trainings-"))
    assert trainings[2] == "1"
    assert ExportLog.objects.filter(filters__contains="bundle=1").count() == 8


def test_no_file_names_a_resident_a_supporter_or_a_household(client, auditor, year_of_records):
    response = client.get(reverse("admin:reports_audit_bundle"), FY2026)

    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    everything = "".join(bundle.read(n).decode("utf-8-sig") for n in bundle.namelist())
    for personal in ("個人 名前太郎", "HH-77", "連絡 花子"):
        assert personal not in everything
    assert "NPO法人みまもり" in everything  # member organisations are public


def test_only_auditors_and_the_secretariat_take_these_exports(client):
    for role, status in (
        (roles.SECRETARIAT, 200),
        (roles.COORDINATOR, 403),
        (roles.HUB_OPERATOR, 403),
    ):
        client.force_login(StaffFactory(roles=[role]))
        assert client.get(reverse("admin:reports_audit"), FY2026).status_code == status, role


def test_the_ledger_is_written_by_the_database_path_and_logged(client, auditor, year_of_records):
    response = client.get(reverse("admin:reports_audit_csv", args=["ledger"]), FY2026)

    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["記録番号", "日付", "拠点", "種別"]
    assert [row[1] for row in rows[1:]] == ["2026-08-01", "2026-08-02"]
    assert [row[7] for row in rows[1:]] == ["20.00", "-5.00"]
    assert "HH-77" not in body.decode("utf-8-sig")
    log = ExportLog.objects.get()
    assert (log.row_count, log.file_format) == (2, "csv")


def test_shift_jis_when_every_character_fits(client, auditor, year_of_records):
    response = client.get(
        reverse("admin:reports_audit_csv", args=["register"]), {**FY2026, "encoding": "cp932"}
    )

    body = b"".join(response.streaming_content)
    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("cp932"))))
    assert rows[0][0] == "団体"
    assert "NPO法人みまもり" in [row[0] for row in rows]
    assert response["Content-Type"] == "text/csv; charset=shift_jis"
    log = ExportLog.objects.get()
    assert (log.row_count, log.file_format) == (2, "csv (Shift_JIS)")


def test_a_character_outside_shift_jis_is_refused_and_utf8_offered(client, auditor):
    MembershipFactory(organisation=OrganisationFactory(name="𠮷田地区社会福祉協議会"))
    url = reverse("admin:reports_audit_csv", args=["register"])

    refused = client.get(url, {**FY2026, "encoding": "cp932"}, follow=True)

    text = refused.content.decode()
    assert "「𠮷」" in text and "Shift_JIS" in text and "UTF-8" in text
    assert refused.redirect_chain[-1][0].startswith(reverse("admin:reports_audit"))
    assert not ExportLog.objects.exists()
    utf8 = b"".join(client.get(url, FY2026).streaming_content).decode("utf-8-sig")
    assert "𠮷田地区社会福祉協議会" in utf8
