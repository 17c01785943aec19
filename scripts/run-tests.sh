#!/usr/bin/env bash
# Runs the whole suite on SQLite and on PostgreSQL, installing Chromium and starting
# PostgreSQL first when they are missing. Prints pytest's summary line for each run.
# Each run is spread over PYTEST_WORKERS pytest-xdist workers (default 2, one per core; 0 runs
# in one process); on PostgreSQL each worker makes and drops its own database,
# $PG_TEST_DB_gw0, $PG_TEST_DB_gw1, ... (tests/conftest.py).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL_BASE=${PG_URL_BASE:-postgresql+psycopg://postgres@127.0.0.1:5432}
PG_TEST_DB=${PG_TEST_DB:-fieldapp_test}
PYTEST_WORKERS=${PYTEST_WORKERS:-2}

# Debian packages the tests need: chromium (browser tests), poppler-utils (pdftotext in the PDF
# tests), libharfbuzz-subset0 (WeasyPrint subsets fonts with it; without it WeasyPrint warns, and
# the test settings turn warnings into errors).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || missing+=(libharfbuzz-subset0)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} for the tests..."
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq && $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "Starting PostgreSQL..."
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
psql_admin() { psql -q -h 127.0.0.1 -U postgres -d postgres "$@"; }
# Workers' databases left by a run that was killed before its workers could drop them.
drop_worker_databases() {
  local name
  for name in $(psql_admin -At -c "SELECT datname FROM pg_database
                                    WHERE datname LIKE '${PG_TEST_DB}\_gw%'"); do
    psql_admin -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
  done
}
# A database of our own, new every run, so runs never see each other's tables.
psql_admin -c "DROP DATABASE IF EXISTS $PG_TEST_DB WITH (FORCE)" >/dev/null
psql_admin -c "CREATE DATABASE $PG_TEST_DB" >/dev/null
drop_worker_databases

# loadgroup: tests marked xdist_group (they share something outside the database, such as
# Redis) run in one worker; everything else goes to whichever worker is free.
XDIST=(-n "$PYTEST_WORKERS" --dist loadgroup)
if [ "$PYTEST_WORKERS" = 0 ]; then XDIST=(-n 0); fi

run_suite() {
  local label=$1 url=$2
  echo "=== test suite on $label ==="
  TEST_DATABASE_URL="$url" "$BIN/python" -m pytest -p no:cacheprovider "${XDIST[@]}" "${@:3}"
  local rc=$?
  if [ "$rc" = 5 ]; then
    echo "pytest collected no tests on $label"
    rc=0
  fi
  return "$rc"
}

status=0
echo "=== lint (ruff) ==="
"$BIN/ruff" check . || status=1
run_suite sqlite "sqlite://" "$@" || status=1
# The page sweeps (axe, tap targets, CSP violations over every page, in both languages) check
# rendering, which does not depend on the database, and are the slowest part: once, on SQLite.
# Every journey and every other test runs on both databases.
SWEEPS=(--ignore=tests/browser/test_accessibility.py --ignore=tests/browser/test_csp.py
        --ignore-glob='tests/browser/test_a11y_*.py')
run_suite postgresql "$PG_URL_BASE/$PG_TEST_DB" "${SWEEPS[@]}" "$@" || status=1
drop_worker_databases
exit $status
