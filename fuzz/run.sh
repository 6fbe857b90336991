#!/usr/bin/env bash
# Runs every fuzz target for a while (default 60 s each). Needs cargo-fuzz, installed on first
# use; runs on the stable toolchain through RUSTC_BOOTSTRAP (libFuzzer needs -Z flags).
# Usage: fuzz/run.sh [seconds] [target...]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(yaml_load yaml_emit_round_trip import_round_trip)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p corpus/import_round_trip
# Seed the import target with the real definitions when the shared corpus is there.
if [ -d ../../shared/corpus ]; then
  find ../../shared/corpus -name '*.json' -exec cp {} corpus/import_round_trip/ \;
fi
for target in "${targets[@]}"; do
  echo "== $target ($seconds s)"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" -- -max_total_time="$seconds" -max_len=65536
done
