"""The public resource map: what it shows, its filters, its points, its page without script."""

from decimal import Decimal

import pytest
from django.urls import reverse

from exchange.geography import centre_of, neighbours_of
from exchange.models import Place
from tests.conftest import assert_constant_queries
from tests.factories import MembershipFactory, OrganisationFactory, SiteFactory

from .board_factories import field, town

pytestmark = pytest.mark.django_db


def cafeteria(name, municipality, **kwargs):
    return Place.objects.create(
        kind=Place.Kind.CHILDREN_CAFETERIA, name=name, municipality=municipality, **kwargs
    )


def test_the_seven_municipalities_have_centres_and_symmetric_neighbours():
    names = ["鳥取市", "岩美町", "八頭町", "智頭町", "若桜町", "新温泉町", "香美町"]
    for name in names:
        lat, lng = centre_of(name)
        assert 35.0 < lat < 35.8 and 134.0 < lng < 134.8
        assert neighbours_of(name) and neighbours_of(name) <= set(names)
        assert all(name in neighbours_of(other) for other in neighbours_of(name))
    assert centre_of("テスト町1") is None


def test_the_map_lists_public_places_only_and_members_only_while_active(client):
    tottori = town("鳥取市")
    member = OrganisationFactory(name="NPO法人みんなの居場所", municipality=tottori)
    MembershipFactory(organisation=member)
    former = OrganisationFactory(name="元会員の団体", municipality=tottori)
    MembershipFactory(organisation=former, ended_on="2025-03-31")
    Place.objects.create(kind="organisation", organisation=member, municipality=tottori)
    Place.objects.create(kind="organisation", organisation=former, municipality=tottori)
    cafeteria("ひみつの食堂", tottori, is_public=False)
    hub = SiteFactory(name="ロジ・ハブ鳥取", municipality=tottori)
    Place.objects.create(kind="hub", site=hub, municipality=tottori)

    page = client.get(reverse("exchange:map")).content.decode()
    assert "NPO法人みんなの居場所" in page and "ロジ・ハブ鳥取" in page
    assert "元会員の団体" not in page and "ひみつの食堂" not in page


def test_filters_by_municipality_field_and_day_with_a_plain_get_form(client):
    tottori, yazu = town("鳥取市"), town("八頭町")
    children = field("子ども食堂")
    saturday = cafeteria("土曜こども食堂", tottori, opens_sat=True, opening_note="第2・第4土曜")
    saturday.activity_fields.add(children)
    cafeteria("水曜の地域食堂", tottori, opens_wed=True)
    cafeteria("八頭のこども食堂", yazu, opens_sat=True).activity_fields.add(children)
    member = OrganisationFactory(name="子どもの居場所ネット", municipality=yazu)
    member.activity_fields.add(children)
    MembershipFactory(organisation=member)
    Place.objects.create(kind="organisation", organisation=member, municipality=yazu)

    def names(**params):
        page = client.get(reverse("exchange:map"), params).content.decode()
        return {
            n
            for n in [
                "土曜こども食堂",
                "水曜の地域食堂",
                "八頭のこども食堂",
                "子どもの居場所ネット",
            ]
            if n in page
        }

    assert names(day="sat") == {"土曜こども食堂", "八頭のこども食堂"}
    assert names(municipality=tottori.pk) == {"土曜こども食堂", "水曜の地域食堂"}
    assert names(field=children.pk) == {
        "土曜こども食堂",
        "八頭のこども食堂",
        "子どもの居場所ネット",
    }
    assert names(field=children.pk, municipality=yazu.pk, day="sat") == {"八頭のこども食堂"}
    assert names(day="someday") == {
        "土曜こども食堂",
        "水曜の地域食堂",
        "八頭のこども食堂",
        "子どもの居場所ネット",
    }
    page = client.get(reverse("exchange:map"), {"day": "sat"}).content.decode()
    assert "第2・第4土曜" in page and "土曜日" in page


def test_a_point_is_where_the_secretariat_put_it_or_the_municipalitys_centre(client):
    tottori = town("鳥取市")
    placed = cafeteria(
        "置いた食堂", tottori, latitude=Decimal("35.49876"), longitude=Decimal("134.22001")
    )
    unplaced = cafeteria("置いていない食堂", tottori)
    page = client.get(reverse("exchange:map")).content.decode()
    assert (
        f'id="place-{placed.pk}" data-lat="35.49876" data-lng="134.22001" data-placed="1"' in page
    )
    lat, lng = centre_of("鳥取市")
    assert (
        f'id="place-{unplaced.pk}" data-lat="{lat:.5f}" data-lng="{lng:.5f}" data-placed="0"'
        in page
    )


def test_the_page_loads_leaflet_from_this_site_and_the_tiles_from_the_setting(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.jp/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 例の地図"
    answer = client.get(reverse("exchange:map"))
    page = answer.content.decode()
    assert "/static/exchange/vendor/leaflet/leaflet.js" in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    assert 'data-tiles="https://tiles.example.jp/{z}/{x}/{y}.png"' in page
    assert "© 例の地図" in page
    assert "<script>" not in page  # no inline script (strict CSP)


def test_the_map_list_takes_constant_queries(client):
    tottori = town("鳥取市")
    children = field("子ども食堂")

    def add(n):
        for i in range(n):
            organisation = OrganisationFactory(municipality=tottori)
            organisation.activity_fields.add(children)
            MembershipFactory(organisation=organisation)
            Place.objects.create(
                kind="organisation", organisation=organisation, municipality=tottori
            )
            cafeteria(f"食堂{i}", tottori, opens_sat=True).activity_fields.add(children)
            Place.objects.create(
                kind="hub", site=SiteFactory(municipality=tottori), municipality=tottori
            )

    def run():
        assert client.get(reverse("exchange:map"), {"field": children.pk}).status_code == 200

    run()  # warm: per-process caches (the site's contact details) filled once
    assert_constant_queries(run, add, small=3, large=30)


def test_the_demo_places_load_twice_as_once(client):
    from exchange import demo

    towns = {name: town(name) for name in ["鳥取市", "八頭町", "智頭町", "岩美町"]}
    SiteFactory(name="ハブ拠点 八頭町", municipality=towns["八頭町"])
    demo.load(towns)
    demo.load(towns)
    assert Place.objects.filter(kind="hub").count() == 1
    assert Place.objects.filter(name__endswith="（見本）").count() == 4
    page = client.get(reverse("exchange:map"), {"day": "wed"}).content.decode()
    assert "こども食堂 ひだまり（見本）" in page and "みんなの食堂 さくら（見本）" not in page
