"""Import jobs tidy themselves: daily, not only at the next upload (core.tasks), and a job whose
worker died is shown as failed, in Japanese, instead of running forever."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import ImportJob
from core.tasks import import_jobs_expire_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _job(stage, *, idle, user=None, created=None):
    job = ImportJob.objects.create(
        model="members.Organisation",
        resource="members.resources.RegisterImportResource",
        file_name="register.csv",
        content="団体名\r\n取込団体\r\n".encode(),
        total_rows=1,
        stage=stage,
        summary={"can_import": True, "new": 1, "skipped": 0, "invalid": 0},
        user=user or UserFactory(),
    )
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        updated_at=now - idle, created_at=now - (created or idle)
    )
    return job


def _minutes(n):
    return datetime.timedelta(minutes=n)


def test_the_daily_task_discards_a_checked_file_after_a_day_not_before():
    kept = _job(ImportJob.Stage.CHECKED, idle=_minutes(23 * 60 + 59))
    dropped = _job(ImportJob.Stage.CHECKED, idle=_minutes(24 * 60 + 1))

    import_jobs_expire_task.delay()

    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.stage == ImportJob.Stage.CHECKED and bytes(kept.content)
    assert dropped.stage == ImportJob.Stage.FAILED and bytes(dropped.content) == b""
    assert dropped.summary == {}


def test_the_daily_task_forgets_a_job_after_a_week_not_before():
    week = 7 * 24 * 60
    kept = _job(ImportJob.Stage.DONE, idle=_minutes(week - 1))
    _job(ImportJob.Stage.DONE, idle=_minutes(week + 1))

    import_jobs_expire_task.delay()

    assert list(ImportJob.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.parametrize("stage", [ImportJob.Stage.CHECKING, ImportJob.Stage.IMPORTING])
def test_a_job_running_an_hour_after_its_worker_took_it_is_failed(stage):
    alive = _job(stage, idle=_minutes(59))
    dead = _job(stage, idle=_minutes(61))

    import_jobs_expire_task.delay()

    alive.refresh_from_db()
    dead.refresh_from_db()
    assert alive.stage == stage
    assert dead.stage == ImportJob.Stage.FAILED and bytes(dead.content) == b""
    assert not dead.summary["can_import"]
    assert "途中で止まりました" in dead.summary["errors"][0]["message"]


def test_the_page_of_a_dead_import_says_so_at_once_instead_of_importing_forever(
    client, secretariat
):
    job = _job(ImportJob.Stage.IMPORTING, idle=_minutes(61), user=secretariat)

    html = client.get(
        reverse("admin:members_organisation_import_job", args=[job.pk])
    ).content.decode()

    assert "途中で止まりました" in html and "何も保存されていません" in html
    assert 'http-equiv="refresh"' not in html and "import-progress" not in html
    assert ImportJob.objects.get(pk=job.pk).stage == ImportJob.Stage.FAILED


def test_a_worker_reaching_a_job_given_up_leaves_it_failed():
    from core.imports import import_job_run

    job = _job(ImportJob.Stage.IMPORTING, idle=_minutes(61))
    import_jobs_expire_task.delay()

    import_job_run(job.pk, write=True)

    job.refresh_from_db()
    assert job.stage == ImportJob.Stage.FAILED
    assert "途中で止まりました" in job.summary["errors"][0]["message"]
