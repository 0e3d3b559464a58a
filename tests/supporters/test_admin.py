import datetime
import uuid

import pytest
import tablib
from django.contrib.admin.sites import site
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import ExportLog
from supporters import services
from supporters.models import (
    Attendance,
    Certificate,
    Registration,
    Supporter,
    SupporterNotice,
)
from supporters.resources import SupporterResource
from tests.conftest import assert_constant_queries, pdf_text, response_bytes
from tests.factories import MunicipalityFactory, SupporterFactory, UserFactory

from .factories import (
    RegistrationFactory,
    SchoolDistrictFactory,
    TrainingSessionFactory,
    at,
    consent,
    make_rows,
    past_session,
)

pytestmark = pytest.mark.django_db


def _login(client, role):
    user = UserFactory(is_staff=True, roles=[role])
    client.force_login(user)
    return user


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model_name",
    [
        "supporter",
        "trainingsession",
        "registration",
        "attendance",
        "certificate",
        "supporternotice",
        "schooldistrict",
    ],
)
def test_changelist_queries_are_constant_for_10_and_200_rows(client, secretariat, model_name):
    url = reverse(f"admin:supporters_{model_name}_changelist")

    def changelist():
        assert client.get(url).status_code == 200

    assert_constant_queries(changelist, lambda n: make_rows(model_name, n))


def test_supporter_export_is_logged_and_constant_in_queries(client, secretariat):
    every_field = {f"supporterresource_{n}": "on" for n in SupporterResource.fields}

    def export():
        response = client.post(
            reverse("admin:supporters_supporter_export"),
            {"format": "0", "resource": "0", **every_field},
        )
        assert response.status_code == 200
        return response_bytes(response)

    district = SchoolDistrictFactory()
    town, text = district.municipality, consent()

    def add_supporters(n):
        SupporterFactory.create_batch(n, municipality=town, district=district, consent_text=text)

    _, response = assert_constant_queries(export, add_supporters)

    log = ExportLog.objects.filter(model_label="supporters.Supporter").order_by("-pk").first()
    assert log.user == secretariat and log.row_count == 200
    assert "氏名" in response.decode("utf-8-sig")


# --- Who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.HUB_OPERATOR, roles.COORDINATOR])
def test_only_the_secretariat_sees_supporters_personal_data(client, role):
    _login(client, role)
    for model in ("supporter", "registration", "attendance", "certificate", "noticerecipient"):
        url_name = f"admin:supporters_{model}_changelist"
        if model == "noticerecipient":
            continue  # not registered: recipients are shown inside a notice only
        assert client.get(reverse(url_name)).status_code == 403, model


def test_auditor_sees_aggregates_and_the_dashboard(client):
    _login(client, roles.AUDITOR)

    assert client.get(reverse("admin:supporters_trainingsession_changelist")).status_code == 200
    assert client.get(reverse("admin:supporters_dashboard")).status_code == 200


def test_hub_operator_cannot_see_the_dashboard(client):
    _login(client, roles.HUB_OPERATOR)

    assert client.get(reverse("admin:supporters_dashboard")).status_code == 403


def test_noticerecipient_has_no_admin_page_of_its_own():
    from supporters.models import NoticeRecipient

    assert NoticeRecipient not in site._registry


# --- Attendance, certificates, badges -------------------------------------------------------------


def test_bulk_attendance_with_walk_in_then_certificates_and_badges(client, secretariat):
    session = past_session(title="高草地区の研修")
    came = RegistrationFactory(session=session, full_name="出席 一郎")
    RegistrationFactory(session=session, full_name="欠席 二郎")
    url = reverse("admin:supporters_trainingsession_attendance", args=[session.pk])
    assert "欠席 二郎" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "action": "attendance",
            "attended": [str(came.pk)],
            "walkin-TOTAL_FORMS": "2",
            "walkin-INITIAL_FORMS": "0",
            "walkin-0-full_name": "当日 三郎",
            "walkin-0-full_name_kana": "とうじつ さぶろう",
            "walkin-0-municipality": str(session.municipality.pk),
            "walkin-0-affiliation": "student",
            "walkin-0-consent": "on",
            "walkin-1-affiliation": "resident",
        },
    )
    assert response.status_code == 302
    assert set(Supporter.objects.values_list("full_name", flat=True)) == {"出席 一郎", "当日 三郎"}
    assert Attendance.objects.filter(session=session).count() == 2

    client.post(url, {"action": "certificates"})
    assert Certificate.objects.count() == 2

    ids = [str(pk) for pk in Supporter.objects.values_list("pk", flat=True)]
    client.post(url, {"action": "badges", "badge": ids})
    assert Supporter.objects.filter(badge_handed_on=timezone.localdate()).count() == 2

    pdf = client.get(reverse("admin:supporters_trainingsession_certificates", args=[session.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    log = ExportLog.objects.get(model_label="supporters.Certificate")
    assert log.row_count == 2 and log.file_format == "PDF"
    text = pdf_text(pdf.content, layout=False)
    assert "当日 三郎" in text and "出席 一郎" in text


def test_walk_in_without_consent_is_shown_as_an_error(client, secretariat):
    session = past_session()
    url = reverse("admin:supporters_trainingsession_attendance", args=[session.pk])

    response = client.post(
        url,
        {
            "action": "attendance",
            "walkin-TOTAL_FORMS": "1",
            "walkin-INITIAL_FORMS": "0",
            "walkin-0-full_name": "同意 なし",
            "walkin-0-full_name_kana": "どうい なし",
            "walkin-0-municipality": str(session.municipality.pk),
            "walkin-0-affiliation": "resident",
        },
    )

    assert response.status_code == 200
    assert "当日参加の方は同意書への署名が必要です。" in response.content.decode()
    assert Supporter.objects.count() == 0


def test_coordinator_cannot_record_attendance(client):
    _login(client, roles.COORDINATOR)
    session = past_session()

    url = reverse("admin:supporters_trainingsession_attendance", args=[session.pk])
    assert client.get(url).status_code == 403


# --- Status actions, notices ----------------------------------------------------------------------


def test_withdraw_and_erase_action(client, secretariat):
    supporter = SupporterFactory(full_name="消去 希望")

    response = client.post(
        reverse("admin:supporters_supporter_changelist"),
        {"action": "withdraw_and_erase", "_selected_action": [supporter.pk]},
    )

    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.status == Supporter.Status.WITHDRAWN
    assert supporter.full_name == "（削除済み）"


def test_refresher_due_is_shown_and_filterable(client, secretariat):
    SupporterFactory(full_name="更新 必要", last_trained_on=datetime.date(2000, 1, 1))
    SupporterFactory(full_name="最近 受講", last_trained_on=timezone.localdate())

    html = client.get(
        reverse("admin:supporters_supporter_changelist") + "?refresher=due"
    ).content.decode()

    assert "更新 必要" in html and "更新研修の時期" in html
    assert "最近 受講" not in html


def test_search_folds_width_and_kana(client, secretariat):
    SupporterFactory(full_name="因幡 花子", full_name_kana="イナバ ハナコ")

    html = client.get(reverse("admin:supporters_supporter_changelist") + "?q=ｲﾅﾊﾞ").content.decode()

    assert "因幡 花子" in html


def test_notice_sent_from_the_admin_records_recipients(
    client, secretariat, django_capture_on_commit_callbacks
):
    town = MunicipalityFactory()
    SupporterFactory(municipality=town, email="a@example.jp")
    SupporterFactory(email="b@example.jp")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:supporters_supporternotice_add"),
            {
                "subject": "次回研修のお知らせ",
                "body": "本文です",
                "municipality": str(town.pk),
                "district": "",
                "status_filter": "",
                "form_token": str(uuid.uuid4()),
                "recipients-TOTAL_FORMS": "0",
                "recipients-INITIAL_FORMS": "0",
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    notice = SupporterNotice.objects.get()
    assert [r.email for r in notice.recipients.all()] == ["a@example.jp"]
    assert [m.to for m in mail.outbox] == [["a@example.jp"]]
    shown = client.get(response["Location"]).content.decode()
    assert "メールアドレスのある 1 名への送信待ちにしました。" in shown


# --- Dashboard ------------------------------------------------------------------------------------


def test_dashboard_draws_printable_svg_charts(client, secretariat):
    district = SchoolDistrictFactory(name="東中学校区", target=20)
    SupporterFactory.create_batch(3, district=district, municipality=district.municipality)
    TrainingSessionFactory(
        starts_at=at(datetime.date(2024, 1, 17)), status="held", unrecorded_participants=39
    )

    html = client.get(reverse("admin:supporters_dashboard")).content.decode()

    assert "<svg" in html and "<rect" in html
    assert "東中学校区" in html
    assert "3 / 20" in html
    assert "2023年度" in html
    assert "@media print" in html
    assert "cdn" not in html.lower()


# --- Import ---------------------------------------------------------------------------------------

HEADERS = [
    "氏名",
    "ふりがな",
    "市町",
    "中学校区",
    "メールアドレス",
    "電話番号",
    "LINE受信",
    "LINE名",
    "所属",
    "所属（詳細）",
    "登録日",
    "最終受講日",
    "同意文の版",
]


def _dataset(rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def test_import_saves_every_row_when_all_are_valid():
    town = MunicipalityFactory(name="八頭町")
    SchoolDistrictFactory(municipality=town, name="八頭中学校区")
    rows = [
        (
            "八頭 一",
            "やず はじめ",
            "八頭町",
            "八頭中学校区",
            "h@example.jp",
            "",
            "はい",
            "はじめ",
            "民生委員・児童委員",
            "",
            "2024/3/12",
            "2024-03-08",
            "2024-04",
        ),
        (
            "八頭 二",
            "やず じろう",
            "八頭町",
            "",
            "",
            "",
            "いいえ",
            "",
            "住民",
            "",
            "2023-12-01",
            "",
            "",
        ),
    ]

    result = SupporterResource().import_data(
        _dataset(rows), dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )

    assert not result.has_errors() and not result.has_validation_errors()
    first = Supporter.objects.get(full_name="八頭 一")
    assert first.district.name == "八頭中学校区"
    assert first.affiliation == "welfare_commissioner"
    assert first.registered_on == datetime.date(2024, 3, 12)
    assert first.consent_text.version == "2024-04" and first.consented_at is not None
    assert Supporter.objects.count() == 2


def test_import_with_one_bad_row_saves_nothing_and_explains_in_japanese():
    MunicipalityFactory(name="八頭町")
    rows = [
        (
            "正しい 行",
            "ただしい ぎょう",
            "八頭町",
            "",
            "",
            "",
            "いいえ",
            "",
            "住民",
            "",
            "2024-01-01",
            "",
            "",
        ),
        (
            "誤り 行",
            "あやまり ぎょう",
            "存在しない町",
            "",
            "bad-address",
            "",
            "たぶん",
            "",
            "宇宙人",
            "",
            "昨日",
            "",
            "",
        ),
    ]

    result = SupporterResource().import_data(
        _dataset(rows), dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )

    assert result.has_validation_errors()
    assert Supporter.objects.count() == 0
    invalid = result.invalid_rows[0]
    assert invalid.number == 2
    messages = " ".join(str(m) for ms in invalid.error_dict.values() for m in ms)
    assert "市町「存在しない町」は登録されていません。" in messages
    assert "はい／いいえ" in messages
    assert "所属「宇宙人」" in messages
    assert "日付「昨日」が読めません" in messages


def test_import_page_shows_row_errors(client, secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = ",".join(HEADERS) + "\n誤り 行,あやまり,ない町,,,,いいえ,,住民,,2024-01-01,,\n"

    response = client.post(
        reverse("admin:supporters_supporter_import"),
        {"import_file": SimpleUploadedFile("list.csv", csv.encode("utf-8"))},
        follow=True,
    )

    assert response.status_code == 200
    assert "市町「ない町」は登録されていません。" in response.content.decode()
    assert Supporter.objects.count() == 0


@pytest.mark.parametrize(
    "model_name", ["registration", "attendance", "certificate", "trainingsession"]
)
def test_exports_of_other_records_are_logged_and_formula_safe(client, secretariat, model_name):
    make_rows(model_name, 3)
    if model_name == "registration":
        Registration.objects.update(full_name="=HYPERLINK(1)")

    fields = {f"{model_name}resource_{name}": "on" for name in ("id", "full_name")}
    response = client.post(
        reverse(f"admin:supporters_{model_name}_export"),
        {"format": "0", "resource": "0", **fields},
    )

    assert response.status_code == 200
    content = response_bytes(response).decode("utf-8-sig")
    log = ExportLog.objects.get()
    assert log.model_label.lower() == f"supporters.{model_name}" and log.row_count == 3
    if model_name == "registration":
        assert "'=HYPERLINK(1)" in content


def _supporter_form(town, **overrides):
    return {
        "full_name": "手入力 花子",
        "full_name_kana": "てにゅうりょく はなこ",
        "email": "",
        "phone": "",
        "municipality": str(town.pk),
        "district": "",
        "affiliation": "resident",
        "affiliation_detail": "",
        "line_name": "",
        "consent_text": "",
        "registered_on": "2026-03-31",
        "badge_handed_on": "",
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        **overrides,
    }


def test_secretariat_registers_a_supporter_by_hand_through_the_service(client, secretariat):
    town = MunicipalityFactory()
    elsewhere = SchoolDistrictFactory()
    url = reverse("admin:supporters_supporter_add")

    response = client.post(url, _supporter_form(town, district=str(elsewhere.pk)))
    assert "この中学校区は選んだ市町にありません。" in response.content.decode()

    response = client.post(url, _supporter_form(town, line_name="はなこ"))
    assert "LINE名は、LINEで情報を受け取る方のみ登録できます。" in response.content.decode()

    response = client.post(url, _supporter_form(town, receives_line="on", line_name="はなこ"))
    assert response.status_code == 302
    supporter = Supporter.objects.get()
    assert supporter.search_text == "手入力 花子 てにゅうりょく はなこ"
    assert supporter.status == Supporter.Status.ACTIVE


def test_status_cannot_be_edited_in_the_form(client, secretariat):
    supporter = SupporterFactory()
    url = reverse("admin:supporters_supporter_change", args=[supporter.pk])

    client.post(url, _supporter_form(supporter.municipality, status="withdrawn"))

    supporter.refresh_from_db()
    assert supporter.status == Supporter.Status.ACTIVE
    assert supporter.full_name == "手入力 花子"


def test_attendance_page_queries_do_not_grow_with_signups(client, secretariat):
    session = past_session(capacity=1000)
    url = reverse("admin:supporters_trainingsession_attendance", args=[session.pk])

    def attendance_page():
        assert client.get(url).status_code == 200

    def add_signups(n):  # half of them attended and got their certificates
        regs = RegistrationFactory.create_batch(n, session=session)
        services.session_attendance_record(
            session=session,
            registration_ids=[r.pk for r in regs[: n // 2]],
            walk_ins=[],
            actor=None,
        )
        services.certificates_issue(session=session, actor=None)

    assert_constant_queries(attendance_page, add_signups)


def test_dashboard_queries_do_not_grow_with_data(client, secretariat):
    def dashboard():
        assert client.get(reverse("admin:supporters_dashboard")).status_code == 200

    def add_data(n):
        make_rows("supporter", n)
        make_rows("trainingsession", n // 4)

    assert_constant_queries(dashboard, add_data)


def test_supporter_page_shows_training_history_with_certificate(client, secretariat):
    session = past_session(title="履歴の研修")
    registration = RegistrationFactory(session=session)
    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )
    services.certificates_issue(session=session, actor=None)
    supporter = Supporter.objects.get()

    html = client.get(
        reverse("admin:supporters_supporter_change", args=[supporter.pk])
    ).content.decode()

    assert "受講履歴" in html and "履歴の研修" in html and "第00001号" in html


def test_erasure_also_blanks_the_names_in_the_admin_log(client, secretariat):
    from django.contrib.admin.models import LogEntry

    town = MunicipalityFactory()
    client.post(reverse("admin:supporters_supporter_add"), _supporter_form(town))
    supporter = Supporter.objects.get()
    assert LogEntry.objects.filter(object_repr="手入力 花子").exists()

    client.post(
        reverse("admin:supporters_supporter_changelist"),
        {"action": "withdraw_and_erase", "_selected_action": [supporter.pk]},
    )

    assert not LogEntry.objects.filter(object_repr__contains="花子").exists()
