#!/usr/bin/env bash
# Runs the web app (gunicorn) and the worker (mail outbox + photo queue) together; when one
# stops, both stop. Without MAIL_SERVER the worker prints mail to this terminal instead of
# sending it. Photos are processed by the worker (PHOTO_PROCESSING=queue, the default).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${HOST:-0.0.0.0}
PORT=${PORT:-5000}
export FLASK_APP=${FLASK_APP:-fieldapp}

pids=()
stop_all() {
  trap - EXIT INT TERM
  # TERM lets gunicorn finish requests and the worker finish the message or photo in hand.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/flask" worker &
pids+=($!)
"$BIN/gunicorn" --workers "${WEB_CONCURRENCY:-2}" --threads 4 --bind "$HOST:$PORT" \
  --access-logfile - 'fieldapp:create_app()' &
pids+=($!)

# Whichever ends first (gunicorn failing to start, the worker crashing), the EXIT trap
# stops the other.
wait -n "${pids[@]}"
