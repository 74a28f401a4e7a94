#!/usr/bin/env bash
# Builds the libFuzzer targets (SegmentaCore + fuzz/Fuzz.swift, -sanitize=fuzzer,address) and runs
# each for a bounded time from its seed corpus. Findings are written to fuzz/findings/ and fail the run;
# turn each into a regression test, then add it to the corpus.
# Usage: bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET…]      (default 45 s; all targets)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-45}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ingest definition orders profiles text)
out=.build/fuzz
mkdir -p "$out" fuzz/findings
bin="$out/segmenta-fuzz"
if [ ! -x "$bin" ] || [ -n "$(find Sources/SegmentaCore fuzz/Fuzz.swift -newer "$bin" -name '*.swift' | head -1)" ]; then
  echo "== building the fuzz targets"
  swiftc -sanitize=fuzzer,address -parse-as-library -swift-version 6 -O \
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault \
    -module-name SegmentaCore $(find Sources/SegmentaCore -name '*.swift' | sort) fuzz/Fuzz.swift -o "$bin" 2>&1 \
    | grep -v -e "Cannot export local symbol" -e "warning:" -e "^ *[|0-9]" -e "^\s*$" || true
  [ -x "$bin" ] || { echo "fuzz build failed"; exit 1; }
fi
status=0
for t in "${targets[@]}"; do
  corpus="$out/corpus-$t"
  mkdir -p "$corpus"
  cp -n fuzz/corpus/$t/* "$corpus/" 2>/dev/null || true
  echo "== fuzzing $t for ${seconds}s"
  if ! SEGMENTA_FUZZ=$t "$bin" "$corpus" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="fuzz/findings/$t-" -print_final_stats=1 > "$out/$t.log" 2>&1; then
    echo "fuzz target $t found a problem:"; tail -40 "$out/$t.log"; status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/$t.log" | tr '\n' ' '; echo
  fi
done
exit $status
