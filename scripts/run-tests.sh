#!/usr/bin/env bash
# Runs the pytest suite offscreen with coverage, against a throwaway PostgreSQL cluster on
# 127.0.0.1 so the persistence tests run on both SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
pgdir=""
cleanup() {
    if [ -n "$pgdir" ]; then
        bash scripts/pg-throwaway.sh stop "$pgdir" || true
    fi
}
trap cleanup EXIT
if [ -z "${LABELSTATION_TEST_PG_URL:-}" ]; then
    if pgdir=$(bash scripts/pg-throwaway.sh start); then
        export LABELSTATION_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:${LABELSTATION_TEST_PG_PORT:-54329}/postgres"
    else
        pgdir=""
        echo "run-tests: no PostgreSQL cluster; PostgreSQL tests will fail" >&2
    fi
fi
.venv/bin/python -m pytest --cov --cov-report=term:skip-covered "$@"
