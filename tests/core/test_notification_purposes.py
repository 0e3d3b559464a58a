"""Notification purposes read as words in the admin's list, its filter and its CSV."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from core.models import Notification
from core.notification_purposes import PURPOSE_LABELS, purpose_label
from core.resources import NotificationResource
from tests.conftest import response_bytes
from tests.factories import MembershipFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "members", "supporters", "foodhub", "council", "reports", "staff", "exchange")


def _purpose_codes_in_the_source() -> set[str]:
    """Every literal purpose code given to notify()/notify_digest(), and the constants."""
    codes = set()
    pattern = re.compile(r'(?:purpose=|PURPOSE = |MEETING_NOTICE = )f?"([a-z_.]+)')
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                codes.update(pattern.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_purpose_sent_anywhere_has_a_japanese_label():
    codes = _purpose_codes_in_the_source()
    assert "members.meeting_notice" in codes and "supporters.notice" in codes
    # Codes built from a prefix (f"council.break_glass.{pk}", f"exchange.{step}") end in ".".
    missing = sorted(
        code
        for code in codes
        if not code.endswith((".", "_"))
        and code not in PURPOSE_LABELS
        and purpose_label(code) == purpose_label("unknown.code")
    )
    assert missing == []
    for code in PURPOSE_LABELS:
        assert not re.search(r"[a-z]{3}", purpose_label(code)), purpose_label(code)


def test_a_code_ending_in_an_id_reads_as_its_family_and_an_unknown_one_as_other():
    assert purpose_label("council.approval_requested.42") == purpose_label(
        "council.approval_requested"
    )
    assert purpose_label("nobody.knows") == "その他の通知"


@pytest.mark.django_db
def test_the_notification_list_filter_and_csv_show_purposes_in_japanese(client, secretariat):
    from django.contrib.auth.models import Permission

    secretariat.user_permissions.add(
        *Permission.objects.filter(codename="view_notification", content_type__app_label="core")
    )
    target = MembershipFactory().organisation
    from django.contrib.contenttypes.models import ContentType

    for purpose in ("members.meeting_notice", "council.break_glass.7"):
        Notification.objects.create(
            purpose=purpose,
            content_type=ContentType.objects.get_for_model(target),
            object_id=str(target.pk),
            period="p",
            recipient="a@example.jp",
            subject="件名",
            status=Notification.Status.SENT,
        )

    page = client.get(reverse("admin:core_notification_changelist")).content.decode()
    csv = response_bytes(
        client.post(
            reverse("admin:core_notification_export"),
            {
                "format": "0",
                "resource": "0",
                **{f"notificationresource_{f}": "on" for f in NotificationResource._meta.fields},
            },
        )
    ).decode("utf-8-sig")

    visible = re.sub(r"<[^>]+>", " ", page)  # codes may stay in filter links, not in the text
    for text in (visible, csv):
        assert "会議の開催通知" in text
        assert "緊急アクセスの利用（協議会）" in text
        assert "members.meeting_notice" not in text and "break_glass" not in text
    assert csv.splitlines()[0].startswith("作成日時,目的")
