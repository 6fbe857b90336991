#!/usr/bin/env bash
# Benchmark of `conductor-apply check` (issue #2): generates a tree of realistic workflows,
# times `check` on it and, in the same run, check-jsonschema (PyPI) validating the same
# definitions compiled to JSON against the compiled-JSON schema; prints both, the ratio and a
# per-stage breakdown of `check`. See bench/README.md.
#
#   bench/check.sh                 1,000 workflows, 10 timed runs of each command
#   WORKFLOWS=200 RUNS=5 bench/check.sh
#   PROFILE=dist bench/check.sh    the distribution build (fat LTO; slow to build)
#
# Needs cargo and python3 (for the check-jsonschema virtualenv, cached in bench/.venv).
set -euo pipefail

WORKFLOWS=${WORKFLOWS:-1000}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
PROFILE=${PROFILE:-release}
CHECK_JSONSCHEMA_VERSION=0.39.0

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

echo "building the $PROFILE binaries..." >&2
executables=$(cargo build --profile "$PROFILE" --quiet -p conductor-apply -p conductor-bench \
    --message-format=json | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')
apply=$(grep '/conductor-apply$' <<<"$executables")
bench=$(grep '/conductor-bench$' <<<"$executables")

venv="$repo/bench/.venv"
if [[ ! -x "$venv/bin/check-jsonschema" ]] ||
    [[ "$("$venv/bin/check-jsonschema" --version)" != *"$CHECK_JSONSCHEMA_VERSION"* ]]; then
    echo "installing check-jsonschema $CHECK_JSONSCHEMA_VERSION into bench/.venv..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
json="$work/json"

"$bench" generate --workflows "$WORKFLOWS" --out "$tree" >&2
"$apply" compile "$tree" --out "$json" >&2
"$apply" schema --out "$work/schemas" >/dev/null 2>&1
schema="$work/schemas/conductor.schema.json"
mapfile -t compiled < <(find "$json" -name '*.json' | sort)

# The input must be clean: a benchmark of failing input would measure the error paths.
diagnostics=$("$apply" --format json check "$tree")
errors=$(grep -oE '"errors": [0-9]+' <<<"$diagnostics" | tail -n 1 | grep -oE '[0-9]+')
warnings=$(grep -oE '"warnings": [0-9]+' <<<"$diagnostics" | tail -n 1 | grep -oE '[0-9]+')
if [[ "$errors" != 0 ]]; then
    echo "error: the generated tree has $errors errors; see \`conductor-apply check $tree\`" >&2
    exit 1
fi
"$venv/bin/check-jsonschema" --schemafile "$schema" "${compiled[@]}" >/dev/null

yaml_bytes=$(find "$tree" -name '*.yaml' -print0 | xargs -0 cat | wc -c)
json_bytes=$(cat "${compiled[@]}" | wc -c)
yaml_files=$(find "$tree" -name '*.yaml' | wc -l)

read -r apply_median apply_min < <("$bench" time --runs "$RUNS" --warmup "$WARMUP" -- \
    "$apply" check "$tree")
read -r cj_median cj_min < <("$bench" time --runs "$RUNS" --warmup "$WARMUP" -- \
    "$venv/bin/check-jsonschema" --schemafile "$schema" "${compiled[@]}")

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "build: $PROFILE profile"
echo "machine: $(nproc) cores ($cpu), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input: $WORKFLOWS workflows in $yaml_files YAML files, $yaml_bytes bytes of YAML;"
echo "       compiled: ${#compiled[@]} JSON files, $json_bytes bytes (pretty, as \`compile\` writes them)"
echo "check: $errors errors, $warnings warnings"
echo
awk -v runs="$RUNS" -v am="$apply_median" -v an="$apply_min" -v cm="$cj_median" -v cn="$cj_min" '
BEGIN {
    printf "%-58s %10s %10s\n", "wall time, warm cache, " runs " runs", "median", "min"
    printf "%-58s %8.1f ms %8.1f ms\n", "conductor-apply check (YAML, schema, lower, rules)", am / 1e6, an / 1e6
    printf "%-58s %8.1f ms %8.1f ms\n", "check-jsonschema (compiled JSON against its schema)", cm / 1e6, cn / 1e6
    printf "%-58s %9.1fx %9.1fx\n", "ratio (check-jsonschema / conductor-apply check)", cm / am, cn / an
}'
echo
"$bench" stages "$tree" --runs 5
