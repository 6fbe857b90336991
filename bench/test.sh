#!/usr/bin/env bash
# Benchmark of `conductor-apply test` (issue #11): copies workflows/ and its test files into a
# temporary project, repeats the cases until there are CASES of them, times the run offline,
# then the same cases on a real Conductor server (`test --server`), and prints the ratio.
#
#   bench/test.sh                  1,000 cases, 5 timed runs offline, one on a server
#   CASES=10000 RUNS=3 bench/test.sh
#   PROFILE=dev bench/test.sh      the debug build (no release build needed)
#   SERVER=http://host:8080/api bench/test.sh   a running server (it gets the workflows)
#   SERVER_VERSION=3.21.14 bench/test.sh        the server scripts/conductor-server starts
#                                               (default 3.32.1; stopped at the end)
#   SERVER=none bench/test.sh      offline only
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

# The same cases on a server, through its test endpoint, one run (a run takes minutes).
if [[ ${SERVER:-} == none ]]; then
    echo "on a server: skipped (SERVER=none)"
    exit 0
fi
url=${SERVER:-}
version=${SERVER_VERSION:-3.32.1}
if [[ -z $url ]]; then
    echo "starting Conductor $version..." >&2
    started=$("$repo/scripts/conductor-server" start "$version")
    url=$(sed -n 's/^url=//p' <<<"$started")
    server_dir=$(sed -n 's/^dir=//p' <<<"$started")
    trap 'cd "$repo"; "$repo/scripts/conductor-server" stop "$server_dir" >/dev/null; rm -rf "$work"' EXIT
else
    version="at $url"
fi
# Registers the workflows and task definitions the server lacks, outside the timing.
"$apply" test workflows/hello.test.yaml --server "$url" >/dev/null 2>&1 || true
start=$(date +%s%N)
"$apply" --format json test --server "$url" >"$work/server.json" 2>/dev/null || true
end=$(date +%s%N)
server_ms=$(((end - start) / 1000000))
# A case or two may fail there: 3.32.1's HTTP worker sometimes runs a mocked HTTP task first.
passed=$(grep -c '"result": "passed"' "$work/server.json" || true)
echo "conductor-apply test --server (Conductor $version): $total cases, $passed passed, $server_ms ms ($(awk "BEGIN { printf \"%.1f\", $server_ms / $total }") ms a case)"
echo "offline is $(awk "BEGIN { printf \"%.0f\", $server_ms / ($best > 0 ? $best : 1) }")x faster than the server"
