import datetime

import pytest
import tablib
from django.urls import reverse

from core import roles
from core.models import ExportLog
from members import services
from members.models import (
    AgendaItem,
    Application,
    Attendance,
    Meeting,
    Membership,
    Organisation,
    Prospect,
)
from members.resources import MembershipExportResource, RegisterImportResource
from tests.conftest import assert_constant_queries, pdf_text, response_bytes
from tests.factories import MembershipFactory, MunicipalityFactory, StaffFactory

from .factories import ApplicationFactory, SteeringMembershipFactory

pytestmark = pytest.mark.django_db


def _make_rows(model, n, staff):
    if model is Organisation or model is Membership:
        # Each row with its own municipality, so that a missing select_related shows.
        for _ in range(n):
            MembershipFactory(organisation__municipality=MunicipalityFactory())
    elif model is Prospect:
        for i in range(n):
            Prospect.objects.create(
                name=f"見込み{i}",
                municipality=MunicipalityFactory(),
                introduced_by=MembershipFactory().organisation,
            )
    elif model is AgendaItem:
        meeting = services.meeting_create(
            title="会議", held_on=datetime.date(2025, 1, 1), actor=staff
        )
        for i in range(n):
            services.agenda_item_add(
                meeting=meeting,
                kind=AgendaItem.Kind.STEERING_LEAVE,
                title=f"議案{i}",
                subject=SteeringMembershipFactory().organisation,
                actor=staff,
            )
    elif model is Application:
        town = MunicipalityFactory()
        for _ in range(n):
            ApplicationFactory(municipality=town)
    elif model is Meeting:
        for i in range(n):
            services.meeting_create(
                title=f"会議{i}", held_on=datetime.date(2025, 1, 1), actor=staff
            )


@pytest.mark.parametrize(
    "model", [Organisation, Membership, Application, Meeting, Prospect, AgendaItem]
)
def test_changelists_issue_a_constant_number_of_queries(client, secretariat, model):
    url = reverse(f"admin:members_{model._meta.model_name}_changelist")

    def changelist():
        assert client.get(url).status_code == 200

    assert_constant_queries(changelist, lambda n: _make_rows(model, n, secretariat))


def test_the_register_export_is_logged_and_constant_in_queries(client, secretariat):
    url = reverse("admin:members_membership_export")
    fields = {
        f"membershipexportresource_{name}": "on" for name in MembershipExportResource._meta.fields
    }

    def export():
        response = client.post(url, {"format": "0", "resource": "0", **fields})
        assert response.status_code == 200
        return response_bytes(response).decode("utf-8-sig")

    content, _ = assert_constant_queries(export, lambda n: _make_rows(Membership, n, secretariat))

    assert "団体名" in content
    assert ExportLog.objects.filter(model_label="members.Membership").count() == 2


def test_the_secretariat_approves_an_application_in_the_admin(
    client, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(checked_activity=False)
    url = reverse("admin:members_application_change", args=[application.pk])
    page = client.get(url).content.decode()
    assert "_approve" in page

    data = {
        "organisation": "",
        "checked_activity": "on",
        "checked_no_antisocial": "on",
        "checked_is_organisation": "on",
        "decision_reason": "要領第2条の確認済み",
        "_approve": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.decided_by == secretariat
    assert Membership.objects.active().filter(organisation__name=application.name).exists()
    assert len(mailoutbox) == 1


def test_the_admin_shows_until_when_an_expelled_organisation_is_barred(client, secretariat):
    expelled = MembershipFactory(
        ended_on=datetime.date(2025, 6, 1),
        end_reason=Membership.EndReason.EXPELLED,
        expulsion_ground="breach",
    )
    application = ApplicationFactory(
        organisation=expelled.organisation, is_reapplication=True, reapplication_reasons="改善"
    )
    url = reverse("admin:members_application_change", args=[application.pk])

    page = client.get(url).content.decode()
    assert "2028年6月2日" in page

    response = client.post(
        url,
        {
            "organisation": expelled.organisation.pk,
            "checked_activity": "on",
            "checked_no_antisocial": "on",
            "checked_is_organisation": "on",
            "decision_reason": "",
            "_approve": "1",
        },
        follow=True,
    )
    assert "2028年6月2日 より前は再入会を承認できません" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_meeting_runs_in_the_admin_from_notice_to_minutes(
    client, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    steering = [SteeringMembershipFactory().organisation for _ in range(3)]
    general = MembershipFactory()
    add = client.post(
        reverse("admin:members_meeting_add"),
        {
            "kind": "meeting",
            "title": "第5回プラットフォーム会議",
            "held_on": "2025-06-01",
            "place": "中央人権福祉センター",
            "reminder_days": "3",
            "minutes_note": "",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-kind": "expel",
            "items-0-title": "一般団体の除名",
            "items-0-subject": general.organisation.pk,
            "items-0-expulsion_ground": "no_contact",
            "items-0-proposed_rules": "",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
        },
    )
    assert add.status_code == 302, add.content.decode()[:2000]
    meeting = Meeting.objects.get()
    item = meeting.items.get()
    assert meeting.rule_set.version == 1

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("admin:members_meeting_changelist"),
            {"action": "send_notice", "_selected_action": [meeting.pk]},
            follow=True,
        )
    assert "3 件の通知を送信待ちにしました。" in sent.content.decode()
    assert len(mailoutbox) == 3
    for org in steering:
        services.attendance_record(
            meeting=meeting, organisation=org, mode=Attendance.Mode.IN_PERSON, actor=secretariat
        )
    for org in steering[:2]:
        services.vote_record(item=item, organisation=org, choice="for", actor=secretariat)
    item_url = reverse("admin:members_agendaitem_change", args=[item.pk])
    response = client.post(
        item_url,
        {
            "title": item.title,
            "description": "",
            "votes-TOTAL_FORMS": "2",
            "votes-INITIAL_FORMS": "2",
            "_decide": "1",
        },
        follow=True,
    )
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PASSED
    assert "賛成 2・反対 0・棄権 0（出席 3 の 2/3 = 2 以上）で可決。" in response.content.decode()
    general.refresh_from_db()
    assert general.ended_by_item == item

    pdf = client.get(reverse("admin:members_meeting_minutes", args=[meeting.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, layout=False)
    assert "議事録" in text
    assert "令和7年6月1日" in text
    assert "出席 3/3" in text


def _register(rows):
    dataset = tablib.Dataset(
        headers=["団体名", "ふりがな", "種別", "区分", "入会日", "市町村", "メールアドレス"]
    )
    for row in rows:
        dataset.append(row)
    return dataset


def test_importing_a_register_saves_every_row_with_its_membership():
    MunicipalityFactory(name="八頭町")
    dataset = _register(
        [
            (
                "NPO法人やず",
                "やず",
                "NPO法人",
                "一般団体",
                "2024-04-01",
                "八頭町",
                "yazu@example.jp",
            ),
            (
                "鳥取県社会福祉協議会",
                "とっとりけんしゃきょう",
                "社会福祉協議会",
                "幹事団体",
                "2024年4月1日",
                "",
                "",
            ),
        ]
    )

    result = RegisterImportResource().import_data(
        dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )

    assert not result.has_errors() and not result.has_validation_errors()
    assert Membership.objects.active().count() == 2
    assert Membership.objects.get(organisation__name="鳥取県社会福祉協議会").tier == "steering"


def test_one_bad_row_saves_nothing_and_each_error_is_reported_in_japanese():
    MunicipalityFactory(name="八頭町")
    dataset = _register(
        [
            ("NPO法人やず", "やず", "NPO法人", "一般団体", "2024-04-01", "八頭町", ""),
            ("山田太郎", "やまだたろう", "個人", "一般団体", "2024-04-01", "", ""),
            ("NPO法人ちづ", "ちづ", "NPO法人", "普通", "昨日", "智頭村", "not-an-email"),
        ]
    )

    result = RegisterImportResource().import_data(
        dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )

    assert result.has_validation_errors()
    invalid = {row.number: row.error.message_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert invalid[2]["organisation_type"] == ["個人は会員になれません。"]
    assert "区分は" in invalid[3]["tier"][0]
    assert "入会日" in invalid[3]["started_on"][0]
    assert "智頭村" in invalid[3]["municipality"][0]
    assert invalid[3]["email"]
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def test_every_members_admin_page_opens(client, secretariat):
    membership = MembershipFactory()
    organisation = membership.organisation
    application = ApplicationFactory()
    meeting = services.meeting_create(
        title="会議", held_on=datetime.date(2025, 1, 1), actor=secretariat
    )
    item = services.agenda_item_add(meeting=meeting, kind="other", title="報告", actor=secretariat)
    notice = services.notice_submit(
        organisation=organisation, kind="change", changes={"phone": "0857-00-1111"}, actor=None
    )
    urls = [
        reverse("admin:members_organisation_change", args=[organisation.pk]),
        reverse("admin:members_organisation_add"),
        reverse("admin:members_organisation_import"),
        reverse("admin:members_organisation_invite_contact", args=[organisation.pk]),
        reverse("admin:members_membership_change", args=[membership.pk]),
        reverse("admin:members_application_change", args=[application.pk]),
        reverse("admin:members_application_form1", args=[application.pk]),
        reverse("admin:members_meeting_change", args=[meeting.pk]),
        reverse("admin:members_meeting_add"),
        reverse("admin:members_agendaitem_change", args=[item.pk]),
        reverse("admin:members_membernotice_change", args=[notice.pk]),
        reverse("admin:members_ruleset_changelist"),
        reverse("admin:members_prospect_add"),
        reverse("admin:members_prospect_changelist"),
        reverse("admin:members_membernotice_changelist"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    changelist = client.get(reverse("admin:members_organisation_changelist")).content.decode()
    assert reverse("admin:members_organisation_import") in changelist
    assert reverse("admin:members_organisation_export") in changelist


def test_the_secretariat_applies_a_change_notice_and_the_history_shows_both(client, secretariat):
    membership = MembershipFactory(organisation__phone="0857-00-0000")
    notice = services.notice_submit(
        organisation=membership.organisation,
        kind="change",
        changes={"phone": "0857-99-9999"},
        actor=None,
    )
    url = reverse("admin:members_membernotice_change", args=[notice.pk])

    client.post(url, {"decline_reason": "", "_apply": "1"})

    organisation = Organisation.objects.get(pk=membership.organisation_id)
    assert organisation.phone == "0857-99-9999"
    assert organisation.history.count() >= 2
    notice.refresh_from_db()
    assert notice.status == "applied"
    assert notice.history.count() == 2


def test_the_admin_import_reports_row_errors_in_japanese_and_saves_nothing(client, secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    MunicipalityFactory(name="八頭町")
    content = (
        "団体名,ふりがな,種別,区分,入会日,市町村,メールアドレス\n"
        "NPO法人やず,やず,NPO法人,一般団体,2024-04-01,八頭町,\n"
        "山田太郎,やまだたろう,個人,一般団体,2024-04-01,,\n"
    ).encode()
    response = client.post(
        reverse("admin:members_organisation_import"),
        {"import_file": SimpleUploadedFile("register.csv", content, content_type="text/csv")},
        follow=True,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "個人は会員になれません。" in html
    assert 'id="import-confirm"' not in html
    assert not Organisation.objects.exists()


def test_the_admin_import_of_a_valid_register_confirms_and_saves(client, secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        "団体名,ふりがな,種別,区分,入会日,市町村,メールアドレス\n"
        "NPO法人いわみ,いわみ,NPO法人,一般団体,2024-04-01,,iwami@example.jp\n"
    ).encode()
    checked = client.post(
        reverse("admin:members_organisation_import"),
        {"import_file": SimpleUploadedFile("register.csv", content, content_type="text/csv")},
    )
    assert not Organisation.objects.exists()  # the check saves nothing

    response = client.post(checked.url, follow=True)

    assert response.status_code == 200
    assert "1 件を取り込みました。" in response.content.decode()
    assert Membership.objects.active().get().organisation.name == "NPO法人いわみ"


def test_auditors_read_the_register_and_its_history_but_change_nothing(client):
    auditor = StaffFactory(roles=[roles.AUDITOR])
    client.force_login(auditor)
    membership = MembershipFactory(ended_on=datetime.date(2025, 1, 1))

    assert client.get(reverse("admin:members_membership_changelist")).status_code == 200
    history = reverse("admin:members_membership_history", args=[membership.pk])
    assert client.get(history).status_code == 200
    change = reverse("admin:members_membership_change", args=[membership.pk])
    response = client.post(change, {})
    assert response.status_code == 403
    assert client.get(reverse("admin:members_application_changelist")).status_code == 200


def test_the_secretariat_invites_a_contact_person(
    client, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    membership = MembershipFactory()
    url = reverse("admin:members_organisation_invite_contact", args=[membership.organisation.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Tanto@Example.jp", "last_name": "担当"})

    assert response.status_code == 302
    contact = membership.organisation.contacts.get()
    assert contact.user.email == "tanto@example.jp"
    assert not contact.user.has_usable_password()
    assert not contact.user.is_staff
    assert mailoutbox[0].to == ["tanto@example.jp"]


def test_notices_print_as_filled_in_forms_2_and_3(client, secretariat):
    membership = MembershipFactory(
        organisation__name="NPO法人へんこう", organisation__phone="0857-00-0000"
    )
    change = services.notice_submit(
        organisation=membership.organisation,
        kind="change",
        changes={"phone": "0857-99-9999"},
        actor=None,
    )
    withdrawal = services.notice_submit(
        organisation=membership.organisation,
        kind="withdrawal",
        reason="活動を終了するため",
        effective_on=datetime.date(2026, 3, 31),
        actor=None,
    )

    def text(notice):
        response = client.get(reverse("admin:members_membernotice_form", args=[notice.pk]))
        assert response["Content-Type"] == "application/pdf"
        return pdf_text(response.content, layout=False)

    form2 = text(change)
    assert "変更届" in form2
    assert "NPO法人へんこう" in form2
    assert "0857-00-0000" in form2 and "0857-99-9999" in form2
    form3 = text(withdrawal)
    assert "退会届" in form3
    assert "活動を終了するため" in form3
    assert "令和8年3月31日" in form3


def test_auditors_cannot_send_a_meeting_notice_from_the_changelist(client, mailoutbox):
    """An admin action without permissions=["change"] is offered to view-only users too."""
    SteeringMembershipFactory()
    staff = StaffFactory()
    meeting = services.meeting_create(title="会議", held_on=datetime.date(2025, 1, 1), actor=staff)
    services.agenda_item_add(meeting=meeting, kind="other", title="報告", actor=staff)
    client.force_login(StaffFactory(roles=[roles.AUDITOR]))

    url = reverse("admin:members_meeting_changelist")
    client.post(url, {"action": "send_notice", "_selected_action": [meeting.pk]})

    meeting.refresh_from_db()
    assert meeting.notice_sent_at is None
    assert not meeting.attendances.exists()
    assert mailoutbox == []


def test_the_secretariat_search_finds_any_offer_folded_as_typed_either_way(client, secretariat):
    from tests.factories import OrganisationFactory

    OrganisationFactory(
        name="ひみつ会", name_kana="ひみつかい", strengths="フードバンクの配送", public_fields=[]
    )
    OrganisationFactory(name="べつの会", name_kana="べつのかい", strengths="子ども食堂")
    url = reverse("admin:members_organisation_changelist")

    for term in ("ﾌｰﾄﾞﾊﾞﾝｸ", "ふーどばんく", "ひみつ", "ヒミツカイ"):
        html = client.get(url, {"q": term}).content.decode()
        assert "ひみつ会" in html, term  # the offer is searched though it is not published
        assert "べつの会" not in html, term
