#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 60) each, seeded from the test fixtures.
# Prints, per target, the runs, the coverage reached and whether it found a crash.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$HOME/.cache/trailcheck-fuzz-target}

# Seed corpora from the fixtures: one record per file.
seed() {
  local target=$1
  local dir=corpus/$target
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir")" ] && return
  local n=0
  for f in ../tests/fixtures/samples/*/* ../src/providers/*/labelled.jsonl; do
    case "$f" in *.md) continue ;; esac
    while IFS= read -r line; do
      n=$((n + 1))
      case "$target" in
        map) printf '%b%s' "\\x$(printf '%02x' $((n % 6)))" "$line" > "$dir/seed-$n" ;;
        *) printf '%s\n' "$line" > "$dir/seed-$n" ;;
      esac
    done < "$f"
  done
}

status=0
for target in split csv json map; do
  seed "$target"
  log=$(mktemp)
  if cargo fuzz run --sanitizer none --dev "$target" "corpus/$target" -- \
      -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH (see fuzz/artifacts/$target/)"
    status=1
  fi
  stats=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW)' "$log" | tail -1 || true)
  echo "$target: ${secs}s: $result; last status: $stats"
  [ "$result" = "no crash" ] || tail -30 "$log"
  rm -f "$log"
done
exit $status
