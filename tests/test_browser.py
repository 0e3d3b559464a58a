"""What a person sees in a real browser: headless Debian Chromium driven by Playwright."""

import pytest

from core import roles
from tests.factories import MunicipalityFactory, StaffFactory

# serialized_rollback restores the role groups the migrations created, which a flush removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_visitor_reads_the_home_page_in_japanese(live_server, page):
    MunicipalityFactory(name="香美町", prefecture="兵庫県", population=16064)

    page.goto(live_server.url)

    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=1).inner_text() == "麒麟のまち官民連携プラットフォーム"
    assert page.get_by_role("row", name="香美町").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"


def test_the_home_page_fits_a_phone_screen(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ja-JP")
    phone = context.new_page()
    phone.goto(live_server.url)

    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    context.close()
    assert overflow <= 0


def test_staff_log_in_to_the_admin_through_allauth(live_server, page):
    StaffFactory(email="jimukyoku@example.jp", roles=[roles.SECRETARIAT])

    page.goto(f"{live_server.url}/admin/")
    assert "/accounts/login/" in page.url
    page.get_by_label("メールアドレス").fill("jimukyoku@example.jp")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    assert page.get_by_text("正しくありません").is_visible()

    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()

    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.get_by_role("link", name="麒麟のまち官民連携プラットフォーム").is_visible()
    assert page.get_by_role("link", name="プラットフォーム概要を印刷（PDF）").is_visible()


def test_the_home_page_has_no_accessibility_violations(live_server, page):
    from axe_playwright_python.sync_playwright import Axe

    MunicipalityFactory(name="岩美町")
    page.goto(live_server.url)

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
