#!/usr/bin/env bash
# National-scale analysis (issue 19 §1), in one run on the same generated CSV (1.5 million works,
# 40 000 schools, 15 tasks): `msoko analyze --format json` against an equivalent pandas script and an
# equivalent DuckDB query set, and checks that the three outputs agree; msoko on one thread and on a
# file twice the size (the scaling targets); the floor (a newline scan of the file, from the page
# cache); and that one, two and three threads write the same bytes. The three msoko runs are
# interleaved, repeat by repeat, so that the machine's drift falls on all of them alike.
# Usage: scripts/bench-analyze.sh [WORKS] [SCHOOLS] [REPEATS]
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
mkdir "$DIR/twice"
$BIN bench generate --rows $((WORKS * 2)) --national-schools $((SCHOOLS * 2)) --out "$DIR/twice" >/dev/null

. scripts/bench/measure.sh

# Every timed run writes its output to /dev/null. On this project's machines the disk takes about a
# second to give new blocks to a fresh 170 MB file (145 MB/s, against 2-10 GB/s for a file written
# over in place or just cut, `dd` 2026-12-05): timed into files, the runs measured the disk's
# allocation, unevenly — a file cut in place is fast, one made anew is not. The outputs themselves
# are written by separate, untimed runs.
msoko() { ${4:-} "$BIN" analyze --spec "$1/spec.json" --out "$2" --threads "$3" "$1/national.csv"; }
# First, untimed, the outputs at one, two and three threads (the same bytes, compared below) and one
# run on the larger file; then `sync`: the kernel's writing back of the generated files and of these
# outputs took a core from the first timed runs (2026-12-05: 0.97 s against 0.78 for the next two).
SAME=yes
for n in 1 2 3; do msoko "$DIR" "$DIR/msoko-$n.json" "$n"; done
cmp -s "$DIR/msoko-1.json" "$DIR/msoko-2.json" && cmp -s "$DIR/msoko-1.json" "$DIR/msoko-3.json" || SAME=no
msoko "$DIR/twice" /dev/null 2
sync
: > "$DIR/interleaved.tsv"
for _ in $(seq "$REPEATS"); do
  read -r t m < <(msoko "$DIR" /dev/null 2 measure); printf 'two\t%s\t%s\n' "$t" "$m" >> "$DIR/interleaved.tsv"
  read -r t m < <(msoko "$DIR" /dev/null 1 measure); printf 'one\t%s\t%s\n' "$t" "$m" >> "$DIR/interleaved.tsv"
  read -r t m < <(msoko "$DIR/twice" /dev/null 2 measure); printf 'twice\t%s\t%s\n' "$t" "$m" >> "$DIR/interleaved.tsv"
done
DUCKDB="DuckDB $(python3 -c 'import duckdb; print(duckdb.__version__)')"
PANDAS="pandas $(python3 -c 'import pandas; print(pandas.__version__)')"

interleaved() { awk -F'\t' -v k="$1" -v f="$2" '$1 == k { print $f }' "$DIR/interleaved.tsv" | median; }
{
  wc -l "$DIR/national.csv" > /dev/null  # into the page cache, as every run below reads it
  # Ten scans a measurement: one takes about 0.01 s, /usr/bin/time's resolution is 0.01 s.
  run "newline scan of the file, ten times (the floor ×10)" sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do wc -l '$DIR/national.csv'; done"
  printf '%s\t%s\t%s\n' "msoko analyze --format json, two threads" "$(interleaved two 2)" "$(interleaved two 3)"
  printf '%s\t%s\t%s\n' "msoko analyze, one thread" "$(interleaved one 2)" "$(interleaved one 3)"
  printf '%s\t%s\t%s\n' "msoko analyze, twice the works, two threads" "$(interleaved twice 2)" "$(interleaved twice 3)"
  run "$DUCKDB" python3 scripts/bench/duckdb_analyze.py "$DIR/spec.json" "$DIR/national.csv" /dev/null
  run "$PANDAS" python3 scripts/bench/pandas_analyze.py "$DIR/spec.json" "$DIR/national.csv" /dev/null
} > "$DIR/results.tsv"
# The peers' outputs, for the agreement below.
python3 scripts/bench/duckdb_analyze.py "$DIR/spec.json" "$DIR/national.csv" "$DIR/duckdb.json"
python3 scripts/bench/pandas_analyze.py "$DIR/spec.json" "$DIR/national.csv" "$DIR/pandas.json"

echo "works: $WORKS, schools: $SCHOOLS, repeats: $REPEATS (medians; msoko's three runs interleaved); CSV $(( $(stat -c %s "$DIR/national.csv") / 1048576 )) MiB"
echo "| command | wall, s | peak RSS, MiB |"
echo "|---|---|---|"
awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$DIR/results.tsv"
echo
awk -F'\t' -v same="$SAME" '
  $1 ~ /^newline/ { floor = $2 / 10 } $1 ~ /^msoko analyze --format/ { two = $2; mem = $3 } $1 ~ /one thread$/ { one = $2 }
  $1 ~ /^msoko analyze, twice/ { twice = $2 } $1 ~ /^DuckDB/ { duck = $2 } $1 ~ /^pandas/ { pandas = $2 }
  END {
    printf "msoko: %.1f× faster than DuckDB (target ≥ 10), %.1f× faster than pandas (≥ 30), %s MiB (≤ 500), ", duck / two, pandas / two, mem
    printf "two threads %.2f× faster than one (≥ 1.7), twice the works %.2f× the time (≤ 2.1), %s× the newline scan; ", one / two, twice / two, (floor > 0 ? sprintf("%.0f", two / floor) : "n/a")
    printf "the same bytes at one, two and three threads: %s\n", same
  }
' "$DIR/results.tsv"
echo
echo "agreement (msoko against DuckDB, then against pandas):"
python3 scripts/bench/compare_analysis.py "$DIR/msoko-2.json" "$DIR/duckdb.json"
python3 scripts/bench/compare_analysis.py "$DIR/msoko-2.json" "$DIR/pandas.json"
