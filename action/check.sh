#!/usr/bin/env bash
# The action's check step: `check --format github`, whose annotations the runner shows on the
# lines of the pull request; a line in the job summary either way.
set -uo pipefail
[ "${INPUT_CHECK:-true}" = "true" ] || exit 0
args=(--format github check)
[ -z "${INPUT_SERVER_VERSION:-}" ] || args+=(--server-version "$INPUT_SERVER_VERSION")
# shellcheck disable=SC2206 # paths are separated by spaces on purpose
[ -z "${INPUT_PATHS:-}" ] || args+=($INPUT_PATHS)
# Annotations name files from the repository's root, so that they land on the pull request's
# lines when the project is in a subfolder.
workspace=$(cd "${GITHUB_WORKSPACE:-.}" && pwd -P)
here=$(pwd -P)
relative="${here#"$workspace"}"
prefix="${relative#/}"
if [ "$relative" != "$here" ] && [ -n "$prefix" ]; then
  conductor-apply "${args[@]}" | sed "s|^\(::[a-z]* file=\)|\1$prefix/|"
else
  conductor-apply "${args[@]}"
fi
code=$?
case $code in
  0) echo "**conductor-apply check**: no errors." >> "$GITHUB_STEP_SUMMARY" ;;
  1) echo "**conductor-apply check** found errors in the definitions: see the annotations." >> "$GITHUB_STEP_SUMMARY" ;;
  *) echo "**conductor-apply check** could not run (exit code $code): see the log." >> "$GITHUB_STEP_SUMMARY" ;;
esac
exit $code
