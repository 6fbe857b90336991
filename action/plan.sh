#!/usr/bin/env bash
# The action's plan step: `plan --format markdown` into the job summary (and a file the comment
# step posts), the sealed plan saved for the apply step, `changes=true|false` as an output.
set -uo pipefail
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
case "${INPUT_PLAN:-auto}" in
  true) ;;
  false) exit 0 ;;
  auto)
    if [ -z "${INPUT_SERVER:-}" ] && [ -z "${INPUT_ENVIRONMENT:-}" ] && [ -z "${CONDUCTOR_SERVER_URL:-}" ]; then
      echo "conductor-apply: no server named (inputs server or environment, or CONDUCTOR_SERVER_URL): no plan"
      exit 0
    fi
    ;;
  *)
    echo "::error title=conductor-apply::plan must be true, false or auto, not \`$INPUT_PLAN\`"
    exit 1
    ;;
esac
markdown="$tmp/conductor-apply-plan.md"
plan_file="$tmp/conductor-apply-plan.json"
rm -f "$plan_file"
args=(--format markdown plan --detailed-exitcode --out "$plan_file")
[ -z "${INPUT_SERVER:-}" ] || args+=(--server "$INPUT_SERVER")
[ -z "${INPUT_ENVIRONMENT:-}" ] || args+=(--env "$INPUT_ENVIRONMENT")
[ "${INPUT_PRUNE:-false}" != "true" ] || args+=(--prune)
# shellcheck disable=SC2206 # paths are separated by spaces on purpose
[ -z "${INPUT_PATHS:-}" ] || args+=($INPUT_PATHS)
conductor-apply "${args[@]}" > "$markdown"
code=$?
case $code in
  0) changes=false ;;
  2) changes=true ;;
  *)
    echo "**conductor-apply plan** failed (exit code $code): see the log." >> "$GITHUB_STEP_SUMMARY"
    exit $code
    ;;
esac
cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
{
  echo "changes=$changes"
  echo "markdown-file=$markdown"
  echo "plan-file=$plan_file"
} >> "$GITHUB_OUTPUT"
