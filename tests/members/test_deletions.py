"""The secretariat deletes a meeting entered by mistake and a prospect (its contact person asked
for their data to be removed) through the services; what has a history to keep is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import roles
from members import services
from members.models import AgendaItem, Attendance, Meeting, Prospect, TrialParticipation
from tests.factories import StaffFactory

from .factories import SteeringMembershipFactory

pytestmark = pytest.mark.django_db

HELD_ON = datetime.date(2025, 6, 1)


def _meeting(actor, *, send=True):
    orgs = [SteeringMembershipFactory().organisation for _ in range(3)]
    meeting = services.meeting_create(title="誤って登録した会議", held_on=HELD_ON, actor=actor)
    services.agenda_item_add(meeting=meeting, kind="other", title="活動計画", actor=actor)
    if send:
        services.meeting_send_notice(meeting=meeting, actor=actor)
    return meeting, orgs


def test_a_meeting_with_only_open_items_and_absentees_is_deleted_on_its_page(client, secretariat):
    meeting, _ = _meeting(secretariat)
    url = reverse("admin:members_meeting_delete", args=[meeting.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not AgendaItem.objects.filter(meeting_id=meeting.pk).exists()
    deletion = Meeting.history.filter(id=meeting.pk, history_type="-").get()
    assert deletion.history_change_reason == "members.meeting.deleted"
    assert deletion.history_user == secretariat


def test_a_meeting_with_one_attendance_is_refused_in_japanese(client, secretariat):
    meeting, (a, _b, _c) = _meeting(secretariat)
    services.attendance_record(
        meeting=meeting, organisation=a, mode=Attendance.Mode.ONLINE, actor=secretariat
    )
    url = reverse("admin:members_meeting_delete", args=[meeting.pk])

    response = client.post(url, {"post": "yes"}, follow=True)

    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:members_meeting_change", args=[meeting.pk]
    )
    assert "出欠が記録されているため削除できません" in response.content.decode()
    with pytest.raises(ValidationError):
        services.meeting_delete(meeting=meeting, actor=secretariat)


def test_a_meeting_with_a_decided_item_is_refused_in_the_bulk_action_too(client, secretariat):
    empty, _ = _meeting(secretariat, send=False)
    meeting, _ = _meeting(secretariat, send=False)
    item = meeting.items.get()
    AgendaItem.objects.filter(pk=item.pk).update(outcome=AgendaItem.Outcome.REJECTED)

    response = client.post(
        reverse("admin:members_meeting_changelist"),
        {"action": "delete_selected", "_selected_action": [empty.pk, meeting.pk], "post": "yes"},
        follow=True,
    )

    assert "議決済みの議案があるため削除できません" in response.content.decode()
    assert Meeting.objects.filter(pk__in=[empty.pk, meeting.pk]).count() == 2  # all or nothing


def test_a_prospect_is_deleted_by_the_secretariat_with_its_contact_details(client, secretariat):
    prospect = Prospect.objects.create(
        name="こども食堂ひだまり", contact_name="連絡 太郎", email="taro@example.jp"
    )
    services.prospect_save(prospect=prospect, actor=secretariat)
    TrialParticipation.objects.create(prospect=prospect, event_name="つながり会", held_on=HELD_ON)

    response = client.post(
        reverse("admin:members_prospect_delete", args=[prospect.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Prospect.objects.filter(pk=prospect.pk).exists()
    assert not TrialParticipation.objects.filter(prospect_id=prospect.pk).exists()
    history = Prospect.history.filter(id=prospect.pk)
    assert [row.history_type for row in history] == ["-"]  # who deleted it, and when
    assert not history.filter(contact_name="連絡 太郎").exists()
    assert not history.filter(email="taro@example.jp").exists()


def test_a_prospect_that_joined_is_refused(client, secretariat):
    prospect = Prospect.objects.create(name="入会した団体", status=Prospect.Status.JOINED)

    response = client.post(
        reverse("admin:members_prospect_delete", args=[prospect.pk]), {"post": "yes"}, follow=True
    )

    assert Prospect.objects.filter(pk=prospect.pk).exists()
    assert "入会済みのため削除できません" in response.content.decode()


def test_a_coordinator_cannot_delete_a_prospect_or_a_meeting(client, secretariat):
    prospect = Prospect.objects.create(name="こども食堂ひだまり")
    meeting, _ = _meeting(secretariat, send=False)
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    for url in (
        reverse("admin:members_prospect_delete", args=[prospect.pk]),
        reverse("admin:members_meeting_delete", args=[meeting.pk]),
    ):
        assert client.post(url, {"post": "yes"}).status_code == 403

    assert Prospect.objects.filter(pk=prospect.pk).exists()
    assert Meeting.objects.filter(pk=meeting.pk).exists()
