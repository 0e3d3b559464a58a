"""What the hub staff found when they tried the product (issue 10): produce without a date, the
two different "not enough" messages, the transfers list, and the distribution kept across the
consent gate."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from foodhub import services
from foodhub.models import DateKind, Distribution, Lot
from foodhub.resources import LotResource
from tests.conftest import assert_constant_queries

from .factories import (
    DonorFactory,
    ItemFactory,
    RecipientFactory,
    consented,
    receive,
    secretariat,
    site_with_zones,
    zone,
)

pytestmark = pytest.mark.django_db

NOV_20 = datetime.date(2026, 11, 20)


@pytest.fixture
def staff(client):
    user = secretariat()
    client.force_login(user)
    return user


def _line(site, item, *, date_kind="best_before", expiry=None, kg="5"):
    return services.ReceiptLine(
        item=item,
        zone=zone(site),
        kg=Decimal(kg),
        quantity=0,
        date_kind=date_kind,
        expiry_date=expiry,
    )


# --- food without an expiry date --------------------------------------------------------------


def test_produce_is_received_without_a_date_and_none_is_invented(staff, hub):
    onions = ItemFactory(name="玉ねぎ", has_expiry=False)

    donation = services.donation_receive(
        donor=DonorFactory(),
        site=hub,
        received_on=NOV_20,
        # whatever the form carried, an item without an expiry gets no date
        lines=[_line(hub, onions, expiry=datetime.date(2026, 12, 1))],
        actor=staff,
    )

    lot = donation.lots.get()
    assert (lot.date_kind, lot.expiry_date) == (DateKind.NONE, None)
    assert "期限なし" in str(lot)


def test_food_with_an_expiry_still_needs_its_date(staff, hub):
    with pytest.raises(ValidationError, match="賞味期限または消費期限があります"):
        services.donation_receive(
            donor=DonorFactory(),
            site=hub,
            received_on=NOV_20,
            lines=[_line(hub, ItemFactory(name="ツナ缶"), expiry=None)],
            actor=staff,
        )
    with pytest.raises(ValidationError, match="日付を入力してください"):
        services.donation_receive(
            donor=DonorFactory(),
            site=hub,
            received_on=NOV_20,
            lines=[_line(hub, ItemFactory(name="鯖缶"), date_kind="none")],
            actor=staff,
        )


def test_first_expiry_first_out_takes_dated_lots_before_undated_ones(staff, hub):
    potatoes = ItemFactory(name="じゃがいも", has_expiry=False)
    undated = receive(hub, potatoes, 10, actor=staff, expiry=None)
    # The same item kind cannot carry a date; a dated lot of it (recorded before the item was
    # marked) must still go first.
    potatoes.has_expiry = True
    potatoes.save()
    dated = receive(hub, potatoes, 10, actor=staff, expiry=datetime.date(2027, 1, 1))

    distribution = services.distribution_create(
        site=hub,
        recipient=consented(RecipientFactory(site=hub), actor=staff),
        distributed_on=NOV_20,
        actor=staff,
        requests=[services.PickRequest(potatoes, Decimal(12))],
    )

    taken = {line.lot_id: line.kg for line in distribution.lines.all()}
    assert taken == {dated.pk: Decimal(10), undated.pk: Decimal(2)}
    assert list(Lot.objects.filter(item=potatoes).values_list("pk", flat=True)) == [
        dated.pk,
        undated.pk,
    ]


def test_a_lot_without_a_date_is_never_disposed_of_as_expired(staff, hub):
    lot = receive(hub, ItemFactory(has_expiry=False), 10, actor=staff, expiry=None)

    with pytest.raises(ValidationError, match="期限なしのため「期限切れ」では廃棄できません"):
        services.disposal_record(
            site=hub,
            disposed_on=NOV_20,
            reason="expired",
            amounts=[services.LotAmount(lot=lot, kg=Decimal(1))],
            actor=staff,
        )
    done, refused = services.expired_lots_dispose(lots=[lot], on_date=NOV_20, actor=staff)
    assert (done, refused) == (0, [])


def test_pages_and_the_lot_csv_say_kigen_nashi(client, staff, hub):
    lot = receive(hub, ItemFactory(name="玉ねぎ", has_expiry=False), 10, actor=staff, expiry=None)

    assert "期限なし" in client.get(reverse("foodhub:stock")).content.decode()
    recall = client.get(reverse("foodhub:recall", args=[lot.pk])).content.decode()
    assert "期限なし" in recall
    row = LotResource().export(Lot.objects.filter(pk=lot.pk)).dict[0]
    assert "期限なし" in row.values()


# --- not enough stock, or someone else took it ------------------------------------------------


def test_short_stock_and_a_concurrent_change_are_two_different_messages(staff, hub):
    rice = ItemFactory(name="米")
    receive(hub, rice, 10, actor=staff, expiry=datetime.date(2027, 1, 1))
    cafeteria = consented(RecipientFactory(site=hub), actor=staff)
    mark = services.stock_mark()

    def distribute(kg, stock_seen):
        return services.distribution_create(
            site=hub,
            recipient=cafeteria,
            distributed_on=NOV_20,
            actor=staff,
            requests=[services.PickRequest(rice, Decimal(kg))],
            stock_seen=stock_seen,
        )

    with pytest.raises(ValidationError, match=r"在庫が足りません: 残り 10\.00 kg") as short:
        distribute(12, mark)
    assert "他の担当者" not in str(short.value)
    distribute(4, mark)  # another operator, from their own page
    with pytest.raises(ValidationError, match="この画面を表示した後に、他の担当者が") as taken:
        distribute(8, mark)  # the page shown before that distribution
    assert "6.00 kg" in str(taken.value)
    with pytest.raises(ValidationError, match=r"在庫が足りません: 残り 6\.00 kg"):
        distribute(8, services.stock_mark())  # a page shown after it


def test_the_distribution_page_carries_the_stock_mark_and_says_who_took_it(client, staff, hub):
    rice = ItemFactory(name="米")
    receive(hub, rice, 10, actor=staff, expiry=datetime.date(2027, 1, 1))
    cafeteria = consented(RecipientFactory(site=hub), actor=staff)
    page = client.get(reverse("foodhub:distribution-create")).content.decode()
    mark = page.split('name="stock_seen" value="')[1].split('"')[0]
    services.distribution_create(
        site=hub,
        recipient=cafeteria,
        distributed_on=NOV_20,
        actor=staff,
        requests=[services.PickRequest(rice, Decimal(7))],
    )

    response = client.post(
        reverse("foodhub:distribution-create"),
        {
            "idempotency_key": str(uuid.uuid4()),
            "stock_seen": mark,
            "site": hub.pk,
            "recipient": cafeteria.pk,
            "distributed_on": NOV_20.isoformat(),
            **_management(1),
            "lines-0-item": rice.pk,
            "lines-0-kg": "5",
        },
    )

    assert response.status_code == 400
    assert "他の担当者" in response.content.decode()


# --- the transfers list -----------------------------------------------------------------------


def _management(total):
    return {
        "lines-TOTAL_FORMS": str(total),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }


def _send(staff, source, target, item, kg):
    return services.transfer_send(
        from_site=source,
        to_site=target,
        sent_on=NOV_20,
        actor=staff,
        requests=[services.PickRequest(item, Decimal(kg))],
    )


def _receive_all(staff, transfer, *, short_by=Decimal(0)):
    received = {
        line.pk: (line.kg - short_by, line.quantity, "袋破れ" if short_by else "")
        for line in transfer.lines.all()
    }
    services.transfer_receive(transfer=transfer, received_on=NOV_20, received=received, actor=staff)


def test_the_transfers_list_filters_by_state_and_site(client, staff):
    logistics = site_with_zones(name="ロジ拠点", kind="logistics")
    chizu, yazu = site_with_zones(name="ハブ拠点 智頭町"), site_with_zones(name="ハブ拠点 八頭町")
    rice = ItemFactory(name="米")
    receive(logistics, rice, 100, actor=staff, expiry=datetime.date(2027, 1, 1))
    in_transit = _send(staff, logistics, chizu, rice, 5)
    received = _send(staff, logistics, chizu, rice, 6)
    _receive_all(staff, received)
    different = _send(staff, logistics, yazu, rice, 7)
    _receive_all(staff, different, short_by=Decimal("0.5"))
    url = reverse("foodhub:transfer-list")

    def listed(**params):
        transfers = client.get(url, params).context["transfers"]
        return {t.pk for t in transfers}

    assert listed() == {in_transit.pk, received.pk, different.pk}
    assert listed(state="in_transit") == {in_transit.pk}
    assert listed(state="received") == {received.pk, different.pk}
    assert listed(state="difference") == {different.pk}
    assert listed(site=yazu.pk) == {different.pk}
    assert listed(site=chizu.pk, state="received") == {received.pk}
    html = client.get(url, {"state": "difference"}).content.decode()
    assert "差異ありで受領" in html and "6.5" in html


def test_the_transfers_list_does_not_grow_in_queries(client, staff):
    logistics = site_with_zones(name="ロジ拠点", kind="logistics")
    chizu = site_with_zones(name="ハブ拠点 智頭町")
    rice = ItemFactory(name="米")
    receive(logistics, rice, 10_000, actor=staff, expiry=datetime.date(2027, 1, 1))

    def add(n):
        for _ in range(n):
            _receive_all(staff, _send(staff, logistics, chizu, rice, 1), short_by=Decimal("0.1"))

    client.get(reverse("foodhub:transfer-list"))  # the footer's contact is cached per process
    assert_constant_queries(
        lambda: client.get(reverse("foodhub:transfer-list")), add, small=3, large=12
    )


# --- the consent gate keeps the distribution being entered ------------------------------------


def test_after_recording_the_consent_the_distribution_comes_back_filled(client, staff, hub):
    rice = ItemFactory(name="米")
    lot = receive(hub, rice, 20, actor=staff, expiry=datetime.date(2027, 1, 1))
    cafeteria = RecipientFactory(site=hub, name="ひまわり地域食堂")
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "site": hub.pk,
        "recipient": cafeteria.pk,
        "distributed_on": NOV_20.isoformat(),
        "note": "夏休みの食堂",
        **_management(2),
        "lines-0-item": rice.pk,
        "lines-0-kg": "5",
        "lines-1-kg": "2",
        "lines-1-lot": lot.pk,
    }
    refused = client.post(reverse("foodhub:distribution-create"), data)
    assert refused.status_code == 400

    consent_url = reverse("foodhub:consent-create", args=[cafeteria.pk])
    assert "入力中の提供は保存されています" in client.get(consent_url).content.decode()
    recorded = client.post(consent_url, {"agreed_on": NOV_20.isoformat()})

    assert recorded.url == reverse("foodhub:distribution-create") + "?draft=1"
    form_page = client.get(recorded.url)
    html = form_page.content.decode()
    assert "入力中だった提供を戻しました" in html
    assert 'value="夏休みの食堂"' in html
    form = form_page.context["form"]
    assert form.initial["recipient"] == cafeteria.pk and form.initial["note"] == "夏休みの食堂"
    lines = form_page.context["formset"].initial
    assert lines == [
        {"item": rice.pk, "kg": "5", "lot": None},
        {"item": None, "kg": "2", "lot": lot.pk},
    ]
    assert Distribution.objects.count() == 0
    assert client.get(recorded.url).context["form"].initial == {}  # given back once
