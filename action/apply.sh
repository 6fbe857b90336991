#!/usr/bin/env bash
# The action's apply step: when INPUT_APPLY is true, applies exactly the sealed plan of the plan
# step (refused if the server moved since), and adds the outcome to the job summary.
set -uo pipefail
[ "${INPUT_APPLY:-false}" = "true" ] || exit 0
if [ -z "${PLAN_FILE:-}" ] || [ ! -f "$PLAN_FILE" ]; then
  echo "::error title=conductor-apply::apply needs the plan step (plan: true or auto with a server)"
  exit 1
fi
if [ "${PLAN_CHANGES:-}" = "false" ]; then
  echo "**conductor-apply apply**: nothing to apply." >> "$GITHUB_STEP_SUMMARY"
  exit 0
fi
args=(apply --auto-approve)
[ -z "${INPUT_SERVER:-}" ] || args+=(--server "$INPUT_SERVER")
[ -z "${INPUT_ENVIRONMENT:-}" ] || args+=(--env "$INPUT_ENVIRONMENT")
report="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/conductor-apply-apply.txt"
conductor-apply "${args[@]}" "$PLAN_FILE" > "$report"
code=$?
cat "$report"
{
  echo "### conductor-apply apply"
  echo
  echo '```'
  cat "$report"
  echo '```'
} >> "$GITHUB_STEP_SUMMARY"
exit $code
