#!/usr/bin/env bash
# Fuzzes every reader of user files with libFuzzer (coverage-guided, msoko's ZIP-aware mutator
# for half the mutations), seeded with each reader's valid files, the attack's files and the
# kept findings in Tests/Fuzz/corpus/<target>/.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]      # default 15 s, every target
#
# A crash, a hang (an input over 20 s) or memory over 2 GB stops the target, keeps the input in
# fuzz-findings/<target>/ and fails the script. Add a kept input to Tests/Fuzz/corpus/<target>/
# once it is fixed, so that every later run tries it first.
# The instrumented build lives in .build-fuzz (SwiftPM builds the libraries with
# -sanitize=fuzzer; the entry is linked with swiftc, since SwiftPM cannot link such an
# executable — shared/RECIPES.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER=${1:-15}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(results-xlsx results-csv school-list enrolment-list roadmap-md roadmap-docx roadmap-json spec-json reference-table)
fi
B=.build-fuzz/release
echo "==> Building the instrumented readers (.build-fuzz)"
swift build -c release --target MsokoFuzzing -Xswiftc -sanitize=fuzzer --scratch-path .build-fuzz 2>&1 | grep -E "error|warning: unre|Compiling|Build" | tail -2
# The objects of the modules' current sources, from SwiftPM's own maps (a glob would also take the
# objects of files since removed).
objects() { python3 -c 'import json,os,sys; print("\n".join(v["object"] for v in json.load(open(sys.argv[1])).values() if os.path.exists(v.get("object", ""))))' "$B/$1.build/output-file-map.json"; }
mapfile -t OBJECTS < <(objects MsokoCore; objects MsokoFuzzing; objects ZIPFoundation)
swiftc -O -sanitize=fuzzer -parse-as-library -module-name MsokoLibFuzzer Fuzz/LibFuzzerEntry.swift -I $B/Modules \
  -Xcc -fmodule-map-file=.build-fuzz/checkouts/ZIPFoundation/Sources/CZLib/module.modulemap \
  "${OBJECTS[@]}" -lz -o $B/msoko-libfuzzer
SEEDS=$(mktemp -d /tmp/msoko-fuzz-seeds.XXXXXX)
trap 'rm -rf "$SEEDS"' EXIT
FUZZ_TOOL=${MSOKO_FUZZ_TOOL:-.build/debug/msoko-fuzz}
[ -x "$FUZZ_TOOL" ] || swift build --product msoko-fuzz >/dev/null
"$FUZZ_TOOL" seeds --out "$SEEDS" >/dev/null
failed=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz-findings/$t" "$SEEDS/$t"
  [ -d "Tests/Fuzz/corpus/$t" ] && cp Tests/Fuzz/corpus/"$t"/* "$SEEDS/$t/" 2>/dev/null || true
  log="fuzz-findings/$t/libfuzzer.log"
  if MSOKO_FUZZ_TARGET=$t $B/msoko-libfuzzer -max_total_time="$SECONDS_PER" -timeout=20 -rss_limit_mb=2048 -max_len=1048576 \
       -artifact_prefix="fuzz-findings/$t/" -print_final_stats=1 "$SEEDS/$t" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    slow=$(grep -o 'stat::slowest_unit_time_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "$t: ok — $runs inputs in ${SECONDS_PER} s, coverage $cov, peak $rss MB, slowest input under $((slow + 1)) s"
  else
    failed=$((failed + 1))
    echo "$t: FAILED — see $log and the kept input in fuzz-findings/$t/"
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5 || true
  fi
done
echo "fuzz: $(( ${#TARGETS[@]} - failed )) passed, $failed failed"
[ $failed -eq 0 ]
