#!/bin/sh
# Serve Jumelage with gunicorn (production-grade WSGI server) and run the huey job consumer
# beside it; both stop together on Ctrl-C.
set -e
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
"$BIN/python" manage.py run_huey --worker-type process --workers 1 --quiet >var/huey.log 2>&1 &
HUEY_PID=$!
trap 'kill $HUEY_PID 2>/dev/null || true' EXIT INT TERM
echo "Jumelage is at http://$HOST:$PORT/  (Ctrl-C to stop)"
"$BIN/gunicorn" config.wsgi --bind "$HOST:$PORT" --workers 3 --access-logfile - --log-level warning
