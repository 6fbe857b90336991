#!/usr/bin/env bash
# Benchmark of `conductor-apply lsp` (issue 14): the time from an edit (`didChange`) to the
# diagnostics of the edited file (`publishDiagnostics`) in a 1,000-workflow project, as an
# editor sees it over stdio. See bench/README.md.
#
#   bench/lsp.sh                     1,000 workflows, 20 break-and-fix pairs of edits
#   WORKFLOWS=200 RUNS=5 bench/lsp.sh
#   PROFILE=dist bench/lsp.sh        the distribution build (fat LTO; slow to build)
set -euo pipefail

WORKFLOWS=${WORKFLOWS:-1000}
RUNS=${RUNS:-20}
PROFILE=${PROFILE:-release}
# The server's default debounce interval (`conductor-apply lsp --debounce-ms`).
DEBOUNCE_MS=${DEBOUNCE_MS:-30}

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

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
echo "build: $PROFILE profile"
echo "machine: $(nproc) cores ($cpu), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input: $WORKFLOWS workflows in $(find "$tree" -name '*.yaml' | wc -l) YAML files"
echo
echo "without debounce (the check itself):"
"$bench" lsp --server "$apply" "$tree" --runs "$RUNS" --debounce-ms 0
echo
echo "with the default debounce ($DEBOUNCE_MS ms), what an editor waits:"
"$bench" lsp --server "$apply" "$tree" --runs "$RUNS" --debounce-ms "$DEBOUNCE_MS"
