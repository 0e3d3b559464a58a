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


def test_the_secretariat_enters_a_whole_meeting_on_one_grid_that_fits_1280_px(
    live_server, page, tmp_path
):
    """The meeting grid in a browser: twelve steering members, attendance, a proxy, the chair
    and the votes on two items entered on one page and saved once, then an item decided there
    with the outcome spelled out."""
    import datetime
    import os
    from pathlib import Path

    from members import services
    from members.models import AgendaItem, Attendance

    from .factories import SteeringMembershipFactory

    StaffFactory(
        email="jimukyoku@example.jp", last_name="鳥取", first_name="花子", roles=[roles.SECRETARIAT]
    )
    staff = StaffFactory()
    orgs = [
        SteeringMembershipFactory(
            organisation__name=f"社会福祉法人なかよし福祉会{n:02d}",
            organisation__name_kana=f"な{n:02d}",
        ).organisation
        for n in range(12)
    ]
    meeting = services.meeting_create(
        title="第5回プラットフォーム会議", held_on=datetime.date(2025, 6, 1), actor=staff
    )
    item = services.agenda_item_add(
        meeting=meeting, kind="other", title="令和7年度活動計画", actor=staff
    )
    services.agenda_item_add(meeting=meeting, kind="other", title="部会の設置", actor=staff)
    services.meeting_send_notice(meeting=meeting, actor=staff)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/members/meeting/{meeting.pk}/grid/")
    page.get_by_label("メールアドレス").fill("jimukyoku@example.jp")
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"**/admin/members/meeting/{meeting.pk}/grid/")
    expect(page.locator("#user-tools")).to_contain_text("鳥取 花子")

    chair, holder, delegator, mailer, absent = orgs[0], orgs[1], orgs[2], orgs[3], orgs[4]
    for org in orgs:
        if org in (delegator, mailer, absent):
            continue
        page.get_by_label(f"{org.name}：出席（会場）").check()
    page.get_by_label(f"{delegator.name}：書面による表決委任").check()
    page.get_by_label(f"{delegator.name}：委任先").select_option(label=holder.name)
    page.get_by_label(f"{mailer.name}：電子メールによる意思表明").check()
    page.get_by_label("議長", exact=True).select_option(label=chair.name)
    for org in orgs[1:]:
        if org is absent:
            continue
        choice = "反対" if org is orgs[11] else "賛成"
        page.get_by_label(f"{org.name}：第1号議案").select_option(label=choice)

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    folder = Path(os.environ.get("KIRIN_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / "meeting-grid-1280.png", full_page=True)
    assert overflow <= 0, f"the grid is {overflow} px wider than a 1280 px window"

    page.get_by_role("button", name="保存してこの議案を議決する").first.click()
    expect(page.locator("li.success").first).to_contain_text("出欠・委任・表決を保存しました。")
    outcome = (
        "出席 11/12（委任 1・メール 1 を含む）で定足数 8 を満たし成立。"
        "賛成 9・反対 1・棄権 0（出席 10 の 2/3 = 7 以上）で可決。"
    )
    expect(page.locator(f"#item-{item.number}")).to_contain_text(outcome)
    page.screenshot(path=folder / "meeting-grid-decided-1280.png", full_page=True)
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PASSED and item.explanation == outcome
    meeting.refresh_from_db()
    assert meeting.chair == chair
    assert meeting.attendances.get(organisation=delegator).proxy_holder == holder
    assert meeting.attendances.get(organisation=absent).mode == Attendance.Mode.ABSENT
