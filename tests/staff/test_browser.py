"""Staff journeys in a real browser (Chromium through Playwright)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time
from playwright.sync_api import expect

from core import roles
from tests.factories import StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _totp_now(secret):
    counters = list(yield_hotp_counters_from_time())
    return f"{hotp_value(secret, counters[len(counters) // 2]):06d}"


def test_a_council_member_enrols_totp_with_the_code_of_the_secret_shown(
    live_server, page, screenshot
):
    member = StaffFactory(email="kyogikai@example.jp", roles=[roles.COUNCIL_MEMBER])

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("メールアドレス").fill("kyogikai@example.jp")
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    # allauth asks for the password again before it shows a secret.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="確認").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    # The browser has asked for /favicon.ico by now; the secret on screen must still be the one.
    page.wait_for_load_state("networkidle")
    secret = page.locator("#authenticator_secret").input_value()
    screenshot(page, "mfa-activate")

    page.get_by_label("認証アプリコード").fill(_totp_now(secret))
    page.get_by_role("button", name="有効化する").click()

    expect(page.locator("#authenticator_secret")).to_have_count(0)
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()


def test_error_pages_look_like_the_product(live_server, page, screenshot):
    StaffFactory(email="coord@example.jp", roles=[roles.COORDINATOR])
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("ページが見つかりません")
    screenshot(page, "error-404")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("メールアドレス").fill("coord@example.jp")
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/admin/members/application/")
    expect(page.get_by_role("heading", level=1)).to_have_text("このページは開けません")
    screenshot(page, "error-403")
    page.get_by_role("link", name="管理画面に戻る").click()
    page.wait_for_url("**/admin/")


def _log_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()


def test_the_to_do_home_per_role(live_server, browser, screenshot):
    from tests.foodhub.factories import operator_of, site_with_zones
    from tests.members.factories import ApplicationFactory

    StaffFactory(
        email="jimu@example.jp", last_name="鳥取", first_name="花子", roles=[roles.SECRETARIAT]
    )
    ApplicationFactory()
    ApplicationFactory()
    operator_of(site_with_zones(name="ハブ拠点 八頭町"), email="hub@example.jp")

    secretariat = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    _log_in(secretariat, live_server, "jimu@example.jp")
    secretariat.wait_for_url("**/admin/")
    todo = secretariat.locator("#staff-todo")
    expect(todo.get_by_role("heading")).to_have_text("今日の対応事項")
    expect(secretariat.locator("#user-tools")).to_contain_text("鳥取 花子")
    screenshot(secretariat, "todo-secretariat")
    todo.get_by_role("link", name="審査待ちの入会申込").click()
    secretariat.wait_for_url("**/admin/members/application/?status__exact=submitted")
    expect(secretariat.locator("#result_list tbody tr")).to_have_count(2)

    # Accounts: invite a colleague from the admin, without Django's user screens.
    secretariat.goto(f"{live_server.url}/admin/staff/staffaccount/add/")
    secretariat.get_by_label("メールアドレス").fill("new@example.jp")
    secretariat.locator("#id_last_name").fill("因幡")
    secretariat.locator("#id_first_name").fill("太郎")
    secretariat.get_by_label("コーディネーター").check()
    screenshot(secretariat, "accounts-invite")
    secretariat.get_by_role("button", name="保存", exact=True).click()
    expect(
        secretariat.get_by_text("パスワード設定の案内を new@example.jp に送りました。")
    ).to_be_visible()
    screenshot(secretariat, "accounts-list")

    # The schedule: what runs when, in Japanese; the time is changed with a time field.
    secretariat.goto(f"{live_server.url}/admin/staff/scheduledtask/")
    expect(secretariat.get_by_text("平日（月〜金） 7:45")).to_be_visible()
    screenshot(secretariat, "schedule-list")
    secretariat.get_by_role("link", name="会員：審査待ちの入会申込書のお知らせ（毎日）").click()
    secretariat.get_by_label("実行時刻（日本時間）").fill("08:15")
    screenshot(secretariat, "schedule-change")
    secretariat.get_by_role("button", name="保存", exact=True).click()
    expect(secretariat.get_by_text("平日（月〜金） 8:15")).to_be_visible()

    hub = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    _log_in(hub, live_server, "hub@example.jp")
    hub.wait_for_url(re.compile(r"/foodhub/$"))
