#!/bin/sh
# apt-install.sh WHO HINT PACKAGE...: install Debian packages for a test tool, as root or
# with sudo that asks no password; otherwise say what to run and fail. Shared by
# tests/pubsub/build.sh and tests/browser/install.sh. HINT (may be empty) is printed
# after the failure message, as an alternative to installing.
set -eu

who=$1
hint=$2
shift 2
echo "$who: installing $* (Debian)"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: apt-get not found. Install $* (Debian/Ubuntu names)." >&2
    [ -z "$hint" ] || echo "$hint" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    echo "$who: not root. Run as root:" >&2
    echo "  apt-get update && apt-get install -y $*" >&2
    [ -z "$hint" ] || echo "$hint" >&2
    exit 1
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
