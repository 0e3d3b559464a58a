"""The register import in a real browser at 1280 px: the page with its columns and templates, a
Shift_JIS file checked (preview with the labels it will store, one row skipped), then imported."""

import csv
import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core import roles
from members.models import Membership
from tests.factories import MembershipFactory, MunicipalityFactory, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_secretariat_imports_a_shift_jis_register_at_1280_px(live_server, page, tmp_path):
    StaffFactory(email="jimukyoku@example.jp", roles=[roles.SECRETARIAT])
    MunicipalityFactory(name="鳥取市")
    MembershipFactory(organisation__name="鳥取いのちの電話")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["団体名", "ふりがな", "種別", "区分", "入会日", "市町村", "代表者", "所在地"])
    writer.writerow(["鳥取いのちの電話", "いのちのでんわ", "その他", "幹事団体", "2024/4/1"])
    for n in range(1, 6):
        writer.writerow(
            [
                f"特定非営利活動法人きりん{n}",
                f"きりん{n}",
                "ＮＰＯ法人" if n % 2 else "その他",
                "幹事団体" if n == 1 else "一般団体",
                "2024年4月1日",
                "鳥取市",
                f"理事長 麒麟 {n}郎",
                f"鳥取市東町一丁目{n}番地 きりんのまち活動センター2階",
            ]
        )
    upload = tmp_path / "幹事団体名簿.csv"
    upload.write_bytes(out.getvalue().encode("cp932"))
    folder = Path(os.environ.get("KIRIN_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/members/organisation/import/")
    page.get_by_label("メールアドレス").fill("jimukyoku@example.jp")
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/admin/members/organisation/import/")
    expect(page.get_by_role("link", name="Excel（.xlsx）")).to_be_visible()
    page.screenshot(path=folder / "import-register-1280.png", full_page=True)

    wrong = tmp_path / "誤りのある名簿.csv"
    wrong.write_bytes(
        "団体名,種別,区分,入会日,市町村\r\nきりん会,個人,普通,昨日,東京都\r\n".encode("cp932")
    )
    page.get_by_label("ファイル（CSV または Excel の .xlsx）").set_input_files(wrong)
    page.get_by_role("button", name="ファイルを確認する").click()
    expect(page.locator("#import-errors")).to_contain_text("個人は会員になれません。")
    expect(page.locator("#import-confirm")).to_have_count(0)
    page.screenshot(path=folder / "import-register-errors-1280.png", full_page=True)

    page.get_by_role("link", name="別のファイルを取り込む").click()
    page.get_by_label("ファイル（CSV または Excel の .xlsx）").set_input_files(upload)
    page.get_by_role("button", name="ファイルを確認する").click()
    expect(page.locator("#import-preview")).to_contain_text("その他の団体")
    expect(page.locator("#import-skipped")).to_contain_text("鳥取いのちの電話")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=folder / "import-register-preview-1280.png", full_page=True)
    assert overflow <= 0, f"the preview is {overflow} px wider than a 1280 px window"

    page.get_by_role("button", name="5 件を取り込む").click()
    expect(page.locator(".import-done")).to_contain_text(
        "5 件を取り込みました。登録済みの 1 件は飛ばしました。"
    )
    page.screenshot(path=folder / "import-register-done-1280.png", full_page=True)
    assert Membership.objects.filter(tier="steering").count() == 1
    assert Membership.objects.count() == 6
