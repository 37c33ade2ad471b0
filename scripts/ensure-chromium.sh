#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing (root with apt only).
set -u
[ -x /usr/bin/chromium ] && { echo "chromium: $(/usr/bin/chromium --version 2>/dev/null)"; exit 0; }
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1
fi
[ -x /usr/bin/chromium ] && { echo "chromium: installed"; exit 0; }
echo "chromium: NOT available (browser tests will be skipped outside CI)"
exit 1
