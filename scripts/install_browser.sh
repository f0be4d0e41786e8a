#!/bin/sh
# Install the system Chromium the browser tests drive (Playwright with Debian's chromium).
# Idempotent; needs root and apt-get (CI and this project's machines). Elsewhere it only says
# what to do: the browser tests then skip with that reason (CI makes a skip a failure).
set -eu
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null)"
else
  echo "chromium is not installed: the browser tests will be skipped." >&2
  echo "Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
fi
