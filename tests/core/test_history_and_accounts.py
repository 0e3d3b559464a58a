import pytest
from django.core import mail
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from core import roles
from core.models import Municipality
from tests.factories import MunicipalityFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_change_in_the_admin_is_kept_in_the_history_with_who_and_what(client):
    staff = StaffFactory(roles=[roles.SECRETARIAT], last_name="鳥取", first_name="花子")
    town = MunicipalityFactory(name="岩美町", prefecture="鳥取県", population=10000)
    client.force_login(staff)
    form = {
        "name": "岩美町",
        "name_kana": "いわみちょう",
        "prefecture": "鳥取県",
        "population": "10799",
        "households": "3926",
        "aged_65_plus_percent": "37.5",
        "community_cafeterias": "1",
        "display_order": "1",
    }

    response = client.post(reverse("admin:core_municipality_change", args=[town.pk]), form)

    assert response.status_code == 302
    latest = town.history.latest()
    assert latest.history_user == staff
    assert latest.history_type == "~"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes["population"] == (10000, 10799)
    page = client.get(reverse("admin:core_municipality_history", args=[town.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "10799" in html
    assert "変更者" in html
    assert str(staff) in html  # the person by name, not the login name


def test_an_auditor_reads_but_cannot_change(client):
    town = MunicipalityFactory()
    client.force_login(StaffFactory(roles=[roles.AUDITOR]))

    assert client.get(reverse("admin:core_municipality_change", args=[town.pk])).status_code == 200
    response = client.post(
        reverse("admin:core_municipality_change", args=[town.pk]), {"name": "改ざん"}
    )

    assert response.status_code == 403
    assert Municipality.objects.get(pk=town.pk).name == town.name


def test_password_reset_sends_a_japanese_email(client):
    UserFactory(email="contact@example.jp")

    response = client.post(reverse("account_reset_password"), {"email": "contact@example.jp"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["contact@example.jp"]
    assert "パスワード" in mail.outbox[0].subject + mail.outbox[0].body


def test_logout_ends_the_session(client):
    client.force_login(StaffFactory())

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session


def test_the_monthly_summary_is_scheduled_in_the_database_and_visible_to_staff(client):
    task = PeriodicTask.objects.get(task="reports.tasks.platform_summary_monthly_task")
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))

    # The Japanese list of what runs when (staff.admin), not Celery beat's own screens.
    response = client.get(reverse("admin:staff_scheduledtask_changelist"))

    assert task.crontab.day_of_month == "1"
    assert task.enabled
    assert task.name in response.content.decode()
