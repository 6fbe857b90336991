#!/usr/bin/env bash
# Benchmark of `conductor-apply check` on real shapes (issue 12): renamed copies of the shared
# corpus (scripts, jq, deep nesting, many CA601/CA602 warnings) at two sizes. Prints, in one
# run, `check` against check-jsonschema validating the same definitions (the renamed Conductor
# JSON) against the compiled-JSON schema, and how `check` grows from 1,000 to 10,000 workflows.
#
#   bench/corpus.sh                        1,000 and 10,000 workflows, 5 timed runs each
#   CORPUS=../shared/corpus RUNS=10 bench/corpus.sh
#
# Needs cargo, python3 (check-jsonschema in bench/.venv) and the shared corpus.
set -euo pipefail

RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
PROFILE=${PROFILE:-release}
SMALL=${SMALL:-1000}
LARGE=${LARGE:-10000}
CHECK_JSONSCHEMA_VERSION=0.39.0

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus=$(cd "${CORPUS:-$repo/../shared/corpus}" && pwd)
cd "$repo"

echo "building the $PROFILE binaries..." >&2
executables=$(cargo build --profile "$PROFILE" --quiet -p conductor-apply -p conductor-bench \
    --message-format=json | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')
apply=$(grep '/conductor-apply$' <<<"$executables")
bench=$(grep '/conductor-bench$' <<<"$executables")

venv="${VENV:-$repo/bench/.venv}"
if [[ ! -x "$venv/bin/check-jsonschema" ]] ||
    [[ "$("$venv/bin/check-jsonschema" --version)" != *"$CHECK_JSONSCHEMA_VERSION"* ]]; then
    echo "installing check-jsonschema $CHECK_JSONSCHEMA_VERSION into bench/.venv..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$apply" schema --out "$work/schemas" >/dev/null 2>&1
schema="$work/schemas/conductor.schema.json"

# The copies hold the corpus's genuinely broken definitions: `check` exits 1 on them, which
# is part of what is measured, so the timed command ignores the exit code.
cat >"$work/ignore-exit" <<'SH'
#!/bin/sh
"$@" >/dev/null 2>&1
exit 0
SH
chmod +x "$work/ignore-exit"

declare -A check_median
for size in "$SMALL" "$LARGE"; do
    tree="$work/c$size"
    "$bench" corpus --corpus "$corpus" --workflows "$size" --out "$tree" >&2
    # A project file, so that `check` reads exactly the copies.
    echo 'files: ["yaml/**/*.yaml"]' >"$tree/conductor-apply.yaml"
    read -r median min < <(cd "$tree" && "$bench" time --runs "$RUNS" --warmup "$WARMUP" -- \
        "$work/ignore-exit" "$apply" check)
    check_median[$size]=$median
    printf '%-52s %8.1f ms %8.1f ms\n' "conductor-apply check, $size workflows" \
        "$(bc -l <<<"$median / 1000000")" "$(bc -l <<<"$min / 1000000")"
    if [[ "$size" == "$SMALL" ]]; then
        mapfile -t json < <(find "$tree/json" -name '*.json' | sort)
        read -r cj_median cj_min < <("$bench" time --runs "$RUNS" --warmup "$WARMUP" -- \
            "$work/ignore-exit" "$venv/bin/check-jsonschema" --schemafile "$schema" "${json[@]}")
        printf '%-52s %8.1f ms %8.1f ms\n' "check-jsonschema, $size workflows" \
            "$(bc -l <<<"$cj_median / 1000000")" "$(bc -l <<<"$cj_min / 1000000")"
        printf '%-52s %9.1fx\n' "ratio (check-jsonschema / check), medians" \
            "$(bc -l <<<"$cj_median / $median")"
    fi
done
printf '%-52s %9.1fx\n' "growth ($LARGE / $SMALL workflows), medians" \
    "$(bc -l <<<"${check_median[$LARGE]} / ${check_median[$SMALL]}")"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
