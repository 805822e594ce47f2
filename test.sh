#!/usr/bin/env bash
# Runs every test: unit, property, integration (SQLite and PostgreSQL), hostile input.
# PostgreSQL: uses $VIGIL_TEST_POSTGRES when set; otherwise starts the machine's local cluster
# (Debian's postgresql package) and creates a throw-away test role. Tests that need PostgreSQL
# fail loudly when it cannot be reached; they are never skipped silently.
set -euo pipefail
cd "$(dirname "$0")"

# A fresh machine of this kind lacks PostgreSQL and Chromium: install them from Debian when we can.
if [ "$(id -u)" = 0 ] && { ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; }; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql chromium
fi

if [ -z "${VIGIL_TEST_POSTGRES:-}" ] && command -v pg_lsclusters >/dev/null 2>&1; then
  cluster=$(pg_lsclusters -h 2>/dev/null | head -n 1 || true)
  if [ -n "$cluster" ]; then
    ver=$(echo "$cluster" | awk '{print $1}'); name=$(echo "$cluster" | awk '{print $2}')
    port=$(echo "$cluster" | awk '{print $3}')
    if ! echo "$cluster" | grep -q online; then
      pg_ctlcluster "$ver" "$name" start || sudo -n pg_ctlcluster "$ver" "$name" start || true
    fi
    as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -n -u postgres sh -c "$1"; fi; }
    as_pg "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='vigil_test'\" | grep -q 1 || psql -p $port -qc \"CREATE ROLE vigil_test LOGIN SUPERUSER PASSWORD 'vigil_test'\"" \
      && export VIGIL_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=vigil_test;Password=vigil_test;Database=postgres"
  fi
fi
echo "PostgreSQL for tests: ${VIGIL_TEST_POSTGRES:-<none: PostgreSQL tests will fail>}"

mkdir -p artifacts
dotnet build Vigil.slnx -c Release
status=0
dotnet test Vigil.slnx -c Release --no-build "$@" 2>&1 | tee artifacts/test-output.txt || status=$?
# One closing line over all test assemblies, in the plain form CI reads.
passed=$(grep -oE 'Passed: +[0-9]+' artifacts/test-output.txt | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' artifacts/test-output.txt | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' artifacts/test-output.txt | awk '{s+=$2} END {print s+0}')
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit $status
