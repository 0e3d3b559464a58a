import difflib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from kirin_pf.celery import app as celery_app

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: the browser runs in another process).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real hashing costs ~0.3 s a password; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if "FileBasedCache" in settings.CACHES["default"]["BACKEND"]:
        # Each test gets its own cache folder, never the development server's.
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _two_factor_for_the_council_only(request):
    """Every staff role requires two-factor authentication as deployed (core migration 0009).
    Tests that are not about it sign staff in with force_login and no authenticator, so for them
    only the council role keeps it, as before. A test that asks for `mfa_as_deployed` (see
    tests/security) keeps the migrated policies."""
    if "mfa_as_deployed" in request.fixturenames:
        return
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if names & {"transactional_db", "live_server"} or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from core.models import RolePolicy
    from core.roles import COUNCIL_MEMBER

    RolePolicy.objects.exclude(group__name=COUNCIL_MEMBER).update(mfa_required=False)


@pytest.fixture
def secretariat(client):
    """A staff user with the secretariat role, logged in to the test client."""
    from core import roles
    from tests.factories import StaffFactory

    user = StaffFactory(roles=[roles.SECRETARIAT])
    client.force_login(user)
    return user


def assert_constant_queries(run, add_rows, *, small=10, large=200):
    """The one check that a page, export or list does not issue a query per row.

    Calls ``add_rows(small)`` then ``run()``, then ``add_rows(large - small)`` and ``run()``
    again; both runs must issue the same number of queries (the differing SQL is shown when
    they do not). ``run`` makes the request and checks its answer (status, streamed content);
    returns the results of the two runs.
    """
    results, queries = [], []
    for rows in (small, large - small):
        add_rows(rows)
        with CaptureQueriesContext(connection) as captured:
            results.append(run())
        queries.append([query["sql"] for query in captured.captured_queries])
    fewer, more = queries
    if len(fewer) != len(more):
        diff = "\n".join(list(difflib.unified_diff(fewer, more, lineterm="", n=0))[:40])
        pytest.fail(f"{len(fewer)} queries with {small} rows, {len(more)} with {large}:\n{diff}")
    return results


def pdf_text(pdf: bytes | Path, *, layout: bool = True) -> str:
    """The text of a PDF (bytes or a file), read by poppler's pdftotext."""
    assert shutil.which("pdftotext"), "poppler-utils is needed to read PDFs"
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    command = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()


def response_bytes(response) -> bytes:
    """The whole body of a response, streamed (a large CSV export, core.csvstream) or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def requires_postgres():
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL); SQLite lacks the behaviour under test",
    )


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process in tests, as without Redis; tests/test_celery_worker.py turns this
    off to send them through Redis to a real worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def browser():
    """A headless Debian Chromium driven by Playwright (no downloaded browser)."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see README).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        violations = _report_csp_violations(chromium)
        yield chromium
        chromium.close()
        # While Playwright's event loop runs, Django keeps database connections per context,
        # not per thread: the test body's connection lives here. Close it before leaving, or
        # PostgreSQL refuses to drop the test database at the end of the run.
        connections.close_all()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


def _report_csp_violations(chromium) -> list[str]:
    """Every page of every context of this browser reports the Content-Security-Policy violations
    Chromium writes to the console; the `browser` fixture fails the test on any."""
    violations = []
    new_context = chromium.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on(
            "console",
            lambda message: (
                violations.append(f"{message.location.get('url')}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return context

    chromium.new_context = watched_context
    return violations


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    yield page
    context.close()


def pytest_collection_modifyitems(items):
    """Every transactional test must use serialized_rollback.

    Migrations create data (role groups, rule sets, schedules) that a transactional test's flush
    wipes. serialized_rollback restores it, but only works if no test flushes without it: such a
    flush re-creates content types, and the next restore then collides with them on PostgreSQL.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: use @pytest.mark.django_db(transaction=True, "
                "serialized_rollback=True) (see tests/conftest.py)"
            )
