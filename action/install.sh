#!/usr/bin/env bash
# The action's first step: puts conductor-apply on PATH for the next steps (through
# $GITHUB_PATH), by INPUT_INSTALL: pip (a virtual environment in $RUNNER_TEMP), cargo (built
# from the action's own source), none (already on PATH).
set -euo pipefail
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ACTION_PATH/Cargo.toml" | head -n1)
case "${INPUT_INSTALL:-pip}" in
  pip)
    requirement="${INPUT_PACKAGE:-conductor-apply==$version}"
    python=$(command -v python3 || command -v python) || {
      echo "::error title=conductor-apply::install: pip needs Python 3; use actions/setup-python, or install: cargo"
      exit 1
    }
    "$python" -m venv "$tmp/conductor-apply-venv"
    bin="$tmp/conductor-apply-venv/bin"
    [ -d "$bin" ] || bin="$tmp/conductor-apply-venv/Scripts"
    "$bin/python" -m pip install --quiet --disable-pip-version-check "$requirement"
    ;;
  cargo)
    cargo install --locked --quiet --root "$tmp/conductor-apply-cargo" --path "$ACTION_PATH"
    bin="$tmp/conductor-apply-cargo/bin"
    ;;
  none)
    found=$(command -v conductor-apply) || {
      echo "::error title=conductor-apply::install: none, but conductor-apply is not on PATH"
      exit 1
    }
    bin=$(dirname "$found")
    ;;
  *)
    echo "::error title=conductor-apply::install must be pip, cargo or none, not \`$INPUT_INSTALL\`"
    exit 1
    ;;
esac
echo "$bin" >> "$GITHUB_PATH"
"$bin/conductor-apply" --version
