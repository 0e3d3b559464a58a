"""Admin list pages issue the same number of queries for 10 rows as for 200."""

import pytest
from django.urls import reverse

from core.models import ExportLog, GeneratedDocument, Municipality, Notification
from tests.conftest import assert_constant_queries
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _make_municipalities(n, user):
    MunicipalityFactory.create_batch(n)


def _make_export_logs(n, user):
    ExportLog.objects.bulk_create(
        ExportLog(user=user, model_label="core.Municipality", file_format="csv", row_count=i)
        for i in range(n)
    )


def _make_notifications(n, user):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(user)
    Notification.objects.bulk_create(
        Notification(
            purpose="core.test",
            content_type=content_type,
            object_id=str(user.pk),
            period=f"{n}-{i}",
            recipient=f"r{i}@example.jp",
            subject="件名",
        )
        for i in range(n)
    )


def _make_documents(n, user):
    GeneratedDocument.objects.bulk_create(
        GeneratedDocument(kind="platform_summary", title=f"概要{i}", snapshot={}, created_by=user)
        for i in range(n)
    )


def _make_users(n, user):
    UserFactory.create_batch(n, password=None)


@pytest.mark.parametrize(
    ("url_name", "make_rows"),
    [
        ("admin:core_municipality_changelist", _make_municipalities),
        ("admin:core_exportlog_changelist", _make_export_logs),
        ("admin:core_notification_changelist", _make_notifications),
        ("admin:core_generateddocument_changelist", _make_documents),
        ("admin:core_user_changelist", _make_users),
    ],
)
def test_changelist_queries_do_not_grow_with_rows(client, admin_user, url_name, make_rows):
    client.force_login(admin_user)
    url = reverse(url_name) + "?all="  # no pagination: every row is rendered

    def changelist():
        assert client.get(url).status_code == 200

    assert_constant_queries(changelist, lambda n: make_rows(n, admin_user))


def test_the_constant_query_check_fails_on_a_query_per_row():
    def a_query_per_row():
        for municipality in Municipality.objects.all():
            ExportLog.objects.filter(row_count=municipality.pk).exists()

    with pytest.raises(pytest.fail.Exception, match="queries with 10 rows"):
        assert_constant_queries(a_query_per_row, MunicipalityFactory.create_batch)
