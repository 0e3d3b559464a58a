"""The join flow in a real browser: apply (error, then success), approve, find in the directory."""

import pytest
from playwright.sync_api import expect

from core import roles
from members.models import Application
from tests.factories import MunicipalityFactory, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _fill_application(page):
    page.get_by_role("textbox", name="団体名", exact=True).fill("NPO法人ひだまりの家")
    page.get_by_role("textbox", name="団体名（ふりがな）", exact=True).fill("ひだまりのいえ")
    page.get_by_label("団体の種別").select_option(label="NPO法人")
    page.get_by_role("textbox", name="代表者", exact=True).fill("代表 一郎")
    page.get_by_role("textbox", name="担当者", exact=True).fill("担当 花子")
    page.get_by_role("textbox", name="郵便番号", exact=True).fill("68")  # a mistake a person makes
    page.get_by_role("textbox", name="所在地", exact=True).fill("鳥取県鳥取市東町1丁目")
    page.get_by_role("textbox", name="電話番号", exact=True).fill("0857-00-0000")
    page.get_by_role("textbox", name="メールアドレス", exact=True).fill("hidamari@example.jp")
    page.get_by_label("居場所づくり").check()
    page.get_by_role("textbox", name="活動内容", exact=True).fill("地域の居場所づくりと見守り")
    page.get_by_label("当団体の活動は孤独・孤立対策の推進に関連があります").check()
    page.get_by_label("当団体は暴力団等反社会的勢力と関係がありません").check()
    page.get_by_label("プラットフォーム規約に同意します").check()


def test_apply_with_an_error_then_succeed_then_approved_and_found_by_kana(
    live_server, page, browser
):
    MunicipalityFactory(name="鳥取市")
    StaffFactory(email="jimukyoku@example.jp", roles=[roles.SECRETARIAT])

    # 1. The applicant makes a mistake, sees the error beside the field, nothing is lost.
    page.goto(f"{live_server.url}/members/apply/")
    assert page.get_by_role("heading", level=1).inner_text() == "入会申込書（別紙1）"
    _fill_application(page)
    page.get_by_role("button", name="申込書を送信する").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.locator("#id_postal_code_error").inner_text() == (
        "郵便番号は7桁で入力してください（例：680-0001）。"
    )
    postal_code = page.get_by_role("textbox", name="郵便番号")
    assert postal_code.get_attribute("aria-invalid") == "true"
    assert "id_postal_code_error" in postal_code.get_attribute("aria-describedby")
    assert (
        page.get_by_role("textbox", name="団体名", exact=True).input_value()
        == "NPO法人ひだまりの家"
    )
    assert page.get_by_label("居場所づくり").is_checked()

    # 2. Corrected, it goes through and shows the reference number.
    page.get_by_role("textbox", name="郵便番号").fill("680-0001")
    page.get_by_role("button", name="申込書を送信する").click()
    page.wait_for_url("**/members/apply/done/")
    reference = page.locator("#reference").inner_text()
    application = Application.objects.get()
    assert reference == application.reference

    # 3. The secretariat signs in and approves it in the admin.
    staff = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    staff.goto(f"{live_server.url}/admin/members/application/{application.pk}/change/")
    staff.get_by_label("メールアドレス").fill("jimukyoku@example.jp")
    staff.get_by_label("パスワード").fill("correct-horse-battery")
    staff.get_by_role("button", name="ログイン").click()
    staff.wait_for_url(f"**/admin/members/application/{application.pk}/change/")
    staff.get_by_label("確認：活動が孤独・孤立対策に関連").check()
    staff.get_by_label("確認：反社会的勢力と関係なし").check()
    staff.get_by_label("確認：個人ではなく団体").check()
    staff.get_by_label("決定理由").fill("要領第2条の確認済み")
    staff.get_by_role("button", name="承認して名簿に登録").click()
    expect(staff.get_by_text("承認し、団体名簿に登録しました。")).to_be_visible()
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED

    # 4. Anyone finds it in the directory with a katakana, half-width query.
    page.goto(f"{live_server.url}/members/directory/")
    page.get_by_label("検索").fill("ﾋﾀﾞﾏﾘ")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("heading", name="NPO法人ひだまりの家")).to_be_visible()


@pytest.mark.parametrize("path", ["/members/apply/", "/members/directory/?q=ひだまり"])
def test_the_public_members_pages_have_no_accessibility_violations(live_server, page, path):
    from axe_playwright_python.sync_playwright import Axe

    from tests.factories import MembershipFactory

    MembershipFactory(organisation__name="NPO法人ひだまり", organisation__name_kana="ひだまり")
    page.goto(f"{live_server.url}{path}")

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


def test_the_join_form_shows_errors_accessibly(live_server, page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{live_server.url}/members/apply/")
    page.get_by_role("button", name="申込書を送信する").click()
    expect(page.get_by_role("alert")).to_be_visible()

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", ["/members/apply/", "/members/directory/"])
def test_the_public_members_pages_fit_a_phone_screen(live_server, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ja-JP")
    phone = context.new_page()
    phone.goto(f"{live_server.url}{path}")

    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    context.close()
    assert overflow <= 0


def test_the_secretariat_records_attendance_and_decides_an_item_on_the_meeting_screens(
    live_server, page
):
    """The meeting screens in a browser: attendance through the meeting page's inline, the
    quorum explained there, then the item decided on its page with the count shown."""
    import datetime

    from members import services
    from members.models import AgendaItem, Vote

    from .factories import SteeringMembershipFactory

    staff = StaffFactory(email="jimukyoku@example.jp", roles=[roles.SECRETARIAT])
    orgs = [SteeringMembershipFactory().organisation for _ in range(3)]
    meeting = services.meeting_create(
        title="第5回会議", held_on=datetime.date(2025, 6, 1), actor=staff
    )
    item = services.agenda_item_add(meeting=meeting, kind="other", title="活動計画", actor=staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)

    page.goto(f"{live_server.url}/admin/members/meeting/{meeting.pk}/change/")
    page.get_by_label("メールアドレス").fill("jimukyoku@example.jp")
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"**/admin/members/meeting/{meeting.pk}/change/")
    for index in range(3):
        page.locator(f"select[name='attendances-{index}-mode']").select_option(label="出席（会場）")
    page.get_by_role("button", name="保存して編集を続ける").click()
    expect(page.get_by_text("出席 3/3（委任0・メール0を含む）定足数2 — 成立")).to_be_visible()

    for org in orgs[:2]:
        services.vote_record(item=item, organisation=org, choice=Vote.Choice.FOR, actor=staff)
    page.goto(f"{live_server.url}/admin/members/agendaitem/{item.pk}/change/")
    page.get_by_role("button", name="この議案を議決する").click()
    expect(page.locator("li.info")).to_contain_text("賛成 2/3 — 可決")
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PASSED
