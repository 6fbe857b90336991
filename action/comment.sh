#!/usr/bin/env bash
# The action's comment step: with a token, on a pull request, the plan as one comment that
# later runs update (found by a hidden marker), through the REST API at $GITHUB_API_URL.
set -euo pipefail
[ -n "${INPUT_GITHUB_TOKEN:-}" ] || exit 0
[ -n "${PLAN_MARKDOWN:-}" ] && [ -f "$PLAN_MARKDOWN" ] || exit 0
python=$(command -v python3 || command -v python) || {
  echo "::warning title=conductor-apply::no Python to post the plan comment with"
  exit 0
}
exec "$python" - <<'PY'
import json, os, sys, urllib.request

event = json.load(open(os.environ["GITHUB_EVENT_PATH"], encoding="utf-8"))
number = (event.get("pull_request") or {}).get("number")
if number is None:
    print("conductor-apply: not a pull request: no comment")
    sys.exit(0)
marker = "<!-- conductor-apply plan -->"
with open(os.environ["PLAN_MARKDOWN"], encoding="utf-8") as f:
    body = marker + "\n" + f.read()
api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
base = f"{api}/repos/{os.environ['GITHUB_REPOSITORY']}/issues"
headers = {
    "Authorization": "Bearer " + os.environ["INPUT_GITHUB_TOKEN"],
    "Accept": "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "Content-Type": "application/json",
}

def call(method, url, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)

existing = None
page = 1
while existing is None:
    comments = call("GET", f"{base}/{number}/comments?per_page=100&page={page}")
    existing = next((c for c in comments if marker in (c.get("body") or "")), None)
    if len(comments) < 100:
        break
    page += 1
if existing:
    call("PATCH", f"{base}/comments/{existing['id']}", {"body": body})
    print(f"conductor-apply: updated the plan comment on #{number}")
else:
    call("POST", f"{base}/{number}/comments", {"body": body})
    print(f"conductor-apply: posted the plan on #{number}")
PY
