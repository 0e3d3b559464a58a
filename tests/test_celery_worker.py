"""A real Celery worker, started as its own process, runs a task through Redis."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from core.models import GeneratedDocument
from core.tasks import document_render_task
from kirin_pf.celery import app as celery_app
from reports.services import platform_summary_create
from tests.conftest import pdf_text

ROOT = Path(__file__).resolve().parent.parent


def _database_url():
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(settings):
    """Start `celery worker` on a private queue against the test database; stop it afterwards."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs REDIS_URL: without Redis, tasks run eagerly in-process")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must reach the test database")
    celery_app.conf.task_always_eager = False
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kirin_pf",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        print(output)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_renders_the_platform_summary(celery_worker_process):
    document = platform_summary_create(actor=None)

    result = document_render_task.apply_async(args=[document.pk], queue=celery_worker_process)

    assert result.get(timeout=90) == GeneratedDocument.Status.RENDERED
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.RENDERED
    pdf_path = Path(settings.MEDIA_ROOT) / document.file.name
    text = pdf_text(pdf_path, layout=False)
    assert "プラットフォーム概要" in text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_checks_then_imports_a_register(celery_worker_process):
    from core.models import ImportJob
    from core.tasks import import_job_task
    from members.models import Membership
    from members.resources import RegisterImportResource
    from tests.factories import StaffFactory

    rows = "".join(f"取込団体{n},とりこみ{n},その他,一般団体,2024/4/1,\r\n" for n in range(600))
    content = ("団体名,ふりがな,種別,区分,入会日,市町村\r\n" + rows).encode("cp932")
    job = ImportJob.objects.create(
        model="members.Organisation",
        resource=f"{RegisterImportResource.__module__}.{RegisterImportResource.__qualname__}",
        file_name="register.csv",
        content=content,
        total_rows=600,
        stage=ImportJob.Stage.CHECKING,
        in_background=True,
        user=StaffFactory(),
    )

    checked = import_job_task.apply_async(args=[job.pk, False], queue=celery_worker_process)
    assert checked.get(timeout=90) == ImportJob.Stage.CHECKED
    assert not Membership.objects.exists()
    imported = import_job_task.apply_async(args=[job.pk, True], queue=celery_worker_process)

    assert imported.get(timeout=90) == ImportJob.Stage.DONE
    job.refresh_from_db()
    assert job.summary["new"] == 600 and bytes(job.content) == b""
    assert Membership.objects.count() == 600
