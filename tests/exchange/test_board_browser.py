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


def test_a_warned_post_is_confirmed_then_published_and_a_point_placed_on_the_admin_map(
    live_server, browser
):
    from core import roles
    from exchange.models import Post
    from tests.factories import StaffFactory

    StaffFactory(email="jimukyoku@example.jp", roles=[roles.SECRETARIAT])
    yazu = town("八頭町")
    field("子ども食堂")
    _organisation, _user = member_with_contact(
        name="こども食堂ひまわり", municipality=yazu, email="himawari@example.jp"
    )

    # The contact writes a phone number: warned, confirms, sends.
    contact = contact_page(
        browser, live_server, "/members/my/board/new/", "himawari@example.jp", width=360
    )
    assert "個人の情報を書かないでください" in contact.locator("#no-personal-data").inner_text()
    contact.get_by_label("困りごと").check()
    contact.get_by_label("内容の種類").select_option(label="移送・車両")
    contact.get_by_label("表題").fill("食材の運搬に車を")
    contact.get_by_label("詳細").fill(
        "月1回、ハブから食材を運ぶ車を探しています。連絡は0858-00-1234へ。"
    )
    contact.get_by_label("子ども食堂").check()
    contact.get_by_label("開始日").fill(days(5).isoformat())
    contact.get_by_label("終了日").fill(days(60).isoformat())
    contact.get_by_role("button", name="事務局へ送信する").click()
    assert "電話番号" in contact.locator("#personal-data-warnings").inner_text()
    shot(contact, "board-post-warning-360")
    contact.get_by_label("確認しました").check()
    contact.get_by_role("button", name="事務局へ送信する").click()
    assert "確認待ち" in contact.locator("#post-status").inner_text()
    post_ = Post.objects.get()

    # The 事務局 sees the warning and publishes.
    admin = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900}
    ).new_page()
    admin.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    admin.goto(f"{live_server.url}/admin/exchange/post/{post_.pk}/change/")
    admin.get_by_label("メールアドレス").fill("jimukyoku@example.jp")
    admin.get_by_label("パスワード").fill(PASSWORD)
    admin.get_by_role("button", name="ログイン").click()
    assert "電話番号" in admin.locator(".errornote").first.inner_text()
    admin.get_by_role("button", name="公開する").click()
    post_.refresh_from_db()
    assert post_.status == Post.Status.PUBLISHED

    # The 事務局 places a cafeteria by clicking the map.
    admin.goto(f"{live_server.url}/admin/exchange/place/add/")
    admin.get_by_label("種別").select_option(label="子ども食堂")
    admin.get_by_label("名前").fill("こども食堂ひまわり")
    admin.get_by_label("市町", exact=False).first.select_option(label="八頭町")
    admin.locator("#place-map.leaflet-container").wait_for()
    admin.locator("#place-map").click(position={"x": 200, "y": 150})
    assert admin.locator("#id_latitude").input_value() != ""
    marker = admin.locator("#place-map .leaflet-marker-icon")
    box, area = marker.first.bounding_box(), admin.locator("#place-map").bounding_box()
    # The marker's tip stands where the map was clicked.
    assert abs(box["x"] + box["width"] / 2 - (area["x"] + 200)) < 3
    assert abs(box["y"] + box["height"] - (area["y"] + 150)) < 3
    shot(admin, "place-admin-1280")
    admin.locator("input[name=_save]").click()
    place = Place.objects.get(name="こども食堂ひまわり")
    assert place.latitude is not None and 35 < float(place.latitude) < 36
