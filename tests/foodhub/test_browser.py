"""The hubs' daily work in a real browser (Playwright + Debian Chromium)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from foodhub import services
from foodhub.models import Distribution, Donation, Transfer
from tests.conftest import pdf_text

from .factories import (
    DonorFactory,
    ItemFactory,
    RecipientFactory,
    operator_of,
    receive,
    secretariat,
    site_with_zones,
)

# serialized_rollback restores the role groups the migrations created.
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


def later(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_receiving_a_multi_line_donation_from_one_page(live_server, page):
    secretariat(email="jimukyoku@example.jp")
    hub = site_with_zones(name="ロジ拠点（鳥取市）", kind="logistics")
    ItemFactory(name="米（5kg袋）")
    ItemFactory(name="牛乳（1L）")
    DonorFactory(name="鳥取県生活協同組合")

    log_in(page, live_server, "/foodhub/donations/new/", "jimukyoku@example.jp")
    page.get_by_label("提供者", exact=True).select_option(label="鳥取県生活協同組合")
    page.get_by_label("拠点", exact=True).select_option(label=hub.name)
    first = page.locator("tr.line").nth(0)
    first.locator("select[name$='-item']").select_option(label="米（5kg袋）")
    first.locator("input[name$='-kg']").fill("30")
    first.locator("input[name$='-kg']").press("Tab")
    page.keyboard.type("6")  # the pieces field follows the weight
    first.locator("input[name$='-expiry_date']").fill(later(200).isoformat())
    second = page.locator("tr.line").nth(1)
    second.locator("select[name$='-item']").select_option(label="牛乳（1L）")
    second.locator("select[name$='-zone_kind']").select_option(label="冷蔵")
    second.locator("input[name$='-kg']").fill("12.5")
    second.locator("input[name$='-quantity']").fill("12")
    second.locator("select[name$='-date_kind']").select_option(label="消費期限")
    second.locator("input[name$='-expiry_date']").fill(later(7).isoformat())
    page.get_by_role("button", name="寄付を受け入れる").click()

    assert page.get_by_text("鳥取県生活協同組合から2行、42.50 kgを受け入れました。").is_visible()
    donation = Donation.objects.get()
    assert sorted(donation.lots.values_list("kg", "quantity", "zone__kind")) == [
        (Decimal("12.50"), 12, "chilled"),
        (Decimal("30.00"), 6, "ambient"),
    ]


def test_a_transfer_is_sent_with_a_pick_list_and_received_at_the_hub(live_server, browser):
    staff = secretariat(email="jimukyoku@example.jp")
    logistics = site_with_zones(name="ロジ拠点（鳥取市）", kind="logistics")
    town = site_with_zones(name="ハブ拠点 智頭町")
    operator_of(town, email="chizu@example.jp")
    rice = ItemFactory(name="コシヒカリ")
    receive(
        logistics,
        rice,
        50,
        actor=staff,
        expiry=later(100),
        quantity=10,
        received_on=timezone.localdate(),
    )

    sender = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    log_in(sender, live_server, "/foodhub/transfers/new/", "jimukyoku@example.jp")
    sender.get_by_label("送り元", exact=True).select_option(label=logistics.name)
    sender.get_by_label("送り先", exact=True).select_option(label=town.name)
    line = sender.locator("tr.line").nth(0)
    line.locator("select[name$='-item']").select_option(label="コシヒカリ")
    line.locator("input[name$='-kg']").fill("20")
    sender.get_by_role("button", name="発送する").click()
    assert sender.get_by_text("移送を発送しました。ピックリストを印刷してください。").is_visible()
    transfer = Transfer.objects.get()
    assert transfer.status == Transfer.Status.IN_TRANSIT

    href = sender.get_by_role("link", name="ピックリスト（PDF）").get_attribute("href")
    pick_list = sender.request.get(f"{live_server.url}{href}")
    assert pick_list.headers["content-type"] == "application/pdf"
    text = pdf_text(pick_list.body())
    assert "ピックリスト" in text and "コシヒカリ" in text and "ハブ拠点 智頭町" in text
    assert "令和" in text

    hub_page = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    log_in(hub_page, live_server, "/foodhub/", "chizu@example.jp")
    hub_page.get_by_role("link", name="ロジ拠点（鳥取市） → ハブ拠点 智頭町").click()
    hub_page.locator("input[name='receive-0-received_kg']").fill("19.5")
    hub_page.locator("input[name='receive-0-reason']").fill("袋の破れ")
    hub_page.get_by_role("button", name="受領して在庫に入れる").click()

    assert hub_page.get_by_text("移送を受領し、在庫に入れました。").is_visible()
    assert hub_page.locator("#transfer-status").inner_text() == "受領済み"
    assert town.lots.get().kg == Decimal("19.50")
    assert transfer.lines.get().difference_reason == "袋の破れ"


def test_a_cafeteria_is_refused_food_until_its_consent_is_recorded(live_server, page):
    staff = secretariat(email="jimukyoku@example.jp")
    hub = site_with_zones(name="ハブ拠点 八頭町")
    rice = ItemFactory(name="米（5kg袋）")
    receive(hub, rice, 30, actor=staff, expiry=later(100), received_on=timezone.localdate())
    RecipientFactory(site=hub, name="やず地域食堂", running_organisation="NPO法人やずの縁側")

    def fill_and_submit():
        page.get_by_label("拠点", exact=True).select_option(label=hub.name)
        page.get_by_label("提供先", exact=True).select_option(label="やず地域食堂")
        line = page.locator("tr.line").nth(0)
        line.locator("select[name$='-item']").select_option(label="米（5kg袋）")
        line.locator("input[name$='-kg']").fill("10")
        page.get_by_role("button", name="提供を記録する").click()

    log_in(page, live_server, "/foodhub/distributions/new/", "jimukyoku@example.jp")
    fill_and_submit()

    assert page.get_by_text(
        "「やず地域食堂」は提供者の免責への同意が記録されていないため、食品を提供できません。"
        "同意を記録してから提供してください。"
    ).is_visible()
    assert Distribution.objects.count() == 0

    page.get_by_role("link", name="免責への同意を記録する").click()
    page.get_by_label("同意書の番号").fill("R8-同意-001")
    page.get_by_role("button", name="同意を記録する").click()
    assert page.get_by_text("「やず地域食堂」の同意").is_visible()

    fill_and_submit()
    assert page.get_by_text("提供を記録しました。").is_visible()
    distribution = Distribution.objects.get()
    assert distribution.lines.get().kg == Decimal("10.00")
    assert (
        services.consent_in_force(
            recipient=distribution.recipient, on_date=timezone.localdate()
        ).document_reference
        == "R8-同意-001"
    )
