#!/usr/bin/env bash
# Reading and checking a 200 000-row results file: msoko against Python's openpyxl (read-only)
# and python-calamine on the XLSX, and pandas read_csv on the CSV, in one run; then the whole
# `msoko analyze` of the XLSX (read, check, analyse, write) against the inflate floor (`unzip -p` of
# the sheet) and calamine's read alone (issue 19 §2: ≥ 3× calamine, ≤ 1.5× the floor, ≤ 150 MB).
# Usage: scripts/bench-import.sh [ROWS] [REPEATS]   — figures go to docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-200000}
REPEATS=${2:-3}
python3 -c "import openpyxl, python_calamine, pandas" 2>/dev/null || python3 -m pip install -q --root-user-action=ignore openpyxl python-calamine pandas
swift build -c release --product msoko >/dev/null 2>&1
BIN=.build/release/msoko
DIR=$(mktemp -d /tmp/msoko-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
$BIN bench generate --rows "$ROWS" --out "$DIR" >/dev/null
XML_BYTES=$(unzip -p "$DIR/results.xlsx" xl/worksheets/sheet1.xml | wc -c)
CSV_BYTES=$(stat -c %s "$DIR/results.csv")

cat > "$DIR/openpyxl_read.py" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
print(rows)
PY
cat > "$DIR/calamine_read.py" <<'PY'
import sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
print(len(rows))
PY
cat > "$DIR/pandas_read.py" <<'PY'
import sys, pandas as pd
df = pd.read_csv(sys.argv[1], sep=";", skiprows=5, encoding="utf-8-sig", dtype=str)
print(len(df))
PY

. scripts/bench/measure.sh

{
  run "unzip -p of the sheet (inflate floor)" sh -c "unzip -p '$DIR/results.xlsx' xl/worksheets/sheet1.xml > /dev/null"
  run "msoko analyze (XLSX, whole)" "$BIN" analyze --spec "$DIR/spec.json" --out "$DIR/analysis.json" "$DIR/results.xlsx"
  run "msoko check (XLSX)" "$BIN" check results "$DIR/results.xlsx" --spec "$DIR/spec.json"
  run "openpyxl read-only (XLSX)" python3 "$DIR/openpyxl_read.py" "$DIR/results.xlsx"
  run "python-calamine (XLSX)" python3 "$DIR/calamine_read.py" "$DIR/results.xlsx"
  run "msoko check (CSV)" "$BIN" check results "$DIR/results.csv" --spec "$DIR/spec.json"
  run "pandas read_csv (CSV)" python3 "$DIR/pandas_read.py" "$DIR/results.csv"
} > "$DIR/results.tsv"

echo "rows: $ROWS, repeats: $REPEATS (medians); sheet XML $((XML_BYTES / 1048576)) MB, CSV $((CSV_BYTES / 1048576)) MB"
echo "| command | wall, s | peak RSS, MiB |"
echo "|---|---|---|"
awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$DIR/results.tsv"
echo
awk -F'\t' '
  /^unzip/ { floor = $2 } /^msoko analyze/ { whole = $2; mem = $3 } /^python-calamine/ { calamine = $2 }
  END { printf "msoko analyze (XLSX): %.2f× the inflate floor (target ≤ 1.5), %.1f× faster than calamine'"'"'s read (target ≥ 3), %s MiB (target ≤ 150)\n", whole / floor, calamine / whole, mem }
' "$DIR/results.tsv"
