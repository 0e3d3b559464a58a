"""The supporter path in a real browser: sign-up on the public site, attendance in the admin."""

import datetime

import pytest
from django.utils import timezone

from core import roles
from supporters.models import Certificate, Registration, Supporter
from tests.conftest import pdf_text
from tests.factories import MunicipalityFactory, StaffFactory

from .factories import RegistrationFactory, TrainingSessionFactory, at

# serialized_rollback restores the rule set, consent text and role groups the migrations created.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_resident_finds_a_session_and_signs_up_after_fixing_an_error(live_server, page):
    town = MunicipalityFactory(name="智頭町")
    TrainingSessionFactory(title="智頭町つながりサポーター養成研修", municipality=town)

    page.goto(live_server.url)
    page.get_by_role("link", name="つながりサポーター研修カレンダー").click()
    page.get_by_role("link", name="智頭町つながりサポーター養成研修 に申し込む").click()

    page.get_by_label("氏名").fill("智頭 花子")
    page.get_by_label("ふりがな").fill("Chizu Hanako")
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("市町").select_option(label="智頭町")
    page.get_by_role("button", name="申し込む").click()

    assert page.get_by_text("ふりがなは、ひらがなかカタカナで入力してください。").is_visible()
    assert page.get_by_text(
        "個人情報の取扱いをお読みのうえ、同意にチェックしてください。"
    ).is_visible()
    assert page.get_by_label("氏名").input_value() == "智頭 花子"  # nothing lost

    page.get_by_label("ふりがな").fill("ちづ はなこ")
    page.get_by_label("個人情報の取扱い（上記）に同意します").check()
    page.get_by_role("button", name="申し込む").click()

    assert page.get_by_role("heading", name="お申込みありがとうございます").is_visible()
    registration = Registration.objects.get()
    assert registration.full_name == "智頭 花子"
    assert registration.consent_text.version == "2024-04"


def test_staff_record_attendance_with_a_walk_in_and_issue_certificates(live_server, page, tmp_path):
    StaffFactory(email="jimukyoku@example.jp", roles=[roles.SECRETARIAT])
    town = MunicipalityFactory(name="八頭町")
    session = TrainingSessionFactory(
        title="八頭町つながりサポーター養成研修",
        municipality=town,
        starts_at=at(timezone.localdate() - datetime.timedelta(days=1)),
    )
    came = RegistrationFactory(session=session, full_name="八頭 一郎")

    page.goto(f"{live_server.url}/admin/supporters/trainingsession/")
    page.get_by_label("メールアドレス").fill("jimukyoku@example.jp")
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("link", name="出席を記録").click()

    page.get_by_label("八頭 一郎").check()
    row = page.locator("tr.walk-in-row").first
    row.locator("input[name$='-full_name']").fill("当日 参加")
    row.locator("input[name$='-full_name_kana']").fill("とうじつ さんか")
    row.locator("select[name$='-municipality']").select_option(label="八頭町")
    row.locator("input[name$='-consent']").check()
    page.get_by_role("button", name="出席を記録する").click()

    assert page.get_by_text("2名の出席を記録しました。").is_visible()
    page.get_by_role("button", name="修了証を発行する").click()
    assert page.get_by_text("修了証を2件発行しました。").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="修了証をダウンロード（PDF）").click()
    path = tmp_path / "certificates.pdf"
    download_info.value.save_as(path)
    text = pdf_text(path, layout=False)

    assert "八頭 一郎" in text and "当日 参加" in text
    assert "第00001号" in text and "第00002号" in text
    assert "令和" in text
    assert Certificate.objects.count() == 2
    assert Supporter.objects.filter(last_trained_on=session.starts_at.date()).count() == 2
    came.refresh_from_db()
    assert came.supporter is not None


def test_the_dashboard_prints_its_charts_without_the_admin_navigation(live_server, page):
    StaffFactory(email="jimukyoku@example.jp", roles=[roles.SECRETARIAT])

    page.goto(f"{live_server.url}/admin/supporters/schooldistrict/dashboard/")
    page.get_by_label("メールアドレス").fill("jimukyoku@example.jp")
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    page.locator(".dash").wait_for()
    page.emulate_media(media="print")

    assert page.get_by_role("heading", name="中学校区ごとのサポーター数と目標").is_visible()
    assert page.locator(".dash svg").first.is_visible()
    assert not page.locator("#header").is_visible()
    assert not page.locator("#nav-sidebar").is_visible()
