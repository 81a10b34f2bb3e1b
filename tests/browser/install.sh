#!/bin/sh
# Install the headless browser the report tests drive: Debian's chromium and chromium-driver.
#
# Idempotent: installs the packages only when a binary is missing. Needs root (or sudo
# without a password) the first time, like tests/pubsub/build.sh.
set -eu

packages="chromium chromium-driver"
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    echo "browser: $(chromium --version 2>/dev/null | head -1) and chromedriver present"
    exit 0
fi
echo "browser: installing $packages (Debian)"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "browser: apt-get not found. Install Chromium and its WebDriver ($packages on Debian/Ubuntu)." >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    echo "browser: not root. Run as root:" >&2
    echo "  apt-get update && apt-get install -y $packages" >&2
    exit 1
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $packages
