"""A resident cancels a training sign-up from the link in the confirmation e-mail, the place goes
to the first person waiting, and the month calendar on a phone and a wide screen (Playwright +
Debian Chromium; screenshots under $KIRIN_SCREENSHOTS, else the test's tmp dir)."""

import datetime
import os
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from supporters import services
from supporters.models import Registration
from tests.factories import MunicipalityFactory

from .factories import TrainingSessionFactory, at, signup_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _shoot(page, name) -> dict[int, int]:
    folder = Path(os.environ.get("KIRIN_SCREENSHOTS", "/tmp/kirin-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    overflow = {}
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(folder / f"supporters-{name}-{width}.png"), full_page=True)
        overflow[width] = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    return overflow


def test_a_sign_up_is_cancelled_from_its_e_mail_link_and_the_place_goes_to_the_waiting_list(
    live_server, page
):
    town = MunicipalityFactory(name="智頭町")
    session = TrainingSessionFactory(
        title="智頭町つながりサポーター養成研修",
        municipality=town,
        capacity=1,
        starts_at=at(timezone.localdate() + datetime.timedelta(days=10), 13),
    )
    page.goto(f"{live_server.url}/supporters/trainings/{session.pk}/signup/")
    page.get_by_label("氏名").fill("智頭 花子")
    page.get_by_label("ふりがな").fill("ちづ はなこ")
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("市町").select_option(label="智頭町")
    page.get_by_label("個人情報の取扱い（上記）に同意します").check()
    page.get_by_role("button", name="申し込む").click()
    assert page.get_by_role("heading", name="お申込みありがとうございます").is_visible()
    waiting, _created = services.registration_create(
        session_id=session.pk,
        data=signup_data(town, email="taro@example.jp", full_name="智頭 太郎"),
        token=uuid.uuid4(),
        waitlist=True,
    )
    assert waiting.status == Registration.Status.WAITLISTED

    confirmation = next(m for m in mail.outbox if m.to == ["hanako@example.jp"])
    link = re.search(r"https?://\S+/supporters/trainings/cancel/\S+/", confirmation.body).group(0)
    assert "まで、こちらのリンクからお申込みを取り消せます" in confirmation.body
    page.goto(live_server.url + urlsplit(link).path)
    assert page.get_by_text("智頭町つながりサポーター養成研修").is_visible()
    assert Registration.objects.get(email="hanako@example.jp").status == "registered"
    assert _shoot(page, "cancel") == {1280: 0, 360: 0}
    page.get_by_role("button", name="申込を取り消す").click()

    assert page.get_by_text("お申込みを取り消しました。").is_visible()
    assert Registration.objects.get(email="hanako@example.jp").status == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
    offer = next(m for m in mail.outbox if m.to == ["taro@example.jp"] and "空き" in m.subject)
    offer_link = re.search(r"https?://\S+/supporters/trainings/offer/\S+/", offer.body).group(0)
    page.goto(live_server.url + urlsplit(offer_link).path)
    page.get_by_role("button", name="参加を申し込む").click()
    assert page.get_by_text("お申込みが確定しました").is_visible()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED

    page.goto(live_server.url + urlsplit(link).path)  # the link again: already cancelled
    assert page.get_by_text("このお申込みはすでに取り消されています。").is_visible()


def test_the_month_calendar_fits_a_phone_and_a_wide_screen(live_server, page):
    town = MunicipalityFactory(name="八頭町")
    day = timezone.localdate() + datetime.timedelta(days=3)
    TrainingSessionFactory(
        title="八頭町つながりサポーター養成研修", municipality=town, starts_at=at(day, 13)
    )
    TrainingSessionFactory(title="夜の更新研修", municipality=town, starts_at=at(day, 19))

    page.goto(f"{live_server.url}/supporters/trainings/")
    page.get_by_role("link", name="月のカレンダーで表示").click()
    if page.get_by_text("八頭町つながりサポーター養成研修").count() == 0:  # next month's day
        page.get_by_role("link", name=re.compile("→")).click()

    calendar = page.get_by_role("table")
    assert calendar.get_by_role("columnheader", name="日").is_visible()
    assert calendar.get_by_role("link", name="八頭町つながりサポーター養成研修").is_visible()
    assert "19:00〜" in calendar.inner_text()
    assert _shoot(page, "calendar") == {1280: 0, 360: 0}
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.get_by_role("link", name="夜の更新研修").is_visible()
