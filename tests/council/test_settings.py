"""Production refuses to start without the council keys."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_without_debug_and_without_council_keys_the_app_refuses_to_start():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "COUNCIL_ENCRYPTION_KEYS", "COUNCIL_BLIND_INDEX_KEY"}
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **env,
            "DEBUG": "false",
            "SECRET_KEY": "x7Kq2vR9mT4wZ8pL1nB6cY3hF5jD0sG-aQeUiOrXtWyVbNmCkJ",
            "DJANGO_SETTINGS_MODULE": "kirin_pf.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "COUNCIL_ENCRYPTION_KEYS and COUNCIL_BLIND_INDEX_KEY are not set" in result.stderr
