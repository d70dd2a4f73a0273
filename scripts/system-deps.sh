#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks drive for real (socat pty pairs,
# PostgreSQL, Xvfb, poppler's pdftoppm; with `bench`, glabels as the rendering peer) when missing.
# Only root can install; anyone else is told what is missing and the dependent tests skip.
set -euo pipefail
need=()
command -v socat >/dev/null || need+=(socat)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v Xvfb >/dev/null || need+=(xvfb)
# glabels is only the benchmark's peer: installed for `make bench`, not for tests.
if [ "${1:-}" = "bench" ]; then
    command -v glabels-3-batch >/dev/null || need+=(glabels)
    command -v xvfb-run >/dev/null || need+=(xvfb)
fi
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# What Qt's xcb platform plugin loads for a real window (make run on a desktop, Xvfb in tests).
for pkg in libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
           libxcb-xkb1 libxcb-shape0 libxcb-randr0 libxkbcommon-x11-0 libegl1 libgl1 \
           libfontconfig1 libdbus-1-3 fonts-dejavu-core xauth; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: not root, cannot install: ${need[*]}" >&2
    exit 0
fi
echo "system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
