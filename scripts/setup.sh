#!/usr/bin/env bash
# Idempotent set-up on Debian/Ubuntu: system packages, .venv/ in the repo root, the project in it.
# Usage: scripts/setup.sh [--test]   (--test also installs what the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_RUN=(espeak-ng libespeak-ng1 libportaudio2 sox pulseaudio pulseaudio-utils libasound2-plugins)
APT_TEST=(systemd strace)
want=("${APT_RUN[@]}")
[ "${1:-}" = "--test" ] && want+=("${APT_TEST[@]}")

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2; exit 1; fi
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    PYTHON=$candidate; break
  fi
done
if [ -z "$PYTHON" ]; then
  echo "setup: voice-helper needs Python 3.11 (Debian 12: apt-get install python3 python3-venv)" >&2; exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || { echo "setup: creating .venv failed; on Debian install python3-venv" >&2; exit 1; }
fi
stamp=.venv/.installed-$( (cat pyproject.toml; echo "${1:-}") | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
  extra=""; [ "${1:-}" = "--test" ] && extra="[test]"
  .venv/bin/python -m pip install -q -e ".$extra" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -c "import voice_helper, vosk, moonshine_voice, onnxruntime, pyttsx3, apscheduler" \
    || { echo "setup: installing the Python packages failed (see above)" >&2; exit 1; }
  rm -f .venv/.installed-*; touch "$stamp"
fi
