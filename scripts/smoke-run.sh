#!/usr/bin/env bash
# Start the README's run command as a newcomer would (no DATABASE_URL, no REDIS_URL, fresh data
# folder) and check that the home page and the admin login answer within two minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
run_cmd=$(python3 scripts/readme_commands.py run)
data=$(mktemp -d)
env -u DATABASE_URL -u REDIS_URL KIRIN_DATA_DIR="$data" setsid bash -c "$run_cmd" >"$data/run.log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null; sleep 1; kill -9 -- -$pid 2>/dev/null' EXIT
for _ in $(seq 1 60); do
  home=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8000/ || true)
  [ "$home" = 200 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 2
done
login=$(curl -s -L -o "$data/login.html" -w '%{http_code}' http://127.0.0.1:8000/admin/ || true)
if [ "$home" = 200 ] && [ "$login" = 200 ] && grep -q 'name="password"' "$data/login.html"; then
  echo "smoke run: home page and admin login answered on 127.0.0.1:8000"
else
  echo "smoke run FAILED (home $home, admin login $login)"; tail -30 "$data/run.log"; exit 1
fi
