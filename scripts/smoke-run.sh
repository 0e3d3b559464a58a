#!/usr/bin/env bash
# Start the README's run command as a newcomer would (no DATABASE_URL, no REDIS_URL, fresh data
# folder) and check that the home page and the admin login answer within two minutes.
#
# The server cannot outlive this script: it runs as its own process group (job control, so `$!`
# is the group's leader and id, with no forking wrapper in between), the EXIT trap ends the whole
# group, and a watchdog inside that group ends it if this script dies without running its trap
# (kill -9). A port that is already taken is refused: a stale server would answer for us.
set -uo pipefail
cd "$(dirname "$0")/.."
port=8000
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "smoke run REFUSED: something already listens on 127.0.0.1:$port (stop it first)" >&2
  exit 2
fi
run_cmd=$(python3 scripts/readme_commands.py run)
data=$(mktemp -d)

stop_server() {
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for _ in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  # The leader has gone (or would not): end what is left of the group, the watchdog included.
  kill -KILL -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

set -m
env -u DATABASE_URL -u REDIS_URL KIRIN_DATA_DIR="$data" SMOKE_PARENT=$$ RUN_CMD="$run_cmd" \
  bash -c '
    (
      trap "" TERM
      while kill -0 "$SMOKE_PARENT" 2>/dev/null; do sleep 2; done
      kill -TERM -- "-$$" 2>/dev/null; sleep 5; kill -KILL -- "-$$" 2>/dev/null
    ) &
    exec bash -c "$RUN_CMD"
  ' >"$data/run.log" 2>&1 &
pid=$!
set +m

home=000
for _ in $(seq 1 60); do
  kill -0 "$pid" 2>/dev/null || break
  home=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" || true)
  [ "$home" = 200 ] && break
  sleep 2
done
login=$(curl -s -L -o "$data/login.html" -w '%{http_code}' "http://127.0.0.1:$port/admin/" || true)
if ! kill -0 "$pid" 2>/dev/null; then
  echo "smoke run FAILED: the server exited"; tail -30 "$data/run.log"; exit 1
fi
if [ "$home" = 200 ] && [ "$login" = 200 ] && grep -q 'name="password"' "$data/login.html"; then
  echo "smoke run: home page and admin login answered on 127.0.0.1:$port"
else
  echo "smoke run FAILED (home $home, admin login $login)"; tail -30 "$data/run.log"; exit 1
fi
