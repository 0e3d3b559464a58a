"""Documents that match what was submitted: the filled 別紙1, the minutes, the certificates; and
who may print them."""

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core import roles
from core.contact import SecretariatContact
from core.pdf import render_pdf
from members import services
from members.models import PUBLISHABLE_FIELDS, ActivityField, Attendance
from tests.conftest import pdf_text
from tests.factories import MunicipalityFactory, StaffFactory

from .factories import ApplicationFactory, SteeringMembershipFactory

pytestmark = pytest.mark.django_db


def _keep(pdf: bytes, name: str) -> bytes:
    """Under $KIRIN_SCREENSHOTS, the PDF is kept for a person to render and look at."""
    folder = os.environ.get("KIRIN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.pdf").write_bytes(pdf)
    return pdf


def test_the_filled_form_1_prints_what_the_applicant_submitted(client, secretariat):
    application = ApplicationFactory(
        name="NPO法人ひだまりの家",
        name_kana="ひだまりのいえ",
        website="https://hidamari.example.jp",
        strengths="会場の貸し出し",
        public_fields=["phone", "website"],
        reapplication_reasons="",
    )
    application.active_municipalities.add(MunicipalityFactory(name="岩美町"))
    application.activity_fields.add(ActivityField.objects.get_or_create(name="居場所づくり")[0])

    response = client.get(reverse("admin:members_application_form1", args=[application.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(_keep(response.content, "form1-filled"), layout=False)
    for value in (
        "NPO法人ひだまりの家",
        "ひだまりのいえ",
        "NPO法人",
        application.representative_name,
        application.contact_name,
        f"〒{application.postal_code}",
        application.address,
        application.phone,
        application.email,
        "https://hidamari.example.jp",
        "岩美町",
        "居場所づくり",
        application.activity_summary,
        "会場の貸し出し",
        application.reference,
    ):
        assert value in text, value
    submitted = timezone.localdate(application.submitted_at)
    assert f"令和{submitted.year - 2018}年{submitted.month}月{submitted.day}日" in text
    with translation.override("ja"):
        labels = {name: str(label) for name, label in PUBLISHABLE_FIELDS}
    for name, label in labels.items():
        mark = "■" if name in ("phone", "website") else "□"
        assert f"{mark} {label}" in text, (mark, label)
    for declaration in (
        "当団体の活動は孤独・孤立対策の推進に関連があります",
        "当団体は暴力団等反社会的勢力と関係がありません",
        "プラットフォーム規約に同意します",
    ):
        assert f"■ {declaration}" in text


def test_the_minutes_carry_the_times_and_the_signature_lines(client, secretariat):
    orgs = [SteeringMembershipFactory().organisation for _ in range(3)]
    meeting = services.meeting_create(
        title="第5回会議",
        held_on=datetime.date(2025, 6, 1),
        actor=secretariat,
        place="さざんか会館",
        opened_at=datetime.time(10, 0),
        closed_at=datetime.time(11, 30),
    )
    services.agenda_item_add(meeting=meeting, kind="other", title="活動計画", actor=secretariat)
    services.meeting_send_notice(meeting=meeting, actor=secretariat)
    for org in orgs:
        services.attendance_record(
            meeting=meeting, organisation=org, mode=Attendance.Mode.IN_PERSON, actor=secretariat
        )
    services.meeting_choose_chair(meeting=meeting, organisation=orgs[0], actor=secretariat)

    response = client.get(reverse("admin:members_meeting_minutes", args=[meeting.pk]))

    text = pdf_text(_keep(response.content, "minutes"))
    assert "令和7年6月1日（2025年6月1日）" in text
    assert "開会 10時00分" in text and "閉会 11時30分" in text
    assert text.count("議事録署名人") == 3  # the sentence above the lines, and two lines
    assert "議長" in text and orgs[0].name in text
    assert text.count("印") >= 3


def test_a_closing_time_before_the_opening_is_a_form_error(client, secretariat):
    meeting = services.meeting_create(
        title="会議", held_on=datetime.date(2025, 6, 1), actor=secretariat
    )
    url = reverse("admin:members_meeting_change", args=[meeting.pk])

    response = client.post(
        url,
        {
            "title": "会議",
            "place": "",
            "opened_at": "11:00",
            "closed_at": "10:00",
            "reminder_days": "3",
            "guests": "",
            "minutes_note": "",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "閉会の時刻は開会より後にしてください。" in response.content.decode()


def test_certificates_carry_the_representatives_name_and_a_seal_area():
    SecretariatContact(
        name="事務局", representative_title="代表", representative_name="鳥取 太郎"
    ).save()
    certificate = {
        "serial": "TS-2026-0001",
        "name_on_certificate": "出席 一郎",
        "session_title": "高草地区の研修",
        "completed_on": datetime.date(2026, 6, 1),
        "issued_on": datetime.date(2026, 6, 2),
    }

    text = pdf_text(
        _keep(
            render_pdf(
                "supporters/pdf/certificates.html",
                {
                    "certificates": [certificate],
                    "platform_name": "麒麟のまち官民連携プラットフォーム",
                },
            ),
            "certificate",
        )
    )

    assert "代表" in text and "鳥取 太郎" in text and "印" in text
    assert "令和8年6月2日" in text


def test_a_coordinator_refused_a_members_pdf_sees_the_japanese_page(client):
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))
    meeting = services.meeting_create(
        title="会議", held_on=datetime.date(2025, 6, 1), actor=StaffFactory()
    )
    application = ApplicationFactory()

    for url in (
        reverse("admin:members_meeting_minutes", args=[meeting.pk]),
        reverse("admin:members_application_form1", args=[application.pk]),
    ):
        refused = client.get(url)
        assert refused.status_code == 403
        page = refused.content.decode()
        assert "このページは開けません" in page and "403 Forbidden" not in page


def test_the_application_and_change_notice_pages_show_choices_in_words_not_json(
    client, secretariat
):
    from tests.factories import MembershipFactory

    application = ApplicationFactory(public_fields=["phone", "website"])
    page = client.get(reverse("admin:members_application_change", args=[application.pk]))
    text = page.content.decode()
    assert '["phone"' not in text and "電話" in text

    membership = MembershipFactory()
    notice = services.notice_submit(
        organisation=membership.organisation,
        kind="change",
        changes={"phone": "0857-99-9999", "public_fields": ["email"]},
        actor=None,
    )
    page = client.get(reverse("admin:members_membernotice_change", args=[notice.pk]))
    text = page.content.decode()
    assert "0857-99-9999" in text and '{"phone"' not in text and "&quot;phone" not in text
    assert "メールアドレス" in text
