"""The admin imports (core.imports): a real register as Excel writes it, Japanese errors and
never a traceback, registered rows skipped, the template files, constant queries per batch,
large files in the background with a progress page."""

import csv
import io

import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from import_export.admin import ImportMixin
from openpyxl import Workbook, load_workbook

from core.imports import (
    JapaneseImportMixin,
    bound_every_admin_import,
    choice_from_label,
    columns_of,
    read_choices_by_label,
)
from core.models import ImportJob
from members.demo import FOUNDING_STEERING
from members.models import Membership, Organisation, OrganisationType
from members.resources import RegisterImportResource
from supporters.resources import SupporterResource
from tests.conftest import requires_postgres
from tests.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

HEADINGS = ["団体名", "ふりがな", "種別", "区分", "入会日", "市町村", "メールアドレス"]
# How a 事務局 wrote the types of the founding 幹事団体 in their own spreadsheet.
WRITTEN_TYPES = [
    "特定非営利活動法人",
    "合同会社",
    "協同組合",
    "その他",
    "その他",
    "一般社団法人",
    "その他",
    "その他",
    "その他",
    "その他",
    "その他",
    "社会福祉協議会",
    "その他",
    "行政機関",
    "行政",
]


def _upload(client, content: bytes, name="register.csv", **extra):
    return client.post(
        reverse("admin:members_organisation_import"),
        {"import_file": SimpleUploadedFile(name, content), **extra},
        follow=True,
    )


def _csv(rows, headings=HEADINGS, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _rows(count, start=0):
    return [
        (f"取込団体{n:05d}", f"とりこみ{n:05d}", "NPO法人", "一般団体", "2024-04-01", "", "")
        for n in range(start, start + count)
    ]


def test_the_founding_steering_members_import_from_excels_shift_jis_csv(client, secretariat):
    MunicipalityFactory(name="鳥取市")
    rows = [
        (name, kana, kind, "幹事団体", "2024/4/1", "鳥取市" if i % 2 else "", "")
        for i, ((name, kana), kind) in enumerate(zip(FOUNDING_STEERING, WRITTEN_TYPES, strict=True))
    ]

    checked = _upload(client, _csv(rows, encoding="cp932"))

    html = checked.content.decode()
    assert ImportJob.objects.get().summary["errors"] == []
    preview = html.split('id="import-preview"')[1]
    # Every column it will write, the type and tier as their labels.
    for heading in ("種別", "区分", "入会日", "市町村"):
        assert f">{heading}</th>" in preview
    assert "その他の団体" in preview and "幹事団体" in preview and "2024年4月1日" in preview
    assert not Organisation.objects.exists()

    done = client.post(checked.redirect_chain[-1][0], follow=True)

    assert "15 件を取り込みました。" in done.content.decode()
    assert Membership.objects.active().filter(tier=Membership.Tier.STEERING).count() == 15
    other = Organisation.objects.get(name="鳥取いのちの電話")
    assert other.organisation_type == OrganisationType.OTHER
    npo = Organisation.objects.get(name="特定非営利活動法人鳥取青少年ピアサポート")
    assert npo.organisation_type == OrganisationType.NPO
    assert Organisation.objects.get(name="鳥取県").organisation_type == "public_body"


def test_a_missing_required_column_is_named_in_japanese_without_a_traceback(
    client, secretariat, settings
):
    settings.DEBUG = True  # not even in development
    content = _csv([("NPO法人やず", "やず", "NPO法人")], headings=["団体名", "ふりがな", "種別"])

    response = _upload(client, content)

    html = response.content.decode()
    assert "「区分」、「入会日」、「市町村」" in html
    for leak in ("Traceback", "_seen", "has no attribute", "Error"):
        assert leak not in html
    assert not ImportJob.objects.exists()


def test_rows_already_registered_are_skipped_and_reported(client, secretariat):
    MembershipFactory(organisation__name="ＮＰＯ法人　やず")
    content = _csv(
        [
            ("NPO法人やず", "やず", "NPO法人", "一般団体", "2024-04-01", "", ""),
            ("NPO法人ちづ", "ちづ", "ＮＰＯ", "一般", "2024-04-01", "", ""),
        ]
    )

    checked = _upload(client, content)
    html = checked.content.decode()
    assert 'id="import-skipped"' in html and "NPO法人やず" in html.split('id="import-skipped"')[1]
    done = client.post(checked.redirect_chain[-1][0], follow=True)

    assert "1 件を取り込みました。登録済みの 1 件は飛ばしました。" in done.content.decode()
    assert Organisation.objects.count() == 2
    assert Organisation.objects.get(name="NPO法人ちづ").organisation_type == "npo"


def test_row_errors_name_the_line_and_the_column_in_japanese(client, secretariat):
    content = _csv(
        [
            ("NPO法人やず", "やず", "NPO法人", "一般団体", "2024-04-01", "", ""),
            ("NPO法人ちづ", "ちづ", "社会福祉", "普通", "昨日", "智頭村", "x"),
        ]
    )

    html = _upload(client, content).content.decode()

    errors = html.split('id="import-errors"')[1]
    assert "<td>3</td><td>種別</td>" in errors  # line 3: the heading is line 1
    assert "<td>3</td><td>区分</td>" in errors
    assert "<td>3</td><td>入会日</td>" in errors
    assert "智頭村" in errors
    assert 'id="import-confirm"' not in html


def test_an_xlsx_with_date_cells_is_read(client, secretariat):
    import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    sheet.append(["NPO法人いわみ", "いわみ", "NPO法人", "一般団体", datetime.date(2024, 4, 1)])
    out = io.BytesIO()
    workbook.save(out)

    checked = _upload(client, out.getvalue(), name="register.xlsx")
    client.post(checked.redirect_chain[-1][0])

    assert Membership.objects.get().started_on == datetime.date(2024, 4, 1)


def test_the_page_lists_required_and_optional_columns_and_the_accepted_values(client, secretariat):
    html = client.get(reverse("admin:members_organisation_import")).content.decode()

    table = html.split('id="import-columns-0"')[1]
    for heading in ("種別", "区分", "入会日", "市町村"):
        row = table.split(f'<th scope="row">{heading}</th>')[1].split("</tr>")[0]
        assert "必須" in row, heading
    kana = table.split('<th scope="row">ふりがな</th>')[1].split("</tr>")[0]
    assert "任意" in kana
    assert "その他の団体" in table and "幹事団体、一般団体" in table


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_has_the_exact_headings_and_an_example_that_imports(client, secretariat, kind):
    MunicipalityFactory(name="鳥取市")
    url = reverse("admin:members_organisation_import_template", args=[kind])

    response = client.get(url)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if kind == "csv":
        assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
        headings = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        headings = [cell.value for cell in sheet[1]]
    assert headings == [c.heading for c in RegisterImportResource.import_columns()]
    checked = _upload(client, response.content, name=f"template.{kind}")
    assert 'id="import-confirm"' in checked.content.decode()


def test_every_import_page_offers_its_template(client, secretariat):
    response = client.get(reverse("admin:supporters_supporter_import"))
    csv_url = reverse("admin:supporters_supporter_import_template", args=["csv"])

    assert csv_url in response.content.decode()
    headings = client.get(csv_url).content.decode("utf-8-sig").splitlines()[0].split(",")
    assert headings[:2] == ["氏名", "ふりがな"]
    required = {c.heading for c in columns_of(SupporterResource) if c.required}
    assert {"市町", "登録日"} <= required


def _queries_for(rows: int, user) -> int:
    dataset = tablib.Dataset(*_rows(rows, start=rows * 1000), headers=HEADINGS)
    with CaptureQueriesContext(connection) as captured:
        result = RegisterImportResource().import_data(
            dataset, dry_run=False, use_transactions=True, user=user
        )
    assert not result.has_errors() and not result.has_validation_errors()
    return len(captured.captured_queries)


# SQLite splits one bulk INSERT into several at its 999-parameter limit, so only PostgreSQL (the
# production database) shows the count per batch.
@requires_postgres()
def test_the_register_import_issues_the_same_queries_for_10_rows_as_for_100(secretariat):
    MembershipFactory()  # the register is not empty

    few, many = _queries_for(10, secretariat), _queries_for(100, secretariat)

    assert few == many
    assert Organisation.objects.count() == 111
    imported = Membership.history.filter(history_change_reason="members.membership.imported")
    assert imported.filter(history_user=secretariat).count() == 110


def test_a_large_file_is_checked_and_imported_in_the_background_with_progress(
    client, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 5
    with django_capture_on_commit_callbacks(execute=True):
        checked = _upload(client, _csv(_rows(8)))
    job = ImportJob.objects.get()
    assert job.in_background and job.stage == ImportJob.Stage.CHECKED
    assert job.summary["new"] == 8

    job.stage = ImportJob.Stage.IMPORTING  # as the page shows it while the worker runs
    job.save()
    running = client.get(checked.redirect_chain[-1][0]).content.decode()
    assert 'http-equiv="refresh"' in running and 'id="import-progress"' in running
    job.stage = ImportJob.Stage.CHECKED
    job.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(checked.redirect_chain[-1][0])
    done = client.get(checked.redirect_chain[-1][0])

    job.refresh_from_db()
    assert job.stage == ImportJob.Stage.DONE and bytes(job.content) == b""
    assert "8 件を取り込みました。" in done.content.decode()
    assert 'http-equiv="refresh"' not in done.content.decode()
    assert Organisation.objects.count() == 8


def test_a_second_confirmation_imports_nothing_twice(client, secretariat):
    checked = _upload(client, _csv(_rows(2)))
    url = checked.redirect_chain[-1][0]

    client.post(url)
    again = client.post(url, follow=True)

    assert "取り込みを待っているファイルではありません" in again.content.decode()
    assert Organisation.objects.count() == 2


def test_another_users_import_cannot_be_read(client, secretariat, django_user_model):
    from core import roles
    from tests.factories import StaffFactory

    checked = _upload(client, _csv(_rows(1)))
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))

    assert client.get(checked.redirect_chain[-1][0]).status_code == 403


def test_choice_labels_accept_the_obvious_synonyms():
    types = OrganisationType.choices

    assert choice_from_label("その他", types) == "other"
    assert choice_from_label("ＮＰＯ法人", types) == "npo"
    assert choice_from_label("ｎｐｏ法人", types) == "npo"
    assert choice_from_label("社会福祉", types) is None  # 社会福祉法人 or 社会福祉協議会
    assert choice_from_label("", types) is None


def test_a_choice_column_of_any_import_reads_the_japanese_label():
    from core.exports import SafeModelResource

    class PlainResource(SafeModelResource):
        class Meta:
            model = Organisation
            fields = ("name", "organisation_type")

    resource = PlainResource()
    read_choices_by_label(resource)
    widget = resource.fields["organisation_type"].widget

    assert widget.clean("その他") == "other" and widget.clean("ＮＰＯ法人") == "npo"
    with pytest.raises(ValueError, match="その他の団体"):
        widget.clean("宇宙人")
    types = next(c for c in columns_of(PlainResource) if c.heading == "団体の種別")
    assert "その他の団体" in types.choices


def test_every_admin_import_gets_the_japanese_import_page_even_if_declared_plainly():
    site = admin.AdminSite(name="probe")

    class PlainImportAdmin(ImportMixin, admin.ModelAdmin):
        pass

    site.register(Organisation, PlainImportAdmin)

    assert bound_every_admin_import(site) == ["members.Organisation"]
    assert isinstance(site._registry[Organisation], JapaneseImportMixin)
    importing = [a for a in admin.site._registry.values() if isinstance(a, ImportMixin)]
    assert importing and all(isinstance(a, JapaneseImportMixin) for a in importing)


@pytest.mark.parametrize(
    ("model_name", "model"),
    [("trainingsession", "TrainingSession"), ("tsunagarimeeting", "TsunagariMeeting")],
)
def test_past_trainings_and_meetings_import_through_the_same_page(
    client, secretariat, model_name, model
):
    from supporters import models as supporters_models

    MunicipalityFactory(name="八頭町")
    template = client.get(
        reverse(f"admin:supporters_{model_name}_import_template", args=["csv"])
    ).content
    assert template.startswith(b"\xef\xbb\xbf")

    def import_template():
        checked = client.post(
            reverse(f"admin:supporters_{model_name}_import"),
            {
                "import_file": SimpleUploadedFile(
                    "past.csv", template.decode("utf-8-sig").encode("cp932")
                )
            },
            follow=True,
        )
        return client.post(checked.redirect_chain[-1][0], follow=True).content.decode()

    assert "1 件を取り込みました。" in import_template()
    assert "登録済みの 1 件は飛ばしました。" in import_template()  # the same row again
    assert getattr(supporters_models, model).objects.count() == 1


def test_the_import_pages_are_in_japanese(client, secretariat, monkeypatch):
    from tests.staff.test_japanese import english_words

    # Format and encoding names as Excel's own save dialog writes them.
    formats = {"UTF", "Shift", "JIS", "xlsx"}

    def failing_check(self, instance, row):
        raise RuntimeError("unexpected English failure")

    monkeypatch.setattr(RegisterImportResource, "_check_email", failing_check)
    pages = [
        client.get(reverse("admin:members_organisation_import")),
        client.get(reverse("admin:supporters_supporter_import")),
        client.get(reverse("admin:supporters_trainingsession_import")),
        _upload(client, b"\x81\xff\xfe broken"),  # neither UTF-8 nor cp932
        _upload(client, _csv(_rows(2))),  # a row that fails unexpectedly
    ]

    for response in pages:
        html = response.content.decode().replace("register.csv", "")  # the file's name is data
        assert response.status_code == 200
        assert english_words(html) - formats == set()
        assert "unexpected" not in html and "Traceback" not in html
    assert "この行を読み取れませんでした" in pages[-1].content.decode()
    assert "ファイルの文字を読み取れません" in pages[-2].content.decode()


def test_a_checked_file_nobody_confirms_is_discarded_after_a_day(client, secretariat):
    import datetime

    from django.utils import timezone

    checked = _upload(client, _csv(_rows(1)))
    ImportJob.objects.update(updated_at=timezone.now() - datetime.timedelta(days=1, minutes=1))

    _upload(client, _csv(_rows(1, start=5)))  # any later upload tidies up

    stale = ImportJob.objects.order_by("pk").first()
    assert stale.stage == ImportJob.Stage.FAILED and bytes(stale.content) == b""
    page = client.get(checked.redirect_chain[-1][0]).content.decode()
    assert "破棄しました" in page and 'id="import-confirm"' not in page
