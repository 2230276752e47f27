#!/usr/bin/env bash
# Sets up everything in a local virtual environment (.venv): torch (CPU build),
# the package in editable mode with its viewer bundle, and the test tools.
# With --browser it also installs Debian's Chromium for the browser tests.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
venv=.venv

if [ ! -x "$venv/bin/python" ]; then
  echo "==> creating $venv"
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)

# A bare torch requirement with no torch installed would pull a CUDA build of
# several GB; the pinned CPU wheel is small, so install it first.
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  echo "==> installing torch (CPU)"
  "${pip[@]}" install "torch==2.13.0"
fi

echo "==> building the viewer bundle"
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.gdeep-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.gdeep-lock-hash
fi
npm run --silent build

stamp="$venv/.gdeep-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing gdeep-widgets and its test tools"
  "${pip[@]}" install -e ".[lab,test]"
  touch "$stamp"
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing Chromium from Debian's packages"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
echo "==> set-up done"
