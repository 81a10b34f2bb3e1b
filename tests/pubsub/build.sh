#!/bin/sh
# Build the fake Pub/Sub server used by the tests (tests/pubsub/fakepubsub).
#
# Offline: Go and Google's pstest come from Debian (golang-go,
# golang-google-cloud-dev 0.56) and are built in GOPATH mode against
# /usr/share/gocode, so nothing is downloaded at build time. Idempotent: it
# installs the packages only when missing and rebuilds only when main.go is
# newer than the binary. Output: $CROSSWIRE_CACHE/fakepubsub (default
# <repo>/.cache/fakepubsub).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${CROSSWIRE_CACHE:-$repo/.cache}
out=$cache/fakepubsub
gocode=/usr/share/gocode
pstest=$gocode/src/cloud.google.com/go/pubsub/pstest
packages="golang-go golang-google-cloud-dev"

if ! command -v go >/dev/null 2>&1 || [ ! -d "$pstest" ]; then
    sh "$here/../apt-install.sh" fakepubsub \
        "or set PUBSUB_EMULATOR_HOST to a running emulator (gcloud beta emulators pubsub start)." $packages
fi

if [ -x "$out" ] && [ "$out" -nt "$here/fakepubsub/main.go" ] && [ "$out" -nt "$0" ]; then
    echo "fakepubsub: up to date ($out)"
    exit 0
fi

mkdir -p "$cache"
echo "fakepubsub: building $out"
cd "$here/fakepubsub"
GO111MODULE=off GOPATH=$gocode GOFLAGS= GOPROXY=off GOTOOLCHAIN=local \
    GOCACHE="$cache/go-build" \
    go build -o "$out.tmp" .
mv "$out.tmp" "$out"
echo "fakepubsub: built $out"
