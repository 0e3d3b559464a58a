#!/usr/bin/env bash
# Set up and run kirin_pf on this machine: SQLite and in-process tasks unless DATABASE_URL and
# REDIS_URL say otherwise. Loads the demo data (idempotent) and serves http://127.0.0.1:8000/.
source "$(dirname "$0")/_venv.sh"
export DEBUG="${DEBUG:-true}"
python manage.py migrate --noinput
python manage.py load_demo_data --demo-user --last-month
cat <<MSG

  kirin_pf is running:   http://127.0.0.1:8000/
  Back office (admin):   http://127.0.0.1:8000/admin/
  Demo logins (password kirin-demo-2026), one per role:
    demo@kirin-pf.example               事務局
    demo-coordinator@kirin-pf.example   コーディネーター
    demo-hub@kirin-pf.example           ハブ担当 (ロジ拠点（鳥取市）)
    demo-auditor@kirin-pf.example       監査
    council-intake@kirin-pf.example     協議会構成員

MSG
exec python manage.py runserver 127.0.0.1:8000
