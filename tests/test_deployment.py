"""Docker cannot run here, so the compose file and Dockerfile are checked as text."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _settings_env_names():
    source = (ROOT / "kirin_pf" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]*)"', source))


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_runs_the_whole_stack():
    services = _compose()["services"]

    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert services["db"]["image"].startswith("postgres")
    assert services["redis"]["image"].startswith("redis")


def test_every_variable_compose_sets_is_read_by_the_settings():
    read = _settings_env_names()
    for name in ("web", "worker", "beat"):
        environment = _compose()["services"][name]["environment"]
        unknown = set(environment) - read
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"


def test_the_readme_documents_every_variable_the_settings_read():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    missing = {name for name in _settings_env_names() if f"`{name}`" not in readme}

    assert not missing


def test_the_image_installs_a_japanese_font_for_pdfs():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert "fonts-noto-cjk" in dockerfile
    assert "libpango" in dockerfile


def _python(code, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "kirin_pf.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_debug_and_without_a_secret_key_the_app_refuses_to_start():
    result = _python("import django; django.setup()", DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Kq2vR9mT4wZ8pL1nB6cY3hF5jD0sG-aQeUiOrXtWyVbNmCkJ",
    "ALLOWED_HOSTS": "kirin-pf.example.jp",
    "EMAIL_URL": "smtp+tls://mail.example.jp:587",
    "COUNCIL_ENCRYPTION_KEYS": "3YHnFZWGEvGQJpCm2sqcy9Vb3bAbEp1Ez2_-RPLXCVg=",
    "COUNCIL_BLIND_INDEX_KEY": "test-only-blind-index-key-0123456789abcdef",
}


def _check_deploy(**env):
    base = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks():
    result = _check_deploy(**PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_refuse_an_email_backend_that_sends_nothing():
    result = _check_deploy(**{**PRODUCTION, "EMAIL_URL": "consolemail://"})

    assert result.returncode != 0
    assert "kirin_pf.W001" in result.stdout + result.stderr


def test_without_redis_tasks_run_eagerly_and_the_log_says_so():
    code = (
        "import django, logging; logging.basicConfig(); django.setup();"
        "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "kirin_pf.settings"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.stdout.strip() == "True"
    assert result.stderr.count("REDIS_URL is not set") == 1


def test_the_worker_and_beat_wait_for_the_migrated_web_service():
    services = _compose()["services"]

    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "migrate" in services["web"]["command"]
