#!/bin/sh
# Deadline-day load test on loopback: PostgreSQL database jumelage_load, the demo cycle,
# gunicorn as `make demo` serves it, locust headless. Figures in var/load/. See bench/README.md.
#   USERS=30 SPAWN=10 DURATION=60s WORKERS=3 sh bench/load.sh
set -eu
USERS=${USERS:-30}
SPAWN=${SPAWN:-10}
DURATION=${DURATION:-60s}
WORKERS=${WORKERS:-3}
PORT=${PORT:-18765}
DB=${LOAD_DB:-jumelage_load}
BIN=.venv/bin
LOAD=.venv-load/bin
mkdir -p var/load
if [ ! -x "$LOAD/locust" ]; then
  python3 -m venv .venv-load
  "$LOAD/python" -m pip install --quiet --require-hashes -r bench/requirements-load.lock
fi
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py load_demo
LOAD_OUT=var/load/sessions.json "$BIN/python" manage.py shell < bench/load_sessions.py
"$BIN/python" manage.py collectstatic --noinput -v 0
if (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || ss -ltn 2>/dev/null | grep -q ":$PORT "; then
  echo "Port $PORT is already in use: set PORT to a free one." >&2
  exit 2
fi
"$BIN/gunicorn" config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --log-level warning \
  --access-logfile /dev/null &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT INT TERM
sleep 3
LOAD_SESSIONS=var/load/sessions.json "$LOAD/locust" -f bench/locustfile.py --headless \
  --host "http://127.0.0.1:$PORT" -u "$USERS" -r "$SPAWN" -t "$DURATION" \
  --csv var/load/deadline --only-summary
