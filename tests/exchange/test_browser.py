"""A 子ども食堂's contact requests food, an operator fills it, the contact sees it handed over
(Playwright + Debian Chromium)."""

import pytest

from foodhub.models import FoodRequest

from .factories import (
    FoodCategoryFactory,
    ItemFactory,
    days,
    operator_of,
    partner_with_contact,
    receive,
    secretariat,
    site_with_zones,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"


def log_in(page, live_server, path, email):
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def test_a_childrens_cafeteria_requests_food_an_operator_fills_it_and_the_contact_sees_it(
    live_server, browser
):
    staff = secretariat()
    hub = site_with_zones(name="ハブ拠点 八頭町")
    partner_with_contact(
        hub, actor=staff, name="こども食堂ひまわり", guideline="80", email="himawari@example.jp"
    )
    operator_of(hub, email="yazu@example.jp")
    staple = FoodCategoryFactory(name="主食")
    rice = ItemFactory(name="コシヒカリ", category=staple)
    receive(hub, rice, 40, actor=staff, expiry=days(200))

    contact = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    log_in(contact, live_server, "/members/my/food/new/", "himawari@example.jp")
    assert contact.locator("#food-guideline").inner_text().startswith("今月の受け取り：0")
    contact.get_by_label("必要な日").fill(days(3).isoformat())
    contact.get_by_label("食数・人数").fill("35")
    contact.get_by_label("お届け").check()
    line = contact.locator("tr.line").nth(0)
    line.locator("select[name$='-category']").select_option(label="主食")
    line.locator("input[name$='-kg']").fill("12")
    contact.get_by_role("button", name="依頼を送る").click()
    assert contact.get_by_text("食品の依頼を拠点に送りました。").is_visible()
    assert contact.locator("#request-status").inner_text() == "受付待ち"
    request = FoodRequest.objects.get()

    operator = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    log_in(operator, live_server, "/foodhub/requests/", "yazu@example.jp")
    operator.locator("#request-queue").get_by_role("link").first.click()
    operator.get_by_role("button", name="準備を始める").click()
    assert operator.get_by_text("この依頼の準備を始めました。").is_visible()
    pick = operator.locator("#fill-form tr.line").nth(0)
    pick.locator("select[name$='-item']").select_option(label="コシヒカリ")
    pick.locator("input[name$='-kg']").fill("12")
    operator.get_by_role("button", name="提供を記録する").click()
    assert operator.get_by_text("依頼に応じて提供を記録しました。").is_visible()
    request.refresh_from_db()
    assert request.status == FoodRequest.Status.FILLED
    assert request.distribution.recipient.name == "こども食堂ひまわり"

    contact.goto(f"{live_server.url}/members/my/food/")
    assert contact.locator("#food-requests").get_by_text("提供済み").is_visible()
    assert contact.locator("#food-guideline").inner_text().startswith("今月の受け取り：12.00")
    assert "主食" in contact.locator("#food-history").inner_text()
