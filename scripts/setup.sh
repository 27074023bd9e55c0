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

# Newest supported Python first. Each candidate is run, not just looked up: a pyenv shim such as
# python3.13 exists on PATH but fails unless that version is selected.
supported() { "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null; }
PYTHON=""
if [ -n "${VOICE_HELPER_PYTHON:-}" ]; then
  supported "$VOICE_HELPER_PYTHON" || {
    echo "setup: VOICE_HELPER_PYTHON=$VOICE_HELPER_PYTHON is not a working Python 3.11, 3.12 or 3.13" >&2; exit 1; }
  PYTHON=$VOICE_HELPER_PYTHON
else
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && supported "$candidate"; then PYTHON=$candidate; break; fi
  done
fi
if [ -z "$PYTHON" ]; then
  if command -v python3 >/dev/null; then python3 -m voice_helper.platform_support --platform-only || true; fi
  echo "setup: voice-helper needs Python 3.11, 3.12 or 3.13 (Debian/Ubuntu: apt-get install python3 python3-venv;" \
    "or name one with VOICE_HELPER_PYTHON=/path/to/python3.12)" >&2; exit 1
fi
# The speech engine's wheel needs glibc 2.34+ on x86_64 or aarch64: say so plainly before pip fails.
"$PYTHON" -m voice_helper.platform_support || exit 1
VENV=${VOICE_HELPER_VENV:-.venv}
python_id() { "$1" -c 'import sys; print(sys.version.replace(chr(10), " "), sys.platform)' 2>/dev/null; }
wanted_id=$(python_id "$PYTHON")
# A .venv made by another Python (or whose Python has gone) is rebuilt, not reused.
if [ -e "$VENV" ] && [ "$(python_id "$VENV/bin/python" || true)" != "$wanted_id" ]; then
  echo "setup: $VENV was made by another Python (or its Python is gone); rebuilding it with $PYTHON ($wanted_id)" >&2
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV" || {
    rm -rf "$VENV"; echo "setup: creating $VENV failed; on Debian/Ubuntu install python3-venv" \
      "(or python3.X-venv for the Python named above)" >&2; exit 1; }
fi
# One stamp per extra set; the test install also satisfies the plain one, so start after test is a no-op.
stamp_for() { echo "$VENV/.installed-$( (cat pyproject.toml; echo "$wanted_id"; echo "$1") | sha256sum | cut -c1-16)"; }
stamp=$(stamp_for "${1:-}")
if [ ! -f "$stamp" ]; then
  echo "setup: installing voice-helper into $VENV with $PYTHON (a minute or two the first time)" >&2
  log="$VENV/.setup.log"; extra=""; [ "${1:-}" = "--test" ] && extra="[test]"
  if ! { "$VENV/bin/python" -m pip install -q --upgrade pip && "$VENV/bin/python" -m pip install -q -e ".$extra"; } >"$log" 2>&1 \
    || ! "$VENV/bin/python" -c "import voice_helper, vosk, moonshine_voice, onnxruntime, pyttsx3, apscheduler, sklearn, wordllama" 2>>"$log"; then
    grep -v '^WARNING: Location' "$log" >&2 || true
    echo "setup: installing the Python packages failed (see above; the log is $log)" >&2; exit 1
  fi
  rm -f "$VENV"/.installed-*; touch "$stamp"
  if [ "${1:-}" = "--test" ]; then touch "$(stamp_for "")"; fi
fi
