"""The members admin writes through services (core.admin_base.ServiceModelAdmin): the history
row is labelled by the service, and a service's refusal comes back as a form error."""

import datetime
import re

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import services
from members.models import Meeting, Membership, Organisation, Prospect
from members.resources import RegisterImportResource
from tests.factories import MembershipFactory

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _organisation_post(**overrides):
    data = {
        "name": "NPO法人やず",
        "name_kana": "やず",
        "organisation_type": "npo",
    }
    return {**data, **overrides}


def _inline_prefixes(client, url):
    """The management-form prefixes the page really uses (inline prefixes follow related names)."""
    page = client.get(url).content.decode()
    return set(re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page))


def _with_empty_inlines(client, url, data):
    for prefix in _inline_prefixes(client, url):
        data.setdefault(f"{prefix}-TOTAL_FORMS", "0")
        data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    return data


def test_an_organisation_saved_in_the_admin_is_labelled_by_the_service(client, secretariat):
    url = reverse("admin:members_organisation_add")
    response = client.post(url, _with_empty_inlines(client, url, _organisation_post()))

    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get()
    latest = organisation.history.latest()
    assert latest.history_change_reason == "members.organisation.created"
    assert latest.history_user == secretariat


def test_a_refused_service_save_shows_the_form_again_and_writes_nothing(
    client, secretariat, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError("この団体は登録できません。")

    monkeypatch.setattr(services, "organisation_save", refuse)
    url = reverse("admin:members_organisation_add")
    response = client.post(url, _with_empty_inlines(client, url, _organisation_post()))

    assert response.status_code == 200
    page = response.content.decode()
    assert "この団体は登録できません。" in page
    assert 'value="NPO法人やず"' in page  # the user's input comes back
    assert not Organisation.objects.exists()


def test_a_meeting_created_and_edited_in_the_admin_is_labelled_by_the_service(client, secretariat):
    add_url = reverse("admin:members_meeting_add")
    data = {
        "kind": "meeting",
        "title": "第5回プラットフォーム会議",
        "held_on": "2025-06-01",
        "place": "",
        "reminder_days": "5",
        "guests": "鳥取大学",
        "minutes_note": "",
    }
    response = client.post(add_url, _with_empty_inlines(client, add_url, dict(data)))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert (meeting.reminder_days, meeting.guests) == (5, "鳥取大学")
    assert meeting.history.latest().history_change_reason == "members.meeting.created"

    change_url = reverse("admin:members_meeting_change", args=[meeting.pk])
    data = {**data, "title": "第5回会議（変更）", "chair": ""}
    response = client.post(change_url, _with_empty_inlines(client, change_url, data))

    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    assert meeting.title == "第5回会議（変更）"
    assert meeting.held_on == datetime.date(2025, 6, 1)
    latest = meeting.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        "members.meeting.changed",
        secretariat,
    )


def test_a_review_saved_on_a_decided_application_writes_nothing(secretariat):
    application = ApplicationFactory(
        status="rejected", decision_reason="対象外", decided_on=datetime.date(2025, 1, 1)
    )
    application.decision_reason = "書き換え"

    services.application_review_save(application=application, actor=secretariat)

    application.refresh_from_db()
    assert application.decision_reason == "対象外"


def test_a_prospect_saved_through_the_service_is_labelled(secretariat):
    prospect = Prospect(name="見込み団体", introduced_by=MembershipFactory().organisation)

    services.prospect_save(prospect=prospect, actor=secretariat)

    assert prospect.history.latest().history_change_reason == "members.prospect.created"


def test_an_imported_register_row_is_written_by_the_service_with_its_label(secretariat):
    dataset = tablib.Dataset(headers=["団体名", "ふりがな", "種別", "区分", "入会日", "市町村"])
    dataset.append(("NPO法人やず", "やず", "NPO法人", "一般団体", "2024-04-01", ""))

    result = RegisterImportResource().import_data(
        dataset,
        dry_run=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=secretariat,
    )

    assert not result.has_errors() and not result.has_validation_errors()
    membership = Membership.objects.get()
    assert membership.started_on == datetime.date(2024, 4, 1)
    latest = membership.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        "members.membership.imported",
        secretariat,
    )
    organisation_row = membership.organisation.history.latest()
    assert organisation_row.history_change_reason == "members.organisation.imported"


def test_an_organisation_already_saved_is_not_imported_again():
    organisation = MembershipFactory().organisation

    with pytest.raises(ValidationError, match="既に登録されています"):
        services.register_entry_import(
            organisation=organisation, tier="general", started_on=datetime.date(2024, 4, 1)
        )


def test_a_prospect_and_its_trials_are_saved_through_the_admin(client, secretariat):
    url = reverse("admin:members_prospect_add")
    data = _with_empty_inlines(
        client,
        url,
        {
            "name": "こども食堂ひまわり",
            "status": Prospect._meta.get_field("status").default,
            "introduced_by": MembershipFactory().organisation.pk,
            "trials-TOTAL_FORMS": "1",
            "trials-INITIAL_FORMS": "0",
            "trials-0-event_name": "お試し参加の会",
            "trials-0-held_on": "2026-03-10",
        },
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    prospect = Prospect.objects.get()
    assert [t.event_name for t in prospect.trials.all()] == ["お試し参加の会"]
    assert prospect.history.latest().history_change_reason == "members.prospect.created"


def test_removing_a_contact_is_labelled_and_keeps_the_account(secretariat):
    from members.models import OrganisationContact
    from tests.factories import StaffFactory

    user = StaffFactory()
    contact = OrganisationContact.objects.create(
        organisation=MembershipFactory().organisation, user=user
    )

    services.contact_remove(contact=contact, actor=secretariat)

    assert not OrganisationContact.objects.exists()
    removed = OrganisationContact.history.latest()
    assert (removed.history_type, removed.history_change_reason) == ("-", "members.contact.removed")
    user.refresh_from_db()
