#!/bin/sh
# Install the headless browser the report tests drive: Debian's chromium and chromium-driver.
#
# Idempotent: installs the packages only when a binary is missing. Needs root (or sudo
# without a password) the first time (tests/apt-install.sh).
set -eu

packages="chromium chromium-driver"
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    echo "browser: $(chromium --version 2>/dev/null | head -1) and chromedriver present"
    exit 0
fi
sh "$(dirname "$0")/../apt-install.sh" browser "" $packages
