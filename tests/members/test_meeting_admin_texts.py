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


def test_a_decided_item_keeps_its_votes_read_only_on_the_grid_with_its_outcome(client, secretariat):
    a, b, c, d = (SteeringMembershipFactory().organisation for _ in range(4))
    meeting = services.meeting_create(title="第7回会議", held_on=HELD_ON, actor=secretariat)
    decided = services.agenda_item_add(
        meeting=meeting, kind="other", title="活動計画", actor=secretariat
    )
    still_open = services.agenda_item_add(
        meeting=meeting, kind="other", title="予算", actor=secretariat
    )
    services.meeting_send_notice(meeting=meeting, actor=secretariat)
    url = reverse("admin:members_meeting_grid", args=[meeting.pk])
    post = {"chair": ""}
    for org, mode, vote in (
        (a, "in_person", "for"),
        (b, "online", "for"),
        (c, "in_person", "against"),
        (d, "absent", ""),
    ):
        post |= {f"mode_{org.pk}": mode, f"proxy_{org.pk}": "", f"vote_{decided.pk}_{org.pk}": vote}
    assert client.post(url, {**post, "_decide": str(decided.pk)}).status_code == 302
    decided.refresh_from_db()
    assert decided.outcome == AgendaItem.Outcome.PASSED

    page = client.get(url).content.decode()

    assert f'name="vote_{decided.pk}_' not in page  # no longer editable
    assert f'name="vote_{still_open.pk}_{a.pk}"' in page
    assert page.count('<td class="choice decided">賛成</td>') == 2
    assert page.count('<td class="choice decided">反対</td>') == 1
    assert page.count('<td class="choice decided">—</td>') == 1  # d was absent
    header = re.search(
        r'<th scope="col" rowspan="2" class="item" title="活動計画">(.*?)</th>', page
    )
    assert "可決" in header.group(1)
    assert decided.explanation in page
