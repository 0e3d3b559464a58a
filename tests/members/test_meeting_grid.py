"""The meeting grid: attendance, proxies, the chair and votes of one meeting in one save."""

import datetime

import pytest
from django.urls import reverse

from members import services
from members.models import AgendaItem, Attendance, Meeting, Membership, Vote
from tests.conftest import assert_constant_queries, pdf_text
from tests.factories import MembershipFactory

from .factories import SteeringMembershipFactory

pytestmark = pytest.mark.django_db

HELD_ON = datetime.date(2025, 6, 1)


def _meeting(actor, n=4, *, items=(("other", "活動計画"),), send=True):
    orgs = [SteeringMembershipFactory().organisation for _ in range(n)]
    meeting = services.meeting_create(title="第5回会議", held_on=HELD_ON, actor=actor)
    for kind, title in items:
        services.agenda_item_add(meeting=meeting, kind=kind, title=title, actor=actor)
    if send:
        services.meeting_send_notice(meeting=meeting, actor=actor)
    return meeting, orgs


def _grid_post(meeting, rows, *, chair=None, **extra):
    """rows: organisation → (mode, proxy holder or None, {item: choice})."""
    data = {"chair": str(chair.pk) if chair else "", **extra}
    for org, (mode, holder, votes) in rows.items():
        data[f"mode_{org.pk}"] = mode
        data[f"proxy_{org.pk}"] = str(holder.pk) if holder else ""
        for item, choice in votes.items():
            data[f"vote_{item.pk}_{org.pk}"] = choice
    return data


def test_the_whole_meeting_is_entered_in_one_save_and_decided_with_a_plain_outcome(
    client, secretariat
):
    meeting, (a, b, c, d) = _meeting(secretariat)
    item = meeting.items.get()
    url = reverse("admin:members_meeting_grid", args=[meeting.pk])

    page = client.get(url).content.decode()
    assert f'name="mode_{a.pk}"' in page and f'name="vote_{item.pk}_{a.pk}"' in page

    response = client.post(
        url,
        _grid_post(
            meeting,
            {
                a: ("in_person", None, {item: ""}),  # the chair: no vote
                b: ("online", None, {item: "for"}),
                c: ("proxy", b, {item: "for"}),
                d: ("absent", None, {item: ""}),
            },
            chair=a,
            _decide=str(item.pk),
        ),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair == a
    assert Attendance.objects.get(meeting=meeting, organisation=c).proxy_holder == b
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.PASSED
    assert item.explanation == (
        "出席 3/4（委任 1・メール 0 を含む）で定足数 3 を満たし成立。"
        "賛成 2・反対 0・棄権 0（出席 2 の 2/3 = 2 以上）で可決。"
    )
    page = client.get(url).content.decode()
    assert "第1号議案を可決：" in page  # the message, shown after the redirect
    assert item.explanation in page


def test_a_refusal_on_one_row_saves_nothing_and_names_the_organisation(client, secretariat):
    meeting, (a, b, c, d) = _meeting(secretariat)
    item = meeting.items.get()
    url = reverse("admin:members_meeting_grid", args=[meeting.pk])

    response = client.post(
        url,
        _grid_post(
            meeting,
            {
                a: ("in_person", None, {item: "for"}),
                b: ("absent", None, {item: ""}),
                c: ("proxy", b, {item: "for"}),  # to someone who is not there
                d: ("absent", None, {item: "against"}),  # a vote from someone absent
            },
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{c.name}: 委任先の {b.name} は会議に出席していません。" in page
    assert f"{d.name}: " in page
    assert not meeting.attendances.exclude(mode=Attendance.Mode.ABSENT).exists()
    assert not Vote.objects.exists()
    assert 'value="proxy" aria-label' in page and "checked" in page  # the input comes back


def test_a_proxy_chosen_without_its_holder_is_a_form_error(client, secretariat):
    meeting, (a, b) = _meeting(secretariat, n=2)
    url = reverse("admin:members_meeting_grid", args=[meeting.pk])

    response = client.post(
        url, _grid_post(meeting, {a: ("proxy", None, {}), b: ("in_person", None, {})})
    )

    assert response.status_code == 200
    assert f"{a.name}: 委任を受ける幹事団体を選んでください。" in response.content.decode()
    assert not meeting.attendances.exclude(mode=Attendance.Mode.ABSENT).exists()


def test_clearing_a_vote_on_the_grid_removes_it_and_the_chair_never_votes(client, secretariat):
    meeting, (a, b, c, d) = _meeting(secretariat)
    item = meeting.items.get()
    url = reverse("admin:members_meeting_grid", args=[meeting.pk])
    present = {org: ("in_person", None, {item: "for"}) for org in (a, b, c, d)}
    client.post(url, _grid_post(meeting, present))
    assert Vote.objects.filter(item=item).count() == 4

    present[b] = ("in_person", None, {item: ""})
    client.post(url, _grid_post(meeting, present, chair=a))

    assert set(Vote.objects.filter(item=item).values_list("organisation", flat=True)) == {
        c.pk,
        d.pk,
    }
    meeting.refresh_from_db()
    assert meeting.chair == a


def test_the_effect_of_an_expulsion_names_it_and_links_the_membership(client, secretariat):
    general = MembershipFactory(started_on=datetime.date(2024, 4, 1))
    meeting, orgs = _meeting(secretariat, n=3, items=(), send=False)
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.EXPEL,
        title="除名の件",
        subject=general.organisation,
        expulsion_ground="breach",
        actor=secretariat,
    )
    services.meeting_send_notice(meeting=meeting, actor=secretariat)
    url = reverse("admin:members_meeting_grid", args=[meeting.pk])
    client.post(
        url,
        _grid_post(
            meeting,
            {org: ("in_person", None, {item: "for"}) for org in orgs},
            _decide=str(item.pk),
        ),
    )

    general.refresh_from_db()
    assert general.end_reason == Membership.EndReason.EXPELLED
    page = client.get(url).content.decode()
    membership_url = reverse("admin:members_membership_change", args=[general.pk])
    assert (
        f'<a href="{membership_url}">除名：{general.organisation.name}（令和7年6月1日から）</a>'
        in (page)
    )
    item_page = client.get(reverse("admin:members_agendaitem_change", args=[item.pk]))
    assert membership_url in item_page.content.decode()
    minutes = client.get(reverse("admin:members_meeting_minutes", args=[meeting.pk]))
    text = pdf_text(minutes.content, layout=False)
    assert f"議決の効果：除名：{general.organisation.name}（令和7年6月1日から）" in text


def test_the_grid_reads_in_constant_queries(client, secretariat):
    meeting = services.meeting_create(title="会議", held_on=HELD_ON, actor=secretariat)
    services.agenda_item_add(meeting=meeting, kind="other", title="報告", actor=secretariat)
    url = reverse("admin:members_meeting_grid", args=[meeting.pk])

    def add_rows(n):
        orgs = [SteeringMembershipFactory().organisation for _ in range(n)]
        meeting.attendances.bulk_create(
            Attendance(meeting=meeting, organisation=org, mode="in_person") for org in orgs
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            notice_sent_at=datetime.datetime.now(datetime.UTC)
        )

    def run():
        response = client.get(url)
        assert response.status_code == 200

    assert_constant_queries(run, add_rows, small=5, large=30)


def test_an_empty_or_duplicate_agenda_line_is_a_japanese_form_error(client, secretariat):
    meeting = services.meeting_create(title="会議", held_on=HELD_ON, actor=secretariat)
    services.agenda_item_add(meeting=meeting, kind="other", title="報告", actor=secretariat)
    url = reverse("admin:members_meeting_change", args=[meeting.pk])
    base = {
        "title": meeting.title,
        "place": "",
        "guests": "",
        "reminder_days": "3",
        "minutes_note": "",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "1",
        "items-0-id": meeting.items.get().pk,
        "items-0-meeting": meeting.pk,
        "items-1-meeting": meeting.pk,
        "items-1-kind": "other",
        "items-1-title": "報告",  # already on the meeting
        "items-2-meeting": meeting.pk,
        "items-2-kind": "expel",  # nobody named, no ground
        "items-2-title": "除名の件",
    }

    response = client.post(url, base)

    assert response.status_code == 200
    page = response.content.decode()
    assert "この議案はすでに会議にあります。1行にまとめてください。" in page
    assert "議案の対象団体を指定してください。" in page
    assert "除名事由を指定してください（規約第6条）。" in page
    assert "制約" not in page and "constraint" not in page.lower()
    assert meeting.items.count() == 1


def test_a_rules_item_is_typed_as_japanese_lines_not_json(client, secretariat):
    meeting = services.meeting_create(title="会議", held_on=HELD_ON, actor=secretariat)
    url = reverse("admin:members_meeting_change", args=[meeting.pk])
    data = {
        "title": meeting.title,
        "place": "",
        "guests": "",
        "reminder_days": "3",
        "minutes_note": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-meeting": meeting.pk,
        "items-0-kind": "rules",
        "items-0-title": "要領の改正",
        "items-0-proposed_rules": "施行日：2027年4月1日\n除名後に再入会できない期間（年）：2",
    }
    page = client.get(url).content.decode()
    assert "項目：値" in page and "readmission" not in page

    response = client.post(url, data)

    assert response.status_code == 302
    item = meeting.items.get()
    assert item.proposed_rules == {"effective_from": "2027-04-01", "readmission_bar_years": 2}
    shown = client.get(reverse("admin:members_agendaitem_change", args=[item.pk])).content
    assert "除名後に再入会できない期間（年）：2" in shown.decode()

    data["items-0-proposed_rules"] = "再入会：二年"
    response = client.post(url, data)
    assert "の項目名がわかりません" in response.content.decode()
