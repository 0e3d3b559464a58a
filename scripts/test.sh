#!/usr/bin/env bash
# Set up and run every check: lint, format, migrations, deployment checks and the test suite.
# Runs on SQLite by default; with DATABASE_URL (PostgreSQL) and REDIS_URL set it also runs the
# PostgreSQL-only tests and the real Celery worker test.
source "$(dirname "$0")/_venv.sh" test
bash scripts/ensure-system-packages.sh

echo "==> ruff"
ruff check .
ruff format --check .

echo "==> migrations and deployment checks"
DEBUG=true python manage.py makemigrations --check --dry-run
fernet_key() { python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'; }
env DEBUG=false SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  ALLOWED_HOSTS=kirin-pf.example.jp EMAIL_URL=smtp+tls://mail.example.jp:587 \
  COUNCIL_ENCRYPTION_KEYS="$(fernet_key)" COUNCIL_BLIND_INDEX_KEY="$(fernet_key)" \
  python manage.py check --deploy --fail-level WARNING

echo "==> pytest"
DEBUG=true python -m pytest "$@"
