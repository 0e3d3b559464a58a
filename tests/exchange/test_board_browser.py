"""A need and an offer matched and closed through the board; the public map filtered on a 360 px
phone (Playwright + Debian Chromium). Screenshots go to $SCREENSHOTS_DIR when it is set."""

import os
from pathlib import Path

import pytest

from exchange.models import Exchange, Place
from tests.factories import MembershipFactory, OrganisationFactory, SiteFactory
from tests.foodhub.factories import secretariat

from .board_factories import days, field, member_with_contact, post, town

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"


def shot(page, name):
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def contact_page(browser, live_server, path, email, *, width=1280):
    page = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": width, "height": 900}
    ).new_page()
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    return page


def test_a_need_and_an_offer_are_matched_and_closed(live_server, browser):
    staff = secretariat()
    needer, needer_user = member_with_contact(
        name="こども食堂ひまわり", municipality=town("鳥取市"), email="himawari@example.jp"
    )
    offerer, offerer_user = member_with_contact(
        name="岩美町公民館運営会", municipality=town("岩美町"), email="iwami@example.jp"
    )
    need = post(
        needer,
        needer_user,
        title="夏休みの調理室",
        starts_on=days(10),
        ends_on=days(40),
        publish_by=staff,
    )
    post(
        offerer,
        offerer_user,
        kind="offer",
        title="公民館の調理室を貸せます",
        body="平日の昼間、調理室（20人）を無料でお貸しできます。",
        starts_on=days(1),
        ends_on=days(90),
        publish_by=staff,
    )

    # The need's side sees the offer suggested on its own post.
    himawari = contact_page(
        browser, live_server, f"/members/my/board/{need.pk}/", "himawari@example.jp"
    )
    assert himawari.locator("#suggestions").get_by_text("公民館の調理室を貸せます").is_visible()
    shot(himawari, "board-post-1280")

    # The offer's side answers the need from its offer.
    iwami = contact_page(browser, live_server, "/members/my/board/", "iwami@example.jp", width=360)
    iwami.locator("#board-posts").get_by_role("link", name="夏休みの調理室").click()
    iwami.get_by_label("メッセージ").fill("7月の平日ならお使いいただけます。")
    iwami.get_by_role("button", name="送信する").click()
    assert iwami.get_by_text("メッセージを送信しました。").is_visible()
    shot(iwami, "board-exchange-360")

    # The need's side reads it, answers, and records the outcome: matched, then done.
    himawari.goto(f"{live_server.url}/members/my/board/")
    himawari.locator("#own-exchanges").get_by_role("link", name="夏休みの調理室").click()
    assert himawari.locator("#thread").get_by_text("7月の平日ならお使いいただけます。").is_visible()
    himawari.get_by_label("メッセージ").fill("7月22日にお願いします。")
    himawari.get_by_role("button", name="送信する").click()
    himawari.get_by_role("button", name="話がまとまった（成立）").click()
    assert himawari.locator("#exchange-status").inner_text() == "マッチング成立"
    himawari.get_by_role("button", name="実施した（完了）").click()
    assert himawari.locator("#exchange-status").inner_text() == "実施済み"
    assert not himawari.locator("#message-form").count()  # closed: no more messages
    shot(himawari, "board-exchange-done-1280")
    exchange = Exchange.objects.get()
    assert exchange.status == Exchange.Status.DONE and exchange.messages.count() == 2


def test_the_public_map_filtered_on_a_phone(live_server, browser):
    tottori, yazu = town("鳥取市"), town("八頭町")
    children = field("子ども食堂")
    Place.objects.create(
        kind="children",
        name="こども食堂ひまわり",
        municipality=yazu,
        venue="郡家公民館",
        opens_sat=True,
        opening_note="第2・第4土曜 11:00〜13:00",
        latitude="35.41060",
        longitude="134.25220",
    ).activity_fields.add(children)
    Place.objects.create(kind="community", name="水曜の地域食堂", municipality=yazu, opens_wed=True)
    Place.objects.create(
        kind="children", name="鳥取のこども食堂", municipality=tottori, opens_sat=True
    )
    member = OrganisationFactory(name="NPO法人八頭つながり", municipality=yazu)
    MembershipFactory(organisation=member)
    Place.objects.create(kind="organisation", organisation=member, municipality=yazu)
    Place.objects.create(
        kind="hub", site=SiteFactory(name="ハブ拠点 八頭町", municipality=yazu), municipality=yazu
    )

    page = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 360, "height": 740}
    ).new_page()
    # Tests never depend on map tiles: every tile request is refused.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(f"{live_server.url}/map/")
    assert page.locator("#places li.place").count() == 5
    page.get_by_label("市町").select_option(label="八頭町")
    page.get_by_label("開催曜日").select_option(label="土曜日")
    page.get_by_role("button", name="表示").click()
    assert "day=sat" in page.url
    places = page.locator("#places li.place")
    assert places.count() == 1
    assert places.first.get_by_role("heading", name="こども食堂ひまわり").is_visible()
    assert "第2・第4土曜" in places.first.inner_text()
    # The map beside the list: Leaflet from this site, one marker per listed place.
    page.locator("#resource-map.leaflet-container").wait_for()
    assert page.locator("#resource-map .leaflet-marker-icon").count() == 1
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "map-360")

    wide = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900}
    ).new_page()
    wide.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    wide.goto(f"{live_server.url}/map/")
    wide.locator("#resource-map.leaflet-container").wait_for()
    assert wide.locator("#resource-map .leaflet-marker-icon").count() == 5
    shot(wide, "map-1280")
