#!/usr/bin/env bash
# Benchmark of `conductor-apply test` offline (issue #11): copies workflows/ and its test files
# into a temporary project, repeats the cases until there are CASES of them, and times the run.
#
#   bench/test.sh                  1,000 cases, 5 timed runs
#   CASES=10000 RUNS=3 bench/test.sh
#   PROFILE=dev bench/test.sh      the debug build (no release build needed)
set -euo pipefail

CASES=${CASES:-1000}
RUNS=${RUNS:-5}
PROFILE=${PROFILE:-release}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
echo "building the $PROFILE binary..." >&2
apply=$(cargo build --profile "$PROFILE" --quiet -p conductor-apply --message-format=json |
    sed -n 's/.*"executable":"\([^"]*\/conductor-apply\)".*/\1/p' | head -1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/workflows"
cp workflows/*.yaml "$work/workflows/"
printf 'files: ["workflows/*.yaml"]\n' >"$work/conductor-apply.yaml"
# The example cases, in one file, repeated until there are CASES of them.
cat workflows/*.test.yaml | grep -v '^# yaml-language-server' |
    awk 'BEGIN { n = 0 } /^---$/ { next } /^test: / { if (n++) print "---" } { print }' >"$work/one.txt"
per_copy=$(grep -c '^test: ' "$work/one.txt")
copies=$(((CASES + per_copy - 1) / per_copy))
for _ in $(seq "$copies"); do cat "$work/one.txt"; echo "---"; done | sed '$d' >"$work/workflows/all.test.yaml"
total=$((copies * per_copy))

cd "$work"
"$apply" test >/dev/null # warm-up, and a check that every case passes
best=""
for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$apply" test >/dev/null
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    if [[ -z $best || $ms -lt $best ]]; then best=$ms; fi
done
echo "conductor-apply test ($PROFILE): $total cases offline, best of $RUNS runs: $best ms ($(awk "BEGIN { printf \"%.3f\", $best / $total }") ms a case)"
echo "on a server: not measured yet (server mode is not built)"
