"""The council workspace in a real browser (Chromium): a concern arriving in intake, an intake
through needs, plan, support by two agencies, follow-up, closure and an approved 事例, and a case
worker of an unassigned agency finding nothing."""

import re
import uuid

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from council.models import Case, CaseExample, CouncilMember, SupporterConcern
from tests.council.factories import (
    AgencyFactory,
    CouncilFactory,
    CouncilMemberFactory,
    intake_member,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _as(browser, live_server, user):
    """A browser tab signed in as `user` (the session of a forced login: TOTP is set up)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def _label(scope, text):
    """The field labelled exactly `text` (the form marks required fields with " *")."""
    return scope.get_by_label(re.compile("^" + re.escape(text) + r"( \*)?$"))


def _submit(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.get_by_text("保存しました。")).to_be_visible()


def test_intake_to_closure_and_an_approved_example(live_server, browser):
    council = CouncilFactory()
    intake = intake_member(council, can_override_consent=True)
    supervisor = CouncilMemberFactory(agency=intake.agency, role=CouncilMember.Role.SUPERVISOR)
    worker_a = CouncilMemberFactory(agency=AgencyFactory(council=council))
    worker_b = CouncilMemberFactory(agency=AgencyFactory(council=council))
    outsider = CouncilMemberFactory(agency=AgencyFactory(council=council))
    base = f"{live_server.url}/council"

    # A supporter's concern arrives in the intake queue.
    concern = SupporterConcern.objects.create(
        receipt_number="R-BROWSER1",
        submission_token=uuid.uuid4(),
        council=council,
        municipality=council.municipality,
        supporter_name="架空 サポーター",
        supporter_email="s@example.jp",
        concern="近所の方を最近見かけません。",
        urgency="soon",
    )
    page = _as(browser, live_server, intake.user)
    page.goto(f"{base}/intake/")
    page.get_by_role("link", name="R-BROWSER1").click()
    expect(page.get_by_text("近所の方を最近見かけません。")).to_be_visible()
    page.get_by_role("link", name="ケースとして受け付ける").click()

    # 1. Intake.
    _label(page, "受付日").fill("2026-05-01")
    _label(page, "根拠").select_option("consent")
    _label(page, "情報共有への同意").select_option("given")
    page.get_by_role("checkbox", name="ひきこもり").check()
    _label(page, "氏名").fill("架空 五郎")
    _label(page, "ふりがな").fill("かくう ごろう")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_text("ケースを受け付けました。")).to_be_visible()
    case = Case.objects.get()
    assert SupporterConcern.objects.get(pk=concern.pk).case == case

    for agency in (worker_a.agency, worker_b.agency):
        _label(page, "支援機関").select_option(str(agency.pk))
        _submit(page, "共有する")

    # 2. Needs.
    page.get_by_role("link", name="ニーズ").click()
    _label(page, "聞き取り日").fill("2026-05-03")
    _label(page, "本人の希望").fill("外に出るきっかけがほしい")
    _submit(page, "聞き取りを記録")

    # 3. Meeting and plan, sent for approval.
    page.get_by_role("link", name="支援計画").first.click()
    _label(page, "開催日").fill("2026-05-10")
    _label(page, "出席者").fill("調整機関、A、B")
    _submit(page, "会議を記録")
    _label(page, "支援調整会議").select_option(index=1)
    _label(page, "支援方針・目標").fill("居場所につなぐ")
    _label(page, "支援機関1").select_option(str(worker_a.agency.pk))
    _label(page, "役割1").fill("居場所の紹介")
    _label(page, "支援機関2").select_option(str(worker_b.agency.pk))
    _label(page, "役割2").fill("訪問")
    _submit(page, "支援計画を保存")
    page.get_by_role("button", name="統括責任者に承認を依頼").click()

    boss = _as(browser, live_server, supervisor.user)
    boss.goto(f"{base}/approvals/")
    boss.get_by_role("button", name="承認する").click()
    expect(boss.get_by_text("決定を記録しました。")).to_be_visible()

    # 4. Support by two agencies.
    for worker, text in ((worker_a, "居場所に同行"), (worker_b, "自宅を訪問")):
        tab = _as(browser, live_server, worker.user)
        tab.goto(f"{base}/cases/{case.reference}/?tab=support")
        _label(tab.locator("form.action").nth(1), "支援機関").select_option(str(worker.agency.pk))
        _label(tab, "日付").fill("2026-05-20")
        _label(tab, "支援内容").fill(text)
        _submit(tab, "記録を追加")

    # 5. Follow-up.
    page.goto(f"{base}/cases/{case.reference}/?tab=follow_up")
    _label(page, "確認予定日").fill("2026-06-01")
    _submit(page, "確認日を登録")
    page.locator("input[name=done_on]").fill("2026-06-01")
    page.locator("input[name=note]").fill("安定している")
    _submit(page, "完了")

    # Closure, approved by the supervisor.
    page.goto(f"{base}/cases/{case.reference}/?tab=closure")
    _label(page, "終結理由").select_option("resolved")
    _submit(page, "統括責任者に終結の承認を依頼")
    boss.goto(f"{base}/approvals/")
    boss.get_by_role("button", name="承認する").click()
    expect(boss.get_by_text("決定を記録しました。")).to_be_visible()

    # 事例: the check refuses the name, then a clean draft, approved by a second member.
    page.goto(f"{base}/cases/{case.reference}/?tab=closure")
    _label(page, "表題").fill("外出のきっかけづくり")
    _label(page, "事例").fill("架空五郎さんは…")
    page.get_by_role("button", name="事例を作成").click()
    expect(page.get_by_text("本人が特定されるおそれ")).to_be_visible()
    _label(page, "表題").fill("外出のきっかけづくり")
    _label(page, "事例").fill("ひきこもりの方が居場所につながった。")
    _submit(page, "事例を作成")
    other = _as(browser, live_server, worker_a.user)
    other.goto(f"{base}/cases/{case.reference}/?tab=closure")
    _submit(other, "承認する（作成者以外）")
    assert CaseExample.objects.get().status == CaseExample.Status.APPROVED
    assert Case.objects.get().status == Case.Status.CLOSED

    # A case worker of an unassigned agency finds nothing.
    stranger = _as(browser, live_server, outsider.user)
    stranger.goto(f"{base}/")
    expect(stranger.get_by_text("ケースはありません。")).to_be_visible()
    response = stranger.goto(f"{base}/cases/{case.reference}/")
    assert response.status == 404
