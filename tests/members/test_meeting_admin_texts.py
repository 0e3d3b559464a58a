"""What the meeting's admin pages show the secretariat: stored values in Japanese words."""

import datetime
import re

import pytest
from django.urls import reverse

from members import services
from members.models import AgendaItem

from .factories import SteeringMembershipFactory

pytestmark = pytest.mark.django_db

HELD_ON = datetime.date(2025, 6, 1)


def _cells(page: str, column: str) -> list[str]:
    return re.findall(rf'<td class="field-{column}">(.*?)</td>', page, flags=re.S)


def test_an_existing_rules_item_shows_its_values_in_japanese_in_the_agenda_table(
    client, secretariat
):
    SteeringMembershipFactory()
    meeting = services.meeting_create(title="第6回会議", held_on=HELD_ON, actor=secretariat)
    services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.RULES,
        title="要領改正",
        proposed_rules={
            "effective_from": "2026-04-01",
            "readmission_bar_years": 2,
            "subject_may_vote": True,
        },
        actor=secretariat,
    )

    page = client.get(reverse("admin:members_meeting_change", args=[meeting.pk])).content.decode()

    stored, *new_rows = _cells(page, "proposed_rules")
    assert "施行日：2026年4月1日" in stored
    assert "除名後に再入会できない期間（年）：2" in stored
    assert "{" not in stored and '"' not in stored and "&quot;" not in stored
    assert "effective_from" not in stored and "true" not in stored.lower()
    assert new_rows and not any("{}" in row for row in new_rows)  # a new line starts empty
