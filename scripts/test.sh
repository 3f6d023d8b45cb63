#!/usr/bin/env bash
# The whole msoko test suite on a fresh machine (the README's test command; .ci/run calls it).
# Idempotent: installs what is missing (PostgreSQL 15, Chromium and its driver, LibreOffice,
# fonts, poppler, zbar-tools for reading QR codes, nginx for the two-node test, Python packages), starts a private PostgreSQL on loopback, then runs
#   1. swift test against SQLite (in memory),
#   2. the server tests again against that PostgreSQL,
#   3. libFuzzer on every reader of user files, a few seconds each (scripts/fuzz.sh),
#   4. pytest: the command line (SQLite and PostgreSQL; results files written by openpyxl and
#      LibreOffice) and a real browser (headless Chromium)
#      walking «school head reports → specialist sees it → specialist downloads the DOCX».
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

log() { printf '\n==> %s\n' "$*"; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
[ -e /usr/lib/libreoffice/program/libsclo.so ] || missing+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
command -v nginx >/dev/null || missing+=(nginx-light)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
if [ ${#missing[@]} -gt 0 ]; then
  log "Installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! python3 -c "import selenium, docx, pytest, openpyxl, pandas, icalendar" 2>/dev/null; then
  log "Installing Python packages"
  python3 -m pip install -q --root-user-action=ignore selenium python-docx pytest openpyxl pandas icalendar
fi

log "Starting a private PostgreSQL on 127.0.0.1"
PGDIR=$(mktemp -d /tmp/msoko-pg.XXXXXX)
PGPORT=${MSOKO_TEST_PGPORT:-55432}
while (echo >/dev/tcp/127.0.0.1/$PGPORT) 2>/dev/null; do PGPORT=$((PGPORT + 1)); done
install -d -o postgres -g postgres "$PGDIR/data" "$PGDIR/sock"
chown postgres:postgres "$PGDIR"
su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $PGDIR/data -A trust -U postgres" >/dev/null
su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $PGDIR/data -o '-p $PGPORT -k $PGDIR/sock -c listen_addresses=127.0.0.1' -l $PGDIR/pg.log -w start" >/dev/null
cleanup() {
  su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $PGDIR/data -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
PGURL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
for db in msoko_cli msoko_demo msoko_results msoko_backup msoko_restore; do
  su postgres -c "psql -h $PGDIR/sock -p $PGPORT -qc 'CREATE DATABASE $db'" >/dev/null
done

log "Building (a first build takes 5-15 minutes)"
swift build --build-tests

log "Swift tests on SQLite"
swift test --skip-build

log "Server tests on PostgreSQL"
MSOKO_TEST_DATABASE_URL="$PGURL" swift test --skip-build --filter MsokoServerTests

log "Fuzzing every reader of user files (${MSOKO_FUZZ_SECONDS:-10} s each; scripts/fuzz.sh)"
scripts/fuzz.sh "${MSOKO_FUZZ_SECONDS:-10}"

log "Command line and real-browser tests"
export MSOKO_BIN="$ROOT/.build/debug/msoko"
export MSOKO_TEST_PG_SERVER="postgres://postgres@127.0.0.1:$PGPORT"
python3 -m pytest -q Tests/e2e
