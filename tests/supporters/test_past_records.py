"""Past years recordable: trainings and つながりミーティング held before the platform existed,
entered or imported with their counts only, and counted in every report like named records."""

import datetime

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core import roles
from reports.audit import EXPORTS_BY_KEY
from reports.figures import monthly_snapshot
from reports.fiscal_year import fiscal_year_snapshot
from supporters import selectors, services
from supporters.models import Attendance, TrainingSession
from supporters.resources import PastTrainingImportResource, TsunagariMeetingImportResource
from tests.factories import MunicipalityFactory, StaffFactory, SupporterFactory

from .factories import TrainingSessionFactory, at

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 2)

# 表 4-4 「つながりサポーター」養成研修 of seed 001 (FY2023), as a secretariat would type it into
# a spreadsheet: the date, 場所・対象, the town, the participants. Total 348.
TRAININGS_FY2023 = """開催日,会場・対象,市町,参加者数
2023/8/22,鳥取市民集会,鳥取市,84
2023/10/31,鳥取医療生協 組合員,鳥取市,28
2023/12/1,鳥取医療生協 中堅職員,鳥取市,24
2023/12/3,西・中ノ郷ブロック民生児童委員,鳥取市,38
2023/12/9,高草地区,鳥取市,19
2023/12/22,鳥取医療生協 中堅職員,鳥取市,25
2024/1/14,富桑地区福祉関係者会議,鳥取市,34
2024/1/17,麒麟のまち圏域/鳥取市役所駅南庁舎,鳥取市,39
2024/2/28,兵庫県新温泉町,新温泉町,11
2024/2/29,智頭町,智頭町,29
2024/3/8,八頭町,八頭町,17
"""

# 表 4-5 「つながりミーティング」開催実績: residents (students excluded) 222, students 70.
MEETINGS_FY2023 = """実施日,会場,市町,参加者数（学生除く）,学生参加者数
2023/10/18,鳥取市人権交流プラザ,鳥取市,21,6
2023/10/22,佐治人権福祉センター,鳥取市,18,1
2023/10/26,西人権福祉センター,鳥取市,26,5
2023/11/2,国府人権福祉センター,鳥取市,19,11
2023/11/9,江山人権福祉センター,鳥取市,19,6
2023/11/15,南人権福祉センター,鳥取市,22,4
2023/11/17,用瀬町総合支所,鳥取市,19,5
2023/11/18,河原人権福祉センター,鳥取市,22,5
2023/11/21,気高人権福祉センター,鳥取市,25,8
2023/11/25,高草人権福祉センター,鳥取市,26,9
2024/2/23,鳥取市役所本庁舎 (総括会),鳥取市,5,10
"""


@pytest.fixture
def towns():
    return {
        name: MunicipalityFactory(name=name, display_order=order)
        for order, name in enumerate(["鳥取市", "岩美町", "八頭町", "智頭町", "新温泉町"], 1)
    }


def import_file(resource_class, text, user, dry_run=False):
    dataset = tablib.Dataset().load(text, format="csv")
    return resource_class().import_data(dataset, dry_run=dry_run, user=user, raise_errors=False)


def table_rows(snapshot, key):
    table = next(t for t in snapshot["tables"] if t["key"] == key)
    return [(row["label"], row["cells"]) for row in table["rows"]]


def test_a_whole_imported_year_of_trainings_adds_up_in_every_report(towns):
    staff = StaffFactory(roles=[roles.SECRETARIAT])

    result = import_file(PastTrainingImportResource, TRAININGS_FY2023, staff)

    assert not result.has_errors() and not result.has_validation_errors()
    sessions = TrainingSession.objects.all()
    assert sessions.count() == 11
    assert all(s.counts_only and s.starts_at is None and s.kind == "" for s in sessions)
    assert all(s.capacity is None and s.status == "held" and not s.is_public for s in sessions)
    # 年度報告: one row per session and the total of what was entered.
    trainings = table_rows(fiscal_year_snapshot(2023, today=TODAY), "fy_trainings")
    assert trainings[0] == ("2023年8月22日", ["鳥取市民集会", "鳥取市", 84])
    assert ("2024年2月28日", ["兵庫県新温泉町", "新温泉町", 11]) in trainings
    assert trainings[-1] == ("合計（11回）", ["", "", 348])
    # 月次報告 for March 2024: the month and the fiscal year to date.
    march = table_rows(monthly_snapshot(D(2024, 3, 1)), "supporters_trainings")
    assert march == [("開催回数", [1, 2, 0, 11]), ("参加者数", [17, 40, 0, 348])]
    by_town = dict(
        table_rows(monthly_snapshot(D(2024, 3, 1)), "supporters_trainings_by_municipality")
    )
    assert by_town["鳥取市"][3] == 84 + 28 + 24 + 38 + 19 + 25 + 34 + 39
    # The supporters dashboard and the auditors' export.
    dashboard = {row["fiscal_year"]: row for row in selectors.trainings_per_fiscal_year()}
    assert (dashboard[2023]["sessions"], dashboard[2023]["participants"]) == (11, 348)
    _header, rows, count = EXPORTS_BY_KEY["trainings"].build(staff, D(2023, 4, 1), D(2024, 3, 31))
    assert count == 11
    assert sum(row[-1] for row in rows) == 348


def test_a_past_record_counts_like_one_recorded_name_by_name(towns):
    tottori = towns["鳥取市"]
    past = services.training_session_save(
        session=TrainingSession(municipality=tottori),
        data={"counts_only": True, "held_on": D(2023, 9, 9), "venue": "公民館",
              "unrecorded_participants": 2},
        actor=None,
    )  # fmt: skip
    named = TrainingSessionFactory(
        municipality=tottori, starts_at=at(D(2023, 9, 10)), ends_at=at(D(2023, 9, 10), 15)
    )
    for _i in range(2):
        Attendance.objects.create(session=named, supporter=SupporterFactory(municipality=tottori))

    held = selectors.trainings_held_between(D(2023, 9, 1), D(2023, 9, 30))

    assert [(s["date"], s["participants"], s["counts_only"]) for s in held] == [
        (past.held_on, 2, True),
        (D(2023, 9, 10), 2, False),
    ]


def test_importing_the_same_file_twice_records_each_session_once(towns):
    staff = StaffFactory(roles=[roles.SECRETARIAT])
    import_file(PastTrainingImportResource, TRAININGS_FY2023, staff)

    again = import_file(PastTrainingImportResource, TRAININGS_FY2023, staff)

    assert again.totals["skip"] == 11 and again.totals["new"] == 0
    assert TrainingSession.objects.count() == 11


def test_a_year_of_meetings_imported_adds_up(towns):
    staff = StaffFactory(roles=[roles.SECRETARIAT])

    result = import_file(TsunagariMeetingImportResource, MEETINGS_FY2023, staff)

    assert not result.has_errors() and not result.has_validation_errors()
    meetings = table_rows(fiscal_year_snapshot(2023, today=TODAY), "fy_meetings")
    assert meetings[-1] == ("合計（11回）", ["", "", 222, 70])
    november = table_rows(monthly_snapshot(D(2023, 11, 1)), "supporters_meetings")
    assert november[0] == ("開催回数", [7, 3, 0, 10])
    _header, rows, count = EXPORTS_BY_KEY["meetings"].build(staff, D(2023, 4, 1), D(2024, 3, 31))
    assert count == 11
    assert sum(row[3] for row in rows) == 222


def test_import_errors_are_per_row_and_column_in_japanese(towns):
    staff = StaffFactory(roles=[roles.SECRETARIAT])
    text = (
        "開催日,会場・対象,市町,参加者数\n"
        "2023/8/22,鳥取市民集会,米子市,84\n"  # not one of the platform's towns
        "2030/1/1,未来の研修,鳥取市,10\n"  # not held yet
        "2023/9/1,,鳥取市,十\n"  # no venue or audience, no number
    )

    result = import_file(PastTrainingImportResource, text, staff, dry_run=True)

    errors = {
        (row.number, field): [str(m) for m in messages]
        for row in result.invalid_rows
        for field, messages in row.error.message_dict.items()
    }
    assert errors[(1, "municipality")] == ["市町「米子市」は登録されていません。"]
    assert "held_on" in {field for number, field in errors if number == 2}
    assert {field for number, field in errors if number == 3} == {"unrecorded_participants"}
    assert TrainingSession.objects.count() == 0


def test_platform_sessions_stay_as_strict_as_before(towns):
    tottori = towns["鳥取市"]
    bare = TrainingSession(municipality=tottori, held_on=D(2023, 5, 1), venue="公民館")

    with pytest.raises(ValidationError) as refused:
        bare.full_clean()
    assert {"kind", "title", "starts_at", "ends_at", "audience", "capacity"} <= set(
        refused.value.message_dict
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSession.objects.create(
            municipality=tottori, held_on=D(2023, 5, 1), venue="公民館", kind="initial"
        )
    # A past record needs the day and a venue or an audience, and is held, not open to sign-up.
    with pytest.raises(ValidationError) as refused:
        TrainingSession(municipality=tottori, counts_only=True, status="held").full_clean()
    assert {"held_on", "venue"} <= set(refused.value.message_dict)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSession.objects.create(
            municipality=tottori, counts_only=True, held_on=D(2023, 5, 1), venue="公民館",
            is_public=True, status="held",
        )  # fmt: skip


def test_no_attendance_by_name_on_a_past_record(towns):
    past = services.training_session_save(
        session=TrainingSession(municipality=towns["鳥取市"]),
        data={"counts_only": True, "held_on": D(2023, 9, 9), "audience": "民生委員",
              "unrecorded_participants": 12},
        actor=None,
    )  # fmt: skip

    with pytest.raises(ValidationError, match="人数のみ"):
        services.session_attendance_record(
            session=past, registration_ids=[], walk_ins=[], actor=None, token=None
        )


def test_the_admin_enters_a_past_training_without_times_kind_or_capacity(client, towns):
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))
    url = reverse("admin:supporters_trainingsession_add") + "?counts_only=1"

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "held_on": "2023-12-09",
            "venue": "高草地区",
            "audience": "",
            "municipality": towns["鳥取市"].pk,
            "district": "",
            "unrecorded_participants": "19",
            "title": "",
            "programme": "",
        },
    )

    assert 'name="starts_at' not in page and 'name="capacity"' not in page
    assert 'name="kind"' not in page
    assert response.status_code == 302, response.content.decode()[:2000]
    session = TrainingSession.objects.get()
    assert (session.counts_only, session.held_on, session.unrecorded_participants) == (
        True,
        D(2023, 12, 9),
        19,
    )
    changelist = client.get(reverse("admin:supporters_trainingsession_changelist"))
    assert "過去の研修を人数のみで登録" in changelist.content.decode()
    normal = client.get(reverse("admin:supporters_trainingsession_add")).content.decode()
    assert 'name="capacity"' in normal and 'name="kind"' in normal


def test_the_meeting_and_training_admins_offer_an_import(client, towns):
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))

    for name in ("trainingsession", "tsunagarimeeting"):
        response = client.get(reverse(f"admin:supporters_{name}_import"))
        assert response.status_code == 200
