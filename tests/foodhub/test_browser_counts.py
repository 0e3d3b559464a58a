"""A blind stocktake in a real browser, and every hub form on a 360 px phone and a 1280 px
screen (Playwright + Debian Chromium; screenshots under $KIRIN_SCREENSHOTS for a person to look
at, else the test's tmp dir)."""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from foodhub import services
from foodhub.models import LedgerEntry, Transfer

from .factories import (
    DonorFactory,
    ItemFactory,
    RecipientFactory,
    consented,
    operator_of,
    receive,
    site_with_zones,
    zone,
)
from .test_browser import PASSWORD, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _later(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _shoot(page, folder: Path, name: str) -> dict[int, int]:
    """Full-page PNGs at 1280 and 360 px; returns how far each overflows its window (px)."""
    overflow = {}
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(folder / f"foodhub-{name}-{width}.png"), full_page=True)
        overflow[width] = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    return overflow


@pytest.fixture
def folder(tmp_path):
    path = Path(os.environ.get("KIRIN_SCREENSHOTS", tmp_path))
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_a_blind_stocktake_shows_the_books_only_after_the_count(live_server, page, folder):
    hub = site_with_zones(name="ハブ拠点 智頭町")
    operator = operator_of(hub, email="chizu@example.jp")
    operator.set_password(PASSWORD)
    operator.save()
    rice = receive(
        hub, ItemFactory(name="米（5kg袋）"), "30", actor=operator, quantity=6, expiry=_later(200)
    )
    onions = receive(
        hub,
        ItemFactory(name="玉ねぎ", has_expiry=False),
        "12.4",
        actor=operator,
        quantity=0,
        expiry=None,
        date_kind="none",
    )

    log_in(page, live_server, f"/foodhub/zones/{rice.zone_id}/stocktake/", "chizu@example.jp")

    sheet = page.locator("#stocktake-form")
    assert "30.00" not in sheet.inner_text() and "12.40" not in sheet.inner_text()
    assert "期限なし" in sheet.inner_text()  # the onions have no date
    assert sheet.locator("input[name$='counted_kg']").first.input_value() == ""
    assert _shoot(page, folder, "stocktake-sheet") == {1280: 0, 360: 0}
    page.get_by_label(f"#{rice.pk} 米（5kg袋） 実数のkg").fill("30")
    page.get_by_label(f"#{rice.pk} 米（5kg袋） 実数の個数").fill("6")
    page.get_by_label(f"#{onions.pk} 玉ねぎ 実数のkg").fill("11.9")
    page.get_by_label(f"#{onions.pk} 玉ねぎ 実数の個数").fill("0")
    page.get_by_role("button", name="差を確認する").click()

    review = page.locator("#stocktake-review")
    assert "帳簿と差があります（1 ロット）" in page.locator("#count-summary").inner_text()
    assert "12.40" in review.inner_text() and "-0.50" in review.inner_text()
    assert LedgerEntry.objects.filter(kind="adjustment").count() == 0
    assert _shoot(page, folder, "stocktake-review") == {1280: 0, 360: 0}
    page.get_by_label(f"#{onions.pk} 差異の理由").fill("傷んだ玉ねぎを除いた")
    page.get_by_role("button", name="棚卸を記録する").click()

    assert page.get_by_text("棚卸を記録しました").is_visible()
    entry = LedgerEntry.objects.get(kind="adjustment")
    assert (entry.lot_id, entry.kg_delta, entry.reason) == (
        onions.pk,
        Decimal("-0.50"),
        "傷んだ玉ねぎを除いた",
    )


def test_every_hub_form_fits_a_360_px_phone(live_server, page, folder):
    logistics = site_with_zones(name="ロジ拠点（鳥取市）", kind="logistics")
    town = site_with_zones(name="ハブ拠点 智頭町")
    operator = operator_of(logistics, town, email="hub@example.jp")
    operator.set_password(PASSWORD)
    operator.save()
    rice = ItemFactory(name="米（5kg袋）")
    lot = receive(logistics, rice, "40", actor=operator, expiry=_later(200))
    DonorFactory(name="鳥取県生活協同組合")
    cafeteria = consented(RecipientFactory(site=logistics, name="ひまわり地域食堂"), actor=operator)
    RecipientFactory(site=logistics, name="みなみ子ども食堂")
    transfer = services.transfer_send(
        from_site=logistics,
        to_site=town,
        sent_on=timezone.localdate(),
        actor=operator,
        requests=[services.PickRequest(rice, Decimal(5))],
    )
    assert transfer.status == Transfer.Status.IN_TRANSIT
    services.distribution_create(
        site=logistics,
        recipient=cafeteria,
        distributed_on=timezone.localdate(),
        actor=operator,
        requests=[services.PickRequest(rice, Decimal(2))],
    )
    log_in(page, live_server, "/foodhub/", "hub@example.jp")

    pages = {
        "stock": "/foodhub/",
        "donation": "/foodhub/donations/new/",
        "transfer-new": "/foodhub/transfers/new/",
        "transfers": "/foodhub/transfers/",
        "transfer-receive": f"/foodhub/transfers/{transfer.pk}/",
        "distribution": "/foodhub/distributions/new/",
        "disposal": f"/foodhub/disposals/new/?lot={lot.pk}",
        "stocktake": f"/foodhub/zones/{zone(logistics).pk}/stocktake/",
        "recipients": "/foodhub/recipients/",
        "consent": f"/foodhub/recipients/{cafeteria.pk}/consent/",
        "dashboard": "/foodhub/dashboard/",
        "requests": "/foodhub/requests/",
        "recall": f"/foodhub/recall/?lot={lot.pk}",
    }
    too_wide = {}
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        overflow = _shoot(page, folder, name)
        if any(overflow.values()):
            too_wide[name] = overflow
    assert too_wide == {}
