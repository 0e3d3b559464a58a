"""年度報告: the tables of one fiscal year, their totals equal to the sums of what was entered
(past sessions recorded as head counts count like named ones), April to March exactly."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from core import roles
from core.models import ExportLog
from reports.fiscal_year import fiscal_year_snapshot
from supporters.models import Attendance, TsunagariMeeting
from tests.conftest import pdf_text
from tests.factories import MembershipFactory, MunicipalityFactory, StaffFactory, SupporterFactory
from tests.supporters.factories import SchoolDistrictFactory, TrainingSessionFactory, at

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 2)

# A year of past trainings as the seeds list them: date, venue or audience, municipality, people.
FY2023_TRAININGS = [
    (D(2023, 4, 1), "医療生協 組合員", 25),
    (D(2023, 6, 14), "民生児童委員", 40),
    (D(2023, 8, 22), "鳥取市人権交流プラザ", 31),
    (D(2023, 11, 5), "大学生", 52),
    (D(2024, 2, 10), "社会福祉協議会職員", 18),
    (D(2024, 3, 31), "自治会", 12),
]


def rows(snapshot, key):
    found = next(t for t in snapshot["tables"] if t["key"] == key)
    return [(row["label"], row["cells"]) for row in found["rows"]]


@pytest.fixture
def fy2023():
    tottori = MunicipalityFactory(name="鳥取市", display_order=1)
    for day, audience, people in FY2023_TRAININGS:
        TrainingSessionFactory(
            municipality=tottori,
            starts_at=at(day),
            audience=audience,
            venue="",
            unrecorded_participants=people,
        )
    # Outside the year on either side.
    TrainingSessionFactory(
        municipality=tottori, starts_at=at(D(2023, 3, 31)), unrecorded_participants=99
    )
    TrainingSessionFactory(
        municipality=tottori, starts_at=at(D(2024, 4, 1)), unrecorded_participants=99
    )
    # One session of the year recorded by name: two attendances and three more by head count.
    named = TrainingSessionFactory(
        municipality=tottori, starts_at=at(D(2023, 9, 9)), venue="岩美町中央公民館", audience="",
        unrecorded_participants=3,
    )  # fmt: skip
    for _i in range(2):
        Attendance.objects.create(session=named, supporter=SupporterFactory(municipality=tottori))
    for day, residents, students in ((D(2023, 10, 18), 20, 6), (D(2024, 2, 23), 22, 7)):
        TsunagariMeeting.objects.create(
            held_on=day,
            venue="公民館",
            municipality=tottori,
            resident_participants=residents,
            student_participants=students,
        )
    return tottori


def test_the_training_totals_are_the_sums_of_what_was_entered(fy2023):
    trainings = rows(fiscal_year_snapshot(2023, today=TODAY), "fy_trainings")

    assert len(trainings) == 7 + 1  # six head-count sessions, one named, and the total
    assert trainings[0] == ("2023年4月1日", ["医療生協 組合員", "鳥取市", 25])
    assert trainings[-2] == ("2024年3月31日", ["自治会", "鳥取市", 12])
    assert ("2023年9月9日", ["岩美町中央公民館", "鳥取市", 5]) in trainings
    expected = sum(people for _d, _a, people in FY2023_TRAININGS) + 5
    assert trainings[-1] == ("合計（7回）", ["", "", expected])


def test_meetings_with_residents_and_students(fy2023):
    meetings = rows(fiscal_year_snapshot(2023, today=TODAY), "fy_meetings")

    assert meetings[-1] == ("合計（2回）", ["", "", 42, 13])


def test_supporters_members_and_food_tables(fy2023):
    district = SchoolDistrictFactory(municipality=fy2023, name="東中学校区", target=20)
    SupporterFactory(municipality=fy2023, district=district, registered_on=D(2023, 5, 1))
    MembershipFactory(started_on=D(2023, 7, 1))
    MembershipFactory(started_on=D(2022, 4, 1), ended_on=D(2024, 3, 31))

    snapshot = fiscal_year_snapshot(2023, today=TODAY)

    assert snapshot["heading"] == "令和5年度（2023年度）"
    assert ("鳥取市 東中学校区", [20, 1, 1, "5%"]) in rows(snapshot, "fy_supporters_by_district")
    assert ("新規入会", [1]) in rows(snapshot, "fy_member_changes")
    assert ("退会", [1]) in rows(snapshot, "fy_member_changes")
    assert ("合計", [1, 1]) in rows(snapshot, "fy_members")  # 31 Mar 2023; 31 Mar 2024
    food = rows(snapshot, "fy_food")
    assert [label for label, _cells in food][:2] == ["2023年4月", "2023年5月"]
    assert len(food) == 12 + 1


def test_a_running_year_is_reported_to_date():
    snapshot = fiscal_year_snapshot(2026, today=TODAY)

    assert snapshot["as_of"] == "2026-12-02"
    assert not snapshot["complete"]
    assert len(rows(snapshot, "fy_food")) == 9 + 1  # April to December


def test_the_admin_page_pdf_and_csv(client, fy2023):
    user = StaffFactory(roles=[roles.COORDINATOR])
    client.force_login(user)

    page = client.get(reverse("admin:reports_fiscal_year"), {"year": 2023})
    pdf = client.get(reverse("admin:reports_fiscal_year_pdf", args=[2023]))
    table = client.get(
        reverse("admin:reports_fiscal_year_csv", args=[2023]), {"table": "fy_trainings"}
    )

    assert "令和5年度" in page.content.decode()
    text = pdf_text(pdf.content)
    assert "年度報告（令和5年度（2023年度））" in text
    assert "医療生協 組合員" in text
    body = b"".join(table.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[-1] == ["合計（7回）", "", "", "183"]
    assert ExportLog.objects.get().filters == "fiscal_year=2023&table=fy_trainings"


def test_hub_operators_get_no_fiscal_year_report(client):
    client.force_login(StaffFactory(roles=[roles.HUB_OPERATOR]))

    assert client.get(reverse("admin:reports_fiscal_year")).status_code == 403
