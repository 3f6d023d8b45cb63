#!/usr/bin/env bash
# National-scale analysis: `msoko analyze --format json` against an equivalent pandas script and an
# equivalent DuckDB query set on the same generated CSV (1.5 million works, 40 000 schools, 15 tasks),
# in one run; checks that the three outputs agree. Usage: scripts/bench-analyze.sh [WORKS] [SCHOOLS] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
WORKS=${1:-1500000}
SCHOOLS=${2:-40000}
REPEATS=${3:-3}
python3 -c "import pandas, duckdb" 2>/dev/null || python3 -m pip install -q --root-user-action=ignore pandas duckdb
swift build -c release --product msoko >/dev/null 2>&1
BIN=$PWD/.build/release/msoko
DIR=$(mktemp -d /tmp/msoko-analyze.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
$BIN bench generate --rows "$WORKS" --national-schools "$SCHOOLS" --out "$DIR" >/dev/null

. scripts/bench/measure.sh

{
  run "msoko analyze --format json" "$BIN" analyze --spec "$DIR/spec.json" --out "$DIR/msoko.json" "$DIR/national.csv"
  run "DuckDB $(python3 -c 'import duckdb; print(duckdb.__version__)')" python3 scripts/bench/duckdb_analyze.py "$DIR/spec.json" "$DIR/national.csv" "$DIR/duckdb.json"
  run "pandas $(python3 -c 'import pandas; print(pandas.__version__)')" python3 scripts/bench/pandas_analyze.py "$DIR/spec.json" "$DIR/national.csv" "$DIR/pandas.json"
} > "$DIR/results.tsv"

echo "works: $WORKS, schools: $SCHOOLS, repeats: $REPEATS (medians); CSV $(( $(stat -c %s "$DIR/national.csv") / 1048576 )) MiB"
echo "| command | wall, s | peak RSS, MiB |"
echo "|---|---|---|"
awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$DIR/results.tsv"
echo
echo "agreement (msoko against DuckDB, then against pandas):"
python3 scripts/bench/compare_analysis.py "$DIR/msoko.json" "$DIR/duckdb.json"
python3 scripts/bench/compare_analysis.py "$DIR/msoko.json" "$DIR/pandas.json"
