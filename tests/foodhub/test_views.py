import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import ExportLog
from foodhub import services
from foodhub.models import Distribution, Donation, LedgerEntry, Lot, Transfer
from tests.conftest import pdf_text

from .factories import (
    DonorFactory,
    ItemFactory,
    RecipientFactory,
    consented,
    operator_of,
    receive,
    secretariat,
    site_with_zones,
)

pytestmark = pytest.mark.django_db

NOV_20 = datetime.date(2026, 11, 20)


@pytest.fixture
def staff(client):
    user = secretariat()
    client.force_login(user)
    return user


def _management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _donation_post(donor, site, lines, key=None, total=4):
    data = {
        "idempotency_key": str(key or uuid.uuid4()),
        "donor": donor.pk,
        "site": site.pk,
        "received_on": NOV_20.isoformat(),
        "note": "",
        **_management("lines", total),
    }
    for i in range(total):
        data.update(
            {
                f"lines-{i}-zone_kind": "ambient",
                f"lines-{i}-date_kind": "best_before",
                f"lines-{i}-quantity": "0",
            }
        )
    for i, line in enumerate(lines):
        data.update({f"lines-{i}-{k}": v for k, v in line.items()})
    return data


def test_a_multi_line_donation_is_received_from_one_page_and_empty_lines_are_ignored(
    client, staff, hub
):
    rice, milk = ItemFactory(name="米"), ItemFactory(name="牛乳")
    donor = DonorFactory(name="鳥取県生活協同組合")
    lines = [
        {"item": rice.pk, "kg": "30", "quantity": "6", "expiry_date": "2027-05-01"},
        {
            "item": milk.pk,
            "kg": "12.5",
            "quantity": "12",
            "zone_kind": "chilled",
            "date_kind": "use_by",
            "expiry_date": "2026-11-28",
        },
    ]

    response = client.post(reverse("foodhub:donation-create"), _donation_post(donor, hub, lines))

    assert response.status_code == 302
    donation = Donation.objects.get()
    assert donation.lots.count() == 2
    assert hub.lots.get(item=milk).zone.kind == "chilled"
    page = client.get(response.url)
    assert "2行、42.50 kg" in page.content.decode()


def test_a_donation_line_error_is_shown_next_to_the_line_and_nothing_is_lost(client, staff, hub):
    rice = ItemFactory(name="米")
    lines = [
        {"item": rice.pk, "kg": "30", "expiry_date": "2027-05-01"},
        {"item": rice.pk, "kg": "", "expiry_date": "2027-05-01"},
    ]

    response = client.post(
        reverse("foodhub:donation-create"), _donation_post(DonorFactory(), hub, lines)
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "この項目は必須です" in html
    assert 'value="30"' in html
    assert Donation.objects.count() == 0


def test_a_double_clicked_donation_submit_records_once(client, staff, hub):
    data = _donation_post(
        DonorFactory(), hub, [{"item": ItemFactory().pk, "kg": "5", "expiry_date": "2027-01-01"}]
    )

    client.post(reverse("foodhub:donation-create"), data)
    client.post(reverse("foodhub:donation-create"), data)

    assert Donation.objects.count() == 1
    assert Lot.objects.count() == 1


def _pick_post(header, lines, total=3):
    data = {"idempotency_key": str(uuid.uuid4()), **header, **_management("lines", total)}
    for i, line in enumerate(lines):
        data.update({f"lines-{i}-{k}": v for k, v in line.items()})
    return data


def test_distribution_is_refused_without_consent_then_done_after_consent(client, staff, hub):
    rice = ItemFactory(name="米")
    receive(hub, rice, 20, actor=staff, expiry=datetime.date(2027, 1, 1))
    cafeteria = RecipientFactory(site=hub, name="ひまわり地域食堂")
    data = _pick_post(
        {"site": hub.pk, "recipient": cafeteria.pk, "distributed_on": NOV_20.isoformat()},
        [{"item": rice.pk, "kg": "5"}],
    )

    refused = client.post(reverse("foodhub:distribution-create"), data)

    html = refused.content.decode()
    assert refused.status_code == 400
    assert "「ひまわり地域食堂」は提供者の免責への同意が記録されていない" in html
    consent_url = reverse("foodhub:consent-create", args=[cafeteria.pk])
    assert consent_url in html
    assert Distribution.objects.count() == 0

    recorded = client.post(
        consent_url, {"agreed_on": NOV_20.isoformat(), "document_reference": "同意書-1"}
    )
    assert recorded.status_code == 302
    done = client.post(reverse("foodhub:distribution-create"), data)

    assert done.status_code == 302
    distribution = Distribution.objects.get()
    assert distribution.lines.get().kg == Decimal(5)


def test_past_best_before_food_asks_for_the_confirmation_box(client, staff, hub):
    rice = ItemFactory(name="米")
    receive(hub, rice, 20, actor=staff, expiry=NOV_20 - datetime.timedelta(days=1))
    cafeteria = consented(RecipientFactory(site=hub), actor=staff)
    data = _pick_post(
        {"site": hub.pk, "recipient": cafeteria.pk, "distributed_on": NOV_20.isoformat()},
        [{"item": rice.pk, "kg": "5"}],
    )

    response = client.post(reverse("foodhub:distribution-create"), data)
    assert "賞味期限を過ぎています" in response.content.decode()
    response = client.post(
        reverse("foodhub:distribution-create"), {**data, "confirm_past_best_before": "on"}
    )
    assert response.status_code == 302


def test_transfer_sent_received_with_a_difference_and_a_pick_list_pdf(client, staff, tmp_path):
    logistics = site_with_zones(name="ロジ拠点（鳥取市）", kind="logistics")
    town = site_with_zones(name="ハブ拠点 智頭町")
    rice = ItemFactory(name="コシヒカリ")
    receive(logistics, rice, 30, actor=staff, expiry=datetime.date(2027, 5, 1), quantity=6)

    response = client.post(
        reverse("foodhub:transfer-create"),
        _pick_post(
            {"from_site": logistics.pk, "to_site": town.pk, "sent_on": NOV_20.isoformat()},
            [{"item": rice.pk, "kg": "20"}],
        ),
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()

    pdf = client.get(reverse("foodhub:transfer-pick-list", args=[transfer.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "ピックリスト" in text
    assert "コシヒカリ" in text
    assert "ハブ拠点 智頭町" in text
    assert "令和8年11月20日" in text

    line = transfer.lines.get()
    pick_list_url = reverse("foodhub:transfer-pick-list", args=[transfer.pk])
    assert client.post(pick_list_url).status_code == 405
    response = client.post(
        reverse("foodhub:transfer-detail", args=[transfer.pk]),
        {
            "received_on": NOV_20.isoformat(),
            "receive-TOTAL_FORMS": "1",
            "receive-INITIAL_FORMS": "1",
            "receive-MIN_NUM_FORMS": "0",
            "receive-MAX_NUM_FORMS": "1000",
            "receive-0-line_id": line.pk,
            "receive-0-received_kg": "19.5",
            "receive-0-received_quantity": "4",
            "receive-0-reason": "袋破れ",
        },
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.RECEIVED
    assert town.lots.get().kg == Decimal("19.5")


def test_the_delivery_note_pdf_names_the_recipient_and_food(client, staff, hub, tmp_path):
    rice = ItemFactory(name="米")
    receive(hub, rice, 20, actor=staff, expiry=datetime.date(2027, 1, 1))
    cafeteria = consented(RecipientFactory(site=hub, name="ひまわり地域食堂"), actor=staff)
    distribution = services.distribution_create(
        site=hub,
        recipient=cafeteria,
        distributed_on=NOV_20,
        actor=staff,
        requests=[services.PickRequest(rice, Decimal(5))],
    )

    pdf = client.get(reverse("foodhub:distribution-delivery-note", args=[distribution.pk]))

    text = pdf_text(pdf.content)
    assert "納品書" in text
    assert "ひまわり地域食堂" in text
    assert "令和8年11月20日" in text


def test_hub_operators_see_only_their_own_sites(client, hub):
    other = site_with_zones(name="ハブ拠点 香美町")
    staff = secretariat()
    receive(hub, ItemFactory(name="自分の米"), 5, actor=staff, expiry=datetime.date(2027, 1, 1))
    receive(other, ItemFactory(name="よその米"), 5, actor=staff, expiry=datetime.date(2027, 1, 1))
    transfer = services.transfer_send(
        from_site=other,
        to_site=site_with_zones(),
        sent_on=NOV_20,
        actor=staff,
        requests=[services.PickRequest(other.lots.get().item, Decimal(1))],
    )
    client.force_login(operator_of(hub))

    stock = client.get(reverse("foodhub:stock")).content.decode()
    assert "自分の米" in stock
    assert "よその米" not in stock
    assert client.get(reverse("foodhub:transfer-detail", args=[transfer.pk])).status_code == 404
    assert (
        client.get(reverse("admin:foodhub_lot_changelist")).content.decode().count("よその米") == 0
    )


def _count_sheet(lot, *, stock_seen, counted_kg, counted_quantity=10, reason="", step="record"):
    return {
        "idempotency_key": str(uuid.uuid4()),
        "stock_seen": str(stock_seen),
        "counted_on": NOV_20.isoformat(),
        "note": "",
        "step": step,
        "count-TOTAL_FORMS": "1",
        "count-INITIAL_FORMS": "1",
        "count-MIN_NUM_FORMS": "0",
        "count-MAX_NUM_FORMS": "1000",
        "count-0-lot_id": lot.pk,
        "count-0-counted_kg": counted_kg,
        "count-0-counted_quantity": str(counted_quantity),
        "count-0-reason": reason,
    }


def _sheet_mark(client, url) -> int:
    """Open the count sheet and read the stock mark it carries."""
    page = client.get(url).content.decode()
    return int(page.split('name="stock_seen" value="')[1].split('"')[0])


def test_the_count_sheet_is_blind_and_the_difference_is_shown_after_entry(client, staff, hub):
    lot = receive(
        hub,
        ItemFactory(name="米"),
        Decimal("12.34"),
        actor=staff,
        quantity=7,
        expiry=datetime.date(2027, 1, 1),
    )
    url = reverse("foodhub:stocktake-create", args=[lot.zone_id])
    sheet = client.get(url).content.decode()
    assert "米" in sheet and f"#{lot.pk}" in sheet
    assert "12.34" not in sheet and 'value="7"' not in sheet  # no book figures, not even hidden
    mark = _sheet_mark(client, url)

    review = client.post(
        url, _count_sheet(lot, stock_seen=mark, counted_kg="12", counted_quantity=7, step="review")
    )

    page = review.content.decode()
    assert review.status_code == 200
    assert "12.34" in page and "-0.34" in page and "差があります" in page
    assert not LedgerEntry.objects.filter(kind="adjustment").exists()  # nothing recorded yet
    back = client.post(url, _count_sheet(lot, stock_seen=mark, counted_kg="12", step="edit"))
    assert "12.34" not in back.content.decode() and 'value="12"' in back.content.decode()


def test_a_stocktake_page_records_adjustments(client, staff, hub):
    lot = receive(hub, ItemFactory(), 10, actor=staff, expiry=datetime.date(2027, 1, 1))
    url = reverse("foodhub:stocktake-create", args=[lot.zone_id])
    mark = _sheet_mark(client, url)

    response = client.post(
        url, _count_sheet(lot, stock_seen=mark, counted_kg="9", reason="計量誤差")
    )

    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.kg == 9
    entry = LedgerEntry.objects.get(kind="adjustment")
    assert (entry.kg_delta, entry.reason) == (Decimal(-1), "計量誤差")


def test_a_count_with_a_difference_but_no_reason_is_refused_on_the_review(client, staff, hub):
    lot = receive(hub, ItemFactory(), 10, actor=staff, expiry=datetime.date(2027, 1, 1))
    url = reverse("foodhub:stocktake-create", args=[lot.zone_id])
    mark = _sheet_mark(client, url)

    refused = client.post(url, _count_sheet(lot, stock_seen=mark, counted_kg="9"))

    assert refused.status_code == 400
    assert "理由" in refused.content.decode() and "10.00" in refused.content.decode()
    lot.refresh_from_db()
    assert lot.kg == 10


def test_a_disposal_page_records_the_disposal(client, staff, hub):
    lot = receive(hub, ItemFactory(name="豆腐"), 10, actor=staff, expiry=datetime.date(2026, 11, 1))
    page = client.get(reverse("foodhub:disposal-create"), {"lot": lot.pk}).content.decode()
    assert f'name="lot" value="{lot.pk}"' in page and "豆腐" in page  # from the stock page link

    response = client.post(
        reverse("foodhub:disposal-create"),
        {
            "idempotency_key": str(uuid.uuid4()),
            "lot": lot.pk,
            "kg": "10",
            "reason": "expired",
            "disposed_on": NOV_20.isoformat(),
            "note": "",
        },
    )

    assert response.status_code == 302
    assert LedgerEntry.objects.filter(kind="disposal").count() == 1


def test_dashboard_and_csv_exports_are_logged(client, staff, hub):
    rice = ItemFactory(name="米")
    receive(hub, rice, 20, actor=staff, expiry=datetime.date(2027, 1, 1))
    cafeteria = consented(RecipientFactory(site=hub), actor=staff)
    services.distribution_create(
        site=hub,
        recipient=cafeteria,
        distributed_on=NOV_20,
        actor=staff,
        requests=[services.PickRequest(rice, Decimal(5))],
    )

    dashboard = client.get(reverse("foodhub:dashboard"), {"since": "2026-01-01"})
    html = dashboard.content.decode()
    assert dashboard.status_code == 200
    assert "地域食堂" in html
    assert "0.0%" in html

    ledger = client.get(reverse("foodhub:ledger-csv"), {"since": "2026-01-01"})
    text = b"".join(ledger.streaming_content).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 3
    assert "提供" in text
    monthly = client.get(reverse("foodhub:monthly-csv"), {"since": "2026-01-01"})
    assert "2026-11" in b"".join(monthly.streaming_content).decode("utf-8-sig")
    assert list(ExportLog.objects.order_by("pk").values_list("model_label", "row_count")) == [
        ("foodhub.LedgerEntry", 2),
        ("foodhub.LedgerEntry", 2),
    ]


def test_a_count_sheet_opened_before_a_distribution_does_not_undo_it(client, staff, hub):
    rice = ItemFactory(name="米")
    lot = receive(hub, rice, 10, actor=staff, expiry=datetime.date(2027, 1, 1))
    url = reverse("foodhub:stocktake-create", args=[lot.zone_id])
    mark = _sheet_mark(client, url)
    services.distribution_create(
        site=hub,
        recipient=consented(RecipientFactory(site=hub), actor=staff),
        distributed_on=NOV_20,
        actor=staff,
        requests=[services.PickRequest(rice, Decimal(4))],
    )

    stale = client.post(url, _count_sheet(lot, stock_seen=mark, counted_kg="9", reason="計量"))

    assert stale.status_code == 400
    assert "棚卸表を開いた後に在庫が動きました" in stale.content.decode()
    lot.refresh_from_db()
    assert lot.kg == Decimal(6)
    fresh = client.post(
        url,
        _count_sheet(
            lot,
            stock_seen=_sheet_mark(client, url),
            counted_kg="5.5",
            counted_quantity=6,
            reason="計量",
        ),
    )
    assert fresh.status_code == 302
    lot.refresh_from_db()
    assert lot.kg == Decimal("5.5")


def test_the_count_sheet_survives_a_lot_arriving_in_the_zone_meanwhile(client, staff, hub):
    rice = ItemFactory(name="米")
    lot = receive(hub, rice, 10, actor=staff, expiry=datetime.date(2027, 1, 1))
    url = reverse("foodhub:stocktake-create", args=[lot.zone_id])
    mark = _sheet_mark(client, url)
    receive(hub, ItemFactory(name="缶詰"), 3, actor=staff, expiry=datetime.date(2027, 2, 1))

    done = client.post(url, _count_sheet(lot, stock_seen=mark, counted_kg="9", reason="計量"))

    assert done.status_code == 302
    assert LedgerEntry.objects.filter(kind="adjustment").count() == 1


def test_the_pick_list_lists_lots_first_expiry_first_even_after_a_staff_choice(
    client, staff, tmp_path
):
    logistics = site_with_zones(name="ロジ拠点", kind="logistics")
    town = site_with_zones(name="ハブ拠点 智頭町")
    later = receive(
        logistics, ItemFactory(name="乾麺"), 5, actor=staff, expiry=datetime.date(2027, 9, 1)
    )
    sooner = ItemFactory(name="缶詰")
    receive(logistics, sooner, 5, actor=staff, expiry=datetime.date(2027, 2, 1))
    transfer = services.transfer_send(
        from_site=logistics,
        to_site=town,
        sent_on=NOV_20,
        actor=staff,
        requests=[  # the staff-chosen lot is picked (and stored) first
            services.PickRequest(item=None, kg=Decimal(1), lot=later),
            services.PickRequest(item=sooner, kg=Decimal(1)),
        ],
    )

    pdf = client.get(reverse("foodhub:transfer-pick-list", args=[transfer.pk]))

    text = pdf_text(pdf.content)
    assert text.index("缶詰") < text.index("乾麺")


def test_staff_override_a_lot_by_its_number_from_the_stock_page(client, staff, hub):
    rice = ItemFactory(name="米")
    later = receive(hub, rice, 10, actor=staff, expiry=datetime.date(2027, 3, 1))
    receive(hub, rice, 10, actor=staff, expiry=datetime.date(2027, 1, 1))
    cafeteria = consented(RecipientFactory(site=hub), actor=staff)
    assert f"#{later.pk}" in client.get(reverse("foodhub:stock")).content.decode()
    header = {"site": hub.pk, "recipient": cafeteria.pk, "distributed_on": NOV_20.isoformat()}

    unknown = client.post(
        reverse("foodhub:distribution-create"),
        _pick_post(header, [{"item": rice.pk, "kg": "3", "lot": str(later.pk + 100)}]),
    )
    assert "この番号のロットは在庫にありません。" in unknown.content.decode()
    done = client.post(
        reverse("foodhub:distribution-create"),
        _pick_post(header, [{"item": rice.pk, "kg": "3", "lot": str(later.pk)}]),
    )

    assert done.status_code == 302
    assert list(Distribution.objects.get().lines.values_list("lot_id", flat=True)) == [later.pk]
