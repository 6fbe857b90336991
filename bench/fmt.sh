#!/usr/bin/env bash
# Benchmark of `conductor-apply fmt` (issue #14) on the synthetic tree `bench/check.sh` uses:
# the first run on the generated files (every file whose layout is not canonical is rewritten,
# after both meaning checks, compiling it before and after), then `fmt --check` on the
# formatted tree (read, lay out, verify; nothing to write). Prints both. See bench/README.md.
#
#   bench/fmt.sh                   1,000 workflows, 10 timed runs of `fmt --check`
#   WORKFLOWS=200 RUNS=5 bench/fmt.sh
set -euo pipefail

WORKFLOWS=${WORKFLOWS:-1000}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
PROFILE=${PROFILE:-release}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

echo "building the $PROFILE binaries..." >&2
executables=$(cargo build --profile "$PROFILE" --quiet -p conductor-apply -p conductor-bench \
    --message-format=json | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')
apply=$(grep '/conductor-apply$' <<<"$executables")
bench=$(grep '/conductor-bench$' <<<"$executables")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
"$bench" generate --workflows "$WORKFLOWS" --out "$tree" >&2

yaml_bytes=$(find "$tree" -name '*.yaml' -print0 | xargs -0 cat | wc -c)
yaml_files=$(find "$tree" -name '*.yaml' | wc -l)

# The generated files, indented four spaces a level and with runs of spaces after `key:`, so
# that the first run has every file to rewrite.
find "$tree" -name '*.yaml' -print0 | xargs -0 perl -pi -e \
    's/^( *)((?:- )*)/my ($i, $d) = ($1, $2); $i . $i . ($d =~ s{- }{-   }gr)/e; s/^( *(?:-   )*)([A-Za-z]+): ([^|>])/$1$2:   $3/'
if "$apply" fmt --check "$tree" >/dev/null 2>&1; then
    echo "error: the messed-up tree is already formatted; the first run would measure nothing" >&2
    exit 1
fi

start=$(date +%s%N)
"$apply" -q fmt "$tree"
first_ns=$(($(date +%s%N) - start))
"$apply" fmt --check "$tree" >/dev/null
"$apply" check "$tree" >/dev/null

read -r check_median check_min < <("$bench" time --runs "$RUNS" --warmup "$WARMUP" -- \
    "$apply" fmt --check "$tree")

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "build: $PROFILE profile"
echo "machine: $(nproc) cores ($cpu), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input: $WORKFLOWS workflows in $yaml_files YAML files, $yaml_bytes bytes of YAML (as generated)"
echo
awk -v runs="$RUNS" -v first="$first_ns" -v cm="$check_median" -v cn="$check_min" '
BEGIN {
    printf "%-62s %10s %10s\n", "wall time, warm cache", "median", "min"
    printf "%-62s %8.1f ms %10s\n", "fmt, every file rewritten and compiled twice (1 run)", first / 1e6, "-"
    printf "%-62s %8.1f ms %8.1f ms\n", "fmt --check, formatted tree (" runs " runs)", cm / 1e6, cn / 1e6
}'
