# Shared by the benchmark scripts (sourced): DIR and REPEATS are set by the caller.

# One measurement: wall seconds and peak RSS (MiB) of a whole command.
measure() {
  /usr/bin/time -f "%e %M" -o "$DIR/time" "$@" >/dev/null 2>"$DIR/err" || { cat "$DIR/err" >&2; exit 1; }
  awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$DIR/time"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# REPEATS runs of a command: a line «label, median seconds, median MiB», tab-separated.
run() {
  local label=$1; shift
  local times=() mems=()
  for _ in $(seq "$REPEATS"); do
    read -r t m < <(measure "$@")
    times+=("$t"); mems+=("$m")
  done
  printf '%s\t%s\t%s\n' "$label" "$(printf '%s\n' "${times[@]}" | median)" "$(printf '%s\n' "${mems[@]}" | median)"
}
