"""令和 in every e-mail, with the Western date beside it (mail programs read that one), and on
every PDF: no e-mail or PDF template prints a date in the Western calendar alone."""

import datetime
import re
from pathlib import Path

import pytest

from members import services
from tests.factories import MembershipFactory
from tests.members.factories import ApplicationFactory, SteeringMembershipFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "members", "supporters", "foodhub", "council", "reports", "staff", "exchange")
WESTERN = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}|\d{4}/\d{1,2}/\d{1,2}")
ERA_DATE_BEFORE = re.compile(r"(令和|平成|昭和)(元|\d+)年\d{1,2}月\d{1,2}日（$")
# A date filter other than the era's: Django's |date with a year, or |jdate (2026年3月31日).
WESTERN_FILTER = re.compile(r'\|jdate\b|\|date:"[^"]*Y')


def bare_western_dates(text: str) -> list[str]:
    """Western dates not written beside (in brackets after) their 令和 date."""
    return [
        m.group() for m in WESTERN.finditer(text) if not ERA_DATE_BEFORE.search(text[: m.start()])
    ]


def _templates(kind: str):
    for app in APPS:
        for path in sorted((ROOT / app / "templates").rglob("*")):
            if kind == "email" and "email" in path.parts and path.suffix == ".txt":
                yield path
            if kind == "pdf" and "pdf" in path.parts and path.suffix == ".html":
                yield path


def test_the_check_finds_a_bare_western_date_and_accepts_one_beside_its_era_date():
    assert bare_western_dates("期限は2026年3月31日です") == ["2026年3月31日"]
    assert bare_western_dates("期限は2026-03-31です") == ["2026-03-31"]
    assert bare_western_dates("期限は令和8年3月31日（2026年3月31日）です") == []


# An era date with its Western date beside it, in brackets: what we want.
PAIRED = re.compile(
    r'\|wareki \}\}（\{\{ [\w.]+\|(?:jdate|date:"[^"]*") \}\}）'
    # the monthly report's month: its heading is the 令和 month (reports.monthly)
    r'|\{\{ heading \}\}（\{\{ as_of\|date:"Y年n月" \}\}）'
)


def _unpaired(path: Path, *, era_alone_ok: bool) -> list[str]:
    text = PAIRED.sub("", path.read_text(encoding="utf-8"))
    hits = WESTERN_FILTER.findall(text)
    if not era_alone_ok:  # e-mails: the Western date always beside the era's
        hits += re.findall(r"\|wareki\b(?!_)", text)
    return hits


def test_every_e_mail_template_writes_dates_as_era_dates_with_the_western_one_beside():
    found = {
        str(path.relative_to(ROOT)): _unpaired(path, era_alone_ok=False)
        for path in _templates("email")
    }
    assert len(found) >= 20
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_every_pdf_template_prints_era_dates():
    found = {
        str(path.relative_to(ROOT)): _unpaired(path, era_alone_ok=True)
        for path in _templates("pdf")
    }
    assert len(found) >= 12
    assert {path: hits for path, hits in found.items() if hits} == {}


@pytest.mark.django_db
def test_the_members_mails_rendered_carry_no_bare_western_date(
    mailoutbox, django_capture_on_commit_callbacks
):
    staff = MembershipFactory().organisation  # any target; the services need an actor below
    from tests.factories import StaffFactory

    actor = StaffFactory()
    for _ in range(2):
        SteeringMembershipFactory()
    meeting = services.meeting_create(
        title="第5回会議", held_on=datetime.date(2026, 6, 1), actor=actor
    )
    meeting.reply_by = datetime.date(2026, 5, 25)
    meeting.save()
    services.agenda_item_add(meeting=meeting, kind="other", title="活動計画", actor=actor)
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_send_notice(meeting=meeting, actor=actor)
        services.application_mail_send(application=application, mail="received")

    assert len(mailoutbox) == 3 and staff
    for message in mailoutbox:
        assert "令和" in message.body, message.body
        assert bare_western_dates(message.subject + message.body) == [], message.body
    notice = next(m for m in mailoutbox if "第5回会議" in m.subject)
    assert "令和8年6月1日（2026年6月1日）" in notice.body
    assert "令和8年5月25日（2026年5月25日）" in notice.body
